"""Typical wrong answers to exercise 08 (gradient descent and optimizers).

Each entry replaces one solution cell of ``solutions/ex08_optimizers/ex08_optimizers.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_MOMENTUM = '''def momentum_step(theta, grad, velocity, learning_rate, momentum):
{body}
'''

_RMSPROP = '''def rmsprop_step(theta, grad, mean_sq, learning_rate=1e-3, rho=0.9, eps=1e-8):
{body}
'''

_ADAM = '''def adam_step(theta, grad, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = {t}
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * {square}
    m_hat = {m_hat}
    v_hat = {v_hat}
    theta_new = theta {sign} learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return theta_new, {{"step": {new_step}, "m": m, "v": v}}
'''


def _adam(t='state["step"] + 1', square="grad**2", m_hat="m / (1 - beta1**t)", v_hat="v / (1 - beta2**t)",
          sign="-", new_step="t"):
    return _ADAM.format(t=t, square=square, m_hat=m_hat, v_hat=v_hat, sign=sign, new_step=new_step)


_DECAY = '''def inverse_time_decay(step, initial_learning_rate, decay_rate):
{body}
'''

_STABLE = '''def largest_stable_learning_rate(A):
{body}
'''

Q1_CELLS = ["test_q1_momentum_first_step", "test_q1_momentum_velocity", "test_q1_momentum_many_steps"]
Q2_CELLS = ["test_q2_rmsprop_step", "test_q2_rmsprop_many_steps"]
Q3_THETA_CELLS = ["test_q3_adam_first_step", "test_q3_adam_later_step", "test_q3_adam_many_steps"]
Q4_CELLS = ["test_q4_inverse_time_decay_values", "test_q4_inverse_time_decay_array"]
Q5_CELLS = ["test_q5_stable_learning_rate_diagonal", "test_q5_stable_learning_rate_rotated"]

MISTAKES = [
    # --- Q1: SGD with momentum
    {
        "name": "momentum: adds the velocity (gradient ascent)",
        "cell": "q1_momentum",
        "source": _MOMENTUM.format(body=(
            "    velocity = momentum * velocity + learning_rate * grad\n"
            "    return theta + velocity, velocity")),
        "loses": Q1_CELLS,
    },
    {
        "name": "momentum: steps with the old velocity",
        "cell": "q1_momentum",
        "source": _MOMENTUM.format(body=(
            "    theta_new = theta - velocity\n"
            "    return theta_new, momentum * velocity + learning_rate * grad")),
        "loses": Q1_CELLS,
    },
    {
        "name": "momentum: velocity without the learning rate (PyTorch's convention)",
        "cell": "q1_momentum",
        "source": _MOMENTUM.format(body=(
            "    velocity = momentum * velocity + grad\n"
            "    return theta - learning_rate * velocity, velocity")),
        # the path is right (the velocity is only rescaled by eta), the returned velocity is not
        "loses": ["test_q1_momentum_first_step", "test_q1_momentum_velocity"],
    },
    {
        "name": "momentum: a moving average (1 - gamma) eta g instead of eta g",
        "cell": "q1_momentum",
        "source": _MOMENTUM.format(body=(
            "    velocity = momentum * velocity + (1 - momentum) * learning_rate * grad\n"
            "    return theta - velocity, velocity")),
        "loses": Q1_CELLS,
    },
    {
        "name": "momentum: returns the velocity it was given",
        "cell": "q1_momentum",
        "source": _MOMENTUM.format(body=(
            "    return theta - (momentum * velocity + learning_rate * grad), velocity")),
        "loses": Q1_CELLS,
    },
    # --- Q2: RMSProp
    {
        "name": "rmsprop: rho and the learning rate swapped (rho = 0.001)",
        "cell": "q2_rmsprop",
        "source": _RMSPROP.format(body=(
            "    mean_sq = learning_rate * mean_sq + (1 - learning_rate) * grad**2\n"
            "    return theta - rho * grad / (np.sqrt(mean_sq) + eps), mean_sq")),
        "loses": Q2_CELLS,
    },
    {
        "name": "rmsprop: AdaGrad's sum instead of a moving average",
        "cell": "q2_rmsprop",
        "source": _RMSPROP.format(body=(
            "    mean_sq = mean_sq + grad**2\n"
            "    return theta - learning_rate * grad / (np.sqrt(mean_sq) + eps), mean_sq")),
        "loses": Q2_CELLS,
    },
    {
        "name": "rmsprop: divides by s instead of its square root",
        "cell": "q2_rmsprop",
        "source": _RMSPROP.format(body=(
            "    mean_sq = rho * mean_sq + (1 - rho) * grad**2\n"
            "    return theta - learning_rate * grad / (mean_sq + eps), mean_sq")),
        "loses": Q2_CELLS,
    },
    {
        "name": "rmsprop: weights rho and 1 - rho swapped",
        "cell": "q2_rmsprop",
        "source": _RMSPROP.format(body=(
            "    mean_sq = (1 - rho) * mean_sq + rho * grad**2\n"
            "    return theta - learning_rate * grad / (np.sqrt(mean_sq) + eps), mean_sq")),
        "loses": Q2_CELLS,
    },
    {
        "name": "rmsprop: returns the old mean_sq",
        "cell": "q2_rmsprop",
        "source": _RMSPROP.format(body=(
            "    new = rho * mean_sq + (1 - rho) * grad**2\n"
            "    return theta - learning_rate * grad / (np.sqrt(new) + eps), mean_sq")),
        "loses": ["test_q2_rmsprop_many_steps"],
    },
    # --- Q3: Adam
    {
        "name": "adam: no bias correction of m (first step tiny)",
        "cell": "q3_adam",
        "source": _adam(m_hat="m"),
        "loses": Q3_THETA_CELLS,
    },
    {
        "name": "adam: no bias correction of v (first step huge)",
        "cell": "q3_adam",
        "source": _adam(v_hat="v"),
        "loses": Q3_THETA_CELLS,
    },
    {
        "name": "adam: no bias correction at all",
        "cell": "q3_adam",
        "source": _adam(m_hat="m", v_hat="v"),
        "loses": Q3_THETA_CELLS,
    },
    {
        "name": "adam: t = state['step'] (0 at the first update: division by zero)",
        "cell": "q3_adam",
        "source": _adam(t='state["step"]', new_step="t + 1"),
        "loses": Q3_THETA_CELLS,
    },
    {
        "name": "adam: forgets to count the update in the state",
        "cell": "q3_adam",
        "source": _adam(new_step='state["step"]'),
        "loses": ["test_q3_adam_state", "test_q3_adam_many_steps"],
    },
    {
        "name": "adam: second moment of g instead of g^2",
        "cell": "q3_adam",
        "source": _adam(square="grad"),
        "loses": Q3_THETA_CELLS + ["test_q3_adam_state"],
    },
    {
        "name": "adam: adds the step (gradient ascent)",
        "cell": "q3_adam",
        "source": _adam(sign="+"),
        "loses": Q3_THETA_CELLS,
    },
    # --- Q4: 1/t decay
    {
        "name": "1/t decay written as exponential decay eta0 (1 - k)^t",
        "cell": "q4_inverse_time_decay",
        "source": _DECAY.format(body="    return initial_learning_rate * (1 - decay_rate) ** np.asarray(step)"),
        "loses": Q4_CELLS,
    },
    {
        "name": "1/t decay written as eta0 exp(-k t)",
        "cell": "q4_inverse_time_decay",
        "source": _DECAY.format(body="    return initial_learning_rate * np.exp(-decay_rate * np.asarray(step))"),
        "loses": Q4_CELLS,
    },
    {
        "name": "1/t decay counting the first update as t = 1",
        "cell": "q4_inverse_time_decay",
        "source": _DECAY.format(body="    return initial_learning_rate / (1 + decay_rate * (np.asarray(step) + 1))"),
        "loses": Q4_CELLS,
    },
    {
        "name": "1/t decay without the 1 (eta0 / (k t): infinite at t = 0)",
        "cell": "q4_inverse_time_decay",
        "source": _DECAY.format(body="    return initial_learning_rate / (decay_rate * np.asarray(step, dtype=float))"),
        "loses": Q4_CELLS,
    },
    {
        "name": "1/t decay for one step only (float(step))",
        "cell": "q4_inverse_time_decay",
        "source": _DECAY.format(body="    return initial_learning_rate / (1 + decay_rate * float(step))"),
        "loses": ["test_q4_inverse_time_decay_array"],
    },
    # --- Q5: the largest stable learning rate
    {
        "name": "stable rate from the smallest eigenvalue",
        "cell": "q5_stable_learning_rate",
        "source": _STABLE.format(body="    return 2.0 / np.linalg.eigvalsh(A).min()"),
        "loses": Q5_CELLS,
    },
    {
        "name": "stable rate 1 / lambda_max",
        "cell": "q5_stable_learning_rate",
        "source": _STABLE.format(body="    return 1.0 / np.linalg.eigvalsh(A).max()"),
        "loses": Q5_CELLS,
    },
    {
        "name": "stable rate from the largest diagonal entry",
        "cell": "q5_stable_learning_rate",
        "source": _STABLE.format(body="    return 2.0 / np.max(np.diag(A))"),
        "loses": ["test_q5_stable_learning_rate_rotated"],
    },
    {
        "name": "best constant rate 2 / (lambda_min + lambda_max) instead of the limit",
        "cell": "q5_stable_learning_rate",
        "source": _STABLE.format(body=(
            "    lams = np.linalg.eigvalsh(A)\n"
            "    return 2.0 / (lams.min() + lams.max())")),
        "loses": Q5_CELLS,
    },
]
