"""Grade your own exercise notebook with nbgrader, the way the course's grader does.

    python -m tools.grade exercises/ex06_softmax/ex06_softmax.ipynb

Run it from the repository root with the course's environment. The notebook's file name (or
``--assignment``) picks the assignment. Your notebook is only read: it is copied into a temporary
course folder, nbgrader's ``generate_assignment`` records the assignment there (hidden tests
included, from ``solutions/``), ``autograde`` runs your copy in a fresh kernel, and the scores are
read from that temporary gradebook. The folder is deleted afterwards. The one thing kept is the
generated gradebook (before any grading), in ``~/.cache/nnlib-workbook/grade/``, under a hash
of the assignment's source files, config and nbgrader version: the next call with the same
sources skips ``generate_assignment``.

On Linux with bubblewrap installed the kernel runs in a sandbox (no network, no view of your
files or of solutions/, resource limits; README "Instructors"); elsewhere it runs unsandboxed
and a one-line notice says so. Either way each test cell must prove it ran as written
(``tools._guarded_execute``): tampering with the tests, or an answer that only calls nnlib's own
version of what the question asks for, scores 0 on the cells concerned, with a line saying why.

Prints one row per test cell: its question, the points earned / possible, and for lost points the
error the cell raised (the hidden checks' messages included). Exit status: 0 full marks, 1 points
lost, 2 the notebook could not be graded.
"""
import argparse
import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat

from . import _nbgrader, _sandbox
from ._guarded_execute import DELEGATED, TAMPERED

STUDENT = "learner"
# Keeps the terminal readable: the kernel's own start-up warnings (e.g. "running over TCP without
# encryption") say nothing about the learner's code, whose errors are read from the notebook.
QUIET_KERNEL = {"Execute": {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]}}


def _points(x):
    return f"{x:g}"


@contextlib.contextmanager
def _environ(**values):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def cache_dir():
    """Where generated gradebooks are kept between calls: ``$XDG_CACHE_HOME/nnlib-workbook/grade``
    (``~/.cache/...`` by default; ``NNLIB_GRADE_CACHE`` overrides it, empty to turn it off)."""
    if "NNLIB_GRADE_CACHE" in os.environ:
        return Path(os.environ["NNLIB_GRADE_CACHE"]) if os.environ["NNLIB_GRADE_CACHE"] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nnlib-workbook" / "grade"


def _generation_key(course, assignment):
    """A hash of everything ``generate_assignment`` reads for ``assignment``: the course's config,
    every file of ``solutions/<assignment>/``, and the versions of nbgrader and SQLAlchemy."""
    import nbgrader
    import sqlalchemy

    digest = hashlib.sha256()
    course = Path(course)
    files = [course / _nbgrader.CONFIG_FILE] + sorted(
        p for p in (course / _nbgrader.SOURCE / assignment).rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(course)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"{assignment}\0nbgrader {nbgrader.__version__}\0sqlalchemy {sqlalchemy.__version__}".encode())
    return digest.hexdigest()


def _generate_cached(root, course, assignment):
    """``_nbgrader.generate`` for the temporary course ``root``, or its gradebook from the cache.

    The generated gradebook is stored as ``<key>.db`` next to ``<key>.sha256`` (the hash of the
    file's bytes); it is used only if the key (``_generation_key``) matches and the file still
    has the hash it was stored with, otherwise it is generated again and stored afresh.
    """
    folder = cache_dir()
    key = _generation_key(course, assignment)
    gradebook = Path(root) / "gradebook.db"
    if folder is not None:
        cached, check = folder / f"{key}.db", folder / f"{key}.sha256"
        try:
            data = cached.read_bytes()
            if hashlib.sha256(data).hexdigest() == check.read_text().strip():
                gradebook.write_bytes(data)
                return True
        except OSError:
            pass
    _nbgrader.generate(root, assignment)
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            data = gradebook.read_bytes()
            for path, content in ((folder / f"{key}.db", data),
                                  (folder / f"{key}.sha256", hashlib.sha256(data).hexdigest().encode())):
                part = path.with_name(f"{path.name}.{os.getpid()}.part")
                part.write_bytes(content)
                os.replace(part, path)  # a reader never sees half a file
        except OSError:  # a read-only HOME: grading works, only slower next time
            pass
    return False


def grade_notebook(notebook, assignment=None, course=_nbgrader.REPO, timeout=None, sandbox=None):
    """Autograde ``notebook`` in a temporary course folder; return (scores, messages).

    ``scores`` is the learner's entry of ``_nbgrader.gradebook_scores``; ``messages`` maps each
    graded cell that raised to its ``"Ename: message"``. ``sandbox``: None = where available.
    """
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise FileNotFoundError(f"no such notebook: {notebook}")
    assignment = assignment or notebook.stem
    known = _nbgrader.assignments(course)
    if assignment not in known:
        raise ValueError(f"unknown assignment {assignment!r} (from the file name; pass --assignment "
                         f"to choose one); known: {', '.join(known) or 'none'}")
    overrides = {"Execute": {**QUIET_KERNEL["Execute"]}}
    if timeout is not None:
        overrides["Execute"]["timeout"] = timeout
    _nbgrader.scratch_gradebooks()  # the gradebook below is deleted with its folder
    with tempfile.TemporaryDirectory(prefix="nnlib-grade-") as tmp:
        root = _nbgrader.make_course(Path(tmp) / "course", [assignment], root=course)
        _generate_cached(root, course, assignment)
        submitted = _nbgrader.notebook_path(root, f"submitted/{STUDENT}", assignment)
        submitted.parent.mkdir(parents=True)
        shutil.copyfile(notebook, submitted)
        # The kernel gets a fresh IPython profile inside the temporary folder: your own IPython
        # startup files cannot change the grading, and no profile is created in your HOME.
        with _environ(IPYTHONDIR=str(Path(tmp) / "ipython")):
            _nbgrader.autograde(root, assignment, STUDENT, overrides=overrides, sandbox=sandbox)
        scores = _nbgrader.read_scores(root, assignment).get(STUDENT)
        autograded = _nbgrader.notebook_path(root, f"autograded/{STUDENT}", assignment)
        if scores is None or not autograded.is_file():
            raise _nbgrader.NbgraderError(f"nbgrader recorded no graded submission for {notebook}")
        messages = _nbgrader.failure_messages(autograded)
        present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                   for c in nbformat.read(str(autograded), as_version=4).cells}
        for _nb, _q, cell, _score, _top in scores["cells"]:
            if cell not in present:
                messages[cell] = "this test cell is missing from your notebook (deleted?), so it scores 0"
    return scores, messages


def format_table(assignment, scores, messages, max_lines=12):
    """The score table as text: question, test cell, points, and under a cell that lost points the
    error it raised (first ``max_lines`` lines)."""
    header = ("question", "test cell", "points")
    rows = [(q, cell, f"{_points(score)} / {_points(top)}") for _nb, q, cell, score, top in scores["cells"]]
    w = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [f"{assignment}: {_points(scores['score'])} / {_points(scores['max_score'])} points "
             "(nbgrader autograde, hidden checks included)", "",
             f"{header[0]:<{w[0]}}  {header[1]:<{w[1]}}  {header[2]:>{w[2]}}"]
    previous = None
    for (question, cell, points), (_nb, _q, _c, score, top) in zip(rows, scores["cells"]):
        lines.append(f"{question if question != previous else '':<{w[0]}}  {cell:<{w[1]}}  {points:>{w[2]}}")
        previous = question
        if score < top:
            message = messages.get(cell, "no error recorded, yet no points: see the autograded notebook")
            if message == "NotImplementedError":
                message += " (an answer this cell checks is not written yet)"
            text = message.splitlines() or [""]
            if len(text) > max_lines:
                text = text[:max_lines] + ["..."]
            lines.extend(" " * (w[0] + 2) + ("-> " if k == 0 else "   ") + line for k, line in enumerate(text))
    lines += ["", f"total: {_points(scores['score'])} / {_points(scores['max_score'])}"]
    for ename, line in ((TAMPERED, "tampering detected: {n} test cell(s) did not run as written and score 0: {cells}"),
                        (DELEGATED, "delegation: {n} test cell(s) score 0 because the answer uses nnlib's own "
                                    "version of what the question asks you to write: {cells}")):
        cells = [cell for cell, message in messages.items() if message.startswith(ename)]
        if cells:
            lines.append(line.format(n=len(cells), cells=", ".join(cells)))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", help="your exercise notebook, e.g. exercises/ex06_softmax/ex06_softmax.ipynb")
    parser.add_argument("--assignment", help="assignment name if the file was renamed (e.g. ex06_softmax)")
    parser.add_argument("--course", default=str(_nbgrader.REPO),
                        help="course folder holding nbgrader_config.py and solutions/ (default: this repository)")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds per cell before it is interrupted (default: nbgrader_config.py)")
    args = parser.parse_args(argv)
    # nbgrader 0.9.6 with SQLAlchemy 2.x warns "Object of type <SubmittedAssignment> not in session"
    # while autograding; the grades are stored correctly (known noise), so keep it off the table.
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    sandbox = _sandbox.available()
    if not sandbox:
        print(f"notice: grading without a sandbox: {_sandbox.why_unavailable()}", file=sys.stderr)
    try:
        scores, messages = grade_notebook(args.notebook, args.assignment, Path(args.course), args.timeout, sandbox)
    except (FileNotFoundError, ValueError, _nbgrader.NbgraderError) as exc:
        print(f"could not grade {args.notebook}: {exc}", file=sys.stderr)
        return 2
    print(format_table(args.assignment or Path(args.notebook).stem, scores, messages))
    return 0 if scores["score"] >= scores["max_score"] else 1


if __name__ == "__main__":
    sys.exit(main())
