r"""Activation functions and their derivatives (chapters 02, 03 and 06).

Each ``name(z)`` acts elementwise on an array of any shape and keeps its dtype;
``name_grad(z)`` is the derivative :math:`\varphi'(z)`, also elementwise, so the
backward pass of an activation layer is ``dout * name_grad(z)``. The softmax acts
on the last axis and has a full Jacobian (``softmax_jacobian``) and a
vector-Jacobian product that never builds it (``softmax_vjp``).
"""
import numpy as np

from ._checks import check_ndim, check_positive, check_same_shape, checked_arithmetic, finite_array


def _z(z, where):
    return finite_array(z, "z", where)


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, derived in chapter 03.

    Never overflows: for :math:`z < 0` it uses the equal form :math:`e^{z} / (1 + e^{z})`,
    so ``exp`` is only ever taken of a non-positive number.
    """
    return _sigmoid(_z(z, "sigmoid"))


def _sigmoid(z):
    """sigmoid of an already validated array (the Sigmoid layer and the logit losses)."""
    e = np.exp(-np.abs(z))  # in (0, 1]: no overflow for any z
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(z):
    r""":math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, at most 1/4 (at z = 0); chapter 03."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    r"""Hyperbolic tangent, :math:`\tanh(z) = 2\sigma(2z) - 1`; chapter 02."""
    return np.tanh(_z(z, "tanh"))


def tanh_grad(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2(z)`; chapter 02."""
    t = tanh(z)
    return 1 - t * t


def relu(z):
    r""":math:`\max(0, z)`; chapter 02."""
    z = _z(z, "relu")
    return np.maximum(z, 0)


def relu_grad(z):
    r""":math:`\mathbb{1}[z > 0]`; the kink at 0 gets the subgradient 0."""
    z = _z(z, "relu_grad")
    return (z > 0).astype(z.dtype)


def leaky_relu(z, slope=0.01):
    r""":math:`z` for :math:`z > 0`, else :math:`\text{slope}\cdot z`; chapter 02."""
    z = _z(z, "leaky_relu")
    check_positive(slope, "slope", "leaky_relu")
    return np.where(z > 0, z, slope * z).astype(z.dtype, copy=False)


def leaky_relu_grad(z, slope=0.01):
    r""":math:`1` for :math:`z > 0`, else ``slope`` (the kink at 0 gets ``slope``)."""
    z = _z(z, "leaky_relu_grad")
    check_positive(slope, "slope", "leaky_relu_grad")
    return np.where(z > 0, 1, slope).astype(z.dtype)


def elu(z, alpha=1.0):
    r""":math:`z` for :math:`z > 0`, else :math:`\alpha(e^{z} - 1)`; chapter 02."""
    z = _z(z, "elu")
    check_positive(alpha, "alpha", "elu")
    return _elu(z, alpha)


def _elu(z, alpha):
    # expm1 of min(z, 0): exp is never taken of a large positive number
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0))).astype(z.dtype, copy=False)


def elu_grad(z, alpha=1.0):
    r""":math:`1` for :math:`z > 0`, else :math:`\alpha e^{z}`."""
    z = _z(z, "elu_grad")
    check_positive(alpha, "alpha", "elu_grad")
    return _elu_grad(z, alpha)


def _elu_grad(z, alpha):
    return np.where(z > 0, 1, alpha * np.exp(np.minimum(z, 0))).astype(z.dtype, copy=False)


def softmax(z):
    r"""Softmax over the last axis, :math:`s_k = e^{z_k} / \sum_j e^{z_j}`; chapter 06.

    Parameters
    ----------
    z : array, shape (K,) or (N, K)
        Logits.

    Returns
    -------
    s : array, same shape as ``z``; each row is positive and sums to 1.

    Subtracting the row maximum first changes nothing (softmax is shift-invariant)
    but keeps every exponent :math:`\le 0`, so ``exp`` cannot overflow.
    """
    return _softmax(_logits(z, "softmax"))


def _logits(z, where):
    z = _z(z, where)
    check_ndim(z, (1, 2), "z", where, "(K,) or (N, K)")
    if z.shape[-1] == 0:
        raise ValueError(f"{where} expected z with at least one class (K >= 1) on its last axis, got shape {z.shape}")
    return z


def _softmax(z):
    """softmax of an already validated array (the losses call this after their own checks)."""
    with np.errstate(over="ignore"):  # z - max below -1.8e308 is -inf, and exp(-inf) = 0 rightly
        e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def log_softmax(z):
    r""":math:`\log s_k = z_k - \log\sum_j e^{z_j}`, computed as log-sum-exp with the max
    subtracted, so it stays finite where ``log(softmax(z))`` would give ``-inf``; chapter 06.

    z : (K,) or (N, K) -> same shape.
    """
    with np.errstate(over="ignore"):  # z - max below -1.8e308 is -inf: a log-probability of -inf, rightly
        return _log_softmax(_logits(z, "log_softmax"))


def _log_softmax(z):
    """log_softmax of an already validated array."""
    shifted = z - z.max(axis=-1, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return shifted


def softmax_jacobian(s):
    r"""Jacobian of the softmax, :math:`J_{ij} = \partial s_i/\partial z_j = s_i(\mathbb{1}[i=j] - s_j)`,
    i.e. :math:`J = \operatorname{diag}(s) - s^\top s` for a row vector :math:`s` (the course's
    notation; column-vector texts write :math:`\operatorname{diag}(s) - s s^\top`); chapter 06.

    Parameters
    ----------
    s : array, shape (K,) or (N, K)
        Softmax *outputs* (not logits).

    Returns
    -------
    J : array, shape (K, K) or (N, K, K)
        Symmetric, rows sum to 0, positive semi-definite, rank K - 1.
    """
    s = _softmax_outputs(s, "softmax_jacobian")
    outer = s[..., :, None] * s[..., None, :]
    diag = s[..., :, None] * np.eye(s.shape[-1], dtype=s.dtype)
    return diag - outer


def softmax_vjp(s, g):
    r"""Vector-Jacobian product :math:`g J = s \odot (g - \langle g, s\rangle)` for a row vector
    :math:`g` (column-vector texts write :math:`J^\top g`); chapter 06.

    Costs O(K) per row instead of the O(K²) of building ``softmax_jacobian``.

    Parameters
    ----------
    s : array, shape (K,) or (N, K)
        Softmax outputs.
    g : array, same shape as ``s``
        Upstream gradient :math:`\partial C/\partial s`.

    Returns
    -------
    array, same shape: :math:`\partial C/\partial z`.
    """
    s = _softmax_outputs(s, "softmax_vjp")
    g = finite_array(g, "g", "softmax_vjp")
    check_same_shape(s, g, "s", "g", "softmax_vjp")
    return checked_arithmetic("softmax_vjp", "g", lambda g, s: s * (g - (g * s).sum(axis=-1, keepdims=True)), g, s)


def _softmax_outputs(s, where):
    s = finite_array(s, "s", where)
    check_ndim(s, (1, 2), "s", where, "(K,) or (N, K)")
    if s.size and (s.min() < 0 or s.max() > 1):
        raise ValueError(f"{where} expected s to be softmax outputs in [0, 1], got values from {s.min():.4g} "
                         f"to {s.max():.4g}")
    return s


def softmax_with_temperature(z, temperature):
    r""":math:`\operatorname{softmax}(z / T)`: T → 0 tends to one-hot argmax, T → ∞ to uniform.

    A temperature so small that :math:`z / T` overflows is refused by name.
    """
    where = "softmax_with_temperature"
    check_positive(temperature, "temperature", where)
    z = _logits(z, where)
    with np.errstate(all="ignore"):
        scaled = z / temperature
    if not np.all(np.isfinite(scaled)):
        raise ValueError(f"{where} expected temperature large enough that z / temperature is finite, "
                         f"got temperature={temperature!r} with |z| up to {np.abs(z).max():.3g}")
    return _softmax(scaled)
