"""Typical wrong answers to exercise 09 (generalization and regularization).

Each entry replaces one solution cell of ``solutions/ex09_regularization/ex09_regularization.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_L2 = '''def l2_penalty_and_grads(params, grads, keys, lam):
{body}
'''

_L1 = '''def l1_penalty(W, lam):
{penalty}


def l1_subgradient(W, lam):
{subgradient}
'''

_KFOLD = '''def kfold_split(n, k, rng):
    order = rng.permutation(n)
{body}
'''

_DECAY = '''def weight_decay_step(params, grads, keys, learning_rate, lam):
    new_params = {{}}
    for k, p in params.items():
{body}
    return new_params
'''

Q1_CELLS = ["test_q1_l2_penalty", "test_q1_l2_grads"]

MISTAKES = [
    {
        "name": "L2 penalty on every key, biases included",
        "cell": "q1_l2",
        "source": _L2.format(body=(
            "    penalty = 0.5 * lam * sum(float(np.sum(p ** 2)) for p in params.values())\n"
            "    return penalty, {k: grads[k] + lam * params[k] for k in grads}")),
        "loses": Q1_CELLS,
    },
    {
        "name": "penalty lam sum W^2 with gradient 2 lam W (the other convention, mixed with the course's lam)",
        "cell": "q1_l2",
        "source": _L2.format(body=(
            "    penalty = lam * sum(float(np.sum(params[k] ** 2)) for k in keys)\n"
            "    return penalty, {k: grads[k] + 2 * lam * params[k] if k in keys else grads[k].copy() for k in grads}")),
        "loses": Q1_CELLS,
    },
    {
        "name": "L1 penalty without the absolute value",
        "cell": "q2_l1",
        "source": _L1.format(penalty="    return lam * float(np.sum(W))",
                             subgradient="    return lam * np.sign(W)"),
        "loses": ["test_q2_l1_penalty"],
    },
    {
        "name": "subgradient +1 at 0 ('multiply by -1 if negative, by 1 otherwise')",
        "cell": "q2_l1",
        "source": _L1.format(penalty="    return lam * float(np.sum(np.abs(W)))",
                             subgradient="    return lam * np.where(W < 0, -1.0, 1.0)"),
        "loses": ["test_q2_l1_subgradient_zero"],
    },
    {
        "name": "folds of n // k indices: the remainder is never validated",
        "cell": "q3_kfold",
        "source": _KFOLD.format(body=(
            "    size = n // k\n"
            "    folds = [order[i * size:(i + 1) * size] for i in range(k)]\n"
            "    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]")),
        "loses": ["test_q3_kfold_partition"],
    },
    {
        "name": "no shuffle: consecutive blocks of indices",
        "cell": "q3_kfold",
        "source": _KFOLD.format(body=(
            "    folds = np.array_split(np.arange(n), k)\n"
            "    return [(np.concatenate(folds[:i] + folds[i + 1:]), folds[i]) for i in range(k)]")),
        "loses": ["test_q3_kfold_shuffle"],
    },
    {
        "name": "decay factor 1 - lam instead of 1 - eta lam",
        "cell": "q4_weight_decay",
        "source": _DECAY.format(body=(
            "        factor = 1 - lam if k in keys else 1.0\n"
            "        new_params[k] = factor * p - learning_rate * grads[k]")),
        "loses": ["test_q4_weight_decay_weights"],
    },
    {
        "name": "decays the biases too",
        "cell": "q4_weight_decay",
        "source": _DECAY.format(body=(
            "        new_params[k] = (1 - learning_rate * lam) * p - learning_rate * grads[k]")),
        "loses": ["test_q4_weight_decay_biases"],
    },
    {
        "name": "half-life 1 / (eta lam) steps (that is the 1/e time)",
        "cell": "q5_half_life",
        "source": "DECAY_FACTOR = 1 - 0.1 * 0.003\nSTEPS_TO_HALF = round(1 / (0.1 * 0.003))\n",
        "loses": ["test_q5_half_life_steps"],
    },
    {
        "name": "lasso threshold lam instead of lam / 2 (forgot the 2 of the MSE's derivative)",
        "cell": "q6_lasso",
        "source": ("def lasso_orthonormal(X, y, lam):\n"
                   "    w_hat = X.T @ y / X.shape[0]\n"
                   "    return np.sign(w_hat) * np.maximum(np.abs(w_hat) - lam, 0.0)\n\n\n"
                   "N_NONZERO = int(np.count_nonzero(lasso_orthonormal(X_q6, y_q6, LAMBDA_Q6)))\n"),
        "loses": ["test_q6_lasso_weights", "test_q6_lasso_n_nonzero"],
    },
]
