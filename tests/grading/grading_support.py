"""Building and grading batches of submissions for the grading tests (nbgrader does all grading).

Each assignment gets its own course copy in a temporary folder and ``nbgrader
generate_assignment``; every submission below is placed in ``submitted/<student>/<assignment>/``
and the whole batch is graded by ONE ``autograde`` run (a fresh kernel per submission, as for a
real class). ``Course`` runs these batches in two worker processes:

* ``solution``  the generated student version with every solution cell filled in from solutions/
  (the "### BEGIN/END SOLUTION" marker lines dropped), i.e. a learner who wrote the reference answer;
* ``blank``     the committed ``exercises/<a>/<a>.ipynb`` as a learner receives it;
* ``wrong-NN``  the ``solution`` submission with one cell replaced by ``MISTAKES[NN]`` of
  ``tests/grading/wrong_answers/<a>.py``;
* for one assignment (``PATHOLOGICAL``) also ``loop`` (an infinite loop at the top of the first
  solution cell), ``raises`` (an exception at the top of the last solution cell) and ``edited-tests``
  (every locked test cell replaced by ``pass``).

Because submissions start from the generated student version, which has no hidden tests, a
mistake that only hidden tests catch also proves that nbgrader put the hidden tests back.
"""
import os
import re
import runpy
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from tools import _nbgrader  # noqa: E402

WRONG_ANSWERS = Path(__file__).resolve().parent / "wrong_answers"
ASSIGNMENTS = _nbgrader.assignments(REPO)
PATHOLOGICAL = "ex06_softmax" if "ex06_softmax" in ASSIGNMENTS else (ASSIGNMENTS[0] if ASSIGNMENTS else None)
# A shorter per-cell limit than nbgrader_config.py's, only so that the infinite-loop submission
# costs seconds, not tens of seconds; every exercise cell runs in well under a second.
TEST_OVERRIDES = {"Execute": {"timeout": 5}}
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def load_mistakes(assignment):
    """``MISTAKES`` of ``wrong_answers/<assignment>.py``, or None if the file does not exist."""
    path = WRONG_ANSWERS / f"{assignment}.py"
    if not path.is_file():
        return None
    return runpy.run_path(str(path))["MISTAKES"]


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb):
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def graded_cells(nb):
    """{grade_id: points} of the autograded test cells (code cells with grade=True)."""
    return {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c).get("points", 0) for c in nb.cells
            if c.cell_type == "code" and nbgrader_meta(c).get("grade")}


def strip_markers(source):
    """The answer a learner would type: the solution region's code, marker lines dropped."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS[:2])


def split_regions(source):
    """(lines outside any marked region, lines inside solution or hidden-test regions), markers dropped."""
    outside, inside, depth = [], [], 0
    for line in source.splitlines():
        key = line.strip()
        if key in (MARKERS[0], MARKERS[2]):
            depth += 1
        elif key in (MARKERS[1], MARKERS[3]):
            depth -= 1
        else:
            (inside if depth > 0 else outside).append(line)
    return outside, inside


@dataclass
class Batch:
    assignment: str
    root: Path
    source: nbformat.NotebookNode          # solutions/<a>/<a>.ipynb
    release: nbformat.NotebookNode         # what generate_assignment produced in this course copy
    mistakes: list
    students: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)      # _nbgrader.gradebook_scores of the batch
    messages: dict = field(default_factory=dict)    # student -> {grade_id: "Ename: message"}
    autograde_log: str = ""
    retried: list = field(default_factory=list)     # students autograded a second time

    def cells(self, student):
        """{grade_id: (score, max_score)} of one student's graded cells."""
        return {cell: (score, top) for _nb, _q, cell, score, top in self.scores[student]["cells"]}

    def autograded_notebook(self, student):
        return nbformat.read(str(_nbgrader.notebook_path(self.root, f"autograded/{student}", self.assignment)),
                             as_version=4)


def filled_release(release, source):
    """The release notebook with every solution cell's source replaced by the learner-style answer."""
    nb = nbformat.from_dict(release)
    answers = {k: strip_markers(c.source) for k, c in solution_cells(source).items()}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def with_cell(nb, grade_id, source):
    nb = nbformat.from_dict(nb)
    hits = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id]
    assert len(hits) == 1, f"expected one cell with grade_id {grade_id!r}, found {len(hits)}"
    hits[0].source = source
    return nb


def pathological_submissions(filled):
    """Submissions that must not hang or crash the batch (see the module docstring)."""
    ids = [nbgrader_meta(c)["grade_id"] for c in filled.cells if nbgrader_meta(c).get("solution")]
    first = next(c for c in filled.cells if nbgrader_meta(c).get("grade_id") == ids[0])
    last = next(c for c in filled.cells if nbgrader_meta(c).get("grade_id") == ids[-1])
    loop = with_cell(filled, ids[0], "while True:\n    pass\n" + first.source)
    raises = with_cell(filled, ids[-1], 'raise RuntimeError("a bug in the submission")\n' + last.source)
    edited = nbformat.from_dict(filled)
    for cell in edited.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
            cell.source = "pass  # the student replaced the test"
    return {"loop": loop, "raises": raises, "edited-tests": edited}


def grade_assignment(workdir, assignment):
    """Generate ``assignment`` in its own course copy under ``workdir`` (own gradebook), write the
    batch of the module docstring, autograde it in one run, and return the ``Batch``.

    A submission nbgrader could not process (its kernel failed to start, say, because two kernels
    started at once drew the same free port) is autograded once more on its own; one that fails
    again stays failed and the tests report it. Runs in a worker process (``Course``).
    """
    _nbgrader.scratch_gradebooks()
    pathological = assignment == PATHOLOGICAL
    root = _nbgrader.make_course(Path(workdir) / assignment, [assignment], root=REPO)
    _nbgrader.generate(root, assignment)
    release = nbformat.read(str(_nbgrader.notebook_path(root, "exercises", assignment)), as_version=4)
    source = nbformat.read(str(_nbgrader.notebook_path(REPO, "solutions", assignment)), as_version=4)
    try:
        mistakes = load_mistakes(assignment) or []
    except Exception:  # a broken wrong_answers file: test_wrong_answers_file_is_valid says why
        mistakes = []
    filled = filled_release(release, source)

    submissions = {"solution": filled}
    blank = _nbgrader.notebook_path(REPO, "exercises", assignment)
    if blank.is_file():
        submissions["blank"] = nbformat.read(str(blank), as_version=4)
    for i, mistake in enumerate(mistakes):
        submissions[f"wrong-{i:02d}"] = with_cell(filled, mistake["cell"], mistake["source"])
    if pathological:
        submissions.update(pathological_submissions(filled))
    for student, nb in submissions.items():
        path = _nbgrader.notebook_path(root, f"submitted/{student}", assignment)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))

    # The short per-cell limit only where the infinite loop is; the others keep nbgrader_config.py's.
    overrides = TEST_OVERRIDES if pathological else None
    batch = Batch(assignment, root, source, release, mistakes, students=list(submissions))
    logs = []
    try:
        logs.append(_nbgrader.autograde(root, assignment, overrides=overrides))
    except _nbgrader.NbgraderError as exc:
        logs.append(str(exc))
    scores = _nbgrader.read_scores(root, assignment)
    for student in submissions:
        graded = _nbgrader.notebook_path(root, f"autograded/{student}", assignment)
        if student not in scores or not scores[student]["autograded"] or not graded.is_file():
            batch.retried.append(student)
            try:
                logs.append(f"--- retry of {student}\n" + _nbgrader.autograde(root, assignment, student, overrides))
            except _nbgrader.NbgraderError as exc:
                logs.append(f"--- retry of {student} failed\n{exc}")
    batch.autograde_log = "\n".join(logs)
    batch.scores = _nbgrader.read_scores(root, assignment)
    for student in submissions:
        graded = _nbgrader.notebook_path(root, f"autograded/{student}", assignment)
        batch.messages[student] = _nbgrader.failure_messages(graded) if graded.is_file() else {}
    return batch


class Course:
    """What the grading tests share in one session.

    ``release(a)``: generate_assignment of ``a`` in one course copy (cheap, done here).
    ``batch(a)``: the graded batch of ``a``. The first call starts grading every ``wanted``
    assignment (those the selected tests need), each in its own course copy and gradebook, in
    ``workers`` processes (2 on a 2-core machine: a batch mostly waits for kernels to start, so two
    batches share the cores well); later calls wait for theirs. Under pytest-xdist each test
    worker grades alone (1 process).
    """

    def __init__(self, workdir, workers=None, wanted=None):
        _nbgrader.scratch_gradebooks()
        self.workdir = Path(workdir)
        self.root = _nbgrader.make_course(self.workdir / "course", ASSIGNMENTS, root=REPO)
        if workers is None:
            workers = 1 if os.environ.get("PYTEST_XDIST_WORKER") else min(2, os.cpu_count() or 1)
        self.workers = workers
        self.wanted = set(ASSIGNMENTS if wanted is None else wanted) & set(ASSIGNMENTS)
        self._released = {}
        self._futures = None
        self._pool = None
        self._warned = set()

    def release(self, assignment):
        if assignment not in self._released:
            _nbgrader.generate(self.root, assignment)
            path = _nbgrader.notebook_path(self.root, "exercises", assignment)
            self._released[assignment] = nbformat.read(str(path), as_version=4)
        return self._released[assignment]

    def batch(self, assignment):
        if self._futures is None:
            self._start()
        if assignment not in self._futures:
            self._futures[assignment] = self._pool.submit(grade_assignment, self.workdir / "batches", assignment)
        batch = self._futures[assignment].result()
        if batch.retried and assignment not in self._warned:
            self._warned.add(assignment)
            warnings.warn(f"{assignment}: nbgrader could not process {batch.retried} at first; "
                          f"autograded again\n{batch.autograde_log[-2000:]}")
        return batch

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Biggest batches first, so the two workers finish at about the same time.
        def size(a):
            try:
                return len(load_mistakes(a) or [])
            except Exception:
                return 0

        order = sorted(self.wanted, key=size, reverse=True)
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        self._futures = {a: self._pool.submit(grade_assignment, self.workdir / "batches", a) for a in order}

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def copy_tree_snapshot(path):
    """{relative path: bytes} of every file under ``path`` (to prove a command changed nothing)."""
    path = Path(path)
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:60]


def copy_course(dest, assignments, with_tools=False):
    """A course copy for command-line tests; ``with_tools`` adds the tools package (as at the root)."""
    root = _nbgrader.make_course(dest, assignments, root=REPO)
    if with_tools:
        shutil.copytree(REPO / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    return root
