r"""The training loop and the numbers that judge it (chapter 12, "Training a network end to end").

``fit`` runs mini-batch gradient descent: every epoch it shuffles the training set with the
``rng`` you pass, cuts it into batches of ``batch_size`` rows, and for each batch does

.. math::

    \hat y = f(X_B;\theta), \quad C = \text{loss}(\hat y, y_B), \quad
    \nabla_\theta C \text{ by backpropagation}, \quad \theta \leftarrow \text{optimizer step}.

``accuracy`` and ``regression_accuracy`` are the metrics; ``evaluate``, ``predict`` and
``predict_labels`` apply a trained model to new data.
"""
from dataclasses import dataclass, field
import math

import numpy as np

from ._checks import all_finite, check_labels, check_positive_int, finite_array, is_number
from .layers import LAYERS
from .losses import _UNCHECKED, _UNCHECKED_VALUE_AND_GRAD, LOSSES, _binary_targets
from .model import Sequential
from .optimizers import Optimizer

__all__ = ["TrainingDivergedError", "History", "fit", "evaluate", "predict", "predict_labels", "accuracy", "regression_accuracy"]

METRICS = ("accuracy", "regression_accuracy")
# losses whose targets may be integer class labels (N,) for an (N, K) output
_LABEL_LOSSES = ("categorical_cross_entropy", "softmax_cross_entropy", "hinge")
DEFAULT_LAM = 250.0


class TrainingDivergedError(ValueError):
    """``fit`` stopped because the model's outputs or the loss stopped being finite numbers."""


# --- metrics -----------------------------------------------------------------------------------

def _labels_from_outputs(y_pred, threshold):
    """(N, K) scores -> argmax; (N,) or (N, 1) probabilities -> 1 where above threshold."""
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        return y_pred.argmax(axis=1)
    return (y_pred.reshape(-1) > threshold).astype(np.int64)


def _labels_from_targets(y):
    """One-hot (N, K) -> argmax; labels (N,) or (N, 1) -> flat."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(-1)


def _n_correct(y_pred, y, threshold):
    return int(np.count_nonzero(_labels_from_outputs(y_pred, threshold) == _labels_from_targets(y)))


def _n_close(y_pred, y, tolerance):
    return int(np.count_nonzero(np.abs(y_pred - y) < tolerance))


def accuracy(y_pred, y, threshold=0.5):
    r"""Fraction of examples whose predicted class is the true class.

    * ``y_pred`` of shape (N, K), K >= 2 (probabilities, logits or any scores): the predicted
      class is :math:`\arg\max_k \hat y_{nk}`.
    * ``y_pred`` of shape (N,) or (N, 1) (the probability of class 1): the prediction is 1 where
      :math:`\hat y_n >` ``threshold``, else 0. Pass ``threshold=0`` for logits.

    Parameters
    ----------
    y_pred : array_like, shape (N, K), (N,) or (N, 1)
    y : array_like
        Integer labels (N,) or one-hot rows (N, K) for K >= 2; 0/1 labels (N,) or (N, 1) for
        binary outputs.
    threshold : float

    Returns
    -------
    float in [0, 1]
    """
    where = "accuracy"
    if not (is_number(threshold) and math.isfinite(threshold)):
        raise ValueError(f"{where} expected threshold to be a finite number, got {threshold!r}")
    y_pred = finite_array(y_pred, "y_pred", where)
    try:
        y = np.asarray(y)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected y to be labels or one-hot rows, got {type(y).__name__}") from exc
    if y_pred.ndim not in (1, 2) or y_pred.shape[0] == 0 or (y_pred.ndim == 2 and y_pred.shape[1] == 0):
        raise ValueError(f"{where} expected y_pred of shape (N, K), (N,) or (N, 1) with N >= 1, "
                         f"got shape {y_pred.shape}")
    n = y_pred.shape[0]
    if y.shape[:1] != (n,):
        raise ValueError(f"{where} expected y with {n} rows like y_pred, got shape {y.shape}")
    k = y_pred.shape[1] if y_pred.ndim == 2 and y_pred.shape[1] > 1 else 2
    if y.ndim == 2 and y.shape[1] > 1:
        if y.shape != y_pred.shape:
            raise ValueError(f"{where} expected one-hot y of shape {y_pred.shape}, got shape {y.shape}")
        y = finite_array(y, "y", where)
    elif y.ndim == 1 or y.shape == (n, 1):
        check_labels(y, k, "y", where)
    else:
        raise ValueError(f"{where} expected y of shape ({n},) or ({n}, {k}), got shape {y.shape}")
    return _n_correct(y_pred, y, threshold) / n


def regression_accuracy(y_pred, y, lam=DEFAULT_LAM):
    r"""Fraction of predictions close to the target: :math:`\frac1M\sum \mathbb 1[|\hat y - y| < \sigma(y)/\lambda]`.

    A regression output is never exactly right, so "correct" means "closer than
    :math:`\rho = \hat\sigma(y)/\lambda`", where :math:`\hat\sigma(y)` is the standard deviation
    (1/M) of all M target values in ``y``. :math:`\lambda` sets the strictness: the tolerance
    is :math:`1/\lambda` of the typical spread of the targets, so :math:`\lambda = 250` (the
    default) asks for 0.4 % of a standard deviation and :math:`\lambda = 10` for 10 %. The number
    depends on :math:`\lambda` and on the spread of this particular ``y``: report
    :math:`\lambda` with it, and prefer the loss (MSE, MAE) when comparing models. Targets that
    are all equal give :math:`\rho = 0` and accuracy 0.

    Parameters
    ----------
    y_pred, y : array_like of the same shape, (N,) or (N, J)
        With J outputs every entry counts as one prediction (M = N J).
    lam : float > 0
        :math:`\lambda`.

    Returns
    -------
    float in [0, 1]
    """
    where = "regression_accuracy"
    y_pred = finite_array(y_pred, "y_pred", where)
    y = finite_array(y, "y", where)
    if y_pred.shape != y.shape or y.size == 0:
        raise ValueError(f"{where} expected y_pred and y of the same non-empty shape, got {y_pred.shape} and {y.shape}")
    if not (is_number(lam) and math.isfinite(lam) and lam > 0):
        raise ValueError(f"{where} expected lam > 0, got {lam!r}")
    with np.errstate(all="ignore"):  # the spread of targets near 1e308 overflows to inf: nothing is "close"
        tolerance = np.std(y) / lam
    if not math.isfinite(tolerance):
        raise ValueError(f"{where} expected y whose standard deviation is a finite float, got values up to "
                         f"{np.abs(y).max():.3g}")
    return _n_close(y_pred, y, tolerance) / y.size


# --- checks shared by fit and evaluate ---------------------------------------------------------

def _loss_pair(loss, where):
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"{where} expected loss to be one of {sorted(LOSSES)}, got {loss!r}")
    return LOSSES[loss]


def _check_metric(metric, lam, where):
    if metric is not None and metric not in METRICS:
        raise ValueError(f"{where} expected metric in {list(METRICS)} or None, got {metric!r}")
    if not (is_number(lam) and math.isfinite(lam) and lam > 0):
        raise ValueError(f"{where} expected lam > 0, got {lam!r}")


def _check_data(model, loss, x, y, where, x_name, y_name):
    """Validate a data set once, up front; returns x and y ready for batching.

    A one-row forward pass (test mode, so no random numbers are drawn) gives the output
    shape and dtype, which the targets are checked against.
    """
    x = finite_array(x, x_name, where)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{where} expected {x_name} of shape (N, D) with N >= 1, got shape {x.shape}")
    try:
        y = np.asarray(y)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected {y_name} to be an array, got {type(y).__name__}") from exc
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{where} expected {y_name} with {x.shape[0]} rows like {x_name}, got shape {y.shape}")
    try:
        out = model.forward(x[:1], training=False)
    except ValueError as exc:
        raise ValueError(f"{where} expected {x_name} that the model accepts, got shape {x.shape}: {exc}") from exc
    x = x.astype(out.dtype, copy=False)  # convert once here, not once per batch in the first layer
    k = out.shape[1] if out.ndim == 2 else 1
    if loss in _LABEL_LOSSES and y.ndim == 1:
        y = check_labels(y, k, y_name, where)
        if loss == "categorical_cross_entropy":  # its unchecked form takes one-hot rows
            y = np.eye(k, dtype=out.dtype)[y]
    elif loss == "hinge":
        raise ValueError(f"{where} expected {y_name} of integer labels with shape ({x.shape[0]},) "
                         f"for loss 'hinge', got shape {y.shape}")
    elif y.shape[1:] != out.shape[1:]:
        raise ValueError(f"{where} expected {y_name} of shape {(x.shape[0],) + out.shape[1:]} to match the "
                         f"model's output {out.shape[1:]}, got shape {y.shape}")
    else:
        y = finite_array(y, y_name, where).astype(out.dtype, copy=False)
        if loss.startswith("binary_cross_entropy"):
            _binary_targets(y, where)
        elif loss in _LABEL_LOSSES and y.ndim == 2 and (y.min() < 0 or not np.allclose(y.sum(axis=1), 1)):
            raise ValueError(f"{where} expected each row of {y_name} to be a probability vector (one-hot), "
                             f"got row sums from {y.sum(axis=1).min():.4g} to {y.sum(axis=1).max():.4g}")
    return x, y


def _check_state(state, params, where, optimizer=None):
    """A resumed optimizer state must hold one array per parameter, of the same shape and dtype
    (and, given the optimizer, exactly its slots)."""
    if (not isinstance(state, dict) or isinstance(state.get("step"), bool)
            or not isinstance(state.get("step"), (int, np.integer)) or state["step"] < 0):
        raise ValueError(f"{where} expected state to be an optimizer state "
                         f"(dict with an int 'step' >= 0), got {state!r:.80}")
    for slot, arrays in state.items():
        if slot == "step":
            continue
        if not isinstance(arrays, dict) or set(arrays) != set(params):
            raise ValueError(f"{where} expected state[{slot!r}] to have the model's keys {sorted(params)}, "
                             f"got {sorted(arrays) if isinstance(arrays, dict) else type(arrays).__name__}")
        for key, arr in arrays.items():
            p = params[key]
            if not isinstance(arr, np.ndarray) or arr.shape != p.shape or arr.dtype != p.dtype:
                got = f"shape {arr.shape} and dtype {arr.dtype}" if isinstance(arr, np.ndarray) else type(arr).__name__
                raise ValueError(f"{where} expected state[{slot!r}][{key!r}] of shape {p.shape} and dtype {p.dtype}, "
                                 f"got {got}")
            if not all_finite(arr):
                raise ValueError(f"{where} expected state[{slot!r}][{key!r}] to be finite, got NaN or inf")
    if optimizer is not None and hasattr(optimizer, "slots"):
        expected = {"step", *optimizer.slots}
        if set(state) != expected:
            raise ValueError(f"{where} expected state with the keys {sorted(expected)} of "
                             f"{type(optimizer).__name__}, got {sorted(map(str, state))}")


class _Scorer:
    """Loss and metric of one data set, summed over batches so a full pass gives exact means."""

    def __init__(self, loss, metric, y, lam, threshold):
        self.loss_fn = _UNCHECKED[loss][0]
        self.metric = metric
        self.threshold = threshold
        # regression_accuracy's tolerance comes from the whole set's targets, not one batch's
        self.tolerance = float(np.std(y)) / lam if metric == "regression_accuracy" else None
        self.n_per_example = int(np.prod(y.shape[1:])) if metric == "regression_accuracy" else 1
        self.reset()

    def reset(self):
        self.loss_sum, self.hits, self.n = 0.0, 0, 0

    def add(self, out, y, batch_loss=None):
        n = out.shape[0]
        if batch_loss is None:
            batch_loss = self.loss_fn(out, y)
        self.loss_sum += batch_loss * n  # every loss is a batch mean
        self.n += n
        if self.metric == "accuracy":
            self.hits += _n_correct(out, y, self.threshold)
        elif self.metric == "regression_accuracy":
            self.hits += _n_close(out, y, self.tolerance)

    def result(self):
        metric = None if self.metric is None else self.hits / (self.n * self.n_per_example)
        return self.loss_sum / self.n, metric


def _threshold(loss):
    return 0.0 if loss == "binary_cross_entropy_with_logits" else 0.5


# --- fit ---------------------------------------------------------------------------------------

@dataclass
class History:
    """What ``fit`` measured, one entry per epoch run.

    Attributes
    ----------
    loss, metric : list of float
        Training loss and metric, averaged over the epoch's mini-batches as they were trained
        (so with dropout on and the weights changing during the epoch). ``metric`` is empty
        when ``fit(metric=None)``.
    val_loss, val_metric : list of float
        The same on ``validation_data``, measured in test mode after the epoch; empty without
        validation data.
    metric_name : str or None
    best_epoch : int or None
        0-based epoch of the lowest ``val_loss`` (None without validation data).
    stopped_early : bool
        True if early stopping ended training before ``epochs``.
    state : dict
        The optimizer state after training; pass it back as ``fit(..., state=history.state)``
        (with the same ``rng``) to continue where training stopped.
    """

    loss: list = field(default_factory=list)
    metric: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_metric: list = field(default_factory=list)
    metric_name: str | None = None
    best_epoch: int | None = None
    stopped_early: bool = False
    state: dict | None = None


def fit(model, loss, optimizer, x, y, *, epochs, batch_size, rng, validation_data=None, regularizer=None,
        early_stopping_patience=None, metric="accuracy", lam=DEFAULT_LAM, progress=True, state=None):
    r"""Train ``model`` by mini-batch gradient descent; returns a ``History``.

    Each epoch draws a permutation of the N examples from ``rng``, cuts it into
    :math:`\lceil N/B\rceil` batches (the last one smaller when B does not divide N) and, for
    each batch, runs forward (``training=True``), the loss and its gradient, backward, the
    regularizer's gradient (if any) and one optimizer step, which changes ``model.params`` in
    place.

    Parameters
    ----------
    model : Sequential
    loss : str
        A name in ``nnlib.losses.LOSSES``, e.g. ``"softmax_cross_entropy"`` (takes logits) or ``"mse"``.
    optimizer : an ``nnlib.optimizers`` optimizer
    x : array_like, shape (N, D)
        Converted once to the model's dtype (float32 models train in float32).
    y : array_like, shape (N,) integer labels or (N, K) / (N, J) targets like the model's output
    epochs : int >= 1
    batch_size : int >= 1
        B; a B larger than N gives one batch per epoch (full-batch gradient descent).
    rng : numpy.random.Generator
        Draws the shuffles (dropout layers have their own ``rng``).
    validation_data : (x_val, y_val), optional
        Scored in test mode after each epoch.
    regularizer : nnlib.regularization.Regularizer, optional
        Its gradient is added before each step. The losses recorded in the history are the
        data loss C only, without the penalty, so train and validation numbers compare.
    early_stopping_patience : int >= 1, optional
        Needs ``validation_data``. Stop after this many epochs without a new lowest
        ``val_loss``, and **restore the best weights**: when ``fit`` returns, the model holds
        the parameters of ``history.best_epoch`` (also when all epochs ran). The optimizer
        state is not rolled back.
    metric : "accuracy", "regression_accuracy" or None
        Computed for the history (and the progress bar). None saves a little time.
        For binary outputs, ``accuracy`` thresholds at 0 when the loss takes logits
        (``binary_cross_entropy_with_logits``), at 0.5 otherwise.
    lam : float > 0
        :math:`\lambda` of ``regression_accuracy`` (tolerance :math:`\sigma(y)/\lambda`; see there).
    progress : bool
        Show a progress bar (``tqdm.auto``: a widget in Jupyter, text elsewhere) with one tick
        per epoch. ``False`` writes nothing at all, so notebooks stay deterministic.
    state : dict, optional
        Optimizer state to resume from (``history.state`` or one loaded by
        ``nnlib.io.load_model``); by default ``optimizer.init(model.params)``.

    Returns
    -------
    History

    Notes
    -----
    Training resumed with the returned ``state``, the same ``rng`` object (or one restored
    from a save) and the dropout layers' generators untouched gives bit-for-bit the same
    parameters as one uninterrupted run with the total number of epochs.
    """
    where = "fit"
    loss_fn, loss_grad = _loss_pair(loss, where)
    epochs = check_positive_int(epochs, "epochs", where)
    batch_size = check_positive_int(batch_size, "batch_size", where)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where} expected rng to be a numpy Generator (np.random.default_rng(seed)), "
                         f"got {type(rng).__name__}")
    _check_metric(metric, lam, where)
    if not all(hasattr(optimizer, a) for a in ("init", "update")):
        raise ValueError(f"{where} expected optimizer to be an nnlib optimizer (init, update), "
                         f"got {type(optimizer).__name__}")
    x, y = _check_data(model, loss, x, y, where, "x", "y")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(f"{where} expected validation_data to be a pair (x_val, y_val), "
                             f"got {type(validation_data).__name__}")
        x_val, y_val = _check_data(model, loss, *validation_data, where, "x_val", "y_val")
        if x_val.shape[1:] != x.shape[1:]:
            raise ValueError(f"{where} expected x_val of shape (N, {', '.join(map(str, x.shape[1:]))}) like x, "
                             f"got shape {x_val.shape}")
    if early_stopping_patience is not None:
        check_positive_int(early_stopping_patience, "early_stopping_patience", where)
        if validation_data is None:
            raise ValueError(f"{where} expected validation_data with early_stopping_patience="
                             f"{early_stopping_patience!r}, got validation_data=None")
    if regularizer is not None and not hasattr(regularizer, "add_to_grads"):
        raise ValueError(f"{where} expected regularizer to be an nnlib Regularizer, got {type(regularizer).__name__}")
    if not isinstance(progress, (bool, np.bool_)):
        raise ValueError(f"{where} expected progress to be True or False, got {progress!r}")
    if state is None:
        state = optimizer.init(model.params)
    else:
        _check_state(state, model.params, where, optimizer)

    # Everything was checked above, once: the loop calls the unchecked forms (the model's
    # _forward/_backward, the loss arithmetic, the optimizer's _apply), and only watches for
    # divergence (outputs or loss no longer finite).
    if isinstance(model, Sequential):
        forward, backward = model._fast_paths()
    else:
        forward, backward = model.forward, model.backward
    # nnlib's own layers keep their params and grads arrays for life (gradients are written
    # in place), so the dicts are built once; a model with other layers rebuilds them per step
    own_layers = isinstance(model, Sequential) and all(type(layer) in LAYERS.values() for layer in model.layers)
    params, grads = model.params, model.grads
    loss_fn, loss_grad = _UNCHECKED[loss]
    value_and_grad = _UNCHECKED_VALUE_AND_GRAD.get(loss)
    step_fn = optimizer._apply if type(optimizer).update is Optimizer.update else optimizer.update

    threshold = _threshold(loss)
    train_scores = _Scorer(loss, metric, y, lam, threshold)
    val_scores = _Scorer(loss, metric, y_val, lam, threshold) if validation_data is not None else None
    history = History(metric_name=metric)
    best_params, waited = None, 0
    bar = None
    if progress:
        from tqdm.auto import tqdm  # imported here: nothing touches the display when progress=False
        bar = tqdm(total=epochs, desc="fit", unit="epoch")

    n = x.shape[0]
    errstate = np.errstate(all="ignore")  # overflow is reported as divergence below, not as a warning
    errstate.__enter__()
    try:
        for epoch in range(epochs):
            order = rng.permutation(n)
            x_epoch, y_epoch = x[order], y[order]  # one gather per epoch; the batches are views
            train_scores.reset()
            for step, start in enumerate(range(0, n, batch_size)):
                xb = x_epoch[start:start + batch_size]
                yb = y_epoch[start:start + batch_size]
                out = forward(xb, True)
                if not all_finite(out):
                    _diverged(epoch, step, "the model's outputs are not finite")
                if value_and_grad is not None:
                    batch_loss, dout = value_and_grad(out, yb)
                else:
                    batch_loss, dout = loss_fn(out, yb), loss_grad(out, yb)
                if not math.isfinite(batch_loss):
                    _diverged(epoch, step, f"the loss is {batch_loss}")
                backward(dout, False)  # dC/dx is not needed
                if not own_layers:
                    params, grads = model.params, model.grads
                if regularizer is not None:
                    regularizer.add_to_grads(params, grads)
                state = step_fn(params, grads, state)
                train_scores.add(out, yb, batch_loss)
            epoch_loss, epoch_metric = train_scores.result()
            history.loss.append(epoch_loss)
            if metric is not None:
                history.metric.append(epoch_metric)
            postfix = {"loss": f"{epoch_loss:.4g}"}
            if val_scores is not None:
                val_loss, val_metric = _score(model, x_val, y_val, val_scores, batch_size=max(batch_size, 1024))
                history.val_loss.append(val_loss)
                if metric is not None:
                    history.val_metric.append(val_metric)
                postfix["val_loss"] = f"{val_loss:.4g}"
                if history.best_epoch is None or val_loss < history.val_loss[history.best_epoch]:
                    history.best_epoch, waited = epoch, 0
                    if early_stopping_patience is not None:
                        best_params = {k: v.copy() for k, v in model.params.items()}
                else:
                    waited += 1
            if bar is not None:
                bar.set_postfix(postfix, refresh=False)
                bar.update(1)
            if early_stopping_patience is not None and waited >= early_stopping_patience:
                history.stopped_early = epoch < epochs - 1
                break
    finally:
        errstate.__exit__(None, None, None)
        if bar is not None:
            bar.close()
    if best_params is not None:
        for k, p in model.params.items():
            p[...] = best_params[k]
    history.state = state
    return history


def _diverged(epoch, step, what):
    raise TrainingDivergedError(f"fit: training diverged at epoch {epoch} step {step}; try a smaller learning rate "
                                f"({what})")


def _score(model, x, y, scorer, batch_size):
    scorer.reset()
    forward = model._forward if isinstance(model, Sequential) else model.forward
    for start in range(0, x.shape[0], batch_size):
        with np.errstate(all="ignore"):
            out = forward(x[start:start + batch_size], False)
            finite = all_finite(out)
            if finite:
                scorer.add(out, y[start:start + batch_size])
        if not finite or not math.isfinite(scorer.loss_sum):
            raise ValueError(f"the model's outputs or loss are not finite on rows {start} to "
                             f"{start + len(out) - 1}: its parameters are too large (diverged training?)")
    return scorer.result()


# --- using a trained model ---------------------------------------------------------------------

def evaluate(model, loss, x, y, *, metric="accuracy", lam=DEFAULT_LAM, batch_size=1024):
    r"""Loss and metric of ``model`` on (x, y) in test mode (no dropout).

    Parameters
    ----------
    model : Sequential
    loss : str
        Name in ``nnlib.losses.LOSSES``.
    x : array_like, shape (N, D)
    y : array_like, targets as for ``fit``
    metric : "accuracy", "regression_accuracy" or None
    lam : float > 0
        :math:`\lambda` of ``regression_accuracy``.
    batch_size : int >= 1
        Rows per forward pass (memory only; the result is the same for any value).

    Returns
    -------
    (loss, metric) : (float, float or None)
        The loss averaged over all N examples, and the metric (None if ``metric=None``).
    """
    where = "evaluate"
    _loss_pair(loss, where)
    _check_metric(metric, lam, where)
    batch_size = check_positive_int(batch_size, "batch_size", where)
    x, y = _check_data(model, loss, x, y, where, "x", "y")
    return _score(model, x, y, _Scorer(loss, metric, y, lam, _threshold(loss)), batch_size)


def predict(model, x, *, batch_size=1024):
    """Model outputs for x (N, D) in test mode: ``model.predict(x, batch_size)`` after checking x."""
    x = finite_array(x, "x", "predict")
    if x.ndim < 2:
        raise ValueError(f"predict expected x of shape (N, D), got shape {x.shape}")
    return model.predict(x, batch_size=check_positive_int(batch_size, "batch_size", "predict"))


def predict_labels(model, x, *, threshold=0.5, batch_size=1024):
    """Predicted class labels (N,) int: argmax of (N, K) outputs, ``output > threshold`` for one output.

    Use ``threshold=0`` for a model whose single output is a logit.
    """
    if not (is_number(threshold) and math.isfinite(threshold)):
        raise ValueError(f"predict_labels expected threshold to be a finite number, got {threshold!r}")
    return _labels_from_outputs(predict(model, x, batch_size=batch_size), threshold)
