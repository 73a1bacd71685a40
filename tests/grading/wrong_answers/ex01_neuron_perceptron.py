"""Typical wrong answers to exercise 01 (the neuron and the perceptron).

Each entry replaces one solution cell of ``solutions/ex01_neuron_perceptron/ex01_neuron_perceptron.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_NEURON = '''def neuron(X, w, b):
    return {z}


def perceptron_predict(X, w, b):
    return (neuron(X, w, b) {op} 0).astype(np.int64)
'''

_EPOCH = '''def perceptron_epoch(X, y, w, b, lr=1.0):
    w = {copy}
    b = float(b)
    n_updates = 0
{loop}
    return w, b, n_updates
'''
_ONLINE = '''    for x_n, y_n in zip(np.asarray(X, dtype=float), y):
        y_hat = int(x_n @ w + b > 0)
        if y_hat != y_n:
            w += lr * (y_n - y_hat) * x_n
            {bias}
            n_updates += 1'''
_COPY = "np.array(w, dtype=float)"
_BIAS = "b += lr * (y_n - y_hat)"

_COLLAPSE = '''BUG_LINE = {line}


def collapse(weights, biases):
    W, b = {start}
    for W_l, b_l in zip(weights[1:], biases[1:]):
        W = {w_step}
        b = {b_step}
    return W, b
'''


def _collapse(line, start="weights[0], biases[0]", w_step="W @ W_l", b_step="b @ W_l + b_l"):
    return _COLLAPSE.format(line=line, start=start, w_step=w_step, b_step=b_step)


Q1 = ["test_q1_neuron_values", "test_q1_neuron_predict"]
Q2 = ["test_q2_perceptron_epoch_single", "test_q2_perceptron_epoch_sequential"]

MISTAKES = [
    {"name": "neuron returning a column of shape (N, 1) (w reshaped to a column)",
     "cell": "q1_neuron", "source": _NEURON.format(z="np.asarray(X) @ np.asarray(w)[:, None] + b", op=">"),
     "loses": Q1},
    {"name": "neuron without the bias",
     "cell": "q1_neuron", "source": _NEURON.format(z="np.asarray(X) @ np.asarray(w)", op=">"),
     "loses": Q1},
    {"name": "perceptron_predict with >= (the boundary z = 0 gets label 1)",
     "cell": "q1_neuron", "source": _NEURON.format(z="np.asarray(X) @ np.asarray(w) + b", op=">="),
     "loses": ["test_q1_neuron_predict"]},
    {"name": "epoch that never updates the bias",
     "cell": "q2_perceptron_epoch", "source": _EPOCH.format(copy=_COPY, loop=_ONLINE.format(bias="pass")),
     "loses": Q2},
    {"name": "epoch that updates the caller's w in place (np.asarray makes no copy)",
     "cell": "q2_perceptron_epoch",
     "source": _EPOCH.format(copy="np.asarray(w, dtype=float)", loop=_ONLINE.format(bias=_BIAS)),
     "loses": ["test_q2_perceptron_epoch_sequential"]},
    {"name": "epoch predicting every example with the weights from the start of the epoch",
     "cell": "q2_perceptron_epoch", "source": _EPOCH.format(copy=_COPY, loop='''    w0, b0 = w.copy(), b
    for x_n, y_n in zip(np.asarray(X, dtype=float), y):
        y_hat = int(x_n @ w0 + b0 > 0)
        if y_hat != y_n:
            w += lr * (y_n - y_hat) * x_n
            b += lr * (y_n - y_hat)
            n_updates += 1'''),
     "loses": ["test_q2_perceptron_epoch_sequential"]},
    {"name": "epoch counting every example as an update",
     "cell": "q2_perceptron_epoch", "source": _EPOCH.format(copy=_COPY, loop='''    for x_n, y_n in zip(np.asarray(X, dtype=float), y):
        y_hat = int(x_n @ w + b > 0)
        if y_hat != y_n:
            w += lr * (y_n - y_hat) * x_n
            b += lr * (y_n - y_hat)
        n_updates += 1'''),
     "loses": ["test_q2_perceptron_epoch_sequential"]},
    {"name": "bug line given as text, and a fix that keeps only the last bias",
     "cell": "q3_collapse", "source": _collapse('"line 5"', b_step="b_l"),
     "loses": ["test_q3_collapse_line", "test_q3_collapse_network"]},
    {"name": "bug line 4 (the right product), and the product taken in column order",
     "cell": "q3_collapse", "source": _collapse(4, w_step="W_l @ W"),
     "loses": ["test_q3_collapse_line", "test_q3_collapse_network"]},
    {"name": "bug line 5.0 (a whole number: accepted), collapse returning the column-form matrix W^T",
     "cell": "q3_collapse", "source": _collapse("5.0", start="weights[0].T, biases[0]",
                                               w_step="W_l.T @ W"),
     "loses": ["test_q3_collapse_network"]},
    {"name": "parameters counted without the biases",
     "cell": "q4_n_params", "source": "N_PARAMS = 784 * 256 + 256 * 128 + 128 * 10\n",
     "loses": ["test_q4_n_params"]},
    {"name": "parameter count given as text",
     "cell": "q4_n_params", "source": 'N_PARAMS = "235146"\n',
     "loses": ["test_q4_n_params"]},
    {"name": "bound with u not normalized to length 1",
     "cell": "q5_bound", "source": "PREDICTED_BOUND = 6 / 4\n",
     "loses": ["test_q5_bound"]},
    {"name": "bound inverted, (gamma / R)^2",
     "cell": "q5_bound", "source": "PREDICTED_BOUND = 2 / 6\n",
     "loses": ["test_q5_bound"]},
]
