"""Typical wrong answers to exercise 02 (activation functions).

Each entry replaces one solution cell of ``solutions/ex02_activations/ex02_activations.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_LEAKY = '''def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return {forward}


def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return {grad}
'''
_LEAKY_FORWARD = "np.where(z > 0, z, slope * z)"
_LEAKY_GRAD = "np.where(z > 0, 1.0, slope)"

_ELU = '''def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return {forward}


def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return {grad}
'''
_ELU_FORWARD = "np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))"
_ELU_GRAD = "np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))"

_MAXOUT = '''def maxout(a, W, b):
    pieces = np.stack([{piece} for i in range(W.shape[0])])
    return pieces.max(axis={axis})
'''

_PRELU = '''def prelu_backward(z, alpha, dout):
    neg = z <= 0
    dz = np.where(neg, alpha * dout, dout)
    dalpha = {dalpha}
    return dz, dalpha
'''

_NUMBERS = '''dead_fraction = {dead}
alpha_zero_mean = (1 / math.sqrt(2 * math.pi)) / (0.5 - math.exp(0.5) * 0.5 * math.erfc(1 / math.sqrt(2)))
kappa_relu = 1 + 10 / (math.pi - 1)
'''

MISTAKES = [
    {
        "name": "leaky ReLU with the slope on the positive side",
        "cell": "q1_leaky_relu",
        "source": _LEAKY.format(forward="np.where(z > 0, slope * z, z)", grad=_LEAKY_GRAD),
        "loses": ["test_q1_leaky_relu_forward"],
    },
    {
        "name": "leaky ReLU derivative 0 for negative z (the plain ReLU's)",
        "cell": "q1_leaky_relu",
        "source": _LEAKY.format(forward=_LEAKY_FORWARD, grad="(z > 0).astype(float)"),
        "loses": ["test_q1_leaky_relu_grad", "test_q1_leaky_relu_grad_at_zero"],
    },
    {
        "name": "ELU without the - 1 in the negative branch",
        "cell": "q2_elu",
        "source": _ELU.format(forward="np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0)))", grad=_ELU_GRAD),
        "loses": ["test_q2_elu_forward"],
    },
    {
        "name": "ELU derivative without the factor alpha",
        "cell": "q2_elu",
        "source": _ELU.format(forward=_ELU_FORWARD, grad="np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))"),
        "loses": ["test_q2_elu_grad"],
    },
    {
        "name": "ELU branches combined with 0/1 masks (inf * 0 = nan for large z)",
        "cell": "q2_elu",
        "source": _ELU.format(forward="z * (z > 0) + alpha * (np.exp(z) - 1) * (z <= 0)",
                              grad="1.0 * (z > 0) + alpha * np.exp(z) * (z <= 0)"),
        "loses": ["test_q2_elu_large"],
    },
    {
        "name": "maxout pieces without their biases",
        "cell": "q3_maxout",
        "source": _MAXOUT.format(piece="a @ W[i]", axis=0),
        "loses": ["test_q3_maxout_values"],
    },
    {
        "name": "maxout maximum over the units instead of the pieces",
        "cell": "q3_maxout",
        "source": _MAXOUT.format(piece="a @ W[i] + b[i]", axis=-1),
        "loses": ["test_q3_maxout_shape", "test_q3_maxout_values"],
    },
    {
        "name": "PReLU slope gradient without the indicator 1[z <= 0]",
        "cell": "q4_prelu",
        "source": _PRELU.format(dalpha="np.sum(dout * z, axis=0)"),
        "loses": ["test_q4_prelu_dalpha"],
    },
    {
        "name": "PReLU slope gradient averaged over the batch instead of summed",
        "cell": "q4_prelu",
        "source": _PRELU.format(dalpha="np.mean(dout * z * neg, axis=0)"),
        "loses": ["test_q4_prelu_dalpha"],
    },
    {
        "name": "dead fraction counting units that are off on some input",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(dead="4 / 5"),
        "loses": ["test_q5_numbers_dead"],
    },
]
