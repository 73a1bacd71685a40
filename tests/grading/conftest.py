"""Fixtures of the grading tests: each assignment generated once and its batch of submissions
autograded by nbgrader once per session (batches run in worker processes, see grading_support)."""
import pytest

import grading_support as gs

_WANTED = pytest.StashKey[set]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Remember which assignments the selected tests grade, so only those batches are started."""
    wanted = set()
    for item in items:
        if "graded" in getattr(item, "fixturenames", ()):
            params = getattr(getattr(item, "callspec", None), "params", {})
            wanted.add(params.get("assignment", gs.PATHOLOGICAL))
    config.stash[_WANTED] = wanted


@pytest.fixture(scope="session")
def course(request, tmp_path_factory):
    course = gs.Course(tmp_path_factory.mktemp("grading"), wanted=request.config.stash.get(_WANTED, None))
    yield course
    course.close()


@pytest.fixture(scope="session")
def graded(course):
    """``graded(assignment)`` -> ``grading_support.Batch`` (autograded on first use, then cached)."""
    return course.batch
