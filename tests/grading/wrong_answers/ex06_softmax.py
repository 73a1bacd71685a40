"""Typical wrong answers to exercise 06 (softmax and its Jacobian).

Each entry replaces one solution cell of ``solutions/ex06_softmax/ex06_softmax.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_SOFTMAX = '''def softmax(Z):
{body}
'''
_JACOBIAN = '''def softmax_jacobian(s):
{body}
'''
_VJP = '''def softmax_vjp(S, G):
{body}
'''
_CE_GRAD = '''def softmax_cross_entropy_grad(Z, y):
{body}
'''
_NUMBERS = '''rank_K5 = {rank}
d_s3_d_z1 = {entry}
max_diag = {max_diag}
'''

Q1_ALL = ["test_q1_softmax_shape", "test_q1_softmax_values", "test_q1_softmax_stable"]
Q3_ALL = ["test_q3_vjp_one_row", "test_q3_vjp_batch", "test_q3_vjp_no_matrix"]

MISTAKES = [
    {
        "name": "softmax without subtracting the max (overflows, and 0/0 on underflow)",
        "cell": "q1_softmax",
        "source": _SOFTMAX.format(body=(
            "    E = np.exp(Z)\n"
            "    return E / E.sum(axis=1, keepdims=True)")),
        "loses": ["test_q1_softmax_stable"],
    },
    {
        "name": "softmax subtracting the max of the whole batch instead of each row's",
        "cell": "q1_softmax",
        "source": _SOFTMAX.format(body=(
            "    E = np.exp(Z - Z.max())\n"
            "    return E / E.sum(axis=1, keepdims=True)")),
        "loses": ["test_q1_softmax_stable"],
    },
    {
        "name": "softmax normalised over axis 0 (columns) instead of each row",
        "cell": "q1_softmax",
        "source": _SOFTMAX.format(body=(
            "    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
            "    return E / E.sum(axis=0, keepdims=True)")),
        "loses": Q1_ALL,
    },
    {
        "name": "softmax subtracting each column's max (a different shift per class)",
        "cell": "q1_softmax",
        "source": _SOFTMAX.format(body=(
            "    E = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
            "    return E / E.sum(axis=1, keepdims=True)")),
        "loses": ["test_q1_softmax_values", "test_q1_softmax_stable"],
    },
    {
        "name": "softmax returned transposed, (K, N)",
        "cell": "q1_softmax",
        "source": _SOFTMAX.format(body=(
            "    E = np.exp(Z.T - Z.T.max(axis=0))\n"
            "    return E / E.sum(axis=0)")),
        "loses": Q1_ALL,
    },
    {
        "name": "Jacobian without the diagonal term (only -s s^T)",
        "cell": "q2_jacobian",
        "source": _JACOBIAN.format(body="    return -np.outer(s, s)"),
        "loses": ["test_q2_jacobian_values"],
    },
    {
        "name": "Jacobian with s * s (elementwise) instead of the outer product",
        "cell": "q2_jacobian",
        "source": _JACOBIAN.format(body="    return np.diag(s) - s * s"),
        "loses": ["test_q2_jacobian_shape", "test_q2_jacobian_values"],
    },
    {
        "name": "Jacobian applying softmax to s again (s is already the output)",
        "cell": "q2_jacobian",
        "source": _JACOBIAN.format(body=(
            "    p = np.exp(s) / np.exp(s).sum()\n"
            "    return np.diag(p) - np.outer(p, p)")),
        "loses": ["test_q2_jacobian_values"],
    },
    {
        "name": "VJP keeping only the diagonal part, s * g",
        "cell": "q3_vjp",
        "source": _VJP.format(body="    return S * G"),
        "loses": Q3_ALL,
    },
    {
        "name": "VJP with one dot product over the whole batch instead of per row",
        "cell": "q3_vjp",
        "source": _VJP.format(body="    return S * (G - (G * S).sum())"),
        "loses": ["test_q3_vjp_batch"],
    },
    {
        "name": "VJP building each row's K x K Jacobian (right values, K^2 memory)",
        "cell": "q3_vjp",
        "source": _VJP.format(body=(
            "    return np.stack([g @ (np.diag(s) - np.outer(s, s)) for s, g in zip(S, G)])")),
        "loses": ["test_q3_vjp_no_matrix"],
    },
    {
        "name": "cross-entropy gradient not divided by N",
        "cell": "q4_ce_grad",
        "source": _CE_GRAD.format(body=(
            "    grad = activations.softmax(Z)\n"
            "    grad[np.arange(Z.shape[0]), y] -= 1.0\n"
            "    return grad")),
        "loses": ["test_q4_ce_grad_values"],
    },
    {
        "name": "cross-entropy gradient with the sign flipped, (y - y_hat) / N",
        "cell": "q4_ce_grad",
        "source": _CE_GRAD.format(body=(
            "    grad = -activations.softmax(Z)\n"
            "    grad[np.arange(Z.shape[0]), y] += 1.0\n"
            "    return grad / Z.shape[0]")),
        "loses": ["test_q4_ce_grad_values", "test_q4_ce_grad_labels", "test_q4_ce_grad_stable"],
    },
    {
        "name": "cross-entropy gradient subtracting 1 in whole columns, P[:, y]",
        "cell": "q4_ce_grad",
        "source": _CE_GRAD.format(body=(
            "    grad = activations.softmax(Z)\n"
            "    grad[:, y] -= 1.0\n"
            "    return grad / Z.shape[0]")),
        "loses": ["test_q4_ce_grad_values", "test_q4_ce_grad_labels"],
    },
    {
        "name": "cross-entropy gradient with a naive softmax (overflows for large logits)",
        "cell": "q4_ce_grad",
        "source": _CE_GRAD.format(body=(
            "    E = np.exp(Z)\n"
            "    grad = E / E.sum(axis=1, keepdims=True)\n"
            "    grad[np.arange(Z.shape[0]), y] -= 1.0\n"
            "    return grad / Z.shape[0]")),
        "loses": ["test_q4_ce_grad_stable"],
    },
    {
        "name": "rank K instead of K - 1",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(rank=5, entry="-1 / 8", max_diag="1 / 4"),
        "loses": ["test_q5_numbers_rank"],
    },
    {
        "name": "off-diagonal entry with the wrong sign, +s_3 s_1",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(rank=4, entry="1 / 8", max_diag="1 / 4"),
        "loses": ["test_q5_numbers_entry"],
    },
    {
        "name": "largest diagonal entry taken as 1 (s_i -> 1) instead of 1/4 at s_i = 1/2",
        "cell": "q5_numbers",
        "source": _NUMBERS.format(rank=4, entry="-1 / 8", max_diag="1"),
        "loses": ["test_q5_numbers_max_diag"],
    },
]
