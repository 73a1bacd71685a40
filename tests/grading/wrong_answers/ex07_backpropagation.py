"""Typical wrong answers to exercise 07 (backpropagation).

Each entry replaces one solution cell of ``solutions/ex07_backpropagation/ex07_backpropagation.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
A wrong answer that raises inside the learner's function fails every test cell that calls it, so such
entries list all of them.
"""

_DENSE = '''def dense_backward(x, W, dout):
    dx = {dx}
    dW = {dW}
    db = {db}
    return dx, dW, db
'''
_RIGHT = {"dx": "dout @ W.T", "dW": "x.T @ dout", "db": "dout.sum(axis=0)"}


def _dense(**wrong):
    return _DENSE.format(**{**_RIGHT, **wrong})


_RELU = '''def relu_backward(z, dout):
    dz = {body}
    return dz
'''

_LOGISTIC = '''def logistic_grad(X, y, w, b):
    y_hat = activations.sigmoid(X @ w + b)
    r = {r}
    dw = {dw}
    db = {db}
    return dw, db
'''


def _logistic(r="y_hat - y", dw="X.T @ r / X.shape[0]", db="r.mean()"):
    return _LOGISTIC.format(r=r, dw=dw, db=db)


_TWO_LAYER = '''def two_layer_backward(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = activations.relu(Z1)
    Z2 = A1 @ W2 + b2
    delta2 = {delta2}
    dW2 = {dW2}
    db2 = delta2.sum(axis=0)
    dA1 = {dA1}
    delta1 = {delta1}
    dW1 = X.T @ delta1
    db1 = delta1.sum(axis=0)
    return {{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}}
'''


def _two_layer(delta2="losses.softmax_cross_entropy_grad(Z2, y)", dW2="A1.T @ delta2", dA1="delta2 @ W2.T",
               delta1="dA1 * (Z1 > 0)"):
    return _TWO_LAYER.format(delta2=delta2, dW2=dW2, dA1=dA1, delta1=delta1)


_GRADCHECK = '''def error_shrink_factor(k, method):
    return {shrink}


def relu_centered_difference(z, h):
    return {kink}
'''


def _gradcheck(shrink='k**2 if method == "centered" else k', kink="(z + h) / (2 * h)"):
    return _GRADCHECK.format(shrink=shrink, kink=kink)


Q1_ALL = ["test_q1_dense_dW", "test_q1_dense_db", "test_q1_dense_dx"]
Q2_ALL = ["test_q2_relu_mask", "test_q2_relu_at_zero"]
Q3_ALL = ["test_q3_logistic_dw", "test_q3_logistic_db"]
Q4_ALL = ["test_q4_two_layer_output", "test_q4_two_layer_hidden"]

MISTAKES = [
    # --- question 1: dense layer -------------------------------------------------------------
    {
        "name": "transposed weight gradient, dout.T @ x",
        "cell": "q1_dense",
        "source": _dense(dW="dout.T @ x"),
        "loses": ["test_q1_dense_dW"],
    },
    {
        "name": "weight gradient divided by N a second time",
        "cell": "q1_dense",
        "source": _dense(dW="x.T @ dout / x.shape[0]"),
        "loses": ["test_q1_dense_dW"],
    },
    {
        "name": "bias gradient summed over the output axis",
        "cell": "q1_dense",
        "source": _dense(db="dout.sum(axis=1)"),
        "loses": ["test_q1_dense_db"],
    },
    {
        "name": "bias gradient averaged over the batch instead of summed",
        "cell": "q1_dense",
        "source": _dense(db="dout.mean(axis=0)"),
        "loses": ["test_q1_dense_db"],
    },
    {
        "name": "bias gradient summed over every axis (one number)",
        "cell": "q1_dense",
        "source": _dense(db="dout.sum()"),
        "loses": ["test_q1_dense_db"],
    },
    {
        "name": "input gradient as W @ dout.T (transposed)",
        "cell": "q1_dense",
        "source": _dense(dx="W @ dout.T"),
        "loses": ["test_q1_dense_dx"],
    },
    {
        "name": "input gradient without the transpose, dout @ W (raises for D != M)",
        "cell": "q1_dense",
        "source": _dense(dx="dout @ W"),
        "loses": Q1_ALL,
    },
    # --- question 2: ReLU ----------------------------------------------------------------------
    {
        "name": "ReLU mask taken from dout instead of z",
        "cell": "q2_relu",
        "source": _RELU.format(body="dout * (dout > 0)"),
        "loses": Q2_ALL,
    },
    {
        "name": "ReLU gradient passed at the kink, z >= 0",
        "cell": "q2_relu",
        "source": _RELU.format(body="dout * (z >= 0)"),
        "loses": ["test_q2_relu_at_zero"],
    },
    {
        "name": "ReLU backward without a mask",
        "cell": "q2_relu",
        "source": _RELU.format(body="dout.copy()"),
        "loses": Q2_ALL,
    },
    {
        "name": "ReLU backward multiplied by relu(z) instead of its derivative",
        "cell": "q2_relu",
        "source": _RELU.format(body="dout * np.maximum(z, 0)"),
        "loses": Q2_ALL,
    },
    # --- question 3: logistic regression ------------------------------------------------------
    {
        "name": "logistic gradient with the sign flipped, (y - y_hat) x",
        "cell": "q3_logistic",
        "source": _logistic(r="y - y_hat"),
        "loses": Q3_ALL,
    },
    {
        "name": "logistic gradient summed over the batch instead of averaged",
        "cell": "q3_logistic",
        "source": _logistic(dw="X.T @ r", db="r.sum()"),
        "loses": Q3_ALL,
    },
    {
        "name": "logistic gradient with an extra sigmoid derivative (the MSE chain)",
        "cell": "q3_logistic",
        "source": _logistic(r="(y_hat - y) * y_hat * (1 - y_hat)"),
        "loses": Q3_ALL,
    },
    {
        "name": "logistic gradient from the logits, z - y",
        "cell": "q3_logistic",
        "source": _logistic(r="(X @ w + b) - y"),
        "loses": Q3_ALL,
    },
    {
        "name": "logistic bias gradient summed, weight gradient right",
        "cell": "q3_logistic",
        "source": _logistic(db="r.sum()"),
        "loses": ["test_q3_logistic_db"],
    },
    # --- question 4: two-layer network --------------------------------------------------------
    {
        "name": "two-layer backward without the 1/N of the mean",
        "cell": "q4_two_layer",
        "source": _two_layer(delta2="activations.softmax(Z2) - np.eye(W2.shape[1])[y]"),
        "loses": Q4_ALL,
    },
    {
        "name": "output weight gradient from z1 instead of a1",
        "cell": "q4_two_layer",
        "source": _two_layer(dW2="Z1.T @ delta2"),
        "loses": ["test_q4_two_layer_output"],
    },
    {
        "name": "hidden layer without the ReLU mask",
        "cell": "q4_two_layer",
        "source": _two_layer(delta1="dA1"),
        "loses": ["test_q4_two_layer_hidden"],
    },
    {
        "name": "hidden layer masked by the sign of the upstream gradient",
        "cell": "q4_two_layer",
        "source": _two_layer(delta1="dA1 * (dA1 > 0)"),
        "loses": ["test_q4_two_layer_hidden"],
    },
    {
        "name": "hidden gradient without the transpose, delta2 @ W2 (raises for H != K)",
        "cell": "q4_two_layer",
        "source": _two_layer(dA1="delta2 @ W2"),
        "loses": Q4_ALL,
    },
    # --- question 5: gradient-checking numbers ------------------------------------------------
    {
        "name": "centered difference taken as O(h)",
        "cell": "q5_gradcheck",
        "source": _gradcheck(shrink="k"),
        "loses": ["test_q5_gradcheck_centered"],
    },
    {
        "name": "forward difference taken as O(h^2)",
        "cell": "q5_gradcheck",
        "source": _gradcheck(shrink="k**2"),
        "loses": ["test_q5_gradcheck_forward"],
    },
    {
        "name": "centered difference at the kink taken as the true derivative 1",
        "cell": "q5_gradcheck",
        "source": _gradcheck(kink="1.0"),
        "loses": ["test_q5_gradcheck_kink"],
    },
    {
        "name": "centered difference at the kink taken as 1/2 for every z",
        "cell": "q5_gradcheck",
        "source": _gradcheck(kink="0.5"),
        "loses": ["test_q5_gradcheck_kink"],
    },
]
