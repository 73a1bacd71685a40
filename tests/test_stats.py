"""Tests for nnlib.stats: the Gaussian density, log-likelihood and estimates (chapter 05)."""
import numpy as np
import pytest

from nnlib.stats import gaussian_log_likelihood, gaussian_mle, gaussian_pdf, unbiased_variance


@pytest.fixture
def sample():
    return np.random.default_rng(5).normal(1.5, 0.7, size=40)


@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (2.5, 0.3), (-4.0, 3.0)])
def test_pdf_integrates_to_one(mu, sigma):
    grid = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 20001)
    density = gaussian_pdf(grid, mu, sigma)
    area = np.sum((density[1:] + density[:-1]) / 2 * np.diff(grid))  # trapezoid rule
    assert area == pytest.approx(1.0, abs=1e-8)


def test_pdf_peak_and_symmetry():
    sigma = 0.25
    assert gaussian_pdf(3.0, 3.0, sigma) == pytest.approx(1 / np.sqrt(2 * np.pi * sigma**2))
    assert gaussian_pdf(3.0, 3.0, sigma) > 1  # a density, not a probability
    assert gaussian_pdf(3.0 - 0.4, 3.0, sigma) == pytest.approx(gaussian_pdf(3.0 + 0.4, 3.0, sigma))


def test_pdf_mean_and_variance_by_quadrature():
    mu, sigma = 1.2, 0.8
    grid = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 20001)
    weights = gaussian_pdf(grid, mu, sigma) * (grid[1] - grid[0])
    assert np.sum(grid * weights) == pytest.approx(mu, abs=1e-8)
    assert np.sum((grid - mu) ** 2 * weights) == pytest.approx(sigma**2, abs=1e-8)


def test_pdf_keeps_shape_and_empty():
    x = np.zeros((3, 4))
    assert gaussian_pdf(x, 0.0, 1.0).shape == (3, 4)
    assert gaussian_pdf(np.array([]), 0.0, 1.0).shape == (0,)


def test_log_likelihood_is_sum_of_log_pdf(sample):
    for mu, sigma in [(0.0, 1.0), (1.5, 0.7), (3.0, 2.0)]:
        expected = np.sum(np.log(gaussian_pdf(sample, mu, sigma)))
        assert gaussian_log_likelihood(sample, mu, sigma) == pytest.approx(expected, rel=1e-12)


def test_log_likelihood_per_point_means(sample):
    means = np.linspace(-1, 1, sample.size)
    expected = np.sum(np.log(gaussian_pdf(sample, means, 0.9)))
    assert gaussian_log_likelihood(sample, means, 0.9) == pytest.approx(expected, rel=1e-12)


def test_log_likelihood_does_not_underflow():
    x = np.random.default_rng(0).normal(size=5000)
    assert np.prod(gaussian_pdf(x, 0.0, 1.0)) == 0.0  # the product of densities underflows
    assert np.isfinite(gaussian_log_likelihood(x, 0.0, 1.0))


def test_mle_closed_form(sample):
    mu_hat, var_hat = gaussian_mle(sample)
    assert mu_hat == pytest.approx(sum(sample) / len(sample))
    assert var_hat == pytest.approx(sum((v - mu_hat) ** 2 for v in sample) / len(sample))


def test_mle_maximizes_on_a_grid(sample):
    mu_hat, var_hat = gaussian_mle(sample)
    best = gaussian_log_likelihood(sample, mu_hat, np.sqrt(var_hat))
    mus = np.linspace(mu_hat - 1, mu_hat + 1, 81)
    sigmas = np.sqrt(var_hat) * np.linspace(0.5, 1.5, 81)
    grid = np.array([[gaussian_log_likelihood(sample, m, s) for s in sigmas] for m in mus])
    assert grid.max() <= best + 1e-12
    i, j = np.unravel_index(np.argmax(grid), grid.shape)
    assert abs(mus[i] - mu_hat) <= mus[1] - mus[0]
    assert abs(sigmas[j] - np.sqrt(var_hat)) <= sigmas[1] - sigmas[0]


def test_mle_beats_small_perturbations(sample):
    mu_hat, var_hat = gaussian_mle(sample)
    best = gaussian_log_likelihood(sample, mu_hat, np.sqrt(var_hat))
    for dmu in (-1e-3, 0.0, 1e-3):
        for dvar in (-1e-3, 0.0, 1e-3):
            if dmu == dvar == 0.0:
                continue
            assert gaussian_log_likelihood(sample, mu_hat + dmu, np.sqrt(var_hat + dvar)) < best


def test_unbiased_variance_is_not_the_maximizer(sample):
    mu_hat, var_hat = gaussian_mle(sample)
    s2 = unbiased_variance(sample)
    assert s2 > var_hat
    assert gaussian_log_likelihood(sample, mu_hat, np.sqrt(s2)) < gaussian_log_likelihood(
        sample, mu_hat, np.sqrt(var_hat))


def test_unbiased_variance_independent_computation(sample):
    n = len(sample)
    # pairwise form: s^2 = sum_{i<j} (x_i - x_j)^2 / (n (n - 1)), no mean needed
    diffs = sample[:, None] - sample[None, :]
    pairwise = np.sum(np.triu(diffs**2, k=1)) / (n * (n - 1))
    assert unbiased_variance(sample) == pytest.approx(pairwise, rel=1e-12)
    assert unbiased_variance(sample) == pytest.approx(np.var(sample, ddof=1), rel=1e-12)
    assert unbiased_variance([1.0, 3.0]) == pytest.approx(2.0)


def test_float32_is_kept():
    x = np.array([0.5, 1.0, 2.0], dtype=np.float32)
    assert gaussian_pdf(x, 1.0, 1.0).dtype == np.float32
    assert gaussian_log_likelihood(x, 1.0, 1.0).dtype == np.float32
    assert all(v.dtype == np.float32 for v in gaussian_mle(x))
    assert unbiased_variance(x).dtype == np.float32


def test_integers_are_accepted():
    assert gaussian_mle([1, 2, 3]) == (pytest.approx(2.0), pytest.approx(2 / 3))


@pytest.mark.parametrize("func", [gaussian_mle, unbiased_variance,
                                  lambda x: gaussian_log_likelihood(x, 0.0, 1.0)])
def test_empty_data_raises(func):
    with pytest.raises(ValueError, match=r"expected x to be non-empty, got shape \(0,\)"):
        func([])


@pytest.mark.parametrize("func", [gaussian_mle, unbiased_variance,
                                  lambda x: gaussian_log_likelihood(x, 0.0, 1.0),
                                  lambda x: gaussian_pdf(x, 0.0, 1.0)])
def test_nan_raises(func):
    with pytest.raises(ValueError, match="expected x to be finite, got 1 NaN and 0 inf"):
        func([1.0, np.nan, 2.0])


def test_two_dimensional_sample_raises():
    with pytest.raises(ValueError, match=r"gaussian_mle expected x of shape \(n,\), got shape \(2, 2\)"):
        gaussian_mle(np.ones((2, 2)))


def test_one_value_unbiased_variance_raises():
    with pytest.raises(ValueError, match="unbiased_variance expected x with at least 2 values, got 1"):
        unbiased_variance([4.0])


@pytest.mark.parametrize("sigma", [0.0, -1.0, np.nan, np.inf, "1"])
@pytest.mark.parametrize("func", [gaussian_pdf, gaussian_log_likelihood])
def test_bad_sigma_raises(func, sigma):
    with pytest.raises(ValueError, match=rf"{func.__name__} expected sigma > 0, got"):
        func([1.0, 2.0], 0.0, sigma)


def test_zero_d_array_sigma_accepted():
    assert gaussian_pdf(0.0, 0.0, np.array(2.0)) == pytest.approx(gaussian_pdf(0.0, 0.0, 2.0))


@pytest.mark.parametrize("func", [gaussian_pdf, gaussian_log_likelihood])
def test_bad_mu_raises(func):
    with pytest.raises(ValueError, match="expected mu to be finite"):
        func([1.0, 2.0], np.nan, 1.0)
    with pytest.raises(ValueError, match=r"expected mu to be a number or of x's shape \(2,\), got shape \(3,\)"):
        func([1.0, 2.0], [0.0, 0.0, 0.0], 1.0)
