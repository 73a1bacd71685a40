"""nnlib.plotting: the course style, and the figure check that makes nbval fail on overlapping text."""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from nnlib import plotting


@pytest.fixture
def fig_ax():
    fig, ax = plt.subplots(figsize=(4, 3))
    yield fig, ax
    plt.close(fig)


def test_a_clean_figure_has_no_problems(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1], label="line")
    ax.set(xlabel="$x$", ylabel="$y$", title="clean")
    ax.legend()
    assert plotting.text_problems(fig) == []


def test_overlapping_labels_are_named(fig_ax):
    fig, ax = fig_ax
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    assert plotting.text_problems(fig) == ["text 'first label' overlaps 'second label'"]


def test_a_label_over_the_tick_labels_is_caught(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1])
    ax.text(0.4, -0.06, "F", transform=ax.transAxes, fontsize=14, ha="center")  # sits on the x tick labels
    assert any("'F' overlaps" in p for p in plotting.text_problems(fig))


def test_tick_labels_outside_the_view_are_not_drawn_so_not_checked(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 1], [0, 1])
    ax.set_xlim(0.05, 0.95)  # the locator keeps ticks beyond the limits; they are never drawn
    assert plotting.text_problems(fig) == []


def test_log_axis_ticks_beyond_the_limits_are_not_checked(fig_ax):
    fig, ax = fig_ax
    ax.loglog([1e-12, 1.0], [1e-16, 1.0])
    ax.set_ylim(1e-17, 1e1)  # the locator also places 1e-18, below the limit: never drawn
    fig.canvas.draw()
    below = [t.label1 for t in ax.yaxis.get_major_ticks() if t.get_loc() < 1e-17]
    assert below, "the locator placed no tick below the limit: the test shows nothing"
    assert set(below) <= plotting._undrawn_tick_labels(fig)
    assert plotting.text_problems(fig) == []


def test_course_style_sets_readable_defaults():
    with matplotlib.rc_context():
        plotting.use_course_style()
        assert matplotlib.rcParams["legend.fontsize"] >= 10
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == plotting.OKABE_ITO


def test_class_points_are_edged_and_coloured_by_class(fig_ax):
    fig, ax = fig_ax
    points = plotting.class_points(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    face = points.get_facecolors()
    assert not np.allclose(face[0], face[1]), "two classes share a colour"
    assert np.allclose(points.get_edgecolors()[0][:3], 0), "points need a dark edge over a decision map"


def test_integer_ticks(fig_ax):
    fig, ax = fig_ax
    ax.plot([0, 3], [0, 1])
    plotting.integer_ticks(ax)
    fig.canvas.draw()
    ticks = ax.get_xticks()
    assert np.allclose(ticks, np.round(ticks))


def test_in_a_kernel_an_overlap_is_written_to_stderr():
    """The mechanism nbval relies on: a cell whose figure overlaps text prints to stderr."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (
        "import matplotlib.pyplot as plt\nfrom nnlib.plotting import use_course_style\nuse_course_style()",
        "fig, ax = plt.subplots()\nax.plot([0, 1])",
        "fig, ax = plt.subplots()\nax.text(0.5, 0.5, 'first label')\nax.text(0.52, 0.5, 'second label')")]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    stderr = [["".join(o.text) for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
              for cell in nb.cells]
    assert stderr[1] == [], "a clean figure was reported"
    assert stderr[2] == ["figure check: text 'first label' overlaps 'second label'\n"]
