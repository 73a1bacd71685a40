"""Typical wrong answers to exercise 05 (maximum likelihood for the Gaussian).

Each entry replaces one solution cell of ``solutions/ex05_gaussian_mle/ex05_gaussian_mle.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_LOG_LIKELIHOOD = '''def log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    n = x.size
{body}
'''

_MLE = '''def mle(x):
    x = np.asarray(x, dtype=float)
{body}
'''

Q1_CELLS = ["test_q1_log_likelihood_values", "test_q1_log_likelihood_large_n"]

MISTAKES = [
    {
        "name": "log of the product of densities (underflows for large n)",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    densities = np.exp(-(x - mu) ** 2 / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)\n"
            "    return np.log(np.prod(densities))")),
        "loses": ["test_q1_log_likelihood_large_n"],
    },
    {
        "name": "product of densities without the log (the likelihood itself)",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    return np.prod(stats.gaussian_pdf(x, mu, sigma))")),
        "loses": Q1_CELLS,
    },
    {
        "name": "forgot the 1/2 of the normalizing term",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    return -n * np.log(2 * np.pi * sigma**2) - np.sum((x - mu) ** 2) / (2 * sigma**2)")),
        "loses": Q1_CELLS,
    },
    {
        "name": "forgot the 2 in the exponent's denominator",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    return -0.5 * n * np.log(2 * np.pi * sigma**2) - np.sum((x - mu) ** 2) / sigma**2")),
        "loses": Q1_CELLS,
    },
    {
        "name": "sigma where sigma**2 belongs",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    return -0.5 * n * np.log(2 * np.pi * sigma) - np.sum((x - mu) ** 2) / (2 * sigma)")),
        "loses": Q1_CELLS,
    },
    {
        "name": "mean of the log-densities instead of their sum",
        "cell": "q1_log_likelihood",
        "source": _LOG_LIKELIHOOD.format(body=(
            "    return np.mean(np.log(stats.gaussian_pdf(x, mu, sigma)))")),
        "loses": Q1_CELLS,
    },
    {
        "name": "divided by n - 1 (the unbiased estimator, not the MLE)",
        "cell": "q2_mle",
        "source": _MLE.format(body=(
            "    mu_hat = x.mean()\n"
            "    return mu_hat, np.sum((x - mu_hat) ** 2) / (x.size - 1)")),
        "loses": ["test_q2_mle_variance"],
    },
    {
        "name": "returned the standard deviation instead of the variance",
        "cell": "q2_mle",
        "source": _MLE.format(body=(
            "    return x.mean(), x.std()")),
        "loses": ["test_q2_mle_variance"],
    },
    {
        "name": "deviations measured from 0 instead of from mu_hat",
        "cell": "q2_mle",
        "source": _MLE.format(body=(
            "    return x.mean(), np.mean(x**2)")),
        "loses": ["test_q2_mle_variance"],
    },
    {
        "name": "returned (var_hat, mu_hat) in the wrong order",
        "cell": "q2_mle",
        "source": _MLE.format(body=(
            "    mu_hat = x.mean()\n"
            "    return np.mean((x - mu_hat) ** 2), mu_hat")),
        "loses": ["test_q2_mle_mean", "test_q2_mle_variance"],
    },
    {
        "name": "E[sigma_hat^2] = sigma^2 (that is the unbiased estimator's expectation)",
        "cell": "q3_expected_variance",
        "source": "def expected_mle_variance(n, sigma2):\n    return sigma2\n",
        "loses": ["test_q3_expected_variance"],
    },
    {
        "name": "bias factor upside down, n / (n - 1)",
        "cell": "q3_expected_variance",
        "source": "def expected_mle_variance(n, sigma2):\n    return n / (n - 1) * sigma2\n",
        "loses": ["test_q3_expected_variance"],
    },
    {
        "name": "dropped the -n/2 from the squared-error term",
        "cell": "q4_max_log_likelihood",
        "source": "def max_log_likelihood(n, var_hat):\n    return -0.5 * n * np.log(2 * np.pi * var_hat)\n",
        "loses": ["test_q4_max_log_likelihood"],
    },
    {
        "name": "square root of var_hat inside the log",
        "cell": "q4_max_log_likelihood",
        "source": ("def max_log_likelihood(n, var_hat):\n"
                   "    return -0.5 * n * (np.log(2 * np.pi * np.sqrt(var_hat)) + 1)\n"),
        "loses": ["test_q4_max_log_likelihood"],
    },
]
