r"""Numerical gradient checking (chapter 07).

The centered difference :math:`(f(x + h) - f(x - h)) / 2h` has error :math:`O(h^2)`,
so in float64 with :math:`h = 10^{-5}` an analytic gradient that is right agrees
to a relative error near :math:`10^{-10}`; a wrong one is off by far more than
:math:`10^{-7}`. Checks must stay away from kinks (ReLU at 0), where the
centered difference straddles two slopes.
"""
import numpy as np

from ._checks import check_positive, finite_array


def numerical_gradient(f, x, dout=None, h=1e-5):
    r"""Centered-difference gradient of :math:`\sum (\text{dout} \odot f(x))` with respect to ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar or array``. It is called with ``x`` itself, perturbed in
        place one entry at a time (and restored), so ``f`` may read ``x`` from a
        closure, e.g. a layer's own weight array.
    x : float ndarray, any shape
        The point; modified during the call and restored exactly afterwards.
    dout : array shaped like ``f(x)``, optional
        Upstream gradient; default all ones (for a scalar ``f``, the plain gradient).
    h : float
        Step.

    Returns
    -------
    grad : array, shape of ``x``.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(f"numerical_gradient expected x to be a float ndarray (it is perturbed in place), "
                         f"got {type(x).__name__}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    check_positive(h, "h", "numerical_gradient")
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing flat[i] perturbs x
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient expected x to be contiguous, got a non-contiguous view")
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old
        weight = 1.0 if dout is None else np.asarray(dout, dtype=np.float64)
        if dout is not None and weight.shape != plus.shape:
            raise ValueError(f"numerical_gradient expected dout of shape {plus.shape}, got {weight.shape}")
        gflat[i] = np.sum(weight * (plus - minus)) / (2 * h)
    return grad


def relative_error(a, b):
    r"""Norm-based relative error :math:`\|a - b\| / \max(\|a\| + \|b\|, 10^{-300})`.

    0 when equal, 1 when opposite; small when both are (near) zero and equal.
    """
    a = finite_array(a, "a", "relative_error")
    b = finite_array(b, "b", "relative_error")
    if a.shape != b.shape:
        raise ValueError(f"relative_error expected a and b of the same shape, got {a.shape} and {b.shape}")
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    # norms of the scaled arrays: |a| near 1e308 would overflow when squared inside norm
    scale = max(float(np.abs(a).max(initial=0)), float(np.abs(b).max(initial=0)), 1e-300)
    a, b = a / scale, b / scale
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def check_layer(layer, x, dout=None, training=False, h=1e-5, rng=None):
    """Compare a layer's ``backward`` with centered differences, for ``x`` and every parameter.

    Parameters
    ----------
    layer : object with ``forward(x, training)``, ``backward(dout)``, ``params``, ``grads``
    x : float64 array, the layer's input
    dout : array shaped like the output, optional
        Upstream gradient; default a standard-normal draw from ``rng`` (a random
        direction catches more errors than all ones).
    training : bool
        Passed to ``forward``. A random layer (dropout) must reuse its mask; see its docstring.
    rng : np.random.Generator, optional (default seed 0)

    Returns
    -------
    dict
        ``{"x": err, "<param name>": err, ...}`` relative errors.
    """
    x = finite_array(x, "x", "check_layer").astype(np.float64)
    _require_float64(layer.params, "check_layer")
    out = layer.forward(x, training=training)
    if dout is None:
        rng = np.random.default_rng(0) if rng is None else rng
        dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}

    def output(_):
        return layer.forward(x, training=training)

    errors = {"x": relative_error(analytic["x"], numerical_gradient(output, x, dout, h))}
    for name, value in layer.params.items():
        errors[name] = relative_error(analytic[name], numerical_gradient(output, value, dout, h))
    return errors


def _require_float64(params, where):
    # in float32 a step of 1e-5 is lost to rounding: a right gradient would "fail" the check
    for name, value in params.items():
        if value.dtype != np.float64:
            raise ValueError(f"{where} expected float64 parameters (gradient checks need them), "
                             f"got {name} of dtype {value.dtype}")


def check_model(model, loss, x, y, h=1e-5):
    """Compare a whole model's backprop gradients with centered differences of its loss.

    Parameters
    ----------
    model : nnlib.model.Sequential (float64), run in test mode (no dropout masks)
    loss : str, a name in ``nnlib.losses.LOSSES``
    x, y : a small batch (the check costs two forward passes per parameter entry)

    Returns
    -------
    dict
        ``{"<layer>.<param>": relative error}`` for every entry of ``model.params``.
    """
    from .losses import LOSSES

    if loss not in LOSSES:
        raise ValueError(f"check_model expected loss in {sorted(LOSSES)}, got {loss!r}")
    loss_fn, loss_grad = LOSSES[loss]
    params = model.params
    _require_float64(params, "check_model")
    out = model.forward(x, training=False)
    model.backward(loss_grad(out, y))
    analytic = {k: g.copy() for k, g in model.grads.items()}

    def cost(_):
        return loss_fn(model.forward(x, training=False), y)

    return {k: relative_error(analytic[k], numerical_gradient(cost, p, None, h)) for k, p in params.items()}


def check_loss(loss, loss_grad, y_pred, y, h=1e-5):
    """Relative error between ``loss_grad(y_pred, y)`` and centered differences of ``loss``."""
    y_pred = finite_array(y_pred, "y_pred", "check_loss").astype(np.float64)
    numeric = numerical_gradient(lambda p: loss(p, y), y_pred, None, h)
    return relative_error(loss_grad(y_pred, y), numeric)
