"""Initializers: sample moments against the derived variances, shapes, dtype, bad input."""
import numpy as np
import pytest

from nnlib import initializers as init

N_IN, N_OUT = 300, 200  # 60 000 draws per matrix


# Variances derived in the test, not read from the code:
#   Glorot: 2 / (n_in + n_out); He: 2 / n_in; small_random: 0.01**2.
# Fourth central moment, for the standard error of the sample variance:
#   normal: 3 sigma^4; uniform on (-r, r): r^4 / 5 = (9/5) sigma^4 since sigma^2 = r^2 / 3.
CASES = [
    ("glorot_uniform", 2 / (N_IN + N_OUT), 9 / 5),
    ("glorot_normal", 2 / (N_IN + N_OUT), 3.0),
    ("he_normal", 2 / N_IN, 3.0),
    ("small_random", 0.01 ** 2, 3.0),
]


@pytest.mark.parametrize("name, variance, kurtosis", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sample_variance_matches_the_derived_variance(name, variance, kurtosis, seed):
    W = init.INITIALIZERS[name](N_IN, N_OUT, np.random.default_rng(seed))
    n = W.size
    assert W.shape == (N_IN, N_OUT) and W.dtype == np.float64
    # mean: standard error sigma / sqrt(n)
    assert abs(W.mean()) <= 5 * np.sqrt(variance / n)
    # sample variance: Var(s^2) ~ (mu_4 - sigma^4) / n = (kurtosis - 1) sigma^4 / n
    se_var = np.sqrt((kurtosis - 1) / n) * variance
    assert abs(W.var(ddof=1) - variance) <= 5 * se_var


def test_glorot_uniform_stays_inside_its_bound_and_reaches_near_it():
    r = np.sqrt(6 / (N_IN + N_OUT))
    W = init.glorot_uniform(N_IN, N_OUT, np.random.default_rng(4))
    assert np.abs(W).max() <= r
    # with 60 000 uniform draws, the largest |W| is within r / 1000 of r except with
    # probability (1 - 1/1000) ** 60000 ~ e^-60
    assert np.abs(W).max() > r * (1 - 1e-3)


def test_he_normal_keeps_the_second_moment_through_a_relu_layer(rng):
    """The reason for 2 / n_in: E[z_next^2] = E[z^2] when a = relu(z)."""
    n_in, n_units, n = 400, 400, 2000
    z = rng.standard_normal((n, n_in))
    W = init.he_normal(n_in, n_units, rng)
    z_next = np.maximum(z, 0) @ W
    # a loose tolerance: one draw of W is shared by every row, so the rows are not independent
    assert abs(np.mean(z_next ** 2) / np.mean(z ** 2) - 1) < 0.1


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_float32_and_reproducibility(name):
    fn = init.INITIALIZERS[name]
    a = fn(5, 3, np.random.default_rng(9), dtype=np.float32)
    b = fn(5, 3, np.random.default_rng(9), dtype=np.float32)
    assert a.dtype == np.float32 and a.shape == (5, 3)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, fn(5, 3, np.random.default_rng(10), dtype=np.float32))


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
@pytest.mark.parametrize("args, match", [
    ((0, 3, np.random.default_rng(0)), r"expected n_in to be a positive integer, got 0"),
    ((3, 2.0, np.random.default_rng(0)), r"expected n_out to be a positive integer, got 2.0"),
    ((3, 2, None), r"expected rng to be a numpy Generator .*, got NoneType"),
    ((3, 2, np.random.RandomState(0)), r"expected rng to be a numpy Generator .*, got RandomState"),
    ((3, 2, np.random.default_rng(0), np.int32), r"expected dtype float32 or float64, got int32"),
])
def test_bad_arguments_raise(name, args, match):
    with pytest.raises(ValueError, match=rf"^{name} {match}"):
        init.INITIALIZERS[name](*args)
