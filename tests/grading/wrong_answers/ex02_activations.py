"""Typical wrong answers to exercise 02 (activation functions).

Each entry replaces one solution cell of ``solutions/ex02_activations/ex02_activations.ipynb``; the submission built
from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_LEAKY = '''def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return {f}


def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return {g}
'''
_ELU = '''def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return {f}


def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return {g}
'''
_ELU_F = "np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))"
_ELU_G = "np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))"
_MAXOUT = '''BUG_LINE = {line}


def maxout(a, W, b):
    return {body}
'''
_PRELU = '''def prelu_backward(z, alpha, dout):
    neg = z <= 0
    return {dz}, {dalpha}
'''
_NUMBERS = '''alpha_zero_mean = {alpha}
kappa_relu = {kappa}
'''
_ALPHA = "1.6732632423543772"
_KAPPA = "1 + 10 / (math.pi - 1)"

MISTAKES = [
    {"name": "leaky ReLU with the slope on the positive side",
     "cell": "q1_leaky_relu",
     "source": _LEAKY.format(f="np.where(z > 0, slope * z, z)", g="np.where(z > 0, 1.0, slope)"),
     "loses": ["test_q1_leaky_relu_forward"]},
    {"name": "leaky ReLU derivative with the sign flipped on the negative side (-slope)",
     "cell": "q1_leaky_relu",
     "source": _LEAKY.format(f="np.where(z > 0, z, slope * z)", g="np.where(z > 0, 1.0, -slope)"),
     "loses": ["test_q1_leaky_relu_grad"]},
    {"name": "leaky ReLU derivative using the z > 0 branch at the kink (>= instead of >)",
     "cell": "q1_leaky_relu",
     "source": _LEAKY.format(f="np.where(z > 0, z, slope * z)", g="np.where(z >= 0, 1.0, slope)"),
     "loses": ["test_q1_leaky_relu_grad"]},
    {"name": "ELU written alpha e^z - 1 instead of alpha (e^z - 1) (right only for alpha = 1)",
     "cell": "q2_elu", "source": _ELU.format(f="np.where(z > 0, z, alpha * np.exp(np.minimum(z, 0)) - 1)", g=_ELU_G),
     "loses": ["test_q2_elu_values", "test_q2_elu_large"]},
    {"name": "ELU derivative that returns the function itself on the negative branch",
     "cell": "q2_elu", "source": _ELU.format(f=_ELU_F, g="np.where(z > 0, 1.0, alpha * np.expm1(np.minimum(z, 0)))"),
     "loses": ["test_q2_elu_values", "test_q2_elu_large"]},
    {"name": "ELU by masks multiplied and added (inf * 0 = nan for large z)",
     "cell": "q2_elu",
     "source": _ELU.format(f="(z > 0) * z + (z <= 0) * alpha * (np.exp(z) - 1)",
                           g="(z > 0) * 1.0 + (z <= 0) * alpha * np.exp(z)"),
     "loses": ["test_q2_elu_large"]},
    {"name": "maxout bug placed on line 3, and a fix taking the max over the units",
     "cell": "q3_maxout", "source": _MAXOUT.format(line=3, body="(a @ W + b[:, None, :]).max(axis=2).T[:, :W.shape[2]]"),
     "loses": ["test_q3_maxout_line", "test_q3_maxout_values"]},
    {"name": "maxout bug line as text, 'line 2', with a right fix",
     "cell": "q3_maxout", "source": _MAXOUT.format(line="'line 2'", body="(a @ W + b[:, None, :]).max(axis=0)"),
     "loses": ["test_q3_maxout_line"]},
    {"name": "PReLU dz with the slope on the positive side",
     "cell": "q4_prelu", "source": _PRELU.format(dz="np.where(neg, dout, alpha * dout)",
                                                 dalpha="np.sum(dout * z * neg, axis=0)"),
     "loses": ["test_q4_prelu"]},
    {"name": "PReLU dalpha averaged over the batch (dout already holds the 1/N)",
     "cell": "q4_prelu", "source": _PRELU.format(dz="np.where(neg, alpha * dout, dout)",
                                                 dalpha="np.mean(dout * z * neg, axis=0)"),
     "loses": ["test_q4_prelu"]},
    {"name": "zero fraction Phi(-1): the probability of the wrong side",
     "cell": "q5_predict", "source": "PREDICTED_ZERO_FRACTION = 0.5 * math.erfc(1 / math.sqrt(2))\n",
     "loses": ["test_q5_predict"]},
    {"name": "zero fraction given as a percentage",
     "cell": "q5_predict", "source": "PREDICTED_ZERO_FRACTION = 84.1\n",
     "loses": ["test_q5_predict"]},
    {"name": "alpha for mean 0 with the e^(1/2) Phi(-1) term dropped, and kappa with v = E[a^2]",
     "cell": "q6_numbers", "source": _NUMBERS.format(alpha="2 / math.sqrt(2 * math.pi)", kappa="1 + 10 / math.pi"),
     "loses": ["test_q6_numbers_alpha", "test_q6_numbers_kappa"]},
    {"name": "alpha with the wrong sign, and kappa below 1 (the ratio inverted)",
     "cell": "q6_numbers", "source": _NUMBERS.format(alpha="-" + _ALPHA, kappa="1 / (1 + 10 / (math.pi - 1))"),
     "loses": ["test_q6_numbers_alpha", "test_q6_numbers_kappa"]},
]
