r"""Losses and their gradients, averaged over the batch (chapters 04, 05, 06).

Every loss is a pair ``name(y_pred, y) -> float`` and ``name_grad(y_pred, y) ->
array shaped like y_pred``. The cost is :math:`C = \frac1N\sum_n \ell_n`, so each
gradient carries the factor :math:`1/N`. ``LOSSES`` maps names to the pairs, so a
model's loss can be stored by name.

Losses that take *logits* say so in their name (``..._with_logits``,
``softmax_cross_entropy``): the fused forms are chosen by the user, never swapped in.
"""
import numpy as np

from .activations import _log_softmax, _softmax, sigmoid
from ._checks import check_labels, check_ndim, check_positive, check_same_shape, finite_array

# Probabilities are clipped before the log (to [eps, 1 - eps] for the binary loss, to [eps, 1]
# for the categorical one). Where the clip is active the loss is flat, so the gradient is 0 there.
_EPS = 1e-12


def _pair(y_pred, y, where):
    y_pred = finite_array(y_pred, "y_pred", where)
    y = finite_array(y, "y", where)
    check_same_shape(y_pred, y, "y_pred", "y", where)
    if y_pred.ndim == 0 or y_pred.shape[0] == 0:
        raise ValueError(f"{where} expected y_pred with a batch axis of length >= 1, got shape {y_pred.shape}")
    return y_pred, y.astype(y_pred.dtype, copy=False)


def _per_example(value):
    """Average over the batch axis, summing over the others: C = (1/N) sum_n l_n."""
    return float(value.sum() / value.shape[0])


# --- regression (chapter 04: Gaussian -> MSE, Laplace -> MAE) --------------------------------

def mse(y_pred, y):
    r"""Mean squared error :math:`\frac1N\sum_n \|\hat y_n - y_n\|^2` (sum over outputs)."""
    y_pred, y = _pair(y_pred, y, "mse")
    return _per_example((y_pred - y) ** 2)


def mse_grad(y_pred, y):
    r""":math:`\frac{2}{N}(\hat y - y)`."""
    y_pred, y = _pair(y_pred, y, "mse_grad")
    return (2 / y_pred.shape[0]) * (y_pred - y)


def mae(y_pred, y):
    r"""Mean absolute error :math:`\frac1N\sum_n \|\hat y_n - y_n\|_1`."""
    y_pred, y = _pair(y_pred, y, "mae")
    return _per_example(np.abs(y_pred - y))


def mae_grad(y_pred, y):
    r""":math:`\frac1N\operatorname{sign}(\hat y - y)`; at :math:`\hat y = y` the subgradient 0 is used."""
    y_pred, y = _pair(y_pred, y, "mae_grad")
    return np.sign(y_pred - y) / y_pred.shape[0]


def rmse(y_pred, y):
    r""":math:`\sqrt{\text{mse}}`: same minimizer as MSE, in the units of y."""
    return float(np.sqrt(mse(y_pred, y)))


def rmse_grad(y_pred, y):
    r""":math:`\nabla\text{mse} / (2\,\text{rmse})`; zero when the fit is exact."""
    root = rmse(y_pred, y)
    grad = mse_grad(y_pred, y)
    return grad / (2 * root) if root > 0 else np.zeros_like(grad)


# --- binary classification (Bernoulli likelihood) --------------------------------------------

def _binary_targets(y, where):
    if np.any((y != 0) & (y != 1)):
        raise ValueError(f"{where} expected y to hold 0/1 labels, got values {np.unique(y)[:5]}")


def _probabilities(p, where):
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"{where} expected y_pred to be probabilities in [0, 1], "
                         f"got values from {p.min():.4g} to {p.max():.4g}")


def binary_cross_entropy(y_pred, y):
    r""":math:`-\frac1N\sum [y\log\hat y + (1-y)\log(1-\hat y)]` on probabilities :math:`\hat y`.

    :math:`\hat y` is clipped to :math:`[\epsilon, 1-\epsilon]`, :math:`\epsilon = 10^{-12}`,
    so a confident wrong answer costs about 27.6 rather than ``inf``.
    """
    y_pred, y = _pair(y_pred, y, "binary_cross_entropy")
    _probabilities(y_pred, "binary_cross_entropy")
    _binary_targets(y, "binary_cross_entropy")
    p = np.clip(y_pred, _EPS, 1 - _EPS)
    return _per_example(-(y * np.log(p) + (1 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(y_pred, y):
    r""":math:`\frac1N\,\frac{\hat y - y}{\hat y(1 - \hat y)}`; 0 where the clip is active (the loss is flat there)."""
    y_pred, y = _pair(y_pred, y, "binary_cross_entropy_grad")
    _probabilities(y_pred, "binary_cross_entropy_grad")
    _binary_targets(y, "binary_cross_entropy_grad")
    p = np.clip(y_pred, _EPS, 1 - _EPS)
    inside = (y_pred >= _EPS) & (y_pred <= 1 - _EPS)
    return np.where(inside, (p - y) / (p * (1 - p)), 0).astype(y_pred.dtype, copy=False) / y_pred.shape[0]


def binary_cross_entropy_with_logits(y_pred, y):
    r"""BCE of :math:`\sigma(z)` computed from logits :math:`z` = ``y_pred``, stably:
    :math:`\ell = \max(z, 0) - zy + \log(1 + e^{-|z|})`, never ``log(0)``."""
    z, y = _pair(y_pred, y, "binary_cross_entropy_with_logits")
    _binary_targets(y, "binary_cross_entropy_with_logits")
    return _per_example(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def binary_cross_entropy_with_logits_grad(y_pred, y):
    r""":math:`\frac1N(\sigma(z) - y)`: the sigmoid's derivative cancels (chapter 04)."""
    z, y = _pair(y_pred, y, "binary_cross_entropy_with_logits_grad")
    _binary_targets(y, "binary_cross_entropy_with_logits_grad")
    return (sigmoid(z) - y) / z.shape[0]


# --- multi-class classification (categorical likelihood) -------------------------------------

def _targets(y, y_pred, where):
    """Check ``y`` against scores (N, K): returns ``(labels, None)`` for integer labels (N,)
    or ``(None, one_hot)`` for a one-hot / probability matrix (N, K) in y_pred's dtype."""
    y_arr = np.asarray(y)
    n, k = y_pred.shape
    if y_arr.ndim == 1:
        if y_arr.shape[0] != n:
            raise ValueError(f"{where} expected y of shape ({n},) or ({n}, {k}), got {y_arr.shape}")
        return check_labels(y_arr, k, "y", where), None
    y_arr = finite_array(y_arr, "y", where)
    if y_arr.shape != (n, k):
        raise ValueError(f"{where} expected y of shape ({n},) or ({n}, {k}), got {y_arr.shape}")
    if np.any(y_arr < 0) or not np.allclose(y_arr.sum(axis=1), 1):
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
        raise ValueError(f"{where} expected at least one example, got shape {y_pred.shape}")
    return y_pred


def categorical_cross_entropy(y_pred, y):
    r""":math:`-\frac1N\sum_n\sum_k y_{nk}\log\hat y_{nk}` on probabilities ``y_pred`` (N, K).

    ``y``: integer labels (N,) or one-hot (N, K). Probabilities are clipped at :math:`10^{-12}`.
    """
    p = _scores(y_pred, "categorical_cross_entropy")
    _probabilities(p, "categorical_cross_entropy")
    t = _one_hot_targets(y, p, "categorical_cross_entropy")
    return _per_example(-(t * np.log(np.clip(p, _EPS, 1))))


def categorical_cross_entropy_grad(y_pred, y):
    r""":math:`-\frac1N\,y / \hat y`; 0 where :math:`\hat y < 10^{-12}` (the clipped loss is flat there)."""
    p = _scores(y_pred, "categorical_cross_entropy_grad")
    _probabilities(p, "categorical_cross_entropy_grad")
    t = _one_hot_targets(y, p, "categorical_cross_entropy_grad")
    return np.where(p >= _EPS, -t / np.clip(p, _EPS, 1), 0).astype(p.dtype, copy=False) / p.shape[0]


def softmax_cross_entropy(y_pred, y):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)` from logits :math:`z` = ``y_pred`` (N, K):
    :math:`\frac1N\sum_n(\log\sum_k e^{z_{nk}} - \sum_k y_{nk} z_{nk})`, via log-softmax (chapter 06)."""
    z = _scores(y_pred, "softmax_cross_entropy")
    labels, one_hot = _targets(y, z, "softmax_cross_entropy")
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
    z, labels, violations = _hinge_parts(y_pred, y, margin, "hinge")
    return _per_example(violations)


def hinge_grad(y_pred, y, margin=1.0):
    r"""Each violated margin adds +1/N to its class score and −1/N to the true class.
    At a margin met exactly (a kink) the subgradient 0 is used."""
    z, labels, violations = _hinge_parts(y_pred, y, margin, "hinge_grad")
    active = (violations > 0).astype(z.dtype)
    active[np.arange(z.shape[0]), labels] = -active.sum(axis=1)
    return active / z.shape[0]


def _hinge_parts(y_pred, y, margin, where):
    z = _scores(y_pred, where)
    check_positive(margin, "margin", where)
    y_arr = np.asarray(y)
    if y_arr.shape != (z.shape[0],):
        raise ValueError(f"{where} expected y of integer labels with shape ({z.shape[0]},), got {y_arr.shape}")
    labels = check_labels(y_arr, z.shape[1], "y", where)
    rows = np.arange(z.shape[0])
    violations = np.maximum(0, z - z[rows, labels][:, None] + margin)
    violations[rows, labels] = 0
    return z, labels, violations


# --- metric learning ----------------------------------------------------------------------------

def triplet(anchor, positive, negative, margin=1.0):
    r"""Triplet loss :math:`\frac1N\sum_n\max(0, \|a_n - p_n\|^2 - \|a_n - n_n\|^2 + \Delta)` (chapter 04).

    anchor, positive, negative : (N, D) embeddings. Pulls the positive closer to
    the anchor than the negative, by at least ``margin``.
    """
    a, p, n, gap = _triplet_parts(anchor, positive, negative, margin, "triplet")
    return float(np.maximum(gap, 0).mean())


def triplet_grad(anchor, positive, negative, margin=1.0):
    r"""Gradients ``(d_anchor, d_positive, d_negative)``, each (N, D): for active triplets
    :math:`\frac2N(n - p)`, :math:`\frac2N(p - a)`, :math:`\frac2N(a - n)`; zero otherwise."""
    a, p, n, gap = _triplet_parts(anchor, positive, negative, margin, "triplet_grad")
    scale = (2 / a.shape[0]) * (gap > 0).astype(a.dtype)[:, None]
    return scale * (n - p), scale * (p - a), scale * (a - n)


def _triplet_parts(anchor, positive, negative, margin, where):
    a = finite_array(anchor, "anchor", where)
    p = finite_array(positive, "positive", where)
    n = finite_array(negative, "negative", where)
    check_ndim(a, (2,), "anchor", where, "(N, D)")
    check_same_shape(a, p, "anchor", "positive", where)
    check_same_shape(a, n, "anchor", "negative", where)
    check_positive(margin, "margin", where)
    gap = ((a - p) ** 2).sum(axis=1) - ((a - n) ** 2).sum(axis=1) + margin
    return a, p, n, gap


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
