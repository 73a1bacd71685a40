"""Building and grading batches of submissions for the grading tests (nbgrader does all grading).

One course copy in a temporary folder serves the session (``Course``). Each assignment gets
``nbgrader generate_assignment`` there, then every submission below is placed in
``submitted/<student>/<assignment>/`` and the whole batch is graded by ONE ``autograde`` run (a
fresh kernel per submission, as for a real class):

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
import re
import runpy
import shutil
import sys
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


class Course:
    """One course copy for the whole test session: every assignment of solutions/, one gradebook.

    ``release(a)`` runs generate_assignment once; ``batch(a)`` then grades a's batch (all of the
    module docstring's submissions, one autograde run) in the same folder and gradebook.
    """

    def __init__(self, workdir):
        _nbgrader.scratch_gradebooks()
        self.root = _nbgrader.make_course(Path(workdir) / "course", ASSIGNMENTS, root=REPO)
        self._released = {}
        self._batches = {}

    def release(self, assignment):
        if assignment not in self._released:
            _nbgrader.generate(self.root, assignment)
            path = _nbgrader.notebook_path(self.root, "exercises", assignment)
            self._released[assignment] = nbformat.read(str(path), as_version=4)
        return self._released[assignment]

    def batch(self, assignment):
        if assignment not in self._batches:
            self._batches[assignment] = self._grade(assignment, pathological=assignment == PATHOLOGICAL)
        return self._batches[assignment]

    def _grade(self, assignment, pathological):
        root = self.root
        release = self.release(assignment)
        source = nbformat.read(str(_nbgrader.notebook_path(REPO, "solutions", assignment)), as_version=4)
        mistakes = load_mistakes(assignment) or []
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

        batch = Batch(assignment, root, source, release, mistakes, students=list(submissions))
        try:
            batch.autograde_log = _nbgrader.autograde(root, assignment, overrides=TEST_OVERRIDES)
        except _nbgrader.NbgraderError as exc:  # some submission failed; the tests say which
            batch.autograde_log = str(exc)
        batch.scores = _nbgrader.read_scores(root, assignment)
        for student in submissions:
            graded = _nbgrader.notebook_path(root, f"autograded/{student}", assignment)
            batch.messages[student] = _nbgrader.failure_messages(graded) if graded.is_file() else {}
        return batch


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
