"""How long each slider of every chapter takes to redraw its figure (a benchmark, not a test).

    python -m benchmarks.bench_sliders [chapters/08_optimizers.ipynb ...]

Each chapter runs in a fresh kernel (nbclient) with ``nnlib.widgets.live_figure`` wrapped so that
it also records the controls it was given. After the last cell, every control of every slider is
moved once, to a value other than its default, and the time until the figure has been redrawn and
encoded for display (the redraw callback runs synchronously in the kernel) is measured. Moving a
slider back and forth is not measured: one move per control is what a learner's drag costs now
that ``continuous_update`` is off.

The reference, measured in the same kernel, is a plain matplotlib figure of one 200-point line
drawn and encoded the same way: redraws are reported in seconds and as a multiple of it. The goal
(issue 15) is at most 0.3 s per redraw on 2 cores; the transport to the browser and the browser's
own drawing come on top and are not measured here.
"""
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 0.3

RECORD = '''
import nnlib.widgets as _w
_bench_sliders = []
_bench_live = _w.live_figure
def _bench_recording(draw, **controls):
    _bench_sliders.append((draw, controls))
    return _bench_live(draw, **controls)
_w.live_figure = _bench_recording
'''

# Moves each control to another value it offers: the next option, or a point 3/4 of the way along.
MEASURE = '''
import json as _json, time as _time
import matplotlib.pyplot as _plt
from IPython.display import display as _display

def _bench_other(c):
    if hasattr(c, "options") and len(c.options) > 1:
        values = [o[1] if isinstance(o, tuple) else o for o in c.options]
        return values[(values.index(c.value) + 1) % len(values)]
    if hasattr(c, "min"):
        target = c.min + 0.75 * (c.max - c.min)
        if isinstance(c.value, int):
            target = int(round(target))
        return target if target != c.value else c.min
    if isinstance(c.value, bool):
        return not c.value
    return None

def _bench_reference():
    fig, ax = _plt.subplots(figsize=(6, 4))
    ax.plot(range(200), [i * i for i in range(200)])
    _plt.close(fig)
    start = _time.perf_counter()
    _display(fig, display_id="bench-reference")
    return _time.perf_counter() - start

_bench_ref = min(_bench_reference() for _ in range(3))
_bench_rows = []
for _i, (_draw, _controls) in enumerate(_bench_sliders):
    for _name, _c in _controls.items():
        _new = _bench_other(_c)
        if _new is None:
            continue
        _start = _time.perf_counter()
        _c.value = _new
        _whole = _time.perf_counter() - _start
        # the same redraw again in two parts: the chapter's draw(), then encoding the figure for display
        _start = _time.perf_counter()
        _fig = _draw(**{k: c.value for k, c in _controls.items()})
        _plt.close(_fig)
        _drawn = _time.perf_counter() - _start
        _start = _time.perf_counter()
        _display(_fig, display_id="bench-split")
        _bench_rows.append((_i, _name, _whole, _drawn, _time.perf_counter() - _start))
print("BENCH" + _json.dumps({"reference": _bench_ref, "rows": _bench_rows}))
'''


def measure(path):
    """``(reference seconds, [(slider index, control, seconds, draw() seconds, encode seconds)])``."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(RECORD))
    nb.cells.append(nbformat.v4.new_code_cell(MEASURE))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    for out in nb.cells[-1].outputs:
        if out.get("name") == "stdout" and "BENCH" in out["text"]:
            found = json.loads(out["text"].split("BENCH", 1)[1])
            return found["reference"], found["rows"]
    raise RuntimeError(f"{path}: the measuring cell printed no result")


def report_lines(paths):
    lines = [f"Every slider moved once; seconds until its figure is redrawn and encoded, and as a multiple "
             f"of a one-line reference figure drawn in the same kernel. Goal: <= {GOAL_SECONDS} s.\n",
             "draw() is the chapter's own function (computing and building the figure); encode is turning "
             "the finished figure into the PNG the notebook shows.\n",
             "| chapter | slider | control | seconds | vs reference | draw() | encode | goal |",
             "|---|---|---|---|---|---|---|---|"]
    worst = []
    for path in paths:
        reference, rows = measure(path)
        for index, name, seconds, drawn, encoded in rows:
            verdict = "met" if seconds <= GOAL_SECONDS else "MISSED"
            lines.append(f"| {Path(path).stem} | {index + 1} | {name} | {seconds:.2f} | "
                         f"{seconds / reference:.1f} | {drawn:.2f} | {encoded:.2f} | {verdict} |")
            worst.append(seconds)
    missed = sum(s > GOAL_SECONDS for s in worst)
    lines.append(f"\n{len(worst)} controls, {missed} above {GOAL_SECONDS} s; slowest {max(worst):.2f} s.")
    return lines


def main():
    paths = sys.argv[1:] or sorted(str(p) for p in (ROOT / "chapters").glob("*.ipynb"))
    print("\n".join(report_lines(paths)))


if __name__ == "__main__":
    main()
