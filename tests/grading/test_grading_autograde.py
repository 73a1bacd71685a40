"""Every assignment in solutions/ graded by nbgrader: solutions score full marks, blank exercises 0,
each typical wrong answer loses exactly its listed test cells, and broken submissions (an infinite
loop, an exception, edited locked tests) neither hang nor drop out of the batch.

Scores are read from nbgrader's gradebook (``nbgrader.api.Gradebook``), never from exit codes.
"""
import pytest

import grading_support as gs

pytestmark = [
    pytest.mark.skipif(not gs.ASSIGNMENTS, reason="no assignments in solutions/"),
    # nbgrader 0.9.6 with SQLAlchemy 2.x, while autograding; the grades are stored correctly.
    pytest.mark.filterwarnings("ignore:.*not in session:sqlalchemy.exc.SAWarning"),
]


def _mistake_params():
    params = []
    for assignment in gs.ASSIGNMENTS:
        try:
            mistakes = gs.load_mistakes(assignment) or []
        except Exception:  # reported by test_wrong_answers_file_is_valid
            mistakes = []
        for i, mistake in enumerate(mistakes):
            name = mistake.get("name", f"mistake {i}") if isinstance(mistake, dict) else f"mistake {i}"
            params.append(pytest.param(assignment, i, id=f"{assignment}-{i:02d}-{gs.slug(name)}"))
    return params


def _describe(batch, student, cells):
    """Each listed cell's score and, if it raised, its message: the assertion's explanation."""
    got = batch.cells(student)
    lines = []
    for cell in cells:
        score, top = got.get(cell, (None, None))
        message = batch.messages[student].get(cell, "no error").splitlines()[0][:160]
        lines.append(f"  {cell}: {score} / {top}  ({message})")
    return "\n".join(lines)


def _assert_recorded(batch, student):
    assert student in batch.scores, (
        f"{batch.assignment}: nbgrader recorded no submission for {student!r}\n{batch.autograde_log[-3000:]}")
    assert batch.scores[student]["autograded"], (
        f"{batch.assignment}: some cells of {student!r} have no autograder score\n{batch.autograde_log[-3000:]}")
    autograded = gs._nbgrader.notebook_path(batch.root, f"autograded/{student}", batch.assignment)
    assert autograded.is_file(), f"{batch.assignment}: no autograded notebook for {student!r}"


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_wrong_answers_file_is_valid(assignment):
    """The contract of CONTRIBUTING.md: typical mistakes, each naming real cells, each losing points."""
    mistakes = gs.load_mistakes(assignment)
    assert mistakes, f"tests/grading/wrong_answers/{assignment}.py is missing or its MISTAKES list is empty"
    source = gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", assignment)), as_version=4)
    solution_ids = set(gs.solution_cells(source))
    test_ids = set(gs.graded_cells(source))
    names = [m.get("name") for m in mistakes]
    assert len(set(names)) == len(names), f"duplicate mistake names in {assignment}: {names}"
    for m in mistakes:
        assert set(m) >= {"name", "cell", "source", "loses"}, f"{assignment}: mistake {m.get('name')!r} lacks keys"
        assert m["cell"] in solution_ids, (
            f"{assignment}: mistake {m['name']!r} replaces {m['cell']!r}, not a solution cell ({sorted(solution_ids)})")
        assert m["loses"], f"{assignment}: mistake {m['name']!r} lists no test cell it loses"
        unknown = set(m["loses"]) - test_ids
        assert not unknown, f"{assignment}: mistake {m['name']!r} lists unknown test cells {sorted(unknown)}"


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    batch = graded(assignment)
    _assert_recorded(batch, "solution")
    cells = batch.cells("solution")
    assert cells and sum(top for _, top in cells.values()) > 0, f"{assignment} has no points to earn"
    lost = [cell for cell, (score, top) in cells.items() if score != top]
    assert not lost, f"{assignment}: the reference solution loses points in\n{_describe(batch, 'solution', lost)}"
    assert batch.scores["solution"]["score"] == batch.scores["solution"]["max_score"]


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_blank_exercise_scores_zero(graded, assignment):
    batch = graded(assignment)
    assert "blank" in batch.students, (
        f"exercises/{assignment}/{assignment}.ipynb is missing: run `python -m tools.release {assignment}`")
    _assert_recorded(batch, "blank")
    scored = [cell for cell, (score, _top) in batch.cells("blank").items() if score != 0]
    assert not scored, f"{assignment}: the blank exercise earns points in\n{_describe(batch, 'blank', scored)}"
    # It ran to the end: no cell of the blank notebook hit the time limit.
    timeouts = [c for c, msg in batch.messages["blank"].items() if msg.startswith("CellTimeoutError")]
    assert not timeouts, f"{assignment}: cells of the blank exercise time out: {timeouts}"


@pytest.mark.parametrize("assignment,index", _mistake_params())
def test_mistake_loses_exactly_its_cells(graded, assignment, index):
    batch = graded(assignment)
    mistake = batch.mistakes[index]
    student = f"wrong-{index:02d}"
    _assert_recorded(batch, student)
    cells = batch.cells(student)
    expected_lost = set(mistake["loses"])
    lost = {cell for cell, (score, top) in cells.items() if score < top}
    assert lost == expected_lost, (
        f"{assignment}, mistake {mistake['name']!r}:\n"
        f"  loses {sorted(lost)}\n  listed {sorted(expected_lost)}\n"
        f"cells that differ:\n{_describe(batch, student, sorted(lost ^ expected_lost))}")
    assert all(cells[c][0] == 0 for c in expected_lost)
    expected = batch.scores[student]["max_score"] - sum(cells[c][1] for c in expected_lost)
    assert batch.scores[student]["score"] == expected


@pytest.mark.skipif(gs.PATHOLOGICAL is None, reason="no assignments")
class TestBrokenSubmissions:
    """Graded in the same batch as the other submissions of ``grading_support.PATHOLOGICAL``."""

    @pytest.fixture
    def batch(self, graded):
        return graded(gs.PATHOLOGICAL)

    def test_every_submission_of_the_batch_is_recorded(self, batch):
        for student in batch.students:
            _assert_recorded(batch, student)
            assert isinstance(batch.scores[student]["score"], float)

    def test_infinite_loop_is_interrupted_and_loses_points(self, batch):
        _assert_recorded(batch, "loop")
        first = next(iter(gs.solution_cells(batch.source)))
        outputs = next(c for c in batch.autograded_notebook("loop").cells
                       if gs.nbgrader_meta(c).get("grade_id") == first).outputs
        errors = [o for o in outputs if o.output_type == "error"]
        assert errors, f"the looping cell {first!r} shows no error: was it interrupted?"
        assert batch.scores["loop"]["score"] < batch.scores["loop"]["max_score"]
        assert batch.scores["loop"]["score"] > 0, "the questions after the loop should still be graded"

    def test_exception_loses_points_and_grading_goes_on(self, batch):
        _assert_recorded(batch, "raises")
        assert 0 < batch.scores["raises"]["score"] < batch.scores["raises"]["max_score"]

    def test_edited_locked_tests_are_restored(self, batch):
        _assert_recorded(batch, "edited-tests")
        assert batch.scores["edited-tests"]["score"] == batch.scores["edited-tests"]["max_score"]
        source_tests = {gs.nbgrader_meta(c)["grade_id"]: c.source for c in batch.source.cells
                        if gs.nbgrader_meta(c).get("grade")}
        graded_tests = {gs.nbgrader_meta(c)["grade_id"]: c.source for c in batch.autograded_notebook("edited-tests").cells
                        if gs.nbgrader_meta(c).get("grade")}
        assert graded_tests == source_tests, "nbgrader did not run the instructor's tests (hidden ones included)"
