"""Typical wrong answers to exercise 10 (dropout).

Each entry replaces one solution cell of ``solutions/ex10_dropout/ex10_dropout.ipynb``; the submission built from it
must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_FORWARD = '''def dropout_forward(x, drop_prob, rng):
{body}
    return out, mask
'''
_BACKWARD = '''BUG_LINE = {line}


def dropout_backward(dout, mask, drop_prob):
    return {body}
'''
_NUMBERS = '''CLASSIC_TEST_SCALE = {scale}
DROPOUT_VARIANCE = {variance}
'''
_ENSEMBLE = '''def all_masks(n, drop_prob):
    {masks}
    {probs}
    return masks, probs


def ensemble_mean(a, W, b, drop_prob, f):
    {mean}
'''
_MASKS = "masks = np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)"
_PROBS = "probs = np.prod(np.where(masks == 1, 1 - drop_prob, drop_prob), axis=1)"
_MEAN = '''masks, probs = all_masks(len(a), drop_prob)
    return probs @ f((masks * a / (1 - drop_prob)) @ W + b)'''

MISTAKES = [
    {"name": "mask drawn as rng.random(x.shape) > drop_prob (keep probability right, another mask)",
     "cell": "q1_forward", "source": _FORWARD.format(body='''    mask = rng.random(x.shape) > drop_prob
    out = x * mask / (1 - drop_prob)'''),
     "loses": ["test_q1_forward_mask"]},
    {"name": "x scaled in place (x *= mask; x /= 1 - drop_prob)",
     "cell": "q1_forward", "source": _FORWARD.format(body='''    mask = rng.random(x.shape) < 1 - drop_prob
    x *= mask
    x /= 1 - drop_prob
    out = x'''),
     "loses": ["test_q1_forward_mask"]},
    {"name": "mask drawn but never applied (only the rescaling)",
     "cell": "q1_forward", "source": _FORWARD.format(body='''    mask = rng.random(x.shape) < 1 - drop_prob
    out = x / (1 - drop_prob)'''),
     "loses": ["test_q1_forward_mask", "test_q1_forward_mean"]},
    {"name": "no rescaling of the kept units (the original recipe's training pass)",
     "cell": "q1_forward", "source": _FORWARD.format(body='''    mask = rng.random(x.shape) < 1 - drop_prob
    out = x * mask'''),
     "loses": ["test_q1_forward_mean"]},
    {"name": "bug placed on line 2, with a right fix",
     "cell": "q2_backward", "source": _BACKWARD.format(line=2, body="dout * mask / (1 - drop_prob)"),
     "loses": ["test_q2_backward_line"]},
    {"name": "bug line as text, the broken * keep kept",
     "cell": "q2_backward", "source": _BACKWARD.format(line='"3"', body="dout * mask * (1 - drop_prob)"),
     "loses": ["test_q2_backward_line", "test_q2_backward"]},
    {"name": "test-time scale taken as the drop probability q, variance q a^2",
     "cell": "q3_numbers", "source": _NUMBERS.format(scale="0.3", variance="0.5 * 2**2"),
     "loses": ["test_q3_numbers_scale", "test_q3_numbers_variance"]},
    {"name": "test-time scale 1 / (1 - q) (the inverted recipe's training factor), a negative variance",
     "cell": "q3_numbers", "source": _NUMBERS.format(scale="1 / 0.7", variance="-4.0"),
     "loses": ["test_q3_numbers_scale", "test_q3_numbers_variance"]},
    {"name": "ensemble predicted to shrink by the keep probability (B)",
     "cell": "q4_predict", "source": 'PREDICTED_CHOICE = "B"\n',
     "loses": ["test_q4_predict"]},
    {"name": "prediction given as a lower-case letter",
     "cell": "q4_predict", "source": 'PREDICTED_CHOICE = "a"\n',
     "loses": ["test_q4_predict"]},
    {"name": "masks drawn at random instead of enumerated",
     "cell": "q5_ensemble",
     "source": _ENSEMBLE.format(masks="masks = (np.random.default_rng(0).random((2**n, n)) < 1 - drop_prob).astype(float)",
                                probs=_PROBS, mean=_MEAN),
     "loses": ["test_q5_ensemble_masks", "test_q5_ensemble_mean"]},
    {"name": "every mask given the same probability 1 / 2^n",
     "cell": "q5_ensemble", "source": _ENSEMBLE.format(masks=_MASKS, probs="probs = np.full(2**n, 0.5**n)", mean=_MEAN),
     "loses": ["test_q5_ensemble_masks", "test_q5_ensemble_mean"]},
    {"name": "ensemble mean by the linear shortcut f(a @ W + b), no masks enumerated",
     "cell": "q5_ensemble", "source": _ENSEMBLE.format(masks=_MASKS, probs=_PROBS, mean="return f(a @ W + b)"),
     "loses": ["test_q5_ensemble_mean"]},
]
