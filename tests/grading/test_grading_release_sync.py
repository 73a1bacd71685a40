"""exercises/ is exactly what ``nbgrader generate_assignment`` makes of solutions/, and gives nothing away."""
import pytest

import grading_support as gs

pytestmark = pytest.mark.skipif(not gs.ASSIGNMENTS, reason="no assignments in solutions/")


def _committed(assignment):
    path = gs._nbgrader.notebook_path(gs.REPO, "exercises", assignment)
    assert path.is_file(), f"{path.relative_to(gs.REPO)} is missing: run `python -m tools.release {assignment}`"
    return gs.nbformat.read(str(path), as_version=4)


def _files(folder):
    """Files under ``folder``, without what Jupyter and Python leave there (git-ignored)."""
    skip = {".ipynb_checkpoints", "__pycache__"}
    return {p.relative_to(folder) for p in folder.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(folder).parts)}


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_exercise_is_the_generated_release(course, assignment):
    fresh = course.release(assignment)  # generate_assignment on today's solutions/, in a course copy
    committed = _committed(assignment)
    hint = f"exercises/{assignment} is out of date: run `python -m tools.release {assignment}`"
    assert len(committed.cells) == len(fresh.cells), f"{hint} (cell count differs)"
    for i, (a, b) in enumerate(zip(committed.cells, fresh.cells)):
        assert (a.cell_type, a.source) == (b.cell_type, b.source), f"{hint} (cell {i} differs)"
        assert gs.nbgrader_meta(a) == gs.nbgrader_meta(b), f"{hint} (nbgrader metadata of cell {i} differs)"
    released_files = _files(course.root / "exercises" / assignment)
    committed_files = _files(gs.REPO / "exercises" / assignment)
    assert committed_files == released_files, f"{hint} (files differ)"


@pytest.mark.parametrize("assignment", gs.ASSIGNMENTS)
def test_exercise_holds_no_solution_and_no_hidden_test(assignment):
    committed = _committed(assignment)
    source = gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", assignment)), as_version=4)
    text = "\n".join(c.source for c in committed.cells)
    for marker in gs.MARKERS:
        assert marker not in text, f"exercises/{assignment} contains {marker!r}"
    # Lines that exist only inside solution / hidden-test regions of the source must not leak.
    outside, secret = set(), set()
    for cell in source.cells:
        out, inside = gs.split_regions(cell.source)
        outside.update(line.strip() for line in out)
        secret.update(line.strip() for line in inside if line.strip())
    secret -= outside
    released_lines = {line.strip() for c in committed.cells for line in c.source.splitlines()}
    leaked = sorted(secret & released_lines)
    assert not leaked, f"exercises/{assignment} shows solution or hidden-test lines: {leaked[:5]}"
    with_outputs = [i for i, c in enumerate(committed.cells) if c.cell_type == "code" and c.outputs]
    assert not with_outputs, f"exercises/{assignment} has stored outputs in cells {with_outputs}"


def test_every_exercise_has_a_source():
    released = sorted(p.name for p in (gs.REPO / "exercises").iterdir()
                      if p.is_dir() and gs._nbgrader.ASSIGNMENT_NAME.match(p.name))
    stale = sorted(set(released) - set(gs.ASSIGNMENTS))
    assert not stale, f"exercises/ has folders without solutions/ source: {stale}"
