"""Sliders that redraw a matplotlib figure in place.

``live_figure`` shows the default figure as an ordinary output, so a notebook read
on GitHub or in the static book still shows a figure, and then redraws that same
output (``update_display``) whenever a slider moves in a live Jupyter session.
"""
import itertools
import traceback

import matplotlib.pyplot as plt
from IPython.display import Pretty, display
import ipywidgets as widgets

from .plotting import report_text_problems

_ids = itertools.count()


def live_figure(draw, **controls):
    """Display ``draw(**values)`` under a row of sliders and redraw it when they move.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``; called with every control's value.
    **controls : ipywidgets.ValueWidget
        One widget per keyword of ``draw``, e.g. ``depth=widgets.IntSlider(8, 1, 20)``.

    Returns nothing, so a cell ending in ``live_figure(...)`` prints no repr.
    """
    if not controls:
        raise ValueError("live_figure expected at least one control, got none")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise ValueError(f"live_figure expected control {name!r} to be an ipywidgets widget, "
                             f"got {type(control).__name__}")
    # display ids must be unique in a notebook; a counter keeps them deterministic
    display_id = f"live-figure-{next(_ids)}"

    def current_figure():
        fig = draw(**{name: c.value for name, c in controls.items()})
        plt.close(fig)  # the inline backend would otherwise show it a second time
        return fig

    for control in controls.values():
        # one redraw when a drag ends, not one per value it passed through: a redraw takes tenths
        # of a second, so during a drag the queued ones would keep the figure seconds behind
        if control.has_trait("continuous_update"):
            control.continuous_update = False
    box = widgets.VBox(list(controls.values()))
    view = box._repr_mimebundle_()
    # what a notebook shows where no widget can be drawn (before the cell has run, on GitHub)
    view["text/plain"] = f"sliders for {', '.join(controls)}: run this cell to move them"
    display(view, raw=True)
    first = current_figure()
    report_text_problems(first)  # the stored figure only: redraws stay as fast as they can be
    display(first, display_id=display_id)

    def redraw(_change):
        # An error in a slider callback would otherwise go only to the log console, leaving
        # the old figure up; show it where the figure was so the learner sees it.
        try:
            shown = current_figure()
        except Exception:
            shown = Pretty(traceback.format_exc())
        display(shown, display_id=display_id, update=True)

    for control in controls.values():
        control.observe(redraw, names="value")
