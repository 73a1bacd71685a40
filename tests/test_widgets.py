"""live_figure: the default figure is a plain output; a slider move replaces it in place."""
import ipywidgets as widgets
from ipywidgets.widgets.widget import _instances  # every live widget by model id
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nnlib import widgets as nw  # noqa: E402


def _draw(scale):
    if scale > 2:
        raise RuntimeError("scale too large for this figure")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, scale])
    return fig


def test_slider_moves_redraw_the_same_display_and_errors_are_shown(monkeypatch):
    shown = []
    monkeypatch.setattr(nw, "display", lambda obj, **kw: shown.append((obj, kw)))
    slider = widgets.FloatSlider(value=1.0, min=0, max=3)
    nw.live_figure(_draw, scale=slider)
    view, figure = shown[0], shown[1]
    assert view[1] == {"raw": True}
    model = _instances[view[0]["application/vnd.jupyter.widget-view+json"]["model_id"]]
    assert isinstance(model, widgets.VBox) and list(model.children) == [slider]
    assert view[0]["text/plain"] == "sliders for scale: run this cell to move them"
    assert slider.continuous_update is False  # a drag redraws once, when it ends
    assert isinstance(figure[0], matplotlib.figure.Figure) and "update" not in figure[1]
    display_id = figure[1]["display_id"]

    slider.value = 1.5
    obj, kw = shown[-1]
    assert kw == {"display_id": display_id, "update": True}
    assert obj.axes[0].lines[0].get_ydata()[1] == 1.5

    slider.value = 2.5  # draw raises: the traceback replaces the figure
    obj, kw = shown[-1]
    assert kw["update"] and "scale too large for this figure" in obj.data


def test_live_figure_rejects_bad_controls():
    with pytest.raises(ValueError, match="expected at least one control, got none"):
        nw.live_figure(_draw)
    with pytest.raises(ValueError, match=r"expected control 'scale' to be an ipywidgets widget, got float"):
        nw.live_figure(_draw, scale=1.0)
