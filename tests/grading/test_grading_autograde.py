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
        # one plain line naming the limit, not the interrupt's traceback
        timeout = gs.TEST_OVERRIDES["Execute"]["timeout"]
        assert [(e.ename, e.evalue.split(",")[0]) for e in errors] == [("CellTimeoutError", f"this cell ran past {timeout} s")], errors
        assert not any("KeyboardInterrupt" in "".join(e.traceback) for e in errors)
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
        # the student is told, in each edited cell, that its original was put back
        from tools._guarded_execute import RESTORED_NOTE

        for cell in batch.autograded_notebook("edited-tests").cells:
            if gs.nbgrader_meta(cell).get("grade"):
                assert RESTORED_NOTE in "".join(o.get("text", "") for o in cell.outputs), gs.nbgrader_meta(cell)["grade_id"]
        # an honest submission's untouched cells (hidden tests missing, as released) carry no such note
        first = batch.students[0] if batch.students[0] != "edited-tests" else batch.students[1]
        for cell in batch.autograded_notebook(first).cells:
            assert RESTORED_NOTE not in "".join(o.get("text", "") for o in cell.get("outputs", []))


def test_released_hidden_test_cell_counts_as_untouched():
    from tools._guarded_execute import released_source

    original = "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\n"
    assert released_source("assert f(1) == 1\n") == released_source(original)
    assert released_source("pass  # edited\n") != released_source(original)
    assert released_source("assert f(1) == 1\nassert True\n") != released_source(original)


# ---------------------------------------------------------------------------------------------------
# Every message is proven, every message points to the chapter, Run All shows every question.

def _chapter_sections(assignment):
    """Section numbers ("5", "1.1") of the headings of the chapter an assignment practises."""
    number = assignment[2:4]
    chapters = sorted((gs.REPO / "chapters").glob(f"{number}_*.ipynb"))
    assert chapters, f"{assignment}: no chapters/{number}_*.ipynb"
    nb = gs.nbformat.read(str(chapters[0]), as_version=4)
    numbers = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                hit = gs.re.match(r"#+\s+(\d+(?:\.\d+)*)[.\s·]", line)
                if hit:
                    numbers.add(hit.group(1))
    return numbers


def _pattern(node):
    """A regex matching every string the message expression ``node`` can evaluate to."""
    import ast
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return gs.re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(_pattern(part) if not isinstance(part, ast.FormattedValue) else ".*?"
                       for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _pattern(node.left) + _pattern(node.right)
    return ".*?"


def _messages(assignment):
    """[(test cell, message regex, message source)] of every assert in the solution's test cells."""
    import ast
    source = gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", assignment)), as_version=4)
    found = []
    for cell in source.cells:
        meta = gs.nbgrader_meta(cell)
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Assert):
                found.append((meta["grade_id"], node.msg and _pattern(node.msg),
                              ast.unparse(node.msg) if node.msg else ast.unparse(node)))
    return found


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_every_check_explains_itself_and_points_to_the_chapter(assignment):
    sections = _chapter_sections(assignment)
    silent, unpointed, unknown = [], [], []
    for cell, pattern, text in _messages(assignment):
        if pattern is None:
            silent.append(f"{cell}: assert {text}")
            continue
        refs = gs.re.findall(r"§(\d+(?:\.\d+)*)", text)
        if not refs:
            unpointed.append(f"{cell}: {text[:100]}")
        unknown += [f"{cell}: §{r}" for r in refs if r not in sections]
    assert not silent, f"{assignment}: asserts without a message:\n" + "\n".join(silent)
    assert not unpointed, f"{assignment}: messages that name no chapter section (§N):\n" + "\n".join(unpointed)
    assert not unknown, f"{assignment}: messages citing sections the chapter does not have:\n" + "\n".join(unknown)


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_every_message_is_proven_by_a_wrong_answer(graded, assignment):
    """Each assert message of a test cell appears in that cell's recorded failure for at least one
    wrong answer of the batch (nbgrader's autograded notebooks keep the AssertionError's text)."""
    batch = graded(assignment)
    recorded = {}
    for student in batch.students:
        if student.startswith("wrong-"):
            for cell, message in batch.messages[student].items():
                recorded.setdefault(cell, []).append(message)
    unproven = []
    for cell, pattern, text in _messages(assignment):
        if pattern is None:
            continue
        regex = gs.re.compile("AssertionError: " + pattern, gs.re.DOTALL)
        if not any(regex.fullmatch(m.strip()) for m in recorded.get(cell, [])):
            unproven.append(f"{cell}: {text[:120]}")
    assert not unproven, (f"{assignment}: messages no wrong answer in tests/grading/wrong_answers/ triggers:\n"
                          + "\n".join(unproven))


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_run_all_goes_on_past_a_failing_test_cell(assignment):
    """Run All queues every cell at once; a failing cell aborts the cells queued after it only if it
    was sent with ``stop_on_error: true``. JupyterLab's ``OutputArea.execute`` (@jupyterlab/outputarea,
    packages/outputarea/src/widget.ts; in the installed bundle jupyterlab/static/jlab_core.*.js of
    4.6.6 and Notebook 7.6.5's notebook/static/notebook_core.*.js) sends ``stop_on_error: false`` for a
    cell whose tags hold "raises-exception", so Run All goes on past it. Every test cell carries it."""
    source = gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", assignment)), as_version=4)
    untagged = [gs.nbgrader_meta(c)["grade_id"] for c in source.cells
                if c.cell_type == "code" and gs.nbgrader_meta(c).get("grade")
                and "raises-exception" not in c.metadata.get("tags", [])]
    assert not untagged, f"{assignment}: test cells without the raises-exception tag: {untagged}"


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_a_failing_tagged_cell_still_scores_zero(graded, assignment):
    """The tag changes only where Run All stops: nbgrader still gives a failing test cell 0 points,
    and every cell after it is still run and scored."""
    batch = graded(assignment)
    failed_somewhere = False
    for student in batch.students:
        if not student.startswith("wrong-"):
            continue
        cells = batch.cells(student)
        for cell, message in batch.messages[student].items():
            if message.startswith("AssertionError") and cell in cells:
                failed_somewhere = True
                assert cells[cell][0] == 0, f"{assignment} {student}: {cell} failed but scored {cells[cell][0]}"
        nb = batch.autograded_notebook(student)
        graded_ids = [gs.nbgrader_meta(c)["grade_id"] for c in nb.cells if gs.nbgrader_meta(c).get("grade")]
        assert set(graded_ids) <= set(cells), f"{assignment} {student}: cells left unscored"
    assert failed_somewhere, f"{assignment}: no wrong answer fails a test cell"
