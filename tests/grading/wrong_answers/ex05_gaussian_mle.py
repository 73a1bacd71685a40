"""Typical wrong answers to exercise 05 (maximum likelihood for the Gaussian).

Each entry replaces one solution cell of ``solutions/ex05_gaussian_mle/ex05_gaussian_mle.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_LOGLIK = '''BUG_LINE = {line}


def log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return {body}
'''
_RIGHT = "-0.5 * x.size * np.log(2 * np.pi * sigma**2) - np.sum((x - mu) ** 2) / (2 * sigma**2)"
_MLE = '''def mle(x):
{body}
    return mu_hat, var_hat
'''
Q1 = ["test_q1_log_likelihood_line", "test_q1_log_likelihood_values", "test_q1_log_likelihood_large_n"]

MISTAKES = [
    {"name": "bug placed on the density line, the product of densities kept",
     "cell": "q1_log_likelihood",
     "source": _LOGLIK.format(line=3, body="np.log(np.prod(np.exp(-(x - mu) ** 2 / (2 * sigma**2)) "
                                           "/ np.sqrt(2 * np.pi * sigma**2)))"),
     "loses": ["test_q1_log_likelihood_line", "test_q1_log_likelihood_large_n"]},
    {"name": "bug line as text; the fix uses sigma where sigma^2 belongs in the log",
     "cell": "q1_log_likelihood",
     "source": _LOGLIK.format(line='"4"', body="-0.5 * x.size * np.log(2 * np.pi * sigma) "
                                                "- np.sum((x - mu) ** 2) / (2 * sigma**2)"),
     "loses": Q1},
    {"name": "bug line 4.0 (accepted); the fix averages the log-densities",
     "cell": "q1_log_likelihood", "source": _LOGLIK.format(line="4.0", body="(" + _RIGHT + ") / x.size"),
     "loses": ["test_q1_log_likelihood_values", "test_q1_log_likelihood_large_n"]},
    {"name": "variance with the n - 1 divisor (ddof = 1)",
     "cell": "q2_mle", "source": _MLE.format(body="    mu_hat = np.mean(x)\n    var_hat = np.var(x, ddof=1)"),
     "loses": ["test_q2_mle"]},
    {"name": "the standard deviation returned instead of the variance",
     "cell": "q2_mle", "source": _MLE.format(body="    mu_hat = np.mean(x)\n    var_hat = np.std(x)"),
     "loses": ["test_q2_mle"]},
    {"name": "the median as the mean's estimate",
     "cell": "q2_mle", "source": _MLE.format(body="    mu_hat = np.median(x)\n    var_hat = np.mean((x - mu_hat) ** 2)"),
     "loses": ["test_q2_mle"]},
    {"name": "the sample centred in place (x -= mu_hat changes the caller's array)",
     "cell": "q2_mle",
     "source": _MLE.format(body="    mu_hat = x.mean()\n    x -= mu_hat\n    var_hat = np.mean(x ** 2)"),
     "loses": ["test_q2_mle"]},
    {"name": "averages predicted the other way round (s^2 biased, sigma-hat^2 unbiased)",
     "cell": "q3_predict", "source": "PREDICTED_MEAN_VAR_HAT = 9.0\nPREDICTED_MEAN_S2 = 9 * 4 / 3\n",
     "loses": ["test_q3_predict"]},
    {"name": "averages predicted for the standard deviation (3) instead of the variance",
     "cell": "q3_predict", "source": "PREDICTED_MEAN_VAR_HAT = None\nPREDICTED_MEAN_S2 = 3.0\n",
     "loses": ["test_q3_predict"]},
    {"name": "maximum log-likelihood without the +1 from the sum of squares",
     "cell": "q4_max_log_likelihood", "source": "MAX_LOG_L = 0.0\n",
     "loses": ["test_q4_max_log_likelihood"]},
    {"name": "maximum log-likelihood given as text",
     "cell": "q4_max_log_likelihood", "source": 'MAX_LOG_L = "-n/2"\n',
     "loses": ["test_q4_max_log_likelihood"]},
]
