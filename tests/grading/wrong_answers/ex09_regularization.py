"""Typical wrong answers to exercise 09 (generalization and regularization).

Each entry replaces one solution cell of ``solutions/ex09_regularization/ex09_regularization.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_L2 = '''def l2_penalty_and_grads(params, grads, keys, lam):
    penalty = {penalty}
{grads}
    return penalty, new_grads
'''
_HALF = "0.5 * lam * sum(float(np.sum(params[k] ** 2)) for k in keys)"
_NEW_GRADS = '''    new_grads = {{k: g.copy() for k, g in grads.items()}}
    for k in keys:
        new_grads[k] = new_grads[k] + {slope}'''
_L1 = '''def l1_penalty(W, lam):
    return {penalty}


def l1_subgradient(W, lam):
    return {sub}
'''
_KFOLD = '''def kfold_split(n, k, rng):
{body}
'''
_DECAY = '''BUG_LINE = {line}


def weight_decay_step(params, grads, keys, learning_rate, lam):
    new_params = {{}}
    for k, p in params.items():
        factor = {factor} if k in keys else 1.0
        {step}
    return new_params
'''
_RIGHT_STEP = "new_params[k] = factor * p - learning_rate * grads[k]"
_HALF_LIFE = '''DECAY_FACTOR = {factor}
STEPS_TO_HALF = {steps}
'''

MISTAKES = [
    {"name": "L2 gradient 2 lam W (the 1/2 of the penalty forgotten in the derivative)",
     "cell": "q1_l2", "source": _L2.format(penalty=_HALF, grads=_NEW_GRADS.format(slope="2 * lam * params[k]")),
     "loses": ["test_q1_l2"]},
    {"name": "L2 gradients added in place to the caller's grads",
     "cell": "q1_l2", "source": _L2.format(penalty=_HALF, grads='''    new_grads = dict(grads)
    for k in keys:
        new_grads[k] += lam * params[k]'''),
     "loses": ["test_q1_l2"]},
    {"name": "L2 penalty without the 1/2",
     "cell": "q1_l2", "source": _L2.format(penalty="lam * sum(float(np.sum(params[k] ** 2)) for k in keys)",
                                           grads=_NEW_GRADS.format(slope="lam * params[k]")),
     "loses": ["test_q1_l2"]},
    {"name": "L1 subgradient +lam at W = 0 (>= instead of >)",
     "cell": "q2_l1", "source": _L1.format(penalty="lam * float(np.sum(np.abs(W)))", sub="np.where(W >= 0, lam, -lam)"),
     "loses": ["test_q2_l1"]},
    {"name": "L1 penalty with squares (the L2 penalty)",
     "cell": "q2_l1", "source": _L1.format(penalty="lam * float(np.sum(W ** 2))", sub="lam * np.sign(W)"),
     "loses": ["test_q2_l1"]},
    {"name": "L1 subgradient without lam",
     "cell": "q2_l1", "source": _L1.format(penalty="lam * float(np.sum(np.abs(W)))", sub="np.sign(W)"),
     "loses": ["test_q2_l1"]},
    {"name": "a fresh permutation for every fold",
     "cell": "q3_kfold", "source": _KFOLD.format(body='''    pairs = []
    for i in range(k):
        folds = np.array_split(rng.permutation(n), k)
        pairs.append((np.concatenate(folds[:i] + folds[i + 1:]), folds[i]))
    return pairs'''),
     "loses": ["test_q3_kfold_partition", "test_q3_kfold_shuffle"]},
    {"name": "training on every index, the validation fold included",
     "cell": "q3_kfold", "source": _KFOLD.format(body='''    order = rng.permutation(n)
    return [(order, fold) for fold in np.array_split(order, k)]'''),
     "loses": ["test_q3_kfold_partition"]},
    {"name": "folds taken by striding (order[i::k]) instead of consecutive pieces",
     "cell": "q3_kfold", "source": _KFOLD.format(body='''    order = rng.permutation(n)
    return [(np.setdiff1d(order, order[i::k]), order[i::k]) for i in range(k)]'''),
     "loses": ["test_q3_kfold_shuffle"]},
    {"name": "bug placed on the step line, with a right fix",
     "cell": "q4_weight_decay", "source": _DECAY.format(line=5, factor="1 - learning_rate * lam", step=_RIGHT_STEP),
     "loses": ["test_q4_weight_decay_line"]},
    {"name": "bug line as text, the decay factor 1 - lam kept",
     "cell": "q4_weight_decay", "source": _DECAY.format(line='"4"', factor="1 - lam", step=_RIGHT_STEP),
     "loses": ["test_q4_weight_decay_line", "test_q4_weight_decay"]},
    {"name": "bug line 4.0 (accepted); the fix decays the caller's arrays in place",
     "cell": "q4_weight_decay",
     "source": _DECAY.format(line="4.0", factor="1 - learning_rate * lam",
                             step="p *= factor\n        p -= learning_rate * grads[k]\n        new_params[k] = p"),
     "loses": ["test_q4_weight_decay"]},
    {"name": "decay factor 1 - lam (eta forgotten), half-life rounded down",
     "cell": "q5_half_life", "source": _HALF_LIFE.format(factor="1 - 0.003", steps=2310),
     "loses": ["test_q5_half_life_factor", "test_q5_half_life_steps"]},
    {"name": "decay factor above 1, half-life as text",
     "cell": "q5_half_life", "source": _HALF_LIFE.format(factor="1 + 0.1 * 0.003", steps='"2311"'),
     "loses": ["test_q5_half_life_factor", "test_q5_half_life_steps"]},
    {"name": "lasso thresholding at lam instead of lam / 2",
     "cell": "q6_lasso", "source": '''def lasso_orthonormal(X, y, lam):
    w_hat = X.T @ y / X.shape[0]
    return np.sign(w_hat) * np.maximum(np.abs(w_hat) - lam, 0.0)
''',
     "loses": ["test_q6_lasso"]},
    {"name": "training error predicted as the noise variance",
     "cell": "q7_predict", "source": "PREDICTED_TRAIN_MSE = 0.09\n",
     "loses": ["test_q7_predict"]},
    {"name": "training error predicted negative",
     "cell": "q7_predict", "source": "PREDICTED_TRAIN_MSE = -1.0\n",
     "loses": ["test_q7_predict"]},
]
