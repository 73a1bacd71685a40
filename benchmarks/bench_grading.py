"""How long nbgrader takes to autograde a submission of this course (a benchmark, not a test).

    python -m benchmarks.bench_grading [--assignment ex06_softmax] [--batch 30]

In temporary course copies with the repository's nbgrader_config.py (gradebook on disk, as for
an instructor), submissions are the generated student version with every solution cell filled in
(full marks). Measured: ``autograde`` of 1 submission and of a batch of ``--batch`` submissions
(one run, a fresh kernel each), both in-process, and the command ``nbgrader autograde`` for 1
submission (Python and nbgrader start-up included). CPU time counts this process and the kernels
it started; wall time also depends on what else the machine runs, so the load average is printed.
Goal: at most 3 s of wall time per submission on 2 cores.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import _nbgrader  # noqa: E402

MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}


def _cpu():
    self_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + kids.ru_utime + kids.ru_stime


def _course(tmp, assignment, n_students):
    """A generated course copy with ``n_students`` full-marks submissions."""
    import nbformat

    root = _nbgrader.make_course(Path(tmp) / "course", [assignment])
    _nbgrader.generate(root, assignment)
    source = nbformat.read(str(_nbgrader.notebook_path(root, "solutions", assignment)), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in c.source.splitlines() if line.strip() not in MARKERS)
        for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(_nbgrader.notebook_path(root, "exercises", assignment)), as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    for i in range(n_students):
        path = _nbgrader.notebook_path(root, f"submitted/s{i:02d}", assignment)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
    return root


def _autograde(assignment, n_students):
    with tempfile.TemporaryDirectory(prefix="nnlib-bench-grading-") as tmp:
        root = _course(tmp, assignment, n_students)
        wall, cpu = time.perf_counter(), _cpu()
        _nbgrader.autograde(root, assignment)
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        scores = _nbgrader.read_scores(root, assignment)
        full = sum(s["score"] == s["max_score"] for s in scores.values())
        assert full == n_students, f"only {full} of {n_students} submissions got full marks"
    return wall, cpu


def _command(assignment):
    """``nbgrader autograde ASSIGNMENT`` as a command, one submission."""
    with tempfile.TemporaryDirectory(prefix="nnlib-bench-grading-") as tmp:
        root = _course(tmp, assignment, 1)
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        wall = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], cwd=root,
                       env=env, check=True, capture_output=True)
        return time.perf_counter() - wall


def measure(assignment="ex06_softmax", batch=30):
    load = os.getloadavg()[0]
    one = _autograde(assignment, 1)
    many = _autograde(assignment, batch)
    command = _command(assignment)
    return {"assignment": assignment, "batch": batch, "load": load, "one": one, "many": many, "command": command}


def report_lines(assignment="ex06_softmax", batch=30):
    """Markdown lines for benchmarks/results.md (called by ``python -m benchmarks.run``)."""
    r = measure(assignment, batch)
    (w1, c1), (wn, cn) = r["one"], r["many"]
    return [
        f"`{assignment}`, full-marks submissions, repository nbgrader_config.py (gradebook on disk); "
        f"{os.cpu_count()} cores, load average {r['load']:.1f} at start.",
        "",
        "| run | submissions | wall (s) | wall per submission (s) | CPU per submission (s) |",
        "|---|---|---|---|---|",
        f"| autograde, in-process | 1 | {w1:.2f} | {w1:.2f} | {c1:.2f} |",
        f"| autograde, in-process | {batch} | {wn:.1f} | {wn / batch:.2f} | {cn / batch:.2f} |",
        f"| `nbgrader autograde` command | 1 | {r['command']:.2f} | {r['command']:.2f} | |",
        "",
        "Goal: at most 3 s per submission. Most of it is starting a fresh kernel per submission.",
    ]


def main(argv=None):
    import warnings

    warnings.filterwarnings("ignore", message=r".*not in session.*")  # nbgrader + SQLAlchemy 2.x noise
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = "ex06_softmax" if "ex06_softmax" in _nbgrader.assignments() else (_nbgrader.assignments() or [""])[0]
    parser.add_argument("--assignment", default=default)
    parser.add_argument("--batch", type=int, default=30)
    args = parser.parse_args(argv)
    print("\n".join(report_lines(args.assignment, args.batch)))


if __name__ == "__main__":
    main()
