"""A table-driven fuzz of nnlib's public API: every bad input is refused by name, never silently.

Each row of ``CASES`` is one public function or method with good arguments and, per
argument, the kind of value it takes. The harness swaps in every bad value of that kind,
one argument at a time, and fails when a call

* returns (a silent result: bad input must be refused),
* raises something that is not a ValueError/TypeError subclass (an unhelpful error),
* raises a message that does not name the argument, or
* emits a RuntimeWarning (under nbgrader, a warning costs the learner the cell's points).

``EXTREMES`` then calls with valid but hard values (float16, int lists, 1e308, tiny
numbers): each must return finite numbers or raise a named error, without a warning.
"""
import math
import warnings

import numpy as np
import pytest

from nnlib import (activations as act, datasets, diagnostics, gradcheck, initializers, io, layers, losses,
                   optimizers, preprocessing, regularization, schedules, stats, train)
from nnlib.model import Sequential

NAN, INF = float("nan"), float("inf")
X = np.random.default_rng(0).standard_normal((4, 3))
P = act.softmax(X)
LABELS = np.array([0, 1, 2, 1])


def rng():
    return np.random.default_rng(0)


def bad_arrays(good, *, ranks=True):
    """Values no array argument accepts, derived from a good one."""
    good = np.asarray(good, dtype=np.float64)
    out = {"None": None, "str": "abc", "ragged": [[1.0, 2.0], [3.0]], "complex": good.astype(complex),
           "object": np.array([object()] * max(good.size, 1)).reshape(good.shape or (1,))}
    if good.size:
        out["nan"] = np.where(np.arange(good.size).reshape(good.shape) == 0, NAN, good)
        out["inf"] = np.where(np.arange(good.size).reshape(good.shape) == 0, INF, good)
    if ranks:
        out["rank+1"] = good[None]
        out["rank-1"] = good.reshape(-1)[0] if good.ndim == 1 else good.reshape(-1)
    return out


SCALARS = {
    "positive": {"0": 0, "-1": -1.0, "nan": NAN, "inf": INF, "True": True, "str": "1", "None": None, "1j": 1j},
    "nonneg": {"-1": -1.0, "nan": NAN, "inf": INF, "True": True, "str": "1", "None": None},
    "prob": {"-0.1": -0.1, "1": 1.0, "1.5": 1.5, "nan": NAN, "True": True, "str": "0.5", "None": None},
    "int": {"0": 0, "-1": -1, "2.5": 2.5, "True": True, "str": "3", "None": None},
    "rng": {"int": 42, "None": None, "RandomState": np.random.RandomState(0)},
    "bool": {"str": "yes", "2": 2, "None": None},
    "step": {"-1": -1, "2.5": 2.5, "True": True, "str": "3", "None": None},
    "number": {"nan": NAN, "inf": INF, "True": True, "str": "x", "None": None, "1j": 1j},
    "dtype": {"float16": "float16", "int32": "int32", "complex": np.complex128, "nonsense": "nope"},
    "name": {"unknown": "nope", "int": 3, "None": None},
    "labels": {"too big": np.array([0, 1, 3, 1]), "negative": np.array([0, -1, 2, 1]),
               "fraction": np.array([0, 0.5, 2, 1]), "nan": np.array([0, NAN, 2, 1]), "str": np.array(list("abcd")),
               "wrong length": np.array([0, 1, 2]), "ragged": [[0], [1, 2]]},
}


def kinds_values(kind, good):
    if kind == "array":
        return bad_arrays(good, ranks=False)
    if kind == "array2d":
        return bad_arrays(good)
    return SCALARS[kind]


def dense():
    return layers.Dense(3, 2, rng=rng())


def forwarded(make, x=X):
    layer = make()
    layer.forward(x, training=True)
    return layer


def model():
    return Sequential([layers.Dense(3, 5, rng=rng()), layers.ReLU(), layers.Dense(5, 3, rng=rng())])


LAYER_MAKERS = {
    "Dense": dense, "Sigmoid": layers.Sigmoid, "Tanh": layers.Tanh, "ReLU": layers.ReLU,
    "LeakyReLU": layers.LeakyReLU, "ELU": layers.ELU, "PReLU": lambda: layers.PReLU(3),
    "Maxout": lambda: layers.Maxout(3, 2, 2, rng=rng()), "Dropout": lambda: layers.Dropout(0.5, rng=rng()),
}
OUT_SHAPE = {"Dense": (4, 2), "Maxout": (4, 2)}

# (label, function, good keyword arguments, {argument: kind})
CASES = []
for name in ("sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad"):
    CASES.append((name, getattr(act, name), {"z": X}, {"z": "array"}))
for name in ("leaky_relu", "leaky_relu_grad"):
    CASES.append((name, getattr(act, name), {"z": X, "slope": 0.1}, {"z": "array", "slope": "positive"}))
for name in ("elu", "elu_grad"):
    CASES.append((name, getattr(act, name), {"z": X, "alpha": 1.0}, {"z": "array", "alpha": "positive"}))
CASES += [
    # (K,) and (N, K) are both valid: the rank is tested in test_activations
    ("softmax", act.softmax, {"z": X}, {"z": "array"}),
    ("log_softmax", act.log_softmax, {"z": X}, {"z": "array"}),
    ("softmax_jacobian", act.softmax_jacobian, {"s": P}, {"s": "array"}),
    ("softmax_vjp", act.softmax_vjp, {"s": P, "g": X}, {"s": "array", "g": "array2d"}),
    ("softmax_with_temperature", act.softmax_with_temperature, {"z": X, "temperature": 2.0},
     {"z": "array", "temperature": "positive"}),
]
Y_REG = X[:, :2] * 0.5
for name in ("mse", "mae", "rmse"):
    for fn in (getattr(losses, name), getattr(losses, name + "_grad")):
        CASES.append((fn.__name__, fn, {"y_pred": X[:, :2], "y": Y_REG}, {"y_pred": "array2d", "y": "array2d"}))
B_PRED, B_Y = np.array([[0.2], [0.9], [0.5], [0.1]]), np.array([[0.0], [1.0], [1.0], [0.0]])
for fn in (losses.binary_cross_entropy, losses.binary_cross_entropy_grad,
           losses.binary_cross_entropy_with_logits, losses.binary_cross_entropy_with_logits_grad):
    CASES.append((fn.__name__, fn, {"y_pred": B_PRED, "y": B_Y}, {"y_pred": "array2d", "y": "array2d"}))
for fn, good in ((losses.categorical_cross_entropy, P), (losses.categorical_cross_entropy_grad, P),
                 (losses.softmax_cross_entropy, X), (losses.softmax_cross_entropy_grad, X)):
    CASES.append((fn.__name__, fn, {"y_pred": good, "y": LABELS}, {"y_pred": "array2d", "y": "labels"}))
for fn in (losses.hinge, losses.hinge_grad):
    CASES.append((fn.__name__, fn, {"y_pred": X, "y": LABELS, "margin": 1.0},
                  {"y_pred": "array2d", "y": "labels", "margin": "positive"}))
for fn in (losses.triplet, losses.triplet_grad):
    CASES.append((fn.__name__, fn, {"anchor": X, "positive": X + 0.1, "negative": X - 1, "margin": 1.0},
                  {"anchor": "array2d", "positive": "array2d", "negative": "array2d", "margin": "positive"}))

CASES += [
    ("Dense", layers.Dense, {"n_in": 3, "n_out": 2, "rng": rng(), "init": "glorot_uniform", "dtype": "float64"},
     {"n_in": "int", "n_out": "int", "rng": "rng", "init": "name", "dtype": "dtype"}),
    ("Maxout", layers.Maxout, {"n_in": 3, "n_out": 2, "pieces": 2, "rng": rng()},
     {"n_in": "int", "n_out": "int", "pieces": "int", "rng": "rng"}),
    ("PReLU", layers.PReLU, {"n_units": 3, "init_slope": 0.25, "dtype": "float64"},
     {"n_units": "int", "init_slope": "number", "dtype": "dtype"}),
    ("LeakyReLU", layers.LeakyReLU, {"slope": 0.1}, {"slope": "positive"}),
    ("ELU", layers.ELU, {"alpha": 1.0}, {"alpha": "positive"}),
    ("Dropout", layers.Dropout, {"drop_prob": 0.5, "rng": rng()}, {"drop_prob": "prob", "rng": "rng"}),
]
for name, make in LAYER_MAKERS.items():
    kind = "array2d" if name in ("Dense", "PReLU", "Maxout") else "array"
    CASES.append((f"{name}.forward", lambda x, training=True, make=make: make().forward(x, training=training),
                  {"x": X, "training": True}, {"x": kind, "training": "bool"}))
    dout = np.ones(OUT_SHAPE.get(name, X.shape))
    CASES.append((f"{name}.backward", lambda dout, make=make: forwarded(make).backward(dout),
                  {"dout": dout}, {"dout": "array2d"}))

CASES += [
    ("Sequential.forward", lambda x, training=False: model().forward(x, training=training),
     {"x": X, "training": False}, {"x": "array2d", "training": "bool"}),
    ("Sequential.backward", lambda dout: forwarded(model).backward(dout), {"dout": np.ones((4, 3))},
     {"dout": "array2d"}),
    ("Sequential.predict", lambda x, batch_size=2: model().predict(x, batch_size=batch_size),
     {"x": X, "batch_size": 2}, {"x": "array2d", "batch_size": "int"}),
    ("SGD", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.5}, {"learning_rate": "positive", "momentum": "prob"}),
    ("AdaGrad", optimizers.AdaGrad, {"learning_rate": 0.1, "eps": 1e-8}, {"learning_rate": "positive", "eps": "positive"}),
    ("RMSProp", optimizers.RMSProp, {"learning_rate": 0.1, "rho": 0.9, "eps": 1e-8},
     {"learning_rate": "positive", "rho": "prob", "eps": "positive"}),
    ("Adam", optimizers.Adam, {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8},
     {"learning_rate": "positive", "beta1": "prob", "beta2": "prob", "eps": "positive"}),
    ("InverseTimeDecay", schedules.InverseTimeDecay, {"initial_learning_rate": 0.1, "decay_rate": 0.01},
     {"initial_learning_rate": "positive", "decay_rate": "nonneg"}),
    ("StepDecay", schedules.StepDecay, {"initial_learning_rate": 0.1, "gamma": 0.5, "step_size": 3},
     {"initial_learning_rate": "positive", "gamma": "positive", "step_size": "int"}),
    ("ExponentialDecay", schedules.ExponentialDecay, {"initial_learning_rate": 0.1, "gamma": 0.9},
     {"initial_learning_rate": "positive", "gamma": "positive"}),
    ("StepDecay()", lambda step: schedules.StepDecay(0.1, 0.5, 2)(step), {"step": 3},
     {"step": "step"}),
    ("l2_penalty", regularization.l2_penalty, {"W": X, "strength": 0.1}, {"W": "array", "strength": "nonneg"}),
    ("l2_grad", regularization.l2_grad, {"W": X, "strength": 0.1}, {"W": "array", "strength": "nonneg"}),
    ("l1_penalty", regularization.l1_penalty, {"W": X, "strength": 0.1}, {"W": "array", "strength": "nonneg"}),
    ("l1_grad", regularization.l1_grad, {"W": X, "strength": 0.1}, {"W": "array", "strength": "nonneg"}),
    ("Regularizer", regularization.Regularizer, {"kind": "l2", "strength": 0.1, "param_keys": ["0.W"]},
     {"kind": "name", "strength": "nonneg", "param_keys": "name"}),
    ("gaussian_pdf", stats.gaussian_pdf, {"x": X[0], "mu": 0.0, "sigma": 1.0},
     {"x": "array", "mu": "number", "sigma": "positive"}),
    ("gaussian_log_likelihood", stats.gaussian_log_likelihood, {"x": X[0], "mu": 0.0, "sigma": 1.0},
     {"x": "array2d", "mu": "number", "sigma": "positive"}),
    ("gaussian_mle", stats.gaussian_mle, {"x": X[0]}, {"x": "array2d"}),
    ("unbiased_variance", stats.unbiased_variance, {"x": X[0]}, {"x": "array2d"}),
    ("Standardizer.fit", lambda X: preprocessing.Standardizer().fit(X), {"X": X}, {"X": "array2d"}),
    ("Standardizer.transform", lambda X: preprocessing.Standardizer().fit(np.eye(3)).transform(X), {"X": X},
     {"X": "array2d"}),
    ("MinMaxScaler", preprocessing.MinMaxScaler, {"feature_range": (0, 1)}, {"feature_range": "name"}),
    ("MinMaxScaler.fit", lambda X: preprocessing.MinMaxScaler().fit(X), {"X": X}, {"X": "array2d"}),
    ("MinMaxScaler.inverse_transform", lambda X: preprocessing.MinMaxScaler().fit(np.eye(3)).inverse_transform(X),
     {"X": X}, {"X": "array2d"}),
    ("one_hot", preprocessing.one_hot, {"labels": LABELS, "n_classes": 3}, {"labels": "labels", "n_classes": "int"}),
    ("train_val_test_split", preprocessing.train_val_test_split,
     {"X": X, "y": LABELS, "fractions": (0.5, 0.25, 0.25), "rng": rng()}, {"fractions": "name", "rng": "rng"}),
    ("kfold_indices", preprocessing.kfold_indices, {"n": 4, "k": 2, "rng": rng()}, {"n": "int", "k": "int", "rng": "rng"}),
    ("accuracy", train.accuracy, {"y_pred": X, "y": LABELS, "threshold": 0.5},
     {"y_pred": "array2d", "y": "labels", "threshold": "number"}),
    ("regression_accuracy", train.regression_accuracy, {"y_pred": X, "y": X * 0.9, "lam": 10.0},
     {"y_pred": "array2d", "y": "array2d", "lam": "positive"}),
    ("fit", lambda **kw: train.fit(model(), **kw),
     {"loss": "softmax_cross_entropy", "optimizer": optimizers.SGD(0.1), "x": X, "y": LABELS, "epochs": 1,
      "batch_size": 2, "rng": rng(), "progress": False},
     {"loss": "name", "x": "array2d", "y": "labels", "epochs": "int", "batch_size": "int", "rng": "rng",
      "progress": "bool"}),
    ("evaluate", lambda **kw: train.evaluate(model(), **kw),
     {"loss": "softmax_cross_entropy", "x": X, "y": LABELS, "batch_size": 2},
     {"loss": "name", "x": "array2d", "y": "labels", "batch_size": "int"}),
    ("predict", lambda **kw: train.predict(model(), **kw), {"x": X, "batch_size": 2}, {"x": "array2d", "batch_size": "int"}),
    ("predict_labels", lambda **kw: train.predict_labels(model(), **kw), {"x": X, "threshold": 0.5},
     {"x": "array2d", "threshold": "number"}),
    ("spiral", datasets.spiral, {"n_per_class": 5, "n_classes": 3, "noise": 0.1, "rng": rng()},
     {"n_per_class": "int", "n_classes": "int", "noise": "nonneg", "rng": "rng"}),
    ("sine_regression", datasets.sine_regression, {"n": 5, "noise": 0.1, "rng": rng()},
     {"n": "int", "noise": "nonneg", "rng": "rng"}),
    ("two_moons", datasets.two_moons, {"n_per_class": 5, "noise": 0.1, "rng": rng()},
     {"n_per_class": "int", "noise": "nonneg", "rng": "rng"}),
    ("xor", datasets.xor, {"n_per_corner": 5, "noise": 0.1, "rng": rng()},
     {"n_per_corner": "int", "noise": "nonneg", "rng": "rng"}),
    ("pre_activations", lambda x: diagnostics.pre_activations(model(), x), {"x": X}, {"x": "array2d"}),
    ("backward_deltas", lambda dout: diagnostics.backward_deltas(forwarded(model), dout), {"dout": np.ones((4, 3))},
     {"dout": "array2d"}),
    ("relative_error", gradcheck.relative_error, {"a": X, "b": X + 1e-3}, {"a": "array", "b": "array"}),
    ("check_layer", lambda x: gradcheck.check_layer(layers.Tanh(), x), {"x": X}, {"x": "array"}),
    ("save_params", lambda path: io.save_params(path, model()), {"path": "unused"}, {"path": "name"}),
]
for fn in (initializers.glorot_uniform, initializers.glorot_normal, initializers.he_normal, initializers.small_random):
    CASES.append((fn.__name__, fn, {"n_in": 3, "n_out": 2, "rng": rng(), "dtype": np.float64},
                  {"n_in": "int", "n_out": "int", "rng": "rng", "dtype": "dtype"}))

# values that are valid for the kinds above in some functions: skip them there
NOT_BAD = {
    ("gaussian_pdf", "x", "rank+1"), ("gaussian_pdf", "x", "rank-1"),
    ("MinMaxScaler", "feature_range", "unknown"),
    ("save_params", "path", "unknown"),  # "nope" is a fine file name
    ("one_hot", "labels", "wrong length"),  # any N is fine there
}


def call(fn, kwargs):
    """Run fn(**kwargs) with RuntimeWarnings as errors; returns ('ok', value) or ('raised', exc)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return "ok", fn(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified by the caller
            return "raised", exc


def named_error(exc, arg):
    return isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, RuntimeWarning) and arg in str(exc)


@pytest.mark.parametrize("label, fn, good, kinds", CASES, ids=[c[0] for c in CASES])
def test_every_bad_argument_is_refused_by_name(label, fn, good, kinds, tmp_path):
    good = dict(good)
    if label == "save_params":
        good["path"] = tmp_path / "m.npz"
    status, value = call(fn, good)
    assert status == "ok", f"{label} fails on its good arguments: {value!r}"
    problems = []
    for arg, kind in kinds.items():
        for what, bad in kinds_values(kind, good[arg]).items():
            if (label, arg, what) in NOT_BAD:
                continue
            status, value = call(fn, {**good, arg: bad})
            if status == "ok":
                problems.append(f"{arg}={what}: silent result {type(value).__name__}")
            elif not named_error(value, arg):
                problems.append(f"{arg}={what}: {type(value).__name__}: {str(value)[:150]}")
    assert not problems, f"{label}:\n" + "\n".join(problems)


def finite_output(value):
    """Every float inside value (arrays, tuples, floats, History) is finite."""
    if isinstance(value, (tuple, list)):
        return all(finite_output(v) for v in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind != "f" or bool(np.all(np.isfinite(value)))
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return True


def extremes(good):
    out = {"float16": np.asarray(good).astype(np.float16), "int list": np.round(np.asarray(good)).astype(int).tolist(),
           "1e308": np.asarray(good) / max(float(np.abs(good).max()), 1e-300) * 1e308,
           "1e-310": np.asarray(good) * 1e-310, "bool": np.asarray(good) > 0}
    if np.asarray(good).size:
        out["empty rows"] = np.asarray(good)[:0]
    return out


@pytest.mark.parametrize("label, fn, good, kinds", CASES, ids=[c[0] for c in CASES])
def test_hard_but_valid_values_give_finite_results_or_named_errors(label, fn, good, kinds, tmp_path):
    good = dict(good)
    if label == "save_params":
        good["path"] = tmp_path / "m.npz"
    problems = []
    for arg, kind in kinds.items():
        if kind not in ("array", "array2d"):
            continue
        for what, value in extremes(good[arg]).items():
            status, result = call(fn, {**good, arg: value})
            if status == "ok" and not finite_output(result):
                problems.append(f"{arg}={what}: non-finite result")
            elif status == "raised" and not isinstance(result, (ValueError, TypeError)) or (
                    status == "raised" and isinstance(result, RuntimeWarning)):
                problems.append(f"{arg}={what}: {type(result).__name__}: {str(result)[:150]}")
            elif status == "raised" and not any(a in str(result) for a in good) and "overflow" not in str(result):
                problems.append(f"{arg}={what}: message names no argument: {str(result)[:150]}")
    assert not problems, f"{label}:\n" + "\n".join(problems)


# The cases of issue 11, one by one: each is refused by name (the argument in the message).
ISSUE_CASES = [
    ("ReLU backward NaN dout", lambda: forwarded(layers.ReLU).backward(np.full_like(X, NAN)), "dout"),
    ("ReLU backward complex dout", lambda: forwarded(layers.ReLU).backward(X.astype(complex)), "dout"),
    ("sigmoid rows in categorical_cross_entropy", lambda: losses.categorical_cross_entropy(np.full((2, 3), .9), [0, 1]),
     "y_pred"),
    ("softmax K = 0", lambda: act.softmax(np.zeros((2, 0))), "z"),
    ("loss K = 0", lambda: losses.softmax_cross_entropy(np.zeros((2, 0)), [0, 0]), "y_pred"),
    ("triplet_grad N = 0", lambda: losses.triplet_grad(*[np.zeros((0, 2))] * 3), "anchor"),
    ("triplet N = 0", lambda: losses.triplet(*[np.zeros((0, 2))] * 3), "anchor"),
    ("gaussian tiny sigma", lambda: stats.gaussian_log_likelihood(np.array([0.0, 1.0]), 0, 1e-300), "sigma"),
    ("accuracy threshold nan", lambda: train.accuracy(np.array([0.2, 0.7]), [0, 1], threshold=NAN), "threshold"),
    ("SGD learning_rate True", lambda: optimizers.SGD(learning_rate=True), "learning_rate"),
    ("schedule config bad keys", lambda: optimizers.SGD({"name": "StepDecay", "config": {"bad": 1}}), "learning_rate"),
    ("Regularizer None keys", lambda: regularization.Regularizer("l2", .1, None), "param_keys"),
    ("temperature 1e-320", lambda: act.softmax_with_temperature(np.array([1.0, 2.0]), 1e-320), "temperature"),
    ("optimizer state slot of the wrong shape",
     lambda: optimizers.Adam().update({"w": np.zeros(3)}, {"w": np.zeros(3)},
                                      {"step": 0, "m": {"w": np.zeros(2)}, "v": {"w": np.zeros(3)}}), "state['m']['w']"),
    ("fit diverges", lambda: train.fit(model(), "mse", optimizers.SGD(1e6), X, X * 100, epochs=20, batch_size=2,
                                       rng=rng(), progress=False, metric=None), "try a smaller learning rate"),
]


@pytest.mark.parametrize("label, thunk, named", ISSUE_CASES, ids=[c[0] for c in ISSUE_CASES])
def test_the_issue_cases_raise_named_errors(label, thunk, named):
    status, value = call(lambda: thunk(), {})
    assert status == "raised", f"{label}: silent result {value!r:.80}"
    assert named_error(value, named), f"{label}: {type(value).__name__}: {value}"


def test_float16_is_upcast_not_kept():
    assert np.isfinite(losses.mse(np.full((2, 1), 300, np.float16), np.zeros((2, 1))))
    out = layers.Dropout(0.5, rng=rng()).forward(X.astype(np.float16), training=True)
    assert out.dtype == np.float64


def test_check_finite_does_not_warn_on_finite_input_whose_sum_overflows():
    status, value = call(act.sigmoid, {"z": np.full(3, 1e308)})
    assert status == "ok" and np.all(value == 1.0)
