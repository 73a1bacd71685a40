"""One look for every figure of the course, and a check that a figure's text is readable.

``use_course_style()`` (each chapter calls it once, after its imports) sets matplotlib's defaults:
readable font sizes, a colour-blind-safe palette (Okabe and Ito's eight colours), light grid lines,
and in IPython it checks every figure a cell draws: text that overlaps other text is reported on
stderr, so a chapter run under nbval fails on it.

``CLASS_COLORS`` are the palette's colours for class labels 0, 1, 2, ... and ``class_points``
draws labelled points with a dark edge, so they stay visible over a filled decision map.
"""
import sys

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

__all__ = ["OKABE_ITO", "CLASS_COLORS", "COURSE_STYLE", "use_course_style", "text_problems",
           "report_text_problems", "integer_ticks", "class_points"]

# Okabe & Ito (2008), "Color universal design": told apart with every common colour-vision deficiency
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
CLASS_COLORS = OKABE_ITO[:7]

COURSE_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2,
    "figure.dpi": 100,
}


def integer_ticks(ax, axis="x"):
    """Ticks on whole numbers only, for axes that count (layers, epochs, steps)."""
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def class_points(ax, X, y, **scatter_kwargs):
    """Scatter the rows of X (N, 2) coloured by their integer class y (N,), edged in black."""
    colors = [CLASS_COLORS[int(label) % len(CLASS_COLORS)] for label in y]
    options = {"s": 25, "edgecolors": "black", "linewidths": 0.6, "zorder": 3}
    return ax.scatter(X[:, 0], X[:, 1], c=colors, **{**options, **scatter_kwargs})


def _undrawn_tick_labels(fig):
    """Tick labels matplotlib keeps for ticks outside the view limits: they are not drawn."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            scale = axis.get_transform()  # compare on the axis's own scale (a log axis in decades)
            low, high = sorted(scale.transform(list(axis.get_view_interval())))
            margin = 1e-9 * (high - low)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not low - margin <= scale.transform([loc])[0] <= high + margin:
                    undrawn.update((tick.label1, tick.label2))
    return undrawn


def _agg_canvas(fig):
    """fig's canvas, or an Agg canvas for a figure made without pyplot (as display() would use)."""
    return fig.canvas if hasattr(fig.canvas, "get_renderer") else FigureCanvasAgg(fig)


def _texts(fig):
    """(text, bounding box in pixels) of every text artist of fig that is drawn and not empty."""
    renderer = _agg_canvas(fig).get_renderer()
    undrawn = _undrawn_tick_labels(fig)
    found = []
    for text in fig.findobj(mpl.text.Text):
        if text in undrawn or not text.get_visible() or not text.get_text().strip() or text.get_alpha() == 0:
            continue
        box = text.get_window_extent(renderer)
        clip = text.get_clip_box() if text.get_clip_on() else None
        if clip is not None:  # a text clipped to its axes shows only the part inside them
            box = Bbox.intersection(box, clip)
            if box is None:
                continue
        found.append((text, box))
    return found


def text_problems(fig, slack=1.0):
    """Texts of a figure that overlap each other (labels, ticks, titles, legends, annotations).

    Returns one line per overlapping pair, an empty list when the figure is fine; boxes may touch
    by ``slack`` pixels. (Text outside the canvas cannot happen in a notebook: the inline backend
    crops the picture to whatever was drawn, ``bbox_inches="tight"``.)
    """
    _agg_canvas(fig).draw()
    texts = _texts(fig)
    problems = []
    for i, (a, box_a) in enumerate(texts):
        for b, box_b in texts[i + 1:]:
            overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if overlap_x > slack and overlap_y > slack:
                problems.append(f"text {a.get_text()!r} overlaps {b.get_text()!r}")
    return problems


def report_text_problems(fig):
    """Print text_problems(fig) to stderr, one line each (under nbval, a stderr line fails the cell)."""
    for problem in text_problems(fig):
        print(f"figure check: {problem}", file=sys.stderr)


def _check_open_figures():
    import matplotlib.pyplot as plt
    for number in plt.get_fignums():
        report_text_problems(plt.figure(number))


def use_course_style():
    """Apply COURSE_STYLE to matplotlib; under IPython, also check each figure a cell leaves open.

    The check runs after each cell and before the inline backend shows and closes the cell's
    figures (its hook is registered when the first figure is made, so after this one).
    """
    mpl.rcParams.update(COURSE_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or _check_open_figures in shell.events.callbacks["post_execute"]:
        return
    shell.events.register("post_execute", _check_open_figures)
