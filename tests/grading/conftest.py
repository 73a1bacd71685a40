"""Fixtures of the grading tests: one course copy per session, each assignment generated and its
batch of submissions autograded by nbgrader at most once."""
import pytest

import grading_support as gs


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    return gs.Course(tmp_path_factory.mktemp("grading"))


@pytest.fixture(scope="session")
def graded(course):
    """``graded(assignment)`` -> ``grading_support.Batch`` (autograded on first use, then cached)."""
    return course.batch
