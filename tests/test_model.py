"""Sequential: composition, flat params/grads that alias the layers, predict, config."""
import json

import numpy as np
import pytest

from nnlib import gradcheck, layers, optimizers
from nnlib.model import Sequential


def small_model(rng, dtype=np.float64, drop_prob=None):
    stack = [layers.Dense(4, 6, rng=rng, dtype=dtype), layers.Tanh()]
    if drop_prob is not None:
        stack.append(layers.Dropout(drop_prob, rng=rng))
    stack.append(layers.Dense(6, 3, rng=rng, dtype=dtype))
    return Sequential(stack)


def test_params_are_keyed_by_layer_index_and_alias_the_layers(rng):
    model = small_model(rng)
    assert sorted(model.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert sorted(model.grads) == sorted(model.params)
    assert model.params["0.W"] is model.layers[0].params["W"]
    assert model.params["2.b"] is model.layers[2].params["b"]
    assert model.grads["2.W"] is model.layers[2].grads["W"]


def test_in_place_optimizer_update_reaches_the_layers(rng):
    model = small_model(rng)
    x = rng.standard_normal((5, 4))
    before = model.layers[0].params["W"].copy()
    model.forward(x, training=True)
    model.backward(np.ones((5, 3)))
    opt = optimizers.SGD(0.1)
    opt.update(model.params, model.grads, opt.init(model.params))
    expected = before - 0.1 * model.layers[0].grads["W"]
    np.testing.assert_allclose(model.layers[0].params["W"], expected, rtol=1e-12)


def test_forward_is_the_composition_of_the_layers(rng):
    model = small_model(rng)
    x = rng.standard_normal((5, 4))
    W1, b1 = model.params["0.W"], model.params["0.b"]
    W2, b2 = model.params["2.W"], model.params["2.b"]
    by_hand = np.tanh(x @ W1 + b1) @ W2 + b2
    np.testing.assert_allclose(model.forward(x), by_hand, rtol=1e-12, atol=1e-12)


def test_backward_matches_finite_differences(rng):
    model = small_model(rng)
    x = rng.standard_normal((5, 4))
    errors = gradcheck.check_layer(model, x, rng=rng)
    assert set(errors) == {"x", "0.W", "0.b", "2.W", "2.b"}
    assert max(errors.values()) < 1e-7, errors


def test_predict_in_batches_equals_one_forward_pass(rng):
    model = small_model(rng, drop_prob=0.5)
    x = rng.standard_normal((23, 4))
    whole = model.forward(x, training=False)
    np.testing.assert_array_equal(model.predict(x, batch_size=5), whole)
    # test mode: dropout is off, so predict is deterministic
    np.testing.assert_array_equal(model.predict(x, batch_size=5), model.predict(x, batch_size=100))


def test_training_mode_reaches_dropout(rng):
    model = small_model(rng, drop_prob=0.5)
    x = rng.standard_normal((50, 4))
    assert not np.array_equal(model.forward(x, training=True), model.forward(x, training=False))


def test_float32_stays_float32(rng):
    model = small_model(rng, dtype=np.float32)
    out = model.forward(rng.standard_normal((5, 4)).astype(np.float32), training=True)
    assert out.dtype == np.float32
    model.backward(np.ones_like(out))
    assert all(g.dtype == np.float32 for g in model.grads.values())


def test_config_is_json_and_rebuilds_the_same_architecture(rng):
    model = small_model(rng, drop_prob=0.25)
    config = json.loads(json.dumps(model.config()))
    assert [entry["name"] for entry in config["layers"]] == ["Dense", "Tanh", "Dropout", "Dense"]
    rebuilt = Sequential.from_config(config, rng=np.random.default_rng(1))
    assert rebuilt.config() == model.config()
    assert {k: v.shape for k, v in rebuilt.params.items()} == {k: v.shape for k, v in model.params.items()}


@pytest.mark.parametrize("layers_arg, match", [
    ([], r"Sequential expected at least one layer, got an empty list"),
    (5, r"Sequential expected a list of layers, got int"),
    ([object()], r"Sequential expected layers\[0\] to be a layer, got object"),
])
def test_bad_layer_lists_are_rejected(layers_arg, match):
    with pytest.raises(ValueError, match=match):
        Sequential(layers_arg)


@pytest.mark.parametrize("config, match", [
    ({"layers": [{"name": "Conv9", "config": {}}]}, r"layers\[0\] name in .*, got 'Conv9'"),
    ({"layers": [{"name": "Dense", "config": {"n_in": 2}}]}, r"could not build layers\[0\] Dense"),
    ({"layers": [{"name": "Dense", "config": {"n_in": 0, "n_out": 2}}]}, r"n_in to be a positive integer, got 0"),
    ({"layer": []}, r"expected a dict with a list under 'layers'"),
    ({"layers": ["Dense"]}, r"expected layers\[0\] to be \{'name': str, 'config': dict\}, got 'Dense'"),
])
def test_from_config_rejects_bad_configs(config, match):
    with pytest.raises(ValueError, match=match):
        Sequential.from_config(config, rng=np.random.default_rng(0))


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_predict_rejects_bad_batch_size(rng, batch_size):
    model = small_model(rng)
    with pytest.raises(ValueError, match=r"predict expected batch_size to be a positive integer, got"):
        model.predict(np.zeros((3, 4)), batch_size=batch_size)


def test_wrong_input_width_names_x(rng):
    model = small_model(rng)
    with pytest.raises(ValueError, match=r"expected x of shape \(N, 4\), got \(3, 5\)"):
        model.predict(np.zeros((3, 5)))
