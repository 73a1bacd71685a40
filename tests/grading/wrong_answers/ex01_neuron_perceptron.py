"""Typical wrong answers to exercise 01 (the neuron and the perceptron).

Each entry replaces one solution cell of ``solutions/ex01_neuron_perceptron/ex01_neuron_perceptron.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_NEURON = '''def neuron(X, w, b):
    return {z}


def perceptron_predict(X, w, b):
    return ({rule}).astype(np.int64)
'''

_EPOCH = '''def perceptron_epoch(X, y, w, b, lr=1.0):
    X = np.asarray(X, dtype=float)
    w = {start}
    b = float(b)
    n_updates = 0
{loop}
    return w, b, n_updates
'''

_ONLINE = '''    for x_n, y_n in zip(X, y):
        y_hat = int(x_n @ w + b > 0)
        if y_hat != y_n:
            w {op} lr * (y_n - y_hat) * x_n
            b {op} lr * (y_n - y_hat)
            n_updates += 1'''


def _epoch(start="np.array(w, dtype=float)", loop=_ONLINE.format(op="+=")):
    return _EPOCH.format(start=start, loop=loop)


_COLLAPSE = '''def collapse(weights, biases):
    W, b = weights[0], biases[0]
    for W_l, b_l in zip(weights[1:], biases[1:]):
{body}
    return W, b
'''

_BOUND = '''def mistake_bound(X, y, u):
    X = np.asarray(X, dtype=float)
    X_aug = np.column_stack([X, np.ones(len(X))])
    t = 2 * np.asarray(y) - 1
    u = np.asarray(u, dtype=float)
    gamma = np.min(t * (X_aug @ u))
    if gamma <= 0:
        return np.inf
    R = np.max(np.linalg.norm(X_aug, axis=1))
    return float((R / gamma) ** 2)
'''

Q1_CELLS = ["test_q1_neuron_shape", "test_q1_neuron_values", "test_q1_neuron_predict"]
Q2_UPDATE_CELLS = ["test_q2_perceptron_epoch_single", "test_q2_perceptron_epoch_sequential",
                   "test_q2_perceptron_epoch_count"]
Q4_CELLS = ["test_q4_n_params_small", "test_q4_n_params_nnlib"]

MISTAKES = [
    # --- Q1: a neuron on a batch
    {
        "name": "neuron: w @ X instead of X @ w",
        "cell": "q1_neuron",
        "source": _NEURON.format(z="np.asarray(w, dtype=float) @ np.asarray(X, dtype=float) + b",
                                 rule="neuron(X, w, b) > 0"),
        "loses": Q1_CELLS,
    },
    {
        "name": "perceptron_predict: z >= 0 (points on the boundary get label 1)",
        "cell": "q1_neuron",
        "source": _NEURON.format(z="np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + b",
                                 rule="neuron(X, w, b) >= 0"),
        "loses": ["test_q1_neuron_predict"],
    },
    # --- Q2: one perceptron epoch
    {
        "name": "perceptron_epoch: update with the wrong sign",
        "cell": "q2_perceptron_epoch",
        "source": _epoch(loop=_ONLINE.format(op="-=")),
        "loses": Q2_UPDATE_CELLS,
    },
    {
        "name": "perceptron_epoch: all predictions made with the starting weights",
        "cell": "q2_perceptron_epoch",
        "source": _epoch(loop='''    y_hat = (X @ w + b > 0).astype(int)
    for x_n, y_n, p_n in zip(X, y, y_hat):
        if p_n != y_n:
            w += lr * (y_n - p_n) * x_n
            b += lr * (y_n - p_n)
            n_updates += 1'''),
        "loses": ["test_q2_perceptron_epoch_sequential", "test_q2_perceptron_epoch_count"],
    },
    {
        "name": "perceptron_epoch: updates on every example, not only on mistakes",
        "cell": "q2_perceptron_epoch",
        "source": _epoch(loop='''    for x_n, y_n in zip(X, y):
        t_n = 2 * y_n - 1
        w += lr * t_n * x_n
        b += lr * t_n
        n_updates += 1'''),
        "loses": Q2_UPDATE_CELLS,
    },
    {
        "name": "perceptron_epoch: changes the caller's w in place",
        "cell": "q2_perceptron_epoch",
        "source": _epoch(start="np.asarray(w, dtype=float)"),
        "loses": ["test_q2_perceptron_epoch_inputs"],
    },
    # --- Q3: collapse a linear network
    {
        "name": "collapse: product in the column-notation order WL ... W1",
        "cell": "q3_collapse",
        "source": _COLLAPSE.format(body="        W = W_l @ W\n        b = b @ W_l + b_l"),
        "loses": ["test_q3_collapse_weights", "test_q3_collapse_network"],
    },
    {
        "name": "collapse: biases added up instead of carried through the later layers",
        "cell": "q3_collapse",
        "source": _COLLAPSE.format(body="        W = W @ W_l\n        b = b + b_l"),
        "loses": ["test_q3_collapse_bias", "test_q3_collapse_network"],
    },
    # --- Q4: counting parameters
    {
        "name": "n_params: weights only, biases forgotten",
        "cell": "q4_n_params",
        "source": ("def n_params(widths):\n"
                   "    return sum(n_in * n_out for n_in, n_out in zip(widths[:-1], widths[1:]))\n"),
        "loses": Q4_CELLS,
    },
    # --- Q5: the mistake bound
    {
        "name": "mistake_bound: u not normalized to a unit vector",
        "cell": "q5_mistake_bound",
        "source": _BOUND,
        "loses": ["test_q5_mistake_bound_scaled"],
    },
]
