"""Typical wrong answers to exercise 12 (training a network end to end).

Each entry replaces one solution cell of ``solutions/ex12_training_end_to_end/ex12_training_end_to_end.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_INIT_STD = '''def glorot_std(n_in, n_out):
    return {glorot}


def he_std(n_in, n_out):
    return {he}
'''

_STANDARDIZE = '''def standardize(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
{body}
'''

_STEPS = '''def steps_per_epoch(n, batch_size):
    return {steps}


def last_batch_size(n, batch_size):
    return {last}
'''

_TRAIN_STEP = '''def train_step(model, optimizer, state, x_batch, y_batch):
{body}
'''

Q1_CELLS = ["test_q1_init_std_glorot", "test_q1_init_std_he"]
Q2_CELLS = ["test_q2_relu_signal_ratio_values", "test_q2_relu_signal_ratio_simulated"]
Q5_CELLS = ["test_q5_train_step_params", "test_q5_train_step_loss", "test_q5_train_step_many"]

MISTAKES = [
    # --- Q1: initialization
    {
        "name": "init: returns the variances instead of the standard deviations",
        "cell": "q1_init_std",
        "source": _INIT_STD.format(glorot="2.0 / (n_in + n_out)", he="2.0 / n_in"),
        "loses": Q1_CELLS,
    },
    {
        "name": "init: He with the fan-out n_out",
        "cell": "q1_init_std",
        "source": _INIT_STD.format(glorot="math.sqrt(2.0 / (n_in + n_out))", he="math.sqrt(2.0 / n_out)"),
        "loses": ["test_q1_init_std_he"],
    },
    # --- Q2: the predicted signal ratio
    {
        "name": "signal ratio: forgets the ReLU's factor 1/2",
        "cell": "q2_relu_signal_ratio",
        "source": ("def relu_signal_ratio(width, sigma_w, n_layers):\n"
                   "    return (width * sigma_w**2) ** (n_layers - 1)\n"),
        "loses": Q2_CELLS,
    },
    # --- Q3: standardization
    {
        "name": "standardize: the test set with its own statistics",
        "cell": "q3_standardize",
        "source": _STANDARDIZE.format(body=(
            "    Z_train = (X_train - X_train.mean(axis=0)) / X_train.std(axis=0)\n"
            "    Z_test = (X_test - X_test.mean(axis=0)) / X_test.std(axis=0)\n"
            "    return Z_train, Z_test")),
        "loses": ["test_q3_standardize_test"],
    },
    # --- Q4: steps per epoch
    {
        "name": "steps: n // batch_size drops the last partial batch",
        "cell": "q4_steps_per_epoch",
        "source": _STEPS.format(steps="n // batch_size", last="n - (-(-n // batch_size) - 1) * batch_size"),
        "loses": ["test_q4_steps_per_epoch_count"],
    },
    {
        "name": "last batch: n % batch_size (0 when batch_size divides n)",
        "cell": "q4_steps_per_epoch",
        "source": _STEPS.format(steps="math.ceil(n / batch_size)", last="n % batch_size"),
        "loses": ["test_q4_steps_per_epoch_last_batch"],
    },
    # --- Q5: one training step
    {
        "name": "train step: forward in test mode (dropout off)",
        "cell": "q5_train_step",
        "source": _TRAIN_STEP.format(body=(
            "    logits = model.forward(x_batch)\n"
            "    loss = softmax_cross_entropy(logits, y_batch)\n"
            "    model.backward(softmax_cross_entropy_grad(logits, y_batch))\n"
            "    return loss, optimizer.update(model.params, model.grads, state)")),
        "loses": Q5_CELLS,
    },
    {
        "name": "train step: optimizer.init inside the step (Adam restarts every step)",
        "cell": "q5_train_step",
        "source": _TRAIN_STEP.format(body=(
            "    state = optimizer.init(model.params)\n"
            "    logits = model.forward(x_batch, training=True)\n"
            "    loss = softmax_cross_entropy(logits, y_batch)\n"
            "    model.backward(softmax_cross_entropy_grad(logits, y_batch))\n"
            "    return loss, optimizer.update(model.params, model.grads, state)")),
        "loses": ["test_q5_train_step_many"],
    },
    {
        "name": "train step: no backward pass (updates with stale gradients)",
        "cell": "q5_train_step",
        "source": _TRAIN_STEP.format(body=(
            "    logits = model.forward(x_batch, training=True)\n"
            "    loss = softmax_cross_entropy(logits, y_batch)\n"
            "    return loss, optimizer.update(model.params, model.grads, state)")),
        "loses": ["test_q5_train_step_params", "test_q5_train_step_many"],
    },
    # --- Q6: regression accuracy
    {
        "name": "regression accuracy: tolerance from the spread of the predictions",
        "cell": "q6_regression_accuracy",
        "source": ("def regression_accuracy(y_pred, y, lam):\n"
                   "    y_pred = np.asarray(y_pred, dtype=float)\n"
                   "    y = np.asarray(y, dtype=float)\n"
                   "    return float(np.mean(np.abs(y_pred - y) < np.std(y_pred) / lam))\n"),
        "loses": ["test_q6_regression_accuracy_values"],
    },
]
