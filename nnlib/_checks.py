"""Input checks shared by every public entry point.

Each raises ``ValueError`` whose message names the argument and what it got, so a
learner sees "softmax expected z to be finite, got 1 NaN" instead of a numpy
traceback three frames down. The checks themselves never emit a numpy RuntimeWarning
(under nbgrader a warning written to stderr costs a learner the points of a cell).

dtypes: nnlib computes in float32 or float64. Arrays of those dtypes are kept; bool,
integer and float16 arrays (float16 overflows at 65504: a squared error of 300 is already
inf) are converted to float64; complex numbers, strings and objects are refused.
"""
import math

import numpy as np

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_NUMBER = (int, float, np.integer, np.floating)


def as_float_array(x, name, where):
    """Return ``x`` as a float32 or float64 numpy array (see the module docstring), or raise."""
    if isinstance(x, np.ndarray) and x.dtype in FLOATS:
        return x
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and other non-arrays
        raise ValueError(f"{where} expected {name} to be an array, got {type(x).__name__}") from exc
    if arr.dtype.kind not in "fiub":
        raise ValueError(f"{where} expected {name} to hold real numbers, got dtype {arr.dtype}")
    if arr.dtype not in FLOATS:
        arr = arr.astype(np.float64)
    return arr


def check_finite(arr, name, where):
    """Raise if ``arr`` (a float array) holds NaN or inf."""
    if not all_finite(arr):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(f"{where} expected {name} to be finite, got {n_nan} NaN and {n_inf} inf")


def all_finite(arr):
    """True if every entry of the float array is finite.

    Two reductions and no temporary array: a NaN propagates through min and max, an inf is
    the min or the max. Unlike a sum, min and max cannot overflow, so finite input never
    raises numpy's "overflow in reduce" warning.
    """
    if arr.size == 0:
        return True
    return math.isfinite(np.minimum.reduce(arr, axis=None)) and math.isfinite(np.maximum.reduce(arr, axis=None))


def is_number(value):
    """A real int or float, not a bool (True is not a learning rate), not complex."""
    return isinstance(value, _NUMBER) and not isinstance(value, (bool, np.bool_))


def checked_arithmetic(where, names, compute, *args):
    """``compute(*args)`` with numpy's warnings off; a result that is not finite (overflow of
    finite but huge inputs) raises a ValueError naming the inputs, instead of an inf and a
    RuntimeWarning. ``names`` reads like "y_pred and y"."""
    with np.errstate(all="ignore"):
        out = compute(*args)
    parts = tuple(out.values()) if isinstance(out, dict) else out if isinstance(out, tuple) else (out,)
    if all(all_finite(np.asarray(p)) for p in parts if np.asarray(p).dtype.kind == "f"):
        return out
    sizes = [float(np.max(np.abs(a))) for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size]
    raise ValueError(f"{where} overflowed float arithmetic with {names} of magnitude up to {max(sizes, default=0):.3g}: "
                     "rescale them")


def finite_array(x, name, where):
    """``as_float_array`` followed by ``check_finite``."""
    arr = as_float_array(x, name, where)
    check_finite(arr, name, where)
    return arr


def check_ndim(arr, ndims, name, where, shape_hint):
    """Raise unless ``arr.ndim`` is one of ``ndims``; ``shape_hint`` reads like ``(N, K)``."""
    if arr.ndim not in ndims:
        raise ValueError(f"{where} expected {name} of shape {shape_hint}, got shape {arr.shape}")


def check_same_shape(a, b, name_a, name_b, where):
    if a.shape != b.shape:
        raise ValueError(f"{where} expected {name_a} and {name_b} of the same shape, got {a.shape} and {b.shape}")


def check_probability(value, name, where, *, low_open=False, high_open=False):
    """Raise unless ``value`` is a number in [0, 1] (ends open where asked)."""
    ok = is_number(value) and math.isfinite(value)
    if ok:
        ok = (value > 0 if low_open else value >= 0) and (value < 1 if high_open else value <= 1)
    if not ok:
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise ValueError(f"{where} expected {name} in {interval}, got {value!r}")


def check_positive(value, name, where):
    if not (is_number(value) and math.isfinite(value) and value > 0):
        raise ValueError(f"{where} expected {name} > 0, got {value!r}")


def check_labels(labels, n_classes, name, where):
    """Integer class labels in [0, n_classes); returns them as an int array."""
    try:
        arr = np.asarray(labels)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected {name} to be integer class labels, got {type(labels).__name__}") from exc
    if arr.dtype.kind == "f":
        if not all_finite(arr) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{where} expected {name} to be integer class labels, got non-integer values")
        if arr.size and np.abs(arr).max() > 2 ** 62:
            raise ValueError(f"{where} expected {name} in [0, {n_classes}), got values up to {np.abs(arr).max():.3g}")
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{where} expected {name} to be integer class labels, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{where} expected {name} in [0, {n_classes}), got values from {arr.min()} to {arr.max()}")
    return arr


def check_positive_int(value, name, where):
    """An int >= 1 (bools rejected: True is not a layer width); returns it as int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where} expected {name} to be a positive integer, got {value!r}")
    return int(value)


def check_rng(rng, where):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where} expected rng to be a numpy Generator (np.random.default_rng(seed)), "
                         f"got {type(rng).__name__}")
    return rng


def check_float_dtype(dtype, where):
    """float32 or float64, returned as a numpy dtype."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} expected dtype float32 or float64, got {dtype!r}") from exc
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{where} expected dtype float32 or float64, got {dt}")
    return dt
