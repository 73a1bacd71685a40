r"""Per-layer diagnostics of a deep network: error signals, gradient norms, how far weights moved.

Chapter 03 ("Sigmoid and vanishing gradients") uses these to watch the backward recursion

.. math::

    \delta^{l} = \big(\delta^{l+1} (W^{l+1})^\top\big) \odot \varphi'(z^{l}),
    \qquad \frac{\partial C}{\partial W^{l}} = (a^{l-1})^\top \delta^{l},

shrink (or grow) from the output towards the input.

The layers counted here are the ``Dense`` layers of a ``Sequential`` model, numbered
:math:`l = 1, \dots, L` from the input. Every list returned holds one entry per Dense layer in
that order: entry ``l - 1`` is about :math:`W^l` (shape ``(n_{l-1}, n_l)``), the pre-activation
:math:`z^l = a^{l-1} W^l + b^l` and the error signal :math:`\delta^l = \partial C/\partial z^l`
(both ``(N, n_l)``). Layers between two Dense layers (activations, dropout) are run as usual.
"""
import numpy as np

from ._checks import finite_array
from .layers import Dense

__all__ = ["dense_layers", "pre_activations", "backward_deltas", "weight_grad_norms",
           "weight_snapshot", "relative_weight_change"]


def dense_layers(model):
    """The Dense layers of ``model`` (a ``Sequential``), input to output.

    Raises ``ValueError`` if ``model`` has no ``layers`` list or holds no Dense layer.
    """
    layers = getattr(model, "layers", None)
    if not isinstance(layers, list):
        raise ValueError(f"expected model to be a Sequential (with a list of layers), got {type(model).__name__}")
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    if not dense:
        raise ValueError(f"expected model to contain at least one Dense layer, got "
                         f"{[type(layer).__name__ for layer in layers]}")
    return dense


def pre_activations(model, x, training=False):
    r"""Run ``model`` forward on ``x`` and record every Dense layer's output :math:`z^l`.

    Parameters
    ----------
    model : Sequential
    x : array, shape (N, D)
    training : bool
        Passed to every layer (False: test mode, no dropout).

    Returns
    -------
    out : array, the model's output (the same as ``model.forward(x, training)``)
    zs : list of L arrays, ``zs[l - 1]`` = :math:`z^l` of shape (N, n_l)
        The arrays the layers returned (not copies: the model does not change them later).

    The layers' caches are filled as by ``model.forward``, so ``backward_deltas`` can follow.
    """
    dense_layers(model)  # checks the model
    zs = []
    for layer in model.layers:
        x = layer.forward(x, training=training)
        if isinstance(layer, Dense):
            zs.append(x)
    return x, zs


def backward_deltas(model, dout):
    r"""Run ``model`` backward from ``dout`` and record :math:`\delta^l = \partial C/\partial z^l`.

    :math:`\delta^l` is the gradient arriving at the output of the l-th Dense layer. The pass
    is the ordinary ``model.backward``: every layer's ``grads`` are filled on the way.

    Parameters
    ----------
    model : Sequential
        Must have run ``forward`` on the batch first (the layers use their caches).
    dout : array, shape of the model's output
        :math:`\partial C/\partial a^L`, e.g. ``losses.softmax_cross_entropy_grad(logits, y)``.

    Returns
    -------
    deltas : list of L arrays, ``deltas[l - 1]`` = :math:`\delta^l` of shape (N, n_l) (copies)
    """
    dense_layers(model)
    dout = finite_array(dout, "dout", "backward_deltas")
    deltas = []
    for layer in reversed(model.layers):
        if isinstance(layer, Dense):
            deltas.append(np.array(dout, copy=True))
        dout = layer.backward(dout)
    return deltas[::-1]


def weight_grad_norms(model):
    r"""Frobenius norms :math:`\|\partial C/\partial W^l\|_F`, l = 1..L, from the last ``backward``.

    Returns
    -------
    norms : float64 array, shape (L,)
    """
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in dense_layers(model)], dtype=np.float64)


def weight_snapshot(model):
    """Copies of every Dense layer's ``W`` (input to output), to compare with after training."""
    return [layer.params["W"].copy() for layer in dense_layers(model)]


def relative_weight_change(before, model):
    r"""How far each layer's weights moved: :math:`\|W^l - W^l_0\|_F / \|W^l_0\|_F`.

    Parameters
    ----------
    before : list of arrays
        ``weight_snapshot(model)`` taken earlier (:math:`W^l_0`).
    model : Sequential
        The same model now.

    Returns
    -------
    change : float64 array, shape (L,)
        0 for a layer that did not move; 1 for a change as large as the weights themselves.
    """
    dense = dense_layers(model)
    if not isinstance(before, (list, tuple)) or len(before) != len(dense):
        got = len(before) if isinstance(before, (list, tuple)) else type(before).__name__
        raise ValueError(f"relative_weight_change expected before to be a list of {len(dense)} arrays "
                         f"(weight_snapshot of this model), got {got}")
    change = []
    for l, (w0, layer) in enumerate(zip(before, dense), start=1):
        w = layer.params["W"]
        if np.shape(w0) != w.shape:
            raise ValueError(f"relative_weight_change expected before[{l - 1}] of shape {w.shape} "
                             f"(W of layer {l}), got {np.shape(w0)}")
        scale = np.linalg.norm(w0)
        if scale == 0:
            raise ValueError(f"relative_weight_change expected before[{l - 1}] to be non-zero, got all zeros")
        change.append(np.linalg.norm(w - w0) / scale)
    return np.array(change, dtype=np.float64)
