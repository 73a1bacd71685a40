"""Shared pytest fixtures (kept small: most tests build their own seeded generator)."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh seeded generator per test, so tests do not depend on each other's draws."""
    return np.random.default_rng(12345)
