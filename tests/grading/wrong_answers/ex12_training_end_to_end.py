"""Typical wrong answers to exercise 12 (training a network end to end).

Each entry replaces one solution cell of ``solutions/ex12_training_end_to_end/ex12_training_end_to_end.ipynb``; the
submission built from it must lose exactly the test cells listed in ``loses`` and keep every other point.
"""

_INIT = '''HE_STD = {he}
GLOROT_STD = {glorot}
'''
_STANDARDIZE = '''def standardize(X_train, X_test):
{body}
'''
_STEPS = '''def steps_per_epoch(n, batch_size):
    return {steps}


def last_batch_size(n, batch_size):
    return {last}
'''
_TRAIN = '''def train_step(model, optimizer, state, x_batch, y_batch):
{body}
'''
_ACCURACY = '''BUG_LINE = {line}


def regression_accuracy(y_pred, y, lam):
    y_pred = np.asarray(y_pred, dtype=float)
    y = np.asarray(y, dtype=float)
    return float(np.mean(np.abs(y_pred - y) {op} np.std(y{axis}) / lam))
'''

MISTAKES = [
    {"name": "variances given instead of standard deviations",
     "cell": "q1_init", "source": _INIT.format(he="2 / 512", glorot="2 / 400"),
     "loses": ["test_q1_init_he", "test_q1_init_glorot"]},
    {"name": "negative or missing scales",
     "cell": "q1_init", "source": _INIT.format(he="-math.sqrt(2 / 512)", glorot="None"),
     "loses": ["test_q1_init_he", "test_q1_init_glorot"]},
    {"name": "signal predicted over six factors instead of five",
     "cell": "q2_predict", "source": "PREDICTED_LOG10_SIGNAL = 6 * math.log10(0.5)\n",
     "loses": ["test_q2_predict"]},
    {"name": "signal prediction given as text",
     "cell": "q2_predict", "source": 'PREDICTED_LOG10_SIGNAL = "-1.5"\n',
     "loses": ["test_q2_predict"]},
    {"name": "standard deviation with ddof = 1",
     "cell": "q3_standardize", "source": _STANDARDIZE.format(body='''    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_test - mean) / std'''),
     "loses": ["test_q3_standardize"]},
    {"name": "test set standardized with its own statistics",
     "cell": "q3_standardize", "source": _STANDARDIZE.format(body='''    return ((X_train - X_train.mean(axis=0)) / X_train.std(axis=0),
            (X_test - X_test.mean(axis=0)) / X_test.std(axis=0))'''),
     "loses": ["test_q3_standardize"]},
    {"name": "training set standardized in place",
     "cell": "q3_standardize", "source": _STANDARDIZE.format(body='''    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    X_train -= mean
    X_train /= std
    return X_train, (X_test - mean) / std'''),
     "loses": ["test_q3_standardize"]},
    {"name": "steps rounded down (the last, smaller batch dropped)",
     "cell": "q4_steps", "source": _STEPS.format(steps="max(n // batch_size, 1)", last="batch_size"),
     "loses": ["test_q4_steps"]},
    {"name": "steps right (as a float, accepted), last batch n % batch_size (0 when B divides N)",
     "cell": "q4_steps", "source": _STEPS.format(steps="float(math.ceil(n / batch_size))", last="n % batch_size"),
     "loses": ["test_q4_steps"]},
    {"name": "train step in test mode (dropout off)",
     "cell": "q5_train_step", "source": _TRAIN.format(body='''    logits = model.forward(x_batch, training=False)
    loss = softmax_cross_entropy(logits, y_batch)
    model.backward(softmax_cross_entropy_grad(logits, y_batch))
    return loss, optimizer.update(model.params, model.grads, state)'''),
     "loses": ["test_q5_train_step"]},
    {"name": "train step resetting the optimizer state every step",
     "cell": "q5_train_step", "source": _TRAIN.format(body='''    logits = model.forward(x_batch, training=True)
    loss = softmax_cross_entropy(logits, y_batch)
    model.backward(softmax_cross_entropy_grad(logits, y_batch))
    return loss, optimizer.update(model.params, model.grads, optimizer.init(model.params))'''),
     "loses": ["test_q5_train_step"]},
    {"name": "train step returning the loss after the update (evaluated in test mode)",
     "cell": "q5_train_step", "source": _TRAIN.format(body='''    logits = model.forward(x_batch, training=True)
    model.backward(softmax_cross_entropy_grad(logits, y_batch))
    state = optimizer.update(model.params, model.grads, state)
    return softmax_cross_entropy(model.forward(x_batch, training=False), y_batch), state'''),
     "loses": ["test_q5_train_step"]},
    {"name": "bug placed on the return line; the fix keeps the per-column spread",
     "cell": "q6_accuracy", "source": _ACCURACY.format(line=5, op="<", axis=", axis=0"),
     "loses": ["test_q6_accuracy_line", "test_q6_accuracy"]},
    {"name": "bug line as text; the fix uses <= for <",
     "cell": "q6_accuracy", "source": _ACCURACY.format(line='"4"', op="<=", axis=""),
     "loses": ["test_q6_accuracy_line", "test_q6_accuracy"]},
]
