"""Typical wrong answers to exercise 07 (backpropagation).

Each entry replaces one solution cell of ``solutions/ex07_backpropagation/ex07_backpropagation.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_DENSE = '''def dense_backward(x, W, dout):
    dx = {dx}
    dW = {dW}
    db = {db}
    return dx, dW, db
'''
_RELU = '''def relu_backward(z, dout):
    return {body}
'''
_LOGISTIC = '''BUG_LINE = {line}


def logistic_grad(X, y, w, b):
    r = activations.sigmoid(X @ w + b) - y
    return {dw}, r.mean()
'''
_TWO_LAYER = '''def two_layer_backward(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = activations.relu(Z1)
    Z2 = A1 @ W2 + b2
    delta2 = losses.softmax_cross_entropy_grad(Z2, y)
    dW2 = A1.T @ delta2
    db2 = {db2}
    delta1 = {delta1}
    dW1 = X.T @ delta1
    db1 = delta1.sum(axis=0)
    return {{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}}
'''
_NUMBERS = '''FORWARD_ORDER = {order}
KINK_VALUE = {kink}
'''

MISTAKES = [
    {"name": "dW computed as dout.T @ x (the shape of W transposed)",
     "cell": "q1_dense", "source": _DENSE.format(dx="dout @ W.T", dW="dout.T @ x", db="dout.sum(axis=0)"),
     "loses": ["test_q1_dense"]},
    {"name": "ReLU backward passing the gradient at z = 0 (z >= 0)",
     "cell": "q2_relu", "source": _RELU.format(body="dout * (z >= 0)"),
     "loses": ["test_q2_relu"]},
    {"name": "ReLU backward returning the mask without dout",
     "cell": "q2_relu", "source": _RELU.format(body="(z > 0).astype(float)"),
     "loses": ["test_q2_relu"]},
    {"name": "bug placed on the bias line, with a right fix",
     "cell": "q3_logistic", "source": _LOGISTIC.format(line=5, dw="X.T @ r / X.shape[0]"),
     "loses": ["test_q3_logistic_line"]},
    {"name": "bug line as text, the broken dw without 1/N kept",
     "cell": "q3_logistic", "source": _LOGISTIC.format(line='"4"', dw="r @ X"),
     "loses": ["test_q3_logistic_line", "test_q3_logistic"]},
    {"name": "output bias gradient averaged over the batch (delta^2 already holds the 1/N)",
     "cell": "q4_two_layer",
     "source": _TWO_LAYER.format(db2="delta2.mean(axis=0)", delta1="(delta2 @ W2.T) * (Z1 > 0)"),
     "loses": ["test_q4_two_layer_output"]},
    {"name": "hidden delta without the ReLU's mask",
     "cell": "q4_two_layer", "source": _TWO_LAYER.format(db2="delta2.sum(axis=0)", delta1="delta2 @ W2.T"),
     "loses": ["test_q4_two_layer_hidden"]},
    {"name": "forward difference taken as second order, kink value 1 (the true derivative)",
     "cell": "q5_numbers", "source": _NUMBERS.format(order=2, kink=1.0),
     "loses": ["test_q5_numbers_order", "test_q5_numbers_kink"]},
    {"name": "order as a fraction, kink value (z + h) / h without the 2",
     "cell": "q5_numbers", "source": _NUMBERS.format(order=0.5, kink="(3e-6 + 1e-5) / 1e-5"),
     "loses": ["test_q5_numbers_order", "test_q5_numbers_kink"]},
    {"name": "shrink predicted as for a first-order error (10)",
     "cell": "q6_predict", "source": "PREDICTED_SHRINK = 10.0\n",
     "loses": ["test_q6_predict"]},
    {"name": "shrink predicted inverted (0.01)",
     "cell": "q6_predict", "source": "PREDICTED_SHRINK = 0.01\n",
     "loses": ["test_q6_predict"]},
]
