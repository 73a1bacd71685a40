r"""Losses and their gradients, averaged over the batch (chapters 04, 05, 06).

Every loss is a pair ``name(y_pred, y) -> float`` and ``name_grad(y_pred, y) ->
array shaped like y_pred``. The cost is :math:`C = \frac1N\sum_n \ell_n`, so each
gradient carries the factor :math:`1/N`. ``LOSSES`` maps names to the pairs, so a
model's loss can be stored by name.

Losses that take *logits* say so in their name (``..._with_logits``,
``softmax_cross_entropy``): the fused forms are chosen by the user, never swapped in.

Each public function checks its arguments, then calls a private ``_name`` that does the
arithmetic (``fit`` checks a whole data set once and calls those directly). A result that
overflows (an MSE of outputs near 1e200) raises a ``ValueError`` naming ``y_pred``, never
returns inf with a numpy warning.
"""
import math

import numpy as np

from .activations import _log_softmax, _sigmoid, _softmax
from ._checks import check_labels, check_ndim, check_positive, check_same_shape, checked_arithmetic, finite_array


def _checked_result(compute, where, *args):
    return checked_arithmetic(where, "y_pred and y", compute, *args)



# Probabilities are clipped before the log (to [eps, 1 - eps] for the binary loss, to [eps, 1]
# for the categorical one). Where the clip is active the loss is flat, so the gradient is 0 there.
_EPS = 1e-12
# How far a row of y_pred may sum from 1 for categorical_cross_entropy: far above float32
# rounding, and loose enough for the finite differences of a gradient check (steps ~1e-5),
# yet a row of sigmoids (sums like 2.7) is refused.
_ROW_SUM_TOLERANCE = 1e-3


def _pair(y_pred, y, where):
    y_pred = finite_array(y_pred, "y_pred", where)
    if y_pred.ndim == 0 or y_pred.shape[0] == 0:
        raise ValueError(f"{where} expected y_pred with a batch axis of length >= 1, got shape {y_pred.shape}")
    y = finite_array(y, "y", where)
    check_same_shape(y_pred, y, "y_pred", "y", where)
    return y_pred, y.astype(y_pred.dtype, copy=False)


def _per_example(value):
    """Average over the batch axis, summing over the others: C = (1/N) sum_n l_n."""
    return float(value.sum() / value.shape[0])


# --- regression (chapter 04: Gaussian -> MSE, Laplace -> MAE) --------------------------------

def mse(y_pred, y):
    r"""Mean squared error :math:`\frac1N\sum_n \|\hat y_n - y_n\|^2` (sum over outputs)."""
    return _checked_result(_mse, "mse", *_pair(y_pred, y, "mse"))


def _mse(y_pred, y):
    return _per_example((y_pred - y) ** 2)


def mse_grad(y_pred, y):
    r""":math:`\frac{2}{N}(\hat y - y)`."""
    return _checked_result(_mse_grad, "mse_grad", *_pair(y_pred, y, "mse_grad"))


def _mse_grad(y_pred, y):
    return (2 / y_pred.shape[0]) * (y_pred - y)


def mae(y_pred, y):
    r"""Mean absolute error :math:`\frac1N\sum_n \|\hat y_n - y_n\|_1`."""
    return _checked_result(_mae, "mae", *_pair(y_pred, y, "mae"))


def _mae(y_pred, y):
    return _per_example(np.abs(y_pred - y))


def mae_grad(y_pred, y):
    r""":math:`\frac1N\operatorname{sign}(\hat y - y)`; at :math:`\hat y = y` the subgradient 0 is used."""
    return _checked_result(_mae_grad, "mae_grad", *_pair(y_pred, y, "mae_grad"))


def _mae_grad(y_pred, y):
    return np.sign(y_pred - y) / y_pred.shape[0]


def rmse(y_pred, y):
    r""":math:`\sqrt{\text{mse}}`: same minimizer as MSE, in the units of y."""
    return _checked_result(_rmse, "rmse", *_pair(y_pred, y, "rmse"))


def _rmse(y_pred, y):
    return float(np.sqrt(_mse(y_pred, y)))


def rmse_grad(y_pred, y):
    r""":math:`\nabla\text{mse} / (2\,\text{rmse})`; zero when the fit is exact."""
    return _checked_result(_rmse_grad, "rmse_grad", *_pair(y_pred, y, "rmse_grad"))


def _rmse_grad(y_pred, y):
    # (y_pred - y) / (N rmse) computed from the scaled residual, so a root that overflows
    # when squared still gives the right gradient
    r = y_pred - y
    scale = np.max(np.abs(r))
    if scale == 0:
        return np.zeros_like(r)
    root = np.sqrt(np.sum((r / scale) ** 2) / r.shape[0])
    return (r / scale) / (r.shape[0] * root)


# --- binary classification (Bernoulli likelihood) --------------------------------------------

def _binary_targets(y, where):
    if np.any((y != 0) & (y != 1)):
        raise ValueError(f"{where} expected y to hold 0/1 labels, got values {np.unique(y)[:5]}")


def _probabilities(p, where):
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"{where} expected y_pred to be probabilities in [0, 1], "
                         f"got values from {p.min():.4g} to {p.max():.4g}")


def _distributions(p, where):
    """Rows of probabilities that sum to 1: a softmax output, not a sigmoid's."""
    _probabilities(p, where)
    sums = p.sum(axis=1)
    if not np.all(np.abs(sums - 1) <= _ROW_SUM_TOLERANCE):
        raise ValueError(f"{where} expected each row of y_pred to be a probability distribution summing to 1 "
                         f"(a softmax output), got row sums from {sums.min():.4g} to {sums.max():.4g}")


def binary_cross_entropy(y_pred, y):
    r""":math:`-\frac1N\sum [y\log\hat y + (1-y)\log(1-\hat y)]` on probabilities :math:`\hat y`.

    :math:`\hat y` is clipped to :math:`[\epsilon, 1-\epsilon]`, :math:`\epsilon = 10^{-12}`,
    so a confident wrong answer costs about 27.6 rather than ``inf``.
    """
    y_pred, y = _pair(y_pred, y, "binary_cross_entropy")
    _binary_targets(y, "binary_cross_entropy")
    return _binary_cross_entropy(y_pred, y)


def _binary_cross_entropy(y_pred, y, where="binary_cross_entropy"):
    _probabilities(y_pred, where)
    p = np.clip(y_pred, _EPS, 1 - _EPS)
    return _per_example(-(y * np.log(p) + (1 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(y_pred, y):
    r""":math:`\frac1N\,\frac{\hat y - y}{\hat y(1 - \hat y)}`; 0 where the clip is active (the loss is flat there)."""
    y_pred, y = _pair(y_pred, y, "binary_cross_entropy_grad")
    _binary_targets(y, "binary_cross_entropy_grad")
    return _binary_cross_entropy_grad(y_pred, y)


def _binary_cross_entropy_grad(y_pred, y, where="binary_cross_entropy_grad"):
    _probabilities(y_pred, where)
    p = np.clip(y_pred, _EPS, 1 - _EPS)
    inside = (y_pred >= _EPS) & (y_pred <= 1 - _EPS)
    return np.where(inside, (p - y) / (p * (1 - p)), 0).astype(y_pred.dtype, copy=False) / y_pred.shape[0]


def binary_cross_entropy_with_logits(y_pred, y):
    r"""BCE of :math:`\sigma(z)` computed from logits :math:`z` = ``y_pred``, stably:
    :math:`\ell = \max(z, 0) - zy + \log(1 + e^{-|z|})`, never ``log(0)``."""
    z, y = _pair(y_pred, y, "binary_cross_entropy_with_logits")
    _binary_targets(y, "binary_cross_entropy_with_logits")
    return _checked_result(_binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits", z, y)


def _binary_cross_entropy_with_logits(z, y):
    return _per_example(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def binary_cross_entropy_with_logits_grad(y_pred, y):
    r""":math:`\frac1N(\sigma(z) - y)`: the sigmoid's derivative cancels (chapter 04)."""
    z, y = _pair(y_pred, y, "binary_cross_entropy_with_logits_grad")
    _binary_targets(y, "binary_cross_entropy_with_logits_grad")
    return _binary_cross_entropy_with_logits_grad(z, y)


def _binary_cross_entropy_with_logits_grad(z, y):
    return (_sigmoid(z) - y) / z.shape[0]


# --- multi-class classification (categorical likelihood) -------------------------------------

def _targets(y, y_pred, where):
    """Check ``y`` against scores (N, K): returns ``(labels, None)`` for integer labels (N,)
    or ``(None, one_hot)`` for a one-hot / probability matrix (N, K) in y_pred's dtype."""
    try:
        y_arr = np.asarray(y)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected y to be labels or one-hot rows, got {type(y).__name__}") from exc
    n, k = y_pred.shape
    if y_arr.ndim == 1:
        if y_arr.shape[0] != n:
            raise ValueError(f"{where} expected y of shape ({n},) or ({n}, {k}), got {y_arr.shape}")
        return check_labels(y_arr, k, "y", where), None
    y_arr = finite_array(y_arr, "y", where)
    if y_arr.shape != (n, k):
        raise ValueError(f"{where} expected y of shape ({n},) or ({n}, {k}), got {y_arr.shape}")
    if y_arr.min() < 0 or not np.allclose(y_arr.sum(axis=1), 1):
        raise ValueError(f"{where} expected each row of y to be a probability vector (one-hot), "
                         f"got row sums from {y_arr.sum(axis=1).min():.4g} to {y_arr.sum(axis=1).max():.4g}")
    return None, y_arr.astype(y_pred.dtype, copy=False)


def _one_hot_targets(y, y_pred, where):
    """Integer labels (N,) or one-hot (N, K) -> one-hot (N, K) in y_pred's dtype."""
    labels, one_hot = _targets(y, y_pred, where)
    if one_hot is None:
        one_hot = np.zeros_like(y_pred)
        one_hot[np.arange(len(labels)), labels] = 1
    return one_hot


def _scores(y_pred, where):
    y_pred = finite_array(y_pred, "y_pred", where)
    check_ndim(y_pred, (2,), "y_pred", where, "(N, K)")
    if y_pred.shape[0] == 0:
        raise ValueError(f"{where} expected y_pred with at least one example, got shape {y_pred.shape}")
    if y_pred.shape[1] == 0:
        raise ValueError(f"{where} expected y_pred with at least one class (K >= 1), got shape {y_pred.shape}")
    return y_pred


def categorical_cross_entropy(y_pred, y):
    r""":math:`-\frac1N\sum_n\sum_k y_{nk}\log\hat y_{nk}` on probabilities ``y_pred`` (N, K).

    ``y``: integer labels (N,) or one-hot (N, K). Probabilities are clipped at :math:`10^{-12}`.
    Each row of ``y_pred`` must be a distribution (entries in [0, 1] summing to 1 within
    1e-3): rows of independent sigmoids are refused, since the loss would
    reward putting probability on every class.
    """
    p = _scores(y_pred, "categorical_cross_entropy")
    return _categorical_cross_entropy(p, _one_hot_targets(y, p, "categorical_cross_entropy"))


def _categorical_cross_entropy(p, t, where="categorical_cross_entropy"):
    _distributions(p, where)
    return _per_example(-(t * np.log(np.clip(p, _EPS, 1))))


def categorical_cross_entropy_grad(y_pred, y):
    r""":math:`-\frac1N\,y / \hat y`; 0 where :math:`\hat y < 10^{-12}` (the clipped loss is flat there)."""
    p = _scores(y_pred, "categorical_cross_entropy_grad")
    return _categorical_cross_entropy_grad(p, _one_hot_targets(y, p, "categorical_cross_entropy_grad"))


def _categorical_cross_entropy_grad(p, t, where="categorical_cross_entropy_grad"):
    _distributions(p, where)
    return np.where(p >= _EPS, -t / np.clip(p, _EPS, 1), 0).astype(p.dtype, copy=False) / p.shape[0]


def softmax_cross_entropy(y_pred, y):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)` from logits :math:`z` = ``y_pred`` (N, K):
    :math:`\frac1N\sum_n(\log\sum_k e^{z_{nk}} - \sum_k y_{nk} z_{nk})`, via log-softmax (chapter 06)."""
    z = _scores(y_pred, "softmax_cross_entropy")
    labels, one_hot = _targets(y, z, "softmax_cross_entropy")
    return _checked_result(_softmax_cross_entropy, "softmax_cross_entropy", z, one_hot if labels is None else labels)


def _softmax_cross_entropy(z, target):
    """target: integer labels (N,) or one-hot rows (N, K) in z's dtype."""
    labels, one_hot = (target, None) if target.ndim == 1 else (None, target)
    log_probs = _log_softmax(z)
    if one_hot is not None:
        return _per_example(-(one_hot * log_probs))
    # integer labels pick one log-probability per row: no one-hot matrix needed
    return float(-log_probs[np.arange(z.shape[0]), labels].sum() / z.shape[0])


def softmax_cross_entropy_grad(y_pred, y):
    r""":math:`\partial C/\partial z = \frac1N(\hat y - y)` with :math:`\hat y = \operatorname{softmax}(z)`
    (chapter 06 derives it through the softmax Jacobian)."""
    z = _scores(y_pred, "softmax_cross_entropy_grad")
    labels, one_hot = _targets(y, z, "softmax_cross_entropy_grad")
    return _softmax_cross_entropy_grad(z, one_hot if labels is None else labels)


def _softmax_cross_entropy_value_and_grad(z, target):
    """Loss and gradient from one exp (what fit uses): log p = z - max - log(sum e), grad = (p - y)/N."""
    n = z.shape[0]
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=-1, keepdims=True)
    if target.ndim == 1:
        rows = np.arange(n)
        value = float((np.log(total[:, 0]) - shifted[rows, target]).sum() / n)
        e /= total
        e[rows, target] -= 1
    else:
        value = float((target * (np.log(total) - shifted)).sum() / n)
        e /= total
        e -= target
    e /= n
    return value, e


def _softmax_cross_entropy_grad(z, target):
    labels, one_hot = (target, None) if target.ndim == 1 else (None, target)
    grad = _softmax(z)
    if one_hot is not None:
        grad -= one_hot
    else:
        grad[np.arange(z.shape[0]), labels] -= 1
    grad /= z.shape[0]
    return grad


def hinge(y_pred, y, margin=1.0):
    r"""Multi-class hinge (SVM) loss on scores (N, K) with integer labels (N,):
    :math:`\frac1N\sum_n\sum_{k\ne y_n}\max(0, z_{nk} - z_{n y_n} + \Delta)`, :math:`\Delta` = ``margin``.
    With K = 2 it is the binary hinge :math:`\max(0, \Delta - t\,f)` on the score difference."""
    z, labels = _hinge_inputs(y_pred, y, margin, "hinge")
    return _checked_result(_hinge, "hinge", z, labels, margin)


def _hinge(z, labels, margin=1.0):
    return _per_example(_violations(z, labels, margin))


def hinge_grad(y_pred, y, margin=1.0):
    r"""Each violated margin adds +1/N to its class score and −1/N to the true class.
    At a margin met exactly (a kink) the subgradient 0 is used."""
    z, labels = _hinge_inputs(y_pred, y, margin, "hinge_grad")
    with np.errstate(all="ignore"):
        return _hinge_grad(z, labels, margin)


def _hinge_grad(z, labels, margin=1.0):
    active = (_violations(z, labels, margin) > 0).astype(z.dtype)
    active[np.arange(z.shape[0]), labels] = -active.sum(axis=1)
    return active / z.shape[0]


def _hinge_inputs(y_pred, y, margin, where):
    z = _scores(y_pred, where)
    check_positive(margin, "margin", where)
    try:
        y_arr = np.asarray(y)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected y to be integer labels, got {type(y).__name__}") from exc
    if y_arr.shape != (z.shape[0],):
        raise ValueError(f"{where} expected y of integer labels with shape ({z.shape[0]},), got {y_arr.shape}")
    return z, check_labels(y_arr, z.shape[1], "y", where)


def _violations(z, labels, margin):
    rows = np.arange(z.shape[0])
    violations = np.maximum(0, z - z[rows, labels][:, None] + margin)
    violations[rows, labels] = 0
    return violations


# --- metric learning ----------------------------------------------------------------------------

def triplet(anchor, positive, negative, margin=1.0):
    r"""Triplet loss :math:`\frac1N\sum_n\max(0, \|a_n - p_n\|^2 - \|a_n - n_n\|^2 + \Delta)` (chapter 04).

    anchor, positive, negative : (N, D) embeddings. Pulls the positive closer to
    the anchor than the negative, by at least ``margin``.
    """
    a, p, n = _triplet_inputs(anchor, positive, negative, margin, "triplet")
    return _checked_result(lambda a, p, n: float(np.maximum(_gap(a, p, n, margin), 0).mean()), "triplet", a, p, n)


def triplet_grad(anchor, positive, negative, margin=1.0):
    r"""Gradients ``(d_anchor, d_positive, d_negative)``, each (N, D): for active triplets
    :math:`\frac2N(n - p)`, :math:`\frac2N(p - a)`, :math:`\frac2N(a - n)`; zero otherwise."""
    a, p, n = _triplet_inputs(anchor, positive, negative, margin, "triplet_grad")

    def grads(a, p, n):
        scale = (2 / a.shape[0]) * (_gap(a, p, n, margin) > 0).astype(a.dtype)[:, None]
        return scale * (n - p), scale * (p - a), scale * (a - n)
    return _checked_result(grads, "triplet_grad", a, p, n)


def _triplet_inputs(anchor, positive, negative, margin, where):
    a = finite_array(anchor, "anchor", where)
    p = finite_array(positive, "positive", where)
    n = finite_array(negative, "negative", where)
    check_ndim(a, (2,), "anchor", where, "(N, D)")
    if a.shape[0] == 0:
        raise ValueError(f"{where} expected anchor with at least one triplet (N >= 1), got shape {a.shape}")
    check_same_shape(a, p, "anchor", "positive", where)
    check_same_shape(a, n, "anchor", "negative", where)
    check_positive(margin, "margin", where)
    dtype = np.result_type(a, p, n)
    return a.astype(dtype, copy=False), p.astype(dtype, copy=False), n.astype(dtype, copy=False)


def _gap(a, p, n, margin):
    return ((a - p) ** 2).sum(axis=1) - ((a - n) ** 2).sum(axis=1) + margin


LOSSES = {
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "rmse": (rmse, rmse_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "binary_cross_entropy_with_logits": (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad),
    "categorical_cross_entropy": (categorical_cross_entropy, categorical_cross_entropy_grad),
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
    "hinge": (hinge, hinge_grad),
}

# The arithmetic of each loss on checked inputs (``fit`` checks its data once, then calls these):
# y_pred (N, ...) finite in the model's dtype; the target as ``fit`` prepared it.
_UNCHECKED = {
    "mse": (_mse, _mse_grad),
    "mae": (_mae, _mae_grad),
    "rmse": (_rmse, _rmse_grad),
    "binary_cross_entropy": (_binary_cross_entropy, _binary_cross_entropy_grad),
    "binary_cross_entropy_with_logits": (_binary_cross_entropy_with_logits, _binary_cross_entropy_with_logits_grad),
    "categorical_cross_entropy": (_categorical_cross_entropy, _categorical_cross_entropy_grad),
    "softmax_cross_entropy": (_softmax_cross_entropy, _softmax_cross_entropy_grad),
    "hinge": (_hinge, _hinge_grad),
}
# losses whose value and gradient share most of their work, computed together
_UNCHECKED_VALUE_AND_GRAD = {"softmax_cross_entropy": _softmax_cross_entropy_value_and_grad}
