r"""Weight initializers: how to draw the first W of a dense layer.

Every initializer has the signature ``init(n_in, n_out, rng, dtype=np.float64)`` and returns
an array of shape ``(n_in, n_out)`` (the chapter's W, so that ``Z = A @ W + b``). Biases
start at zero and are not drawn here.

The variances come from asking that a layer keep the size of the signal (chapter 12,
"Training a network end to end", derives them). With inputs :math:`a_i` of mean 0 and
variance :math:`v`, independent weights of mean 0 and variance :math:`\sigma_W^2`,

.. math::

    \operatorname{Var}(z_j) = \operatorname{Var}\Big(\sum_{i=1}^{n_{in}} a_i W_{ij}\Big)
                           = n_{in}\, \sigma_W^2\, v ,

so the forward pass keeps the variance when :math:`\sigma_W^2 = 1/n_{in}`; the same argument on
the backward pass (:math:`\delta = \delta' W^\top`, a sum over :math:`n_{out}` terms) asks for
:math:`\sigma_W^2 = 1/n_{out}`. Glorot and Bengio take the compromise
:math:`\sigma_W^2 = 2/(n_{in} + n_{out})`. He et al. note that a ReLU zeroes half of its inputs,
which halves :math:`E[a^2]`, and double the forward choice: :math:`\sigma_W^2 = 2/n_{in}`.

Registry: ``INITIALIZERS[name]`` for ``name`` in ``"glorot_uniform"``, ``"glorot_normal"``,
``"he_normal"``, ``"small_random"`` (``Dense(init=name)`` looks names up here).
"""
import numpy as np

from ._checks import check_float_dtype, check_positive_int, check_rng

__all__ = ["glorot_uniform", "glorot_normal", "he_normal", "small_random", "INITIALIZERS"]


def _check(n_in, n_out, rng, dtype, where):
    check_positive_int(n_in, "n_in", where)
    check_positive_int(n_out, "n_out", where)
    check_rng(rng, where)
    return check_float_dtype(dtype, where)


def glorot_uniform(n_in, n_out, rng, dtype=np.float64):
    r"""Glorot (Xavier) uniform: :math:`W_{ij} \sim U(-r, r)`, :math:`r = \sqrt{6/(n_{in}+n_{out})}`.

    A uniform on :math:`(-r, r)` has variance :math:`r^2/3`; setting it equal to the Glorot
    target :math:`2/(n_{in}+n_{out})` gives :math:`r^2 = 6/(n_{in}+n_{out})`.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    rng : numpy.random.Generator
    dtype : float32 or float64

    Returns
    -------
    W : ndarray, shape (n_in, n_out)
    """
    dtype = _check(n_in, n_out, rng, dtype, "glorot_uniform")
    r = np.sqrt(6.0 / (n_in + n_out))
    W = rng.random((n_in, n_out), dtype=dtype)  # U[0, 1)
    W *= 2 * r
    W -= r
    return W


def glorot_normal(n_in, n_out, rng, dtype=np.float64):
    r"""Glorot (Xavier) normal: :math:`W_{ij} \sim \mathcal N(0, 2/(n_{in}+n_{out}))`.

    The variance is the compromise between the forward condition :math:`1/n_{in}` and the
    backward condition :math:`1/n_{out}` (see the module docstring).

    Returns
    -------
    W : ndarray, shape (n_in, n_out)
    """
    dtype = _check(n_in, n_out, rng, dtype, "glorot_normal")
    W = rng.standard_normal((n_in, n_out), dtype=dtype)
    W *= np.sqrt(2.0 / (n_in + n_out))
    return W


def he_normal(n_in, n_out, rng, dtype=np.float64):
    r"""He (Kaiming) normal, for ReLU layers: :math:`W_{ij} \sim \mathcal N(0, 2/n_{in})`.

    With :math:`z` symmetric about 0, :math:`E[\operatorname{relu}(z)^2] = \tfrac12 E[z^2]`, so
    the next layer's pre-activation has variance :math:`n_{in}\sigma_W^2 \cdot \tfrac12 E[z^2]`;
    keeping it equal to :math:`E[z^2]` needs :math:`\sigma_W^2 = 2/n_{in}`.

    Returns
    -------
    W : ndarray, shape (n_in, n_out)
    """
    dtype = _check(n_in, n_out, rng, dtype, "he_normal")
    W = rng.standard_normal((n_in, n_out), dtype=dtype)
    W *= np.sqrt(2.0 / n_in)
    return W


def small_random(n_in, n_out, rng, dtype=np.float64):
    r"""The naive choice :math:`W_{ij} = 0.01 \cdot \mathcal N(0, 1)` (variance :math:`10^{-4}`).

    It ignores the layer's width, so the signal shrinks by a factor
    :math:`\sqrt{n_{in}} \cdot 0.01` per layer: chapter 12 uses it as the bad example.

    Returns
    -------
    W : ndarray, shape (n_in, n_out)
    """
    dtype = _check(n_in, n_out, rng, dtype, "small_random")
    W = rng.standard_normal((n_in, n_out), dtype=dtype)
    W *= 0.01
    return W


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_normal": he_normal,
    "small_random": small_random,
}
