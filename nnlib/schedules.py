r"""Learning-rate schedules: :math:`\eta_t` as a function of the step count :math:`t = 0, 1, 2, \dots`.

Three different schedules, not three names for one (chapter 08 plots them side by side):

* ``InverseTimeDecay``: :math:`\eta_t = \eta_0 / (1 + k t)`, the "1/t decay". It falls like
  :math:`1/t`, much slower than an exponential. (Some notes call it "exponential decay": it is not.)
* ``StepDecay``: :math:`\eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor}`, constant for ``s`` steps,
  then multiplied by :math:`\gamma`.
* ``ExponentialDecay``: :math:`\eta_t = \eta_0 \gamma^{t}`, multiplied by :math:`\gamma` every step.

and ``WarmupCosine``, a linear warm-up followed by half a cosine from :math:`\eta_{\max}` down to
:math:`\eta_{\min}` (chapter 08, section 11).

Each is a callable ``schedule(step) -> float`` with ``config()``; an optimizer accepts one as its
``learning_rate`` and calls it with its own step count (0 for the first update).
Registry: ``SCHEDULES[name]``; rebuild with ``SCHEDULES[name](**config)``.
"""
import numpy as np

from ._checks import check_positive, is_number

__all__ = ["InverseTimeDecay", "StepDecay", "ExponentialDecay", "WarmupCosine", "SCHEDULES"]


def _check_step(step, where):
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"{where} expected step to be an integer >= 0, got {step!r}")
    return int(step)


def _check_gamma(gamma, where):
    if not (is_number(gamma) and 0 < gamma <= 1):
        raise ValueError(f"{where} expected gamma in (0, 1], got {gamma!r}")
    return float(gamma)


class InverseTimeDecay:
    r"""1/t decay: :math:`\eta_t = \eta_0 / (1 + k\, t)`.

    Parameters
    ----------
    initial_learning_rate : float > 0
        :math:`\eta_0`.
    decay_rate : float >= 0
        :math:`k`; typical values are small (1e-3 to 1e-5 per step). After :math:`1/k` steps the
        rate has halved, after :math:`9/k` steps it is a tenth.
    """

    def __init__(self, initial_learning_rate, decay_rate):
        check_positive(initial_learning_rate, "initial_learning_rate", "InverseTimeDecay")
        if not (is_number(decay_rate) and np.isfinite(decay_rate)
                and decay_rate >= 0):
            raise ValueError(f"InverseTimeDecay expected decay_rate >= 0, got {decay_rate!r}")
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_rate = float(decay_rate)

    def __call__(self, step):
        t = _check_step(step, "InverseTimeDecay")
        return self.initial_learning_rate / (1.0 + self.decay_rate * t)

    def config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_rate": self.decay_rate}


class StepDecay:
    r"""Step decay: :math:`\eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}`.

    Parameters
    ----------
    initial_learning_rate : float > 0
        :math:`\eta_0`.
    gamma : float in (0, 1]
        Factor applied every ``step_size`` steps (e.g. 0.1).
    step_size : int >= 1
        :math:`s`, the number of steps between drops (often a number of epochs' worth of steps).
    """

    def __init__(self, initial_learning_rate, gamma, step_size):
        check_positive(initial_learning_rate, "initial_learning_rate", "StepDecay")
        self.initial_learning_rate = float(initial_learning_rate)
        self.gamma = _check_gamma(gamma, "StepDecay")
        if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)) or step_size < 1:
            raise ValueError(f"StepDecay expected step_size to be a positive integer, got {step_size!r}")
        self.step_size = int(step_size)

    def __call__(self, step):
        t = _check_step(step, "StepDecay")
        return self.initial_learning_rate * self.gamma ** (t // self.step_size)

    def config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "gamma": self.gamma,
                "step_size": self.step_size}


class ExponentialDecay:
    r"""Exponential decay: :math:`\eta_t = \eta_0\, \gamma^{t}`.

    Parameters
    ----------
    initial_learning_rate : float > 0
        :math:`\eta_0`.
    gamma : float in (0, 1]
        Factor applied every step (close to 1, e.g. 0.999: the rate halves after
        :math:`\ln 2 / (1 - \gamma) \approx 693` steps).
    """

    def __init__(self, initial_learning_rate, gamma):
        check_positive(initial_learning_rate, "initial_learning_rate", "ExponentialDecay")
        self.initial_learning_rate = float(initial_learning_rate)
        self.gamma = _check_gamma(gamma, "ExponentialDecay")

    def __call__(self, step):
        t = _check_step(step, "ExponentialDecay")
        return self.initial_learning_rate * self.gamma ** t

    def config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "gamma": self.gamma}


def _check_count(value, name, where, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{where} expected {name} to be an integer >= {minimum}, got {value!r}")
    return int(value)


class WarmupCosine:
    r"""Linear warm-up, then cosine decay.

    .. math::
        \eta_t = \eta_{\max}\,\frac{t + 1}{W} \quad (t < W), \qquad
        \eta_t = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\big(1 + \cos(\pi s / T)\big),
        \quad s = \min(t - W, T) \quad (t \ge W).

    The first update (``t = 0``) uses :math:`\eta_{\max}/W`, the last warm-up update (``t = W - 1``)
    reaches :math:`\eta_{\max}`, the cosine starts there at ``t = W``, and from ``t = W + T`` on the
    rate stays at :math:`\eta_{\min}`.

    Parameters
    ----------
    max_learning_rate : float > 0
        :math:`\eta_{\max}`, reached at the end of the warm-up.
    decay_steps : int >= 1
        :math:`T`, the length of the cosine half-period.
    min_learning_rate : float, 0 <= min_learning_rate <= max_learning_rate
        :math:`\eta_{\min}`, the floor (default 0).
    warmup_steps : int >= 0
        :math:`W`; 0 gives a plain cosine decay.
    """

    def __init__(self, max_learning_rate, decay_steps, min_learning_rate=0.0, warmup_steps=0):
        check_positive(max_learning_rate, "max_learning_rate", "WarmupCosine")
        self.max_learning_rate = float(max_learning_rate)
        self.decay_steps = _check_count(decay_steps, "decay_steps", "WarmupCosine", 1)
        if not (is_number(min_learning_rate) and 0 <= min_learning_rate <= self.max_learning_rate):
            raise ValueError(f"WarmupCosine expected min_learning_rate in [0, max_learning_rate = "
                             f"{self.max_learning_rate}], got {min_learning_rate!r}")
        self.min_learning_rate = float(min_learning_rate)
        self.warmup_steps = _check_count(warmup_steps, "warmup_steps", "WarmupCosine", 0)

    def __call__(self, step):
        t = _check_step(step, "WarmupCosine")
        if t < self.warmup_steps:
            return self.max_learning_rate * (t + 1) / self.warmup_steps
        s = min(t - self.warmup_steps, self.decay_steps)
        cosine = 0.5 * (1.0 + np.cos(np.pi * s / self.decay_steps))
        return self.min_learning_rate + (self.max_learning_rate - self.min_learning_rate) * float(cosine)

    def config(self):
        return {"max_learning_rate": self.max_learning_rate, "decay_steps": self.decay_steps,
                "min_learning_rate": self.min_learning_rate, "warmup_steps": self.warmup_steps}


SCHEDULES = {cls.__name__: cls for cls in (InverseTimeDecay, StepDecay, ExponentialDecay, WarmupCosine)}
