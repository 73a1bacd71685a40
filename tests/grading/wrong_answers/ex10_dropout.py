"""Typical wrong answers to exercise 10 (dropout).

Each entry replaces one solution cell of ``solutions/ex10_dropout/ex10_dropout.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_FORWARD = '''def dropout_forward(x, drop_prob, rng):
{body}
    return out, mask
'''
_BACKWARD = '''def dropout_backward(dout, mask, drop_prob):
{body}
    return dx
'''
_ENSEMBLE = '''def all_masks(n, drop_prob):
    masks = np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)
    probs = np.prod(np.where(masks == 1, {keep}, {drop}), axis=1)
    return masks, probs


def ensemble_mean_linear(a, W, b, drop_prob):
    masks, probs = all_masks(len(a), drop_prob)
    outputs = {outputs}
    return probs @ outputs
'''

MISTAKES = [
    {
        "name": "forward without rescaling (mask only, no division by the keep probability)",
        "cell": "q1_forward",
        "source": _FORWARD.format(body=(
            "    mask = rng.random(x.shape) < 1 - drop_prob\n"
            "    out = x * mask")),
        "loses": ["test_q1_forward_scale", "test_q1_forward_mean"],
    },
    {
        "name": "forward scaling by drop_prob instead of 1 - drop_prob (the source notes' mix-up)",
        "cell": "q1_forward",
        "source": _FORWARD.format(body=(
            "    mask = rng.random(x.shape) < 1 - drop_prob\n"
            "    out = x * mask / drop_prob")),
        "loses": ["test_q1_forward_scale", "test_q1_forward_mean"],
    },
    {
        "name": "forward keeping units with probability drop_prob",
        "cell": "q1_forward",
        "source": _FORWARD.format(body=(
            "    mask = rng.random(x.shape) < drop_prob\n"
            "    out = x * mask / (1 - drop_prob)")),
        "loses": ["test_q1_forward_mask", "test_q1_forward_mean"],
    },
    {
        "name": "backward without the mask (every unit gets dout / (1 - q))",
        "cell": "q2_backward",
        "source": _BACKWARD.format(body="    dx = dout / (1 - drop_prob)"),
        "loses": ["test_q2_backward_mask", "test_q2_backward_gradcheck"],
    },
    {
        "name": "backward with the mask but without the 1 / (1 - q) scale",
        "cell": "q2_backward",
        "source": _BACKWARD.format(body="    dx = dout * mask"),
        "loses": ["test_q2_backward_scale", "test_q2_backward_gradcheck"],
    },
    {
        "name": "test-time factor drop_prob instead of the keep probability",
        "cell": "q3_test_scale",
        "source": "def classic_test_scale(drop_prob):\n    return drop_prob\n",
        "loses": ["test_q3_test_scale"],
    },
    {
        "name": "variance of m * a, q (1 - q) a^2, forgetting the 1 / (1 - q) scale",
        "cell": "q4_variance",
        "source": ("def inverted_dropout_variance(a, drop_prob):\n"
                   "    return drop_prob * (1 - drop_prob) * np.asarray(a, dtype=float) ** 2\n"),
        "loses": ["test_q4_variance"],
    },
    {
        "name": "mask probabilities with keep and drop swapped",
        "cell": "q5_ensemble",
        "source": _ENSEMBLE.format(keep="drop_prob", drop="1 - drop_prob",
                                   outputs="(masks * a / (1 - drop_prob)) @ W + b"),
        "loses": ["test_q5_ensemble_masks", "test_q5_ensemble_mean"],
    },
    {
        "name": "ensemble of thinned networks that do not divide by 1 - q",
        "cell": "q5_ensemble",
        "source": _ENSEMBLE.format(keep="1 - drop_prob", drop="drop_prob",
                                   outputs="(masks * a) @ W + b"),
        "loses": ["test_q5_ensemble_mean"],
    },
]
