"""L1/L2 penalties: hand values, gradient checks, the Regularizer touching only its keys."""
import json

import numpy as np
import pytest

from nnlib import regularization as reg
from nnlib.gradcheck import numerical_gradient, relative_error

W_HAND = np.array([[1.0, -2.0], [3.0, 0.0]])


def test_penalties_by_hand():
    # L2: 0.5 / 2 * (1 + 4 + 9 + 0) = 3.5;  L1: 0.5 * (1 + 2 + 3 + 0) = 3.0
    assert reg.l2_penalty(W_HAND, 0.5) == pytest.approx(3.5)
    assert reg.l1_penalty(W_HAND, 0.5) == pytest.approx(3.0)
    np.testing.assert_allclose(reg.l2_grad(W_HAND, 0.5), [[0.5, -1.0], [1.5, 0.0]])
    # sign with the subgradient 0 at W = 0
    np.testing.assert_allclose(reg.l1_grad(W_HAND, 0.5), [[0.5, -0.5], [0.5, 0.0]])


@pytest.mark.parametrize("shape", [(3,), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_penalty_gradients_match_centered_differences(kind, shape):
    rng = np.random.default_rng(1)
    W = rng.standard_normal(shape)
    W += 0.1 * np.sign(W)  # away from the kink of |w| at 0
    penalty = getattr(reg, f"{kind}_penalty")
    grad = getattr(reg, f"{kind}_grad")
    numeric = numerical_gradient(lambda w: penalty(w, 0.7), W)
    assert relative_error(grad(W, 0.7), numeric) < 1e-7


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_gradients_keep_float32(kind):
    W = np.ones((2, 3), dtype=np.float32)
    assert getattr(reg, f"{kind}_grad")(W, 0.1).dtype == np.float32


def test_l2_gradient_step_is_weight_decay():
    """W - eta * lambda * W = (1 - eta * lambda) W: the weights shrink by a constant factor."""
    W = np.array([2.0, -4.0])
    eta, lam = 0.1, 0.5
    np.testing.assert_allclose(W - eta * reg.l2_grad(W, lam), [2.0 * 0.95, -4.0 * 0.95])


def make_model_arrays():
    rng = np.random.default_rng(2)
    params = {"0.W": rng.standard_normal((3, 4)), "0.b": rng.standard_normal(4),
              "2.W": rng.standard_normal((4, 2)), "2.b": rng.standard_normal(2)}
    grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
    return params, grads


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_regularizer_touches_only_the_chosen_keys(kind):
    params, grads = make_model_arrays()
    params_before = {k: v.copy() for k, v in params.items()}
    grads_before = {k: v.copy() for k, v in grads.items()}
    grad_objects = {k: id(v) for k, v in grads.items()}
    r = reg.Regularizer(kind, 0.3, ["0.W", "2.W"])
    r.add_to_grads(params, grads)
    for k in params:
        assert np.array_equal(params[k], params_before[k])       # params never change
        assert id(grads[k]) == grad_objects[k]                   # grads updated in place
    for k in ("0.b", "2.b"):
        assert np.array_equal(grads[k], grads_before[k])         # unchosen keys untouched
    for k in ("0.W", "2.W"):
        W = params[k]
        expected = 0.3 * W if kind == "l2" else 0.3 * np.sign(W)
        np.testing.assert_allclose(grads[k], grads_before[k] + expected, rtol=1e-14)


def test_regularizer_penalty_sums_over_the_chosen_keys():
    params, _ = make_model_arrays()
    r = reg.Regularizer("l2", 0.3, ["0.W", "2.W"])
    by_loop = sum(0.15 * w * w for k in ("0.W", "2.W") for w in params[k].ravel())
    assert r.penalty(params) == pytest.approx(by_loop, rel=1e-12)


def test_regularizer_gradient_matches_centered_differences_of_its_penalty():
    params, grads = make_model_arrays()
    r = reg.Regularizer("l2", 0.3, ["2.W"])
    zero = {k: np.zeros_like(v) for k, v in params.items()}
    r.add_to_grads(params, zero)
    numeric = numerical_gradient(lambda _: r.penalty(params), params["2.W"])
    assert relative_error(zero["2.W"], numeric) < 1e-7


def test_regularizer_config_round_trips_through_json():
    r = reg.Regularizer("l1", 0.01, ["0.W"])
    again = reg.Regularizer(**json.loads(json.dumps(r.config())))
    assert again.config() == {"kind": "l1", "strength": 0.01, "param_keys": ["0.W"]}


@pytest.mark.parametrize("args, match", [
    (("l3", 0.1, ["0.W"]), r"Regularizer expected kind in \['l1', 'l2'\], got 'l3'"),
    (("l2", -0.1, ["0.W"]), r"Regularizer expected strength >= 0, got -0.1"),
    (("l2", float("nan"), ["0.W"]), r"Regularizer expected strength >= 0, got nan"),
    (("l2", 0.1, "0.W"), r"Regularizer expected param_keys to be a list of str, got '0.W'"),
])
def test_regularizer_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        reg.Regularizer(*args)


def test_regularizer_names_a_missing_key():
    params, grads = make_model_arrays()
    r = reg.Regularizer("l2", 0.1, ["1.W"])
    with pytest.raises(ValueError, match=r"expected params to have the keys \['1.W'\] from param_keys"):
        r.penalty(params)
    with pytest.raises(ValueError, match=r"expected params to have the keys \['1.W'\]"):
        r.add_to_grads(params, grads)


@pytest.mark.parametrize("fn", [reg.l1_penalty, reg.l1_grad, reg.l2_penalty, reg.l2_grad])
def test_functions_reject_non_finite_weights_and_negative_strength(fn):
    with pytest.raises(ValueError, match=rf"{fn.__name__} expected W to be finite, got 1 NaN and 0 inf"):
        fn(np.array([1.0, np.nan]), 0.1)
    with pytest.raises(ValueError, match=rf"{fn.__name__} expected strength >= 0, got -1"):
        fn(W_HAND, -1)
