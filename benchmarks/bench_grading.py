"""How long grading takes, against how long simply running the notebook takes (a benchmark, not a test).

    python -m benchmarks.bench_grading [--assignment ex06_softmax] [--batch 30] [--repeat 3]

Submissions are the generated student version with every solution cell filled in (full marks).
Measured in this process, side by side, best of ``--repeat``:

* ``nbclient``: nbclient executes the learner's notebook (a kernel, every cell): the reference;
* ``tools.grade`` self-grade (``grade.grade_notebook``): a temporary course, generate_assignment,
  autograde with the guard, in the sandbox and without it;
* the ``python -m tools.grade`` command (interpreter and imports included);
* ``tools.autograde_class`` on ``--batch`` submissions into a PostgreSQL gradebook (a private
  server started here), ``--jobs 1`` against ``--jobs 2``.

Goals (issue 10): self-grade at most 1.5x nbclient; sandboxed at most 1.3x unsandboxed.
Wall time depends on what else the machine runs: the load average is printed.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests" / "grading"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from tools import _nbgrader, _sandbox, autograde_class, grade  # noqa: E402

MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}


def _filled(root, assignment):
    """The generated student version with the reference answers typed in."""
    import nbformat

    source = nbformat.read(str(_nbgrader.notebook_path(ROOT, "solutions", assignment)), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in c.source.splitlines() if line.strip() not in MARKERS)
        for c in source.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(_nbgrader.notebook_path(root, "exercises", assignment)), as_version=4)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure_self_grade(assignment, repeat):
    import nbclient
    import nbformat

    _nbgrader.scratch_gradebooks()
    with tempfile.TemporaryDirectory(prefix="nnlib-bench-grading-") as tmp:
        course = _nbgrader.make_course(Path(tmp) / "course", [assignment])
        _nbgrader.generate(course, assignment)
        nb = _filled(course, assignment)
        learner = Path(tmp) / f"{assignment}.ipynb"
        nbformat.write(nb, str(learner))

        def run_nbclient():
            copy = nbformat.read(str(learner), as_version=4)
            nbclient.NotebookClient(copy, allow_errors=True, resources={"metadata": {"path": tmp}}).execute()

        def run_grade(sandbox):
            scores, _messages = grade.grade_notebook(learner, assignment, sandbox=sandbox)
            assert scores["score"] == scores["max_score"], scores

        result = {"nbclient": _best(run_nbclient, repeat), "grade_unsandboxed": _best(lambda: run_grade(False), repeat)}
        if _sandbox.available():
            result["grade_sandboxed"] = _best(lambda: run_grade(True), repeat)
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        result["command"] = _best(lambda: subprocess.run(
            [sys.executable, "-m", "tools.grade", str(learner)], cwd=ROOT, env=env, check=True, capture_output=True), 1)
    return result


def measure_class(assignment, batch):
    import nbformat
    import postgres_cluster

    if not postgres_cluster.available():
        return None
    result = {}
    with tempfile.TemporaryDirectory(prefix="nnlib-bench-class-") as tmp:
        (Path(tmp) / "pg").mkdir()
        cluster = postgres_cluster.Cluster(Path(tmp) / "pg").start()
        try:
            for jobs in (1, 2):
                course = _nbgrader.make_course(Path(tmp) / f"course{jobs}", [assignment])
                url = cluster.url.rsplit("/", 1)[0] + f"/class{jobs}"
                import psycopg

                with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user={cluster.user} dbname=postgres",
                                     autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE class{jobs}")
                overrides = {"CourseDirectory": {"db_url": url}}
                _nbgrader.generate(course, assignment, overrides=overrides)
                nb = _filled(course, assignment)
                for i in range(batch):
                    path = _nbgrader.notebook_path(course, f"submitted/s{i:02d}", assignment)
                    path.parent.mkdir(parents=True)
                    nbformat.write(nb, str(path))
                start = time.perf_counter()
                graded, failed = autograde_class.autograde_class(course, assignment, jobs=jobs,
                                                                 sandbox=_sandbox.available(), overrides=overrides,
                                                                 log=lambda line: None)
                result[jobs] = time.perf_counter() - start
                full = sum(s["score"] == s["max_score"] for s in graded.values())
                assert full == batch and not failed, f"{full} of {batch} full marks, failed: {list(failed)}"
        finally:
            cluster.stop()
    return result


def report_lines(assignment="ex06_softmax", batch=30, repeat=3):
    """Markdown lines for benchmarks/results.md (called by ``python -m benchmarks.run``)."""
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    load = os.getloadavg()[0]
    s = measure_self_grade(assignment, repeat)
    c = measure_class(assignment, batch)
    ref = s["nbclient"]
    lines = [f"`{assignment}`, full-marks submissions; {os.cpu_count()} cores, load average {load:.1f} at start; "
             f"best of {repeat}.", "",
             "| run | wall (s) | vs nbclient |", "|---|---|---|",
             f"| nbclient executes the notebook (reference) | {ref:.2f} | 1.00 |",
             f"| self-grade `grade_notebook`, no sandbox | {s['grade_unsandboxed']:.2f} | {s['grade_unsandboxed'] / ref:.2f} |"]
    if "grade_sandboxed" in s:
        lines.append(f"| self-grade `grade_notebook`, sandboxed | {s['grade_sandboxed']:.2f} | {s['grade_sandboxed'] / ref:.2f} |")
    lines.append(f"| `python -m tools.grade` command (start-up included) | {s['command']:.2f} | {s['command'] / ref:.2f} |")
    lines.append("")
    if "grade_sandboxed" in s:
        lines.append(f"Sandbox cost per submission: {s['grade_sandboxed'] / s['grade_unsandboxed']:.2f}x unsandboxed "
                     "(goal at most 1.3x). Self-grade goal: at most 1.5x nbclient.")
    if c:
        lines += ["", f"Class of {batch} submissions, `tools.autograde_class` into PostgreSQL 15:", "",
                  "| jobs | wall (s) | per submission (s) | speed-up |", "|---|---|---|---|",
                  f"| 1 | {c[1]:.1f} | {c[1] / batch:.2f} | 1.00 |",
                  f"| 2 | {c[2]:.1f} | {c[2] / batch:.2f} | {c[1] / c[2]:.2f} |"]
    else:
        lines += ["", "(PostgreSQL or psycopg missing: class benchmark skipped)"]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    known = _nbgrader.assignments()
    default = "ex06_softmax" if "ex06_softmax" in known else (known or [""])[0]
    parser.add_argument("--assignment", default=default)
    parser.add_argument("--batch", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("\n".join(report_lines(args.assignment, args.batch, args.repeat)))


if __name__ == "__main__":
    main()
