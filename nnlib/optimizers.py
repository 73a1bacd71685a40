r"""Optimizers as ``init`` / ``update`` pairs whose state is plain data (chapter 08).

Usage (``params`` and ``grads`` are dicts of arrays with the same keys, e.g. a model's
``{"0.W": ..., "0.b": ..., "2.W": ...}``)::

    opt = Adam(learning_rate=1e-3)
    state = opt.init(params)
    for step in range(n_steps):
        grads = ...                              # backward pass
        state = opt.update(params, grads, state)  # params change IN PLACE

* ``init(params) -> state``: ``{"step": 0, <name>: {key: zeros like params[key]}, ...}``; the
  arrays keep each parameter's dtype. Being a dict of an int and arrays, it can be saved with
  ``np.savez`` (arrays) + JSON (the step) and loaded with ``allow_pickle=False``.
* ``update(params, grads, state) -> state``: one step. The parameter arrays are modified in
  place (a model's arrays stay the same objects), as are the state's arrays; ``state["step"]``
  is incremented and the same state dict is returned.
* ``config()``: the constructor's keyword arguments, JSON-able; rebuild with
  ``OPTIMIZERS[name](**config)``.

``learning_rate`` is a float > 0 or a schedule from ``nnlib.schedules`` (called with the step
count, 0 for the first update). In ``config()`` a schedule appears as
``{"name": "ExponentialDecay", "config": {...}}``, and the constructors accept that form back.

Symbols: :math:`\theta` a parameter array, :math:`g = \partial C/\partial\theta` its gradient,
:math:`\eta` the learning rate, :math:`t` the step count starting at 1; operations on arrays
are elementwise.
"""
import numpy as np

from ._checks import FLOATS, check_finite, check_positive, check_probability
from .schedules import SCHEDULES

__all__ = ["SGD", "AdaGrad", "RMSProp", "Adam", "OPTIMIZERS", "clip_by_global_norm"]


def _learning_rate(value, where):
    """Accept a float > 0, a schedule object, or a schedule's saved form {"name", "config"}."""
    if isinstance(value, dict):
        if (set(value) != {"name", "config"} or not isinstance(value["name"], str)
                or value["name"] not in SCHEDULES or not isinstance(value["config"], dict)):
            raise ValueError(f"{where} expected learning_rate as {{'name': one of {sorted(SCHEDULES)}, "
                             f"'config': {{...}}}}, got {value!r:.200}")
        try:
            return SCHEDULES[value["name"]](**value["config"])
        except TypeError as exc:  # unknown or missing keyword
            raise ValueError(f"{where} expected learning_rate's config to hold the arguments of "
                             f"{value['name']}, got {sorted(map(str, value['config']))}: {exc}") from exc
    if callable(value):
        if not hasattr(value, "config"):
            raise ValueError(f"{where} expected learning_rate to be a float > 0 or an nnlib.schedules "
                             f"schedule, got {type(value).__name__}")
        return value
    check_positive(value, "learning_rate", where)
    return float(value)


class Optimizer:
    """Shared bookkeeping; subclasses give ``slots`` (names of state dicts) and ``_step``."""

    slots = ()

    def __init__(self, learning_rate):
        self.learning_rate = _learning_rate(learning_rate, type(self).__name__)

    def rate(self, step):
        """Learning rate used by the update at 0-based ``step``."""
        if callable(self.learning_rate):
            return float(self.learning_rate(step))
        return self.learning_rate

    def init(self, params):
        """Zero state for ``params`` (dict of arrays): ``{"step": 0, slot: {key: zeros}}``."""
        where = f"{type(self).__name__}.init"
        if not isinstance(params, dict):
            raise ValueError(f"{where} expected params to be a dict of arrays, got {type(params).__name__}")
        for k, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype not in FLOATS:
                raise ValueError(f"{where} expected params[{k!r}] to be a float32 or float64 ndarray, "
                                 f"got {p.dtype if isinstance(p, np.ndarray) else type(p).__name__}")
        state = {"step": 0}
        for slot in self.slots:
            state[slot] = {k: np.zeros_like(p) for k, p in params.items()}
        return state

    def update(self, params, grads, state):
        """One step: changes ``params`` and ``state`` arrays in place; returns ``state``."""
        self._check(params, grads, state, f"{type(self).__name__}.update")
        return self._apply(params, grads, state)

    def _apply(self, params, grads, state):
        """update without the checks (``fit`` checked the state once; the grads are the model's own)."""
        step = state["step"]
        lr = self.rate(step)
        for k, p in params.items():
            self._step(p, grads[k], {slot: state[slot][k] for slot in self.slots}, lr, step + 1)
        state["step"] = step + 1
        return state

    def _check(self, params, grads, state, where):
        if not isinstance(params, dict):
            raise ValueError(f"{where} expected params to be a dict of arrays, got {type(params).__name__}")
        if not isinstance(grads, dict):
            raise ValueError(f"{where} expected grads to be a dict of arrays, got {type(grads).__name__}")
        if (not isinstance(state, dict) or isinstance(state.get("step"), bool)
                or not isinstance(state.get("step"), (int, np.integer)) or state["step"] < 0):
            raise ValueError(f"{where} expected state from {type(self).__name__}.init, got {state!r:.80}")
        for k, p in params.items():
            g = grads.get(k)
            if g is None:
                raise ValueError(f"{where} expected grads to have key {k!r}, got keys {sorted(grads)}")
            if not isinstance(p, np.ndarray) or p.dtype not in FLOATS:
                raise ValueError(f"{where} expected params[{k!r}] to be a float32 or float64 ndarray, "
                                 f"got {p.dtype if isinstance(p, np.ndarray) else type(p).__name__}")
            if not isinstance(g, np.ndarray) or g.shape != p.shape or g.dtype.kind != "f":
                got = f"shape {g.shape} and dtype {g.dtype}" if isinstance(g, np.ndarray) else type(g).__name__
                raise ValueError(f"{where} expected grads[{k!r}] of shape {p.shape} (real floats), got {got}")
            check_finite(g, f"grads[{k!r}]", where)
            for slot in self.slots:
                table = state.get(slot)
                if not isinstance(table, dict) or k not in table:
                    raise ValueError(f"{where} expected state[{slot!r}] to have key {k!r}: "
                                     f"was state made by init(params) on these params?")
                s = table[k]
                if not isinstance(s, np.ndarray) or s.shape != p.shape or s.dtype != p.dtype:
                    got = f"shape {s.shape} and dtype {s.dtype}" if isinstance(s, np.ndarray) else type(s).__name__
                    raise ValueError(f"{where} expected state[{slot!r}][{k!r}] of shape {p.shape} and dtype "
                                     f"{p.dtype} like params[{k!r}], got {got}")

    def config(self):
        lr = self.learning_rate
        if callable(lr):
            lr = {"name": type(lr).__name__, "config": lr.config()}
        return {"learning_rate": lr, **self._hyper()}

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.config().items())})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional (Nesterov) momentum.

    .. math::

        \text{plain:}\quad \theta \leftarrow \theta - \eta g; \qquad
        \text{momentum:}\quad v \leftarrow \gamma v + \eta g,\;\; \theta \leftarrow \theta - v; \qquad
        \text{Nesterov:}\quad v \leftarrow \gamma v + \eta g,\;\; \theta \leftarrow \theta - (\gamma v + \eta g).

    The Nesterov line is the usual rewrite of "take the gradient at the look-ahead point
    :math:`\theta - \gamma v`" in terms of the stored parameters.

    Parameters
    ----------
    learning_rate : float > 0 or schedule
    momentum : float in [0, 1)
        :math:`\gamma`, the fraction of the previous step kept (0 = plain SGD). :math:`\gamma \ge 1`
        never forgets old gradients and diverges, hence the half-open interval (not
        ":math:`\gamma \in \{0, 1\}`" as some notes write).
    nesterov : bool

    State: ``{"step", "velocity"}`` (``"velocity"`` only when momentum > 0).
    """

    def __init__(self, learning_rate, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        check_probability(momentum, "momentum", "SGD", high_open=True)
        if not isinstance(nesterov, (bool, np.bool_)):
            raise ValueError(f"SGD expected nesterov to be True or False, got {nesterov!r}")
        if nesterov and momentum == 0:
            raise ValueError("SGD expected momentum > 0 with nesterov=True, got momentum=0")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.slots = ("velocity",) if self.momentum > 0 else ()

    def _step(self, p, g, s, lr, t):
        if not self.slots:
            p -= lr * g
            return
        v = s["velocity"]
        v *= self.momentum
        v += lr * g
        if self.nesterov:
            p -= self.momentum * v + lr * g
        else:
            p -= v

    def _hyper(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}


class AdaGrad(Optimizer):
    r"""AdaGrad: a per-entry step size shrinking with the sum of squared gradients.

    .. math::

        G \leftarrow G + g^2, \qquad \theta \leftarrow \theta - \frac{\eta}{\sqrt{G} + \epsilon}\, g .

    Parameters
    ----------
    learning_rate : float > 0 or schedule (default 0.01)
    eps : float > 0 (default 1e-8), outside the square root.

    State: ``{"step", "sum_sq"}``.
    """

    slots = ("sum_sq",)

    def __init__(self, learning_rate=0.01, eps=1e-8):
        super().__init__(learning_rate)
        check_positive(eps, "eps", "AdaGrad")
        self.eps = float(eps)

    def _step(self, p, g, s, lr, t):
        G = s["sum_sq"]
        G += g * g
        p -= lr * g / (np.sqrt(G) + self.eps)

    def _hyper(self):
        return {"eps": self.eps}


class RMSProp(Optimizer):
    r"""RMSProp: AdaGrad with a moving average of squared gradients instead of a sum.

    .. math::

        s \leftarrow \rho s + (1 - \rho) g^2, \qquad
        \theta \leftarrow \theta - \frac{\eta}{\sqrt{s} + \epsilon}\, g .

    Parameters
    ----------
    learning_rate : float > 0 or schedule (default 1e-3)
    rho : float in [0, 1) (default 0.9)
        Decay of the moving average: it remembers roughly the last :math:`1/(1 - \rho)`
        squared gradients. Some notes recommend ":math:`\rho = 0.001`": that is wrong (it
        would keep almost no memory); 0.001 is a typical *learning rate*, 0.9 a typical
        :math:`\rho`.
    eps : float > 0 (default 1e-8), outside the square root.

    State: ``{"step", "mean_sq"}``.
    """

    slots = ("mean_sq",)

    def __init__(self, learning_rate=1e-3, rho=0.9, eps=1e-8):
        super().__init__(learning_rate)
        check_probability(rho, "rho", "RMSProp", high_open=True)
        check_positive(eps, "eps", "RMSProp")
        self.rho = float(rho)
        self.eps = float(eps)

    def _step(self, p, g, s, lr, t):
        ms = s["mean_sq"]
        ms *= self.rho
        ms += (1.0 - self.rho) * (g * g)
        p -= lr * g / (np.sqrt(ms) + self.eps)

    def _hyper(self):
        return {"rho": self.rho, "eps": self.eps}


class Adam(Optimizer):
    r"""Adam: momentum on :math:`g` and RMSProp on :math:`g^2`, both bias-corrected.

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
        \hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
        \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon},

    with :math:`t = 1` at the first update. Starting from :math:`m = v = 0`, the averages are
    :math:`(1 - \beta^t)` times too small for a constant gradient; dividing by it removes that
    bias (chapter 08 derives it).

    Parameters
    ----------
    learning_rate : float > 0 or schedule (default 1e-3)
    beta1, beta2 : floats in [0, 1) (defaults 0.9, 0.999)
    eps : float > 0 (default 1e-8)

    State: ``{"step", "m", "v"}``.
    """

    slots = ("m", "v")

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate)
        check_probability(beta1, "beta1", "Adam", high_open=True)
        check_probability(beta2, "beta2", "Adam", high_open=True)
        check_positive(eps, "eps", "Adam")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _step(self, p, g, s, lr, t):
        m, v = s["m"], s["v"]
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        m_hat = m / (1.0 - self.beta1 ** t)
        v_hat = v / (1.0 - self.beta2 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def _hyper(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, AdaGrad, RMSProp, Adam)}


class AdamW(Adam):
    r"""AdamW: Adam with **decoupled** weight decay (Loshchilov and Hutter, 2019; chapter 09).

    .. math::

        \theta \leftarrow (1 - \eta\lambda)\,\theta \;-\; \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon},

    with :math:`m, v, \hat m, \hat v` the moments of Adam, computed from the data gradient
    :math:`g` alone. Adam with an L2 penalty instead feeds :math:`g + \lambda\theta` into the
    moments, so the decay :math:`\lambda\theta` is divided by :math:`\sqrt{\hat v}` like the
    rest: weights with large gradients decay less, and the step on the penalty does not scale
    with :math:`\theta`. Here the decay is a fixed fraction :math:`\eta\lambda` of every decayed
    weight per step, whatever its gradient (with plain SGD the two are the same thing; chapter
    09 compares them under Adam). The decay uses the weights before the step; the factor
    :math:`1 - \eta\lambda` follows a learning-rate schedule.

    Parameters
    ----------
    learning_rate : float > 0 or schedule (default 1e-3)
    weight_decay : float >= 0 (default 0.01)
        :math:`\lambda`; with ``weight_decay=0`` this is Adam. :math:`\eta\lambda` must stay
        below 1 (else the factor flips the sign of the weights).
    decay_keys : list of str or None (default None)
        The params keys to decay (e.g. ``["0.W", "2.W"]``, leaving biases alone, as chapter 09
        advises); None decays every array given to ``update``.
    beta1, beta2, eps : as for Adam.

    State: ``{"step", "m", "v"}``, the same as Adam's.
    """

    def __init__(self, learning_rate=1e-3, weight_decay=0.01, decay_keys=None, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate, beta1=beta1, beta2=beta2, eps=eps)
        if not (isinstance(weight_decay, (int, float, np.floating, np.integer)) and np.isfinite(weight_decay)
                and weight_decay >= 0):
            raise ValueError(f"AdamW expected weight_decay >= 0, got {weight_decay!r}")
        if decay_keys is not None and (isinstance(decay_keys, str) or not all(isinstance(k, str) for k in decay_keys)):
            raise ValueError(f"AdamW expected decay_keys to be None or a list of params keys, got {decay_keys!r}")
        self.weight_decay = float(weight_decay)
        self.decay_keys = None if decay_keys is None else list(decay_keys)
        if not callable(self.learning_rate):
            self._check_factor(self.learning_rate)

    def _check_factor(self, lr):
        if lr * self.weight_decay >= 1:
            raise ValueError(f"AdamW expected learning_rate * weight_decay < 1 (the decay factor 1 - eta lambda "
                             f"must stay positive), got {lr!r} * {self.weight_decay!r}")

    def update(self, params, grads, state):
        """Decay the chosen weights by (1 - eta lambda), then take Adam's step on ``grads``."""
        where = "AdamW.update"
        self._check(params, grads, state, where)
        keys = list(params) if self.decay_keys is None else self.decay_keys
        missing = [k for k in keys if k not in params]
        if missing:
            raise ValueError(f"{where} expected params to have the decay_keys {missing}, got keys {sorted(params)}")
        lr = self.rate(state["step"])
        self._check_factor(lr)
        for k in keys:
            params[k] *= 1.0 - lr * self.weight_decay
        return super().update(params, grads, state)

    def _hyper(self):
        return {"weight_decay": self.weight_decay, "decay_keys": self.decay_keys, **super()._hyper()}


__all__.append("AdamW")
OPTIMIZERS["AdamW"] = AdamW


def clip_by_global_norm(grads, max_norm):
    r"""Scale all gradients together so that their joint norm is at most ``max_norm`` (chapter 08, section 12).

    .. math::
        \|g\| = \Big(\sum_k \|g_k\|^2\Big)^{1/2}, \qquad
        \hat g_k = g_k \min\!\Big(1, \frac{c}{\|g\|}\Big),

    one factor for every array, so the direction of the whole gradient is kept, its norm becomes
    :math:`\min(\|g\|, c)`, and gradients already within the threshold are returned unchanged.

    Parameters
    ----------
    grads : dict of float ndarrays (any shapes), e.g. a model's ``{"0.W": (D, H), "0.b": (H,), ...}``
    max_norm : float > 0, the threshold :math:`c`

    Returns
    -------
    (clipped, norm) : a new dict with the same keys, shapes and dtypes (the inputs are not changed),
    and the global norm :math:`\|g\|` before clipping, a float.
    """
    where = "clip_by_global_norm"
    check_positive(max_norm, "max_norm", where)
    if not isinstance(grads, dict) or not grads:
        raise ValueError(f"{where} expected grads to be a non-empty dict of arrays, got {type(grads).__name__}"
                         + (" (empty)" if isinstance(grads, dict) else ""))
    for k, g in grads.items():
        if not isinstance(g, np.ndarray) or g.dtype not in FLOATS:
            got = f"dtype {g.dtype}" if isinstance(g, np.ndarray) else type(g).__name__
            raise ValueError(f"{where} expected grads[{k!r}] to be a float32 or float64 ndarray, got {got}")
        check_finite(g, f"grads[{k!r}]", where)
    norm = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))
    scale = min(1.0, float(max_norm) / norm) if norm > 0 else 1.0
    if scale == 1.0:
        return {k: g.copy() for k, g in grads.items()}, norm
    return {k: (g * scale).astype(g.dtype, copy=False) for k, g in grads.items()}, norm
