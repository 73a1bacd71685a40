"""Typical wrong answers to exercise 04 (losses from maximum likelihood).

Each entry replaces one solution cell of ``solutions/ex04_losses/ex04_losses.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_BCE = '''def binary_cross_entropy(y_hat, y):
{body}
'''
_LOGITS = '''def bce_with_logits(z, y):
{body}
'''
_GRAD = '''def bce_with_logits_grad(z, y):
{body}
'''
_MAE = '''def mae(y_hat, y):
{mae}


def mae_grad(y_hat, y):
{grad}
'''
_RIGHT_MAE = "    return float(np.mean(np.abs(y_hat - y)))"
_RIGHT_MAE_GRAD = "    return np.sign(y_hat - y) / y_hat.shape[0]"
_NUMBERS = '''cost_confident_wrong = {cost}
c_mse = {c_mse}
c_mae = {c_mae}
gradient_ratio = {ratio}
'''
_RIGHT = {"cost": "-math.log(1e-12)", "c_mse": "283 / 7", "c_mae": "4.0",
          "ratio": "(1 + math.exp(-3.0)) ** 2 / (2 * math.exp(-3.0))"}

Q1_ALL = ["test_q1_bce_values", "test_q1_bce_clipped"]

MISTAKES = [
    # --- Q1: binary cross-entropy on probabilities --------------------------------------------
    {
        "name": "BCE without the minus sign (the mean log-likelihood)",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    p = np.clip(y_hat, EPS, 1 - EPS)\n"
            "    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))")),
        "loses": Q1_ALL,
    },
    {
        "name": "BCE summed over the batch instead of averaged",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    p = np.clip(y_hat, EPS, 1 - EPS)\n"
            "    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))")),
        "loses": ["test_q1_bce_values"],
    },
    {
        "name": "BCE without clipping (log(0) gives inf, 0 * log(0) gives nan)",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))")),
        "loses": ["test_q1_bce_clipped"],
    },
    {
        "name": "BCE clipped from below only, to [EPS, 1]",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    p = np.maximum(y_hat, EPS)\n"
            "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))")),
        "loses": ["test_q1_bce_clipped"],
    },
    {
        "name": "BCE without the (1 - y) log(1 - y_hat) term",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    p = np.clip(y_hat, EPS, 1 - EPS)\n"
            "    return float(-np.mean(y * np.log(p)))")),
        "loses": Q1_ALL,
    },
    {
        "name": "BCE with y_hat and y swapped (logs of the labels)",
        "cell": "q1_bce",
        "source": _BCE.format(body=(
            "    t = np.clip(y, EPS, 1 - EPS)\n"
            "    return float(-np.mean(y_hat * np.log(t) + (1 - y_hat) * np.log(1 - t)))")),
        "loses": Q1_ALL,
    },
    # --- Q2: BCE from logits -------------------------------------------------------------------
    {
        "name": "loss from logits through the naive sigmoid and logs (inf and nan for large |z|)",
        "cell": "q2_logits",
        "source": _LOGITS.format(body=(
            "    y_hat = 1 / (1 + np.exp(-z))\n"
            "    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))")),
        "loses": ["test_q2_logits_stable"],
    },
    {
        "name": "loss from logits via sigmoid and clipping (capped at 27.6)",
        "cell": "q2_logits",
        "source": _LOGITS.format(body=(
            "    p = np.clip(activations.sigmoid(z), EPS, 1 - EPS)\n"
            "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))")),
        "loses": ["test_q2_logits_stable"],
    },
    {
        "name": "loss from logits as (1 - y) z + log(1 + exp(-z)) without the max (overflows for z = -1000)",
        "cell": "q2_logits",
        "source": _LOGITS.format(body=(
            "    return float(np.mean((1 - y) * z + np.log(1 + np.exp(-z))))")),
        "loses": ["test_q2_logits_stable"],
    },
    {
        "name": "loss from logits with + z y instead of - z y",
        "cell": "q2_logits",
        "source": _LOGITS.format(body=(
            "    return float(np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))))")),
        "loses": ["test_q2_logits_values", "test_q2_logits_stable"],
    },
    {
        "name": "loss from logits summed over the batch",
        "cell": "q2_logits",
        "source": _LOGITS.format(body=(
            "    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))")),
        "loses": ["test_q2_logits_values"],
    },
    # --- Q3: gradient from logits ----------------------------------------------------------------
    {
        "name": "logit gradient not divided by N",
        "cell": "q3_grad",
        "source": _GRAD.format(body="    return activations.sigmoid(z) - y"),
        "loses": ["test_q3_grad_values"],
    },
    {
        "name": "logit gradient with the sign flipped, (y - sigmoid(z)) / N",
        "cell": "q3_grad",
        "source": _GRAD.format(body="    return (y - activations.sigmoid(z)) / z.shape[0]"),
        "loses": ["test_q3_grad_values", "test_q3_grad_stable"],
    },
    {
        "name": "logit gradient chained as dC/dy_hat * sigma'(z) without cancelling (0/0 for large |z|)",
        "cell": "q3_grad",
        "source": _GRAD.format(body=(
            "    a = activations.sigmoid(z)\n"
            "    return (a - y) / (a * (1 - a)) * (a * (1 - a)) / z.shape[0]")),
        "loses": ["test_q3_grad_stable"],
    },
    {
        "name": "logit gradient with an extra factor sigma'(z) (the MSE habit)",
        "cell": "q3_grad",
        "source": _GRAD.format(body=(
            "    return (activations.sigmoid(z) - y) * activations.sigmoid_grad(z) / z.shape[0]")),
        "loses": ["test_q3_grad_values", "test_q3_grad_stable"],
    },
    # --- Q4: MAE and its subgradient ---------------------------------------------------------------
    {
        "name": "MAE without the absolute value",
        "cell": "q4_mae",
        "source": _MAE.format(mae="    return float(np.mean(y_hat - y))", grad=_RIGHT_MAE_GRAD),
        "loses": ["test_q4_mae_values"],
    },
    {
        "name": "MAE summed over the batch",
        "cell": "q4_mae",
        "source": _MAE.format(mae="    return float(np.sum(np.abs(y_hat - y)))", grad=_RIGHT_MAE_GRAD),
        "loses": ["test_q4_mae_values"],
    },
    {
        "name": "MAE gradient with the sign flipped, sign(y - y_hat) / N",
        "cell": "q4_mae",
        "source": _MAE.format(mae=_RIGHT_MAE, grad="    return np.sign(y - y_hat) / y_hat.shape[0]"),
        "loses": ["test_q4_mae_grad"],
    },
    {
        "name": "MAE gradient not divided by N",
        "cell": "q4_mae",
        "source": _MAE.format(mae=_RIGHT_MAE, grad="    return np.sign(y_hat - y)"),
        "loses": ["test_q4_mae_grad"],
    },
    {
        "name": "MAE gradient +1 at exact predictions instead of the subgradient 0",
        "cell": "q4_mae",
        "source": _MAE.format(mae=_RIGHT_MAE, grad="    return np.where(y_hat >= y, 1.0, -1.0) / y_hat.shape[0]"),
        "loses": ["test_q4_mae_grad_tie"],
    },
    {
        "name": "MAE gradient as d / |d| (0/0 at exact predictions)",
        "cell": "q4_mae",
        "source": _MAE.format(mae=_RIGHT_MAE, grad=(
            "    d = y_hat - y\n"
            "    return d / np.abs(d) / y_hat.shape[0]")),
        "loses": ["test_q4_mae_grad_tie"],
    },
    # --- Q5: numbers ------------------------------------------------------------------------------
    {
        "name": "confident wrong cost without the minus sign, ln(1e-12)",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "cost": "math.log(1e-12)"}),
        "loses": ["test_q5_numbers_cost"],
    },
    {
        "name": "confident wrong cost with log10, 12",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "cost": "12.0"}),
        "loses": ["test_q5_numbers_cost"],
    },
    {
        "name": "confident wrong cost taken as infinite (clipping ignored)",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "cost": "math.inf"}),
        "loses": ["test_q5_numbers_cost"],
    },
    {
        "name": "mean and median swapped",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "c_mse": "4.0", "c_mae": "283 / 7"}),
        "loses": ["test_q5_numbers_minimizers"],
    },
    {
        "name": "best MAE constant taken as the mean too",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "c_mae": "283 / 7"}),
        "loses": ["test_q5_numbers_minimizers"],
    },
    {
        "name": "gradient ratio upside down, 2 sigma'(3)",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "ratio": "2 * math.exp(-3.0) / (1 + math.exp(-3.0)) ** 2"}),
        "loses": ["test_q5_numbers_ratio"],
    },
    {
        "name": "gradient ratio without the 2 of the squared error, 1 / sigma'(3)",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(**{**_RIGHT, "ratio": "(1 + math.exp(-3.0)) ** 2 / math.exp(-3.0)"}),
        "loses": ["test_q5_numbers_ratio"],
    },
]
