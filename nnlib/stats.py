r"""The Gaussian (normal) distribution: density, log-likelihood and its maximum.

Everything here is derived in chapter 05 (``chapters/05_gaussian_mle.ipynb``). Data are a
sample :math:`x_1, \dots, x_n` stored as a 1-D array of shape ``(n,)``; :math:`\mu` is the
mean and :math:`\sigma > 0` the standard deviation. The maximum-likelihood estimates are
:math:`\hat\mu` and :math:`\hat\sigma^2` (divides by :math:`n`); the unbiased variance
estimate :math:`s^2` divides by :math:`n - 1`. They are different numbers: only the first
maximizes the likelihood.
"""
import math

import numpy as np

from nnlib._checks import check_ndim, check_positive, checked_arithmetic, finite_array


def _sample(x, where):
    """A finite, non-empty 1-D sample as a float array."""
    arr = finite_array(x, "x", where)
    check_ndim(arr, (1,), "x", where, "(n,)")
    if arr.size == 0:
        raise ValueError(f"{where} expected x to be non-empty, got shape {arr.shape}")
    return arr


def _mean_and_sigma(mu, sigma, x, where):
    """Check ``mu`` (a number, or an array of x's shape) and ``sigma`` (a number > 0).

    ``mu`` is returned in x's dtype, so float32 data give float32 results; ``sigma`` stays a
    Python float (a sigma like 1e-300 would round to 0 in float32).
    """
    if isinstance(mu, (bool, np.bool_)):
        raise ValueError(f"{where} expected mu to be a number or an array, got {mu!r}")
    mu = finite_array(mu, "mu", where)
    if mu.ndim != 0 and mu.shape != x.shape:
        raise ValueError(f"{where} expected mu to be a number or of x's shape {x.shape}, got shape {mu.shape}")
    if isinstance(sigma, np.ndarray) and sigma.ndim == 0:
        sigma = sigma.item()
    check_positive(sigma, "sigma", where)
    return mu.astype(x.dtype, copy=False), float(sigma)


def _finite_result(value, dtype, where, sigma):
    """Cast to x's dtype; a value beyond it (sigma tiny next to the spread) is refused by name."""
    out = dtype.type(value) if np.ndim(value) == 0 else np.asarray(value).astype(dtype)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{where} expected sigma for which the result is a finite {dtype.name}, got sigma={sigma!r} "
                         "(tiny next to the distance between x and mu)")
    return out


def gaussian_pdf(x, mu, sigma):
    r"""Density of :math:`\mathcal N(\mu, \sigma^2)` at every entry of ``x``.

    .. math:: p(x \mid \mu, \sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}}
              \exp\!\left(-\frac{(x - \mu)^2}{2\sigma^2}\right)

    Derived in chapter 05. A density, not a probability: it can exceed 1 when
    :math:`\sigma` is small; probabilities are areas under it.

    Parameters
    ----------
    x : array_like, any shape
        Points at which to evaluate the density (an empty array gives an empty result).
    mu : float or array_like of x's shape
        Mean.
    sigma : float
        Standard deviation, > 0.

    Returns
    -------
    ndarray of x's shape and float dtype.
    """
    where = "gaussian_pdf"
    arr = finite_array(x, "x", where)
    mu, sigma = _mean_and_sigma(mu, sigma, arr, where)
    with np.errstate(all="ignore"):  # a z beyond 1e154 squares to inf: its density is 0, rightly
        z = (arr - mu) / sigma
        density = np.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * sigma)
    return _finite_result(density, arr.dtype, where, sigma)


def gaussian_log_likelihood(x, mu, sigma):
    r"""Log-likelihood of :math:`(\mu, \sigma)` given the sample ``x``: the sum of log-densities.

    .. math:: \ell(\mu, \sigma^2) = \sum_{i=1}^n \log p(x_i \mid \mu, \sigma^2)
              = -\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}\sum_{i=1}^n (x_i - \mu)^2

    Derived in chapter 05. Computed from the closed form on the right, never as the log of a
    product of densities (that product underflows to 0 for a few hundred points).

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample, n >= 1, finite.
    mu : float or array_like of shape (n,)
        Mean; an array gives each point its own mean (a regression model's predictions).
    sigma : float
        Standard deviation, > 0.

    Returns
    -------
    float scalar of x's float dtype.
    """
    where = "gaussian_log_likelihood"
    arr = _sample(x, where)
    mu, sigma = _mean_and_sigma(mu, sigma, arr, where)
    n = arr.size
    with np.errstate(all="ignore"):
        squared = np.sum((arr - mu) ** 2)
        value = -0.5 * n * np.log(2 * math.pi * sigma**2) - squared / (2 * sigma**2)
        if not np.isfinite(value):
            # sigma**2 underflows to 0 for sigma < 1e-162 (log(0), 0/0): the same formula with
            # log(2 pi) + 2 log(sigma) and the deviations scaled by sigma before squaring
            scaled = np.sum(((arr.astype(np.float64) - mu) / sigma) ** 2)
            value = -0.5 * n * (math.log(2 * math.pi) + 2 * math.log(sigma)) - 0.5 * scaled
    return _finite_result(value, arr.dtype, where, sigma)


def gaussian_mle(x):
    r"""Maximum-likelihood estimates :math:`(\hat\mu, \hat\sigma^2)` of a Gaussian sample.

    .. math:: \hat\mu = \frac{1}{n}\sum_{i=1}^n x_i, \qquad
              \hat\sigma^2 = \frac{1}{n}\sum_{i=1}^n (x_i - \hat\mu)^2

    Derived in chapter 05 by setting both partial derivatives of the log-likelihood to zero.
    The variance divides by :math:`n`, not :math:`n - 1`: it is biased,
    :math:`\mathbb E[\hat\sigma^2] = \frac{n-1}{n}\sigma^2`, and it is still the maximizer.
    It returns the variance, not the standard deviation (:math:`\hat\sigma` is its square root).

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample, n >= 1, finite.

    Returns
    -------
    mu_hat, var_hat : float scalars of x's float dtype.
    """
    arr = _sample(x, "gaussian_mle")
    mu_hat, var_hat = checked_arithmetic("gaussian_mle", "x", lambda a: (np.mean(a), np.mean((a - np.mean(a)) ** 2)), arr)
    return arr.dtype.type(mu_hat), arr.dtype.type(var_hat)


def unbiased_variance(x):
    r"""The unbiased variance estimate :math:`s^2` (divides by :math:`n - 1`).

    .. math:: s^2 = \frac{1}{n-1}\sum_{i=1}^n (x_i - \hat\mu)^2 = \frac{n}{n-1}\hat\sigma^2,
              \qquad \mathbb E[s^2] = \sigma^2

    Derived in chapter 05 (Bessel's correction). It is *not* the maximum-likelihood estimate:
    the log-likelihood at :math:`s^2` is lower than at :math:`\hat\sigma^2`.

    Parameters
    ----------
    x : array_like, shape (n,)
        The sample, n >= 2, finite.

    Returns
    -------
    float scalar of x's float dtype.
    """
    where = "unbiased_variance"
    arr = _sample(x, where)
    if arr.size < 2:
        raise ValueError(f"{where} expected x with at least 2 values, got {arr.size}")
    return arr.dtype.type(checked_arithmetic(where, "x", lambda a: np.sum((a - np.mean(a)) ** 2) / (a.size - 1), arr))
