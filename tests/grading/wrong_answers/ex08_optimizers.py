"""Typical wrong answers to exercise 08 (gradient descent and optimizers).

Each entry replaces one solution cell of ``solutions/ex08_optimizers/ex08_optimizers.ipynb``; the submission built
from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_ADAM = '''def adam_step(theta, grad, state, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
{body}
'''
_ADAM_RIGHT_START = '''    t = state["step"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * grad**2'''
_RMSPROP = '''BUG_LINE = {line}


def rmsprop_step(theta, grad, mean_sq, learning_rate=1e-3, rho=0.9, eps=1e-8):
    mean_sq_new = {average}
    theta_new = theta - learning_rate * grad / (np.sqrt(mean_sq_new) + eps)
    return theta_new, mean_sq_new
'''
_NUMBERS = '''STEPS_TO_TENTH = {steps}
RMSPROP_FIRST_STEP = {first}
'''
Q2 = ["test_q2_adam_first_step", "test_q2_adam_state", "test_q2_adam_many_steps"]

MISTAKES = [
    {"name": "momentum's settled step predicted as eta g (no accumulation)",
     "cell": "q1_predict", "source": "PREDICTED_STEP = 0.1\n",
     "loses": ["test_q1_predict"]},
    {"name": "momentum's step predicted with a sign (a displacement, not a distance)",
     "cell": "q1_predict", "source": "PREDICTED_STEP = -1.0\n",
     "loses": ["test_q1_predict"]},
    {"name": "Adam without the bias correction",
     "cell": "q2_adam", "source": _ADAM.format(body=_ADAM_RIGHT_START + '''
    return theta - learning_rate * m / (np.sqrt(v) + eps), {"step": t, "m": m, "v": v}'''),
     "loses": ["test_q2_adam_first_step", "test_q2_adam_many_steps"]},
    {"name": "Adam updating the caller's state arrays in place",
     "cell": "q2_adam", "source": _ADAM.format(body='''    state["m"] *= beta1
    state["m"] += (1 - beta1) * grad
    state["v"] *= beta2
    state["v"] += (1 - beta2) * grad**2
    t = state["step"] + 1
    m_hat = state["m"] / (1 - beta1**t)
    v_hat = state["v"] / (1 - beta2**t)
    return theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps), {"step": t, "m": state["m"].copy(), "v": state["v"].copy()}'''),
     "loses": ["test_q2_adam_state"]},
    {"name": "Adam's step counter never advanced (t = 0 in the correction: 0 / 0)",
     "cell": "q2_adam", "source": _ADAM.format(body='''    t = state["step"]
    m = beta1 * state["m"] + (1 - beta1) * grad
    v = beta2 * state["v"] + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps), {"step": t, "m": m, "v": v}'''),
     "loses": Q2},
    {"name": "bug placed on the step line, with a right fix",
     "cell": "q3_rmsprop", "source": _RMSPROP.format(line=3, average="rho * mean_sq + (1 - rho) * grad**2"),
     "loses": ["test_q3_rmsprop_line"]},
    {"name": "bug line as text, the swapped rho kept",
     "cell": "q3_rmsprop", "source": _RMSPROP.format(line='"2"', average="(1 - rho) * mean_sq + rho * grad**2"),
     "loses": ["test_q3_rmsprop_line", "test_q3_rmsprop"]},
    {"name": "largest stable learning rate from the smallest eigenvalue",
     "cell": "q4_stable_lr",
     "source": "def largest_stable_learning_rate(A):\n    return 2.0 / np.linalg.eigvalsh(A).min()\n",
     "loses": ["test_q4_stable_lr"]},
    {"name": "steps off by one (899), RMSProp's first step taken to be eta",
     "cell": "q5_numbers", "source": _NUMBERS.format(steps=899, first="1e-3"),
     "loses": ["test_q5_numbers_steps", "test_q5_numbers_rmsprop"]},
    {"name": "steps as text, a negative first step",
     "cell": "q5_numbers", "source": _NUMBERS.format(steps='"900"', first="-1e-3 / math.sqrt(0.1)"),
     "loses": ["test_q5_numbers_steps", "test_q5_numbers_rmsprop"]},
]
