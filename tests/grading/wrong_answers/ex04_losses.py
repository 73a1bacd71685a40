"""Typical wrong answers to exercise 04 (losses from maximum likelihood).

Each entry replaces one solution cell of ``solutions/ex04_losses/ex04_losses.ipynb``; the submission built from it
must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_BCE = '''def binary_cross_entropy(y_hat, y):
    p = {p}
    return float(-np.{reduce}(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''
_LOGITS = '''def bce_with_logits(z, y):
    return float(np.mean({body}))
'''
_GRAD = '''def bce_with_logits_grad(z, y):
    return {body}
'''
_MAE = '''BUG_LINE = {line}


def mae_grad(y_hat, y):
    return {body}
'''
_NUMBERS = '''cost_confident_wrong = {cost}
gradient_ratio = {ratio}
'''
_PREDICT = '''PREDICTED_C_MSE = {mse}
PREDICTED_C_MAE = {mae}
'''
_RATIO = "1 / (2 * activations.sigmoid(3.0) * (1 - activations.sigmoid(3.0)))"
Q2 = ["test_q2_logits_values", "test_q2_logits_stable"]
Q3 = ["test_q3_grad_values", "test_q3_grad_stable"]

MISTAKES = [
    {"name": "binary cross-entropy without clipping (0 * log 0 = nan)",
     "cell": "q1_bce", "source": _BCE.format(p="y_hat", reduce="mean"),
     "loses": ["test_q1_bce_clipped"]},
    {"name": "binary cross-entropy summed instead of averaged",
     "cell": "q1_bce", "source": _BCE.format(p="np.clip(y_hat, EPS, 1 - EPS)", reduce="sum"),
     "loses": ["test_q1_bce_values", "test_q1_bce_clipped"]},
    {"name": "loss from logits through the sigmoid (log of 0 for large |z|)",
     "cell": "q2_logits",
     "source": _LOGITS.format(body="-(y * np.log(activations.sigmoid(z)) + (1 - y) * np.log(1 - activations.sigmoid(z)))"),
     "loses": ["test_q2_logits_stable"]},
    {"name": "loss from logits through the sigmoid and clipping (capped at -log EPS)",
     "cell": "q2_logits",
     "source": _LOGITS.format(body="-(y * np.log(np.clip(activations.sigmoid(z), EPS, 1 - EPS)) "
                                   "+ (1 - y) * np.log(np.clip(1 - activations.sigmoid(z), EPS, 1 - EPS)))"),
     "loses": ["test_q2_logits_stable"]},
    {"name": "loss from logits with the sign of z y flipped",
     "cell": "q2_logits", "source": _LOGITS.format(body="np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))"),
     "loses": Q2},
    {"name": "gradient not divided by N",
     "cell": "q3_grad", "source": _GRAD.format(body="activations.sigmoid(z) - y"),
     "loses": Q3},
    {"name": "bug placed on line 3, with a right fix",
     "cell": "q4_mae", "source": _MAE.format(line=3, body="np.sign(y_hat - y) / y_hat.shape[0]"),
     "loses": ["test_q4_mae_line"]},
    {"name": "bug line as text, the broken >= kept (+1/N at a tie)",
     "cell": "q4_mae", "source": _MAE.format(line='"4"', body="np.where(y_hat - y >= 0, 1.0, -1.0) / y_hat.shape[0]"),
     "loses": ["test_q4_mae_line", "test_q4_mae_grad"]},
    {"name": "bug line 4.0 (accepted), the fix without the 1/N of the mean",
     "cell": "q4_mae", "source": _MAE.format(line="4.0", body="np.sign(y_hat - y)"),
     "loses": ["test_q4_mae_grad"]},
    {"name": "cost with log10 instead of ln, gradient ratio inverted",
     "cell": "q5_numbers", "source": _NUMBERS.format(cost="-math.log10(1e-12)", ratio="1 / (" + _RATIO + ")"),
     "loses": ["test_q5_numbers_cost", "test_q5_numbers_ratio"]},
    {"name": "negative cost (log-likelihood instead of loss), negative ratio",
     "cell": "q5_numbers", "source": _NUMBERS.format(cost="math.log(1e-12)", ratio="-" + _RATIO),
     "loses": ["test_q5_numbers_cost", "test_q5_numbers_ratio"]},
    {"name": "MSE and MAE minimizers swapped (median for MSE, mean for MAE)",
     "cell": "q6_predict", "source": _PREDICT.format(mse=4.0, mae="283 / 7"),
     "loses": ["test_q6_predict"]},
    {"name": "MAE minimizer taken as the middle entry of the unsorted targets",
     "cell": "q6_predict", "source": _PREDICT.format(mse="283 / 7", mae=1.0),
     "loses": ["test_q6_predict"]},
    {"name": "MAE minimizer given as a word",
     "cell": "q6_predict", "source": _PREDICT.format(mse="283 / 7", mae='"the median"'),
     "loses": ["test_q6_predict"]},
]
