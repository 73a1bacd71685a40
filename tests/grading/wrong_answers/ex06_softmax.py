"""Typical wrong answers to exercise 06 (softmax and its Jacobian).

Each entry replaces one solution cell of ``solutions/ex06_softmax/ex06_softmax.ipynb``; the submission built from it
must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_SOFTMAX = '''def softmax(Z):
    E = np.exp({shifted})
    return E / E.sum(axis={axis}, keepdims=True)
'''
_JACOBIAN = '''def softmax_jacobian(s):
    return {body}
'''
_VJP = '''def softmax_vjp(S, G):
    return {body}
'''
_CE = '''BUG_LINE = {line}


def softmax_cross_entropy_grad(Z, y):
    N = Z.shape[0]
    grad = {probs}
    grad[{index}] -= 1.0
    return grad{scale}
'''
_NUMBERS = '''rank_K5 = {rank}
d_s3_d_z1 = {entry}
max_diag = {diag}
'''
Q1 = ["test_q1_softmax_rows", "test_q1_softmax_values", "test_q1_softmax_stable"]

MISTAKES = [
    {"name": "softmax without subtracting the max (overflow, and 0/0 on underflow)",
     "cell": "q1_softmax", "source": _SOFTMAX.format(shifted="Z", axis=1),
     "loses": ["test_q1_softmax_stable"]},
    {"name": "softmax normalised over axis 0 (each column) instead of each row",
     "cell": "q1_softmax", "source": _SOFTMAX.format(shifted="Z - Z.max(axis=1, keepdims=True)", axis=0),
     "loses": Q1},
    {"name": "softmax subtracting each column's max (a different shift per class)",
     "cell": "q1_softmax", "source": _SOFTMAX.format(shifted="Z - Z.max(axis=0, keepdims=True)", axis=1),
     "loses": ["test_q1_softmax_values", "test_q1_softmax_stable"]},
    {"name": "Jacobian with s * s (elementwise) instead of the outer product",
     "cell": "q2_jacobian", "source": _JACOBIAN.format(body="np.diag(s) - s * s"),
     "loses": ["test_q2_jacobian_properties", "test_q2_jacobian_values"]},
    {"name": "Jacobian with the sign flipped, s s^T - diag(s) (symmetric, rows sum to 0)",
     "cell": "q2_jacobian", "source": _JACOBIAN.format(body="np.outer(s, s) - np.diag(s)"),
     "loses": ["test_q2_jacobian_values"]},
    {"name": "VJP keeping only the diagonal part, s * g",
     "cell": "q3_vjp", "source": _VJP.format(body="S * G"),
     "loses": ["test_q3_vjp_one_row", "test_q3_vjp_batch", "test_q3_vjp_no_matrix"]},
    {"name": "VJP with one dot product over the whole batch",
     "cell": "q3_vjp", "source": _VJP.format(body="S * (G - (G * S).sum())"),
     "loses": ["test_q3_vjp_batch"]},
    {"name": "VJP building each row's K x K Jacobian (right values, K^2 memory)",
     "cell": "q3_vjp", "source": _VJP.format(body="np.stack([g @ (np.diag(s) - np.outer(s, s)) for s, g in zip(S, G)])"),
     "loses": ["test_q3_vjp_no_matrix"]},
    {"name": "bug placed on line 3; the fix uses a softmax that overflows",
     "cell": "q4_ce_grad",
     "source": _CE.format(line=3, probs="np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)", index="np.arange(N), y",
                          scale=" / N"),
     "loses": ["test_q4_ce_grad_line", "test_q4_ce_grad_stable"]},
    {"name": "bug line as text, the broken whole-column subtraction kept",
     "cell": "q4_ce_grad",
     "source": _CE.format(line='"4"', probs="activations.softmax(Z)", index=":, y", scale=" / N"),
     "loses": ["test_q4_ce_grad_line", "test_q4_ce_grad_values"]},
    {"name": "bug line 4.0 (accepted); the fix forgets the 1/N of the mean",
     "cell": "q4_ce_grad",
     "source": _CE.format(line="4.0", probs="activations.softmax(Z)", index="np.arange(N), y", scale=""),
     "loses": ["test_q4_ce_grad_values"]},
    {"name": "rank K, a positive off-diagonal entry, largest diagonal entry 1",
     "cell": "q5_numbers", "source": _NUMBERS.format(rank=5, entry="1 / 8", diag=1),
     "loses": ["test_q5_numbers_rank", "test_q5_numbers_entry", "test_q5_numbers_max_diag"]},
    {"name": "rank as a fraction, entry -s_3 (1 - s_1) style slip, largest diagonal 1/2",
     "cell": "q5_numbers", "source": _NUMBERS.format(rank=4.5, entry="-3 / 8", diag="1 / 2"),
     "loses": ["test_q5_numbers_rank", "test_q5_numbers_entry", "test_q5_numbers_max_diag"]},
    {"name": "ratio predicted unchanged by the temperature (e^2)",
     "cell": "q6_predict", "source": "PREDICTED_RATIO_T2 = math.exp(2)\n",
     "loses": ["test_q6_predict"]},
    {"name": "ratio predicted as a log-ratio that turned negative",
     "cell": "q6_predict", "source": "PREDICTED_RATIO_T2 = -1.0\n",
     "loses": ["test_q6_predict"]},
]
