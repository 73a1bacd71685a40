r"""Learning-rate schedules: :math:`\eta_t` as a function of the step count :math:`t = 0, 1, 2, \dots`.

Three different schedules, not three names for one (chapter 08 plots them side by side):

* ``InverseTimeDecay``: :math:`\eta_t = \eta_0 / (1 + k t)`, the "1/t decay". It falls like
  :math:`1/t`, much slower than an exponential. (Some notes call it "exponential decay": it is not.)
* ``StepDecay``: :math:`\eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor}`, constant for ``s`` steps,
  then multiplied by :math:`\gamma`.
* ``ExponentialDecay``: :math:`\eta_t = \eta_0 \gamma^{t}`, multiplied by :math:`\gamma` every step.

Each is a callable ``schedule(step) -> float`` with ``config()``; an optimizer accepts one as its
``learning_rate`` and calls it with its own step count (0 for the first update).
Registry: ``SCHEDULES[name]``; rebuild with ``SCHEDULES[name](**config)``.
"""
import numpy as np

from ._checks import check_positive, is_number

__all__ = ["InverseTimeDecay", "StepDecay", "ExponentialDecay", "SCHEDULES"]


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


SCHEDULES = {cls.__name__: cls for cls in (InverseTimeDecay, StepDecay, ExponentialDecay)}
