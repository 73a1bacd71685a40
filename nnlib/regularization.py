r"""L1 and L2 weight penalties and their gradients (chapter 09).

The regularized cost is :math:`C_{reg} = C + \Omega(\theta)`, summed over the chosen weight
arrays (usually the W's, not the biases):

* L2 (ridge, "weight decay"): :math:`\Omega(W) = \frac{\lambda}{2}\sum_{ij} W_{ij}^2`,
  :math:`\partial\Omega/\partial W = \lambda W`. A gradient step then multiplies W by
  :math:`(1 - \eta\lambda)` before the usual update: the weights decay.
* L1 (lasso): :math:`\Omega(W) = \lambda\sum_{ij} |W_{ij}|`,
  :math:`\partial\Omega/\partial W = \lambda\,\operatorname{sign}(W)`. :math:`|w|` has no
  derivative at 0; any value in :math:`[-\lambda, \lambda]` is a subgradient there and this code
  uses 0 (``np.sign(0) == 0``), so a weight that is exactly 0 stays put.

:math:`\lambda` is ``strength`` (>= 0). ``Regularizer`` applies one penalty to chosen keys of a
model's params dict (keys like ``"0.W"``: layer index, dot, parameter name).
"""
import numpy as np

from ._checks import checked_arithmetic, finite_array

__all__ = ["l2_penalty", "l2_grad", "l1_penalty", "l1_grad", "Regularizer"]


def _check_strength(strength, where):
    if not (isinstance(strength, (int, float, np.floating, np.integer)) and not isinstance(strength, bool)
            and np.isfinite(strength) and strength >= 0):
        raise ValueError(f"{where} expected strength >= 0, got {strength!r}")
    return float(strength)


def l2_penalty(W, strength):
    r"""L2 penalty :math:`\frac{\lambda}{2}\sum W^2`.

    Parameters
    ----------
    W : ndarray, any shape
    strength : float >= 0
        :math:`\lambda`.

    Returns
    -------
    float
    """
    strength = _check_strength(strength, "l2_penalty")
    W = finite_array(W, "W", "l2_penalty")
    return checked_arithmetic("l2_penalty", "W", lambda W: 0.5 * strength * float(np.vdot(W, W)), W)


def l2_grad(W, strength):
    r"""Gradient of the L2 penalty, :math:`\lambda W`; same shape and dtype as ``W``."""
    strength = _check_strength(strength, "l2_grad")
    W = finite_array(W, "W", "l2_grad")
    return checked_arithmetic("l2_grad", "W", lambda W: strength * W, W)


def l1_penalty(W, strength):
    r"""L1 penalty :math:`\lambda\sum |W|`.

    Parameters
    ----------
    W : ndarray, any shape
    strength : float >= 0

    Returns
    -------
    float
    """
    strength = _check_strength(strength, "l1_penalty")
    W = finite_array(W, "W", "l1_penalty")
    return checked_arithmetic("l1_penalty", "W", lambda W: strength * float(np.abs(W).sum()), W)


def l1_grad(W, strength):
    r"""(Sub)gradient of the L1 penalty, :math:`\lambda\operatorname{sign}(W)`, with 0 at W = 0.

    Same shape and dtype as ``W``.
    """
    strength = _check_strength(strength, "l1_grad")
    W = finite_array(W, "W", "l1_grad")
    return strength * np.sign(W)


_PENALTIES = {"l1": (l1_penalty, l1_grad), "l2": (l2_penalty, l2_grad)}


class Regularizer:
    r"""One penalty (L1 or L2) applied to chosen entries of a params dict.

    Parameters
    ----------
    kind : {"l1", "l2"}
    strength : float >= 0
        :math:`\lambda`.
    param_keys : list of str
        Keys of the params dict to penalize, e.g. ``["0.W", "2.W"]`` (biases are usually left
        out: they do not make the model more flexible).

    Examples
    --------
    In a training step, after the backward pass::

        cost = loss + reg.penalty(params)
        reg.add_to_grads(params, grads)   # grads[k] += λ W (L2), in place
    """

    def __init__(self, kind, strength, param_keys):
        if kind not in _PENALTIES:
            raise ValueError(f"Regularizer expected kind in ['l1', 'l2'], got {kind!r}")
        self.kind = kind
        self.strength = _check_strength(strength, "Regularizer")
        if (not isinstance(param_keys, (list, tuple))
                or not all(isinstance(k, str) for k in param_keys)):
            raise ValueError(f"Regularizer expected param_keys to be a list of str, got {param_keys!r:.200}")
        self.param_keys = list(param_keys)

    def _missing(self, d, name, where):
        missing = [k for k in self.param_keys if k not in d]
        if missing:
            raise ValueError(f"{where} expected {name} to have the keys {missing} from param_keys, "
                             f"got keys {sorted(d)}")

    def penalty(self, params):
        """Sum of the penalty over ``params[k]`` for k in param_keys; a float."""
        self._missing(params, "params", "Regularizer.penalty")
        fn = _PENALTIES[self.kind][0]
        return sum(fn(params[k], self.strength) for k in self.param_keys)

    def add_to_grads(self, params, grads):
        """``grads[k] += ∂Ω/∂params[k]`` in place for k in param_keys; other keys untouched."""
        self._missing(params, "params", "Regularizer.add_to_grads")
        self._missing(grads, "grads", "Regularizer.add_to_grads")
        fn = _PENALTIES[self.kind][1]
        for k in self.param_keys:
            if grads[k].shape != params[k].shape:
                raise ValueError(f"Regularizer.add_to_grads expected grads[{k!r}] of shape "
                                 f"{params[k].shape}, got {grads[k].shape}")
            grads[k] += fn(params[k], self.strength)

    def config(self):
        return {"kind": self.kind, "strength": self.strength, "param_keys": list(self.param_keys)}

    def __repr__(self):
        return f"Regularizer(kind={self.kind!r}, strength={self.strength!r}, param_keys={self.param_keys!r})"
