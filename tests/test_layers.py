"""Layers: gradient checks, hand-computed forward values, dropout statistics, dtype, bad input."""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import layers
from nnlib.gradcheck import check_layer

SHAPES = [(1, 1, 1), (4, 3, 5), (10, 8, 2)]  # (N, n_in, n_out)


def away_from_kink(rng, shape):
    """Normal draws pushed at least 0.1 away from 0, where the ReLU family bends."""
    z = rng.standard_normal(shape)
    return z + 0.1 * np.sign(z)


def make(name, n_in, n_out, rng):
    """A layer of each kind; elementwise layers keep the width n_in."""
    return {
        "Dense": lambda: layers.Dense(n_in, n_out, rng=rng),
        "Sigmoid": lambda: layers.Sigmoid(),
        "Tanh": lambda: layers.Tanh(),
        "ReLU": lambda: layers.ReLU(),
        "LeakyReLU": lambda: layers.LeakyReLU(slope=0.2),
        "ELU": lambda: layers.ELU(alpha=1.5),
        "PReLU": lambda: layers.PReLU(n_in),
        "Maxout": lambda: layers.Maxout(n_in, n_out, 3, rng=rng),
        "Dropout": lambda: layers.Dropout(0.4, rng=rng),
    }[name]()


# ---------------------------------------------------------------- gradient checks

@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU"])
def test_backward_matches_centered_differences(name, shape):
    n, n_in, n_out = shape
    rng = np.random.default_rng(7)
    layer = make(name, n_in, n_out, rng)
    if name == "Dense":  # a non-zero bias, so a forgotten "+ b" would show
        layer.params["b"][...] = rng.standard_normal(n_out)
    if name == "PReLU":  # a different slope per unit, so a slope applied to the wrong unit shows
        layer.params["alpha"][...] = rng.uniform(0.05, 0.6, n_in)
    x = away_from_kink(rng, (n, n_in))
    errors = check_layer(layer, x, rng=rng)
    assert set(errors) == {"x", *layer.params}
    assert all(err < 1e-7 for err in errors.values()), errors


@pytest.mark.parametrize("shape", SHAPES)
def test_maxout_backward_matches_centered_differences(shape):
    n, n_in, n_out = shape
    rng = np.random.default_rng(8)
    layer = layers.Maxout(n_in, n_out, 3, rng=rng)
    layer.params["b"][...] = 0.3 * rng.standard_normal((3, n_out))
    x = rng.standard_normal((n, n_in))
    # precondition: no near-tie between the two best pieces, where the max has a kink
    z = np.stack([x @ layer.params["W"][k] + layer.params["b"][k] for k in range(3)])
    top2 = np.sort(z, axis=0)[-2:]
    assert (top2[1] - top2[0]).min() > 1e-3
    errors = check_layer(layer, x, rng=rng)
    assert set(errors) == {"x", "W", "b"}
    assert all(err < 1e-7 for err in errors.values()), errors


@pytest.mark.parametrize("shape", SHAPES)
def test_dropout_with_a_fixed_mask_passes_the_gradient_check(shape):
    n, n_in, _ = shape
    rng = np.random.default_rng(9)
    layer = layers.Dropout(0.5, rng=rng)
    layer.reuse_mask = True  # the first training forward draws the mask, later ones reuse it
    errors = check_layer(layer, rng.standard_normal((n, n_in)), training=True, rng=rng)
    assert errors["x"] < 1e-7


def test_gradient_check_catches_a_wrong_backward():
    """The checks above can fail: a Dense whose backward halves dW is caught (and only dW)."""
    rng = np.random.default_rng(10)

    class Broken(layers.Dense):
        def backward(self, dout):
            dx = super().backward(dout)
            self.grads["W"] *= 0.5
            return dx

    errors = check_layer(Broken(3, 4, rng=rng), rng.standard_normal((5, 3)), rng=rng)
    assert errors["W"] > 1e-2 and errors["x"] < 1e-7


# ---------------------------------------------------------------- forward values by hand

def test_dense_forward_by_hand():
    layer = layers.Dense(2, 3, rng=np.random.default_rng(0))
    layer.params["W"][...] = [[1.0, 0.0, -1.0],
                              [2.0, 0.5, 3.0]]
    layer.params["b"][...] = [0.5, -1.0, 0.0]
    x = np.array([[1.0, 2.0],
                  [-1.0, 0.0]])
    # row 0: [1*1 + 2*2 + 0.5, 1*0 + 2*0.5 - 1, 1*(-1) + 2*3 + 0] = [5.5, 0.0, 5.0]
    # row 1: [-1 + 0 + 0.5, 0 + 0 - 1, 1 + 0 + 0]                 = [-0.5, -1.0, 1.0]
    np.testing.assert_allclose(layer.forward(x), [[5.5, 0.0, 5.0], [-0.5, -1.0, 1.0]])
    dout = np.array([[1.0, 0.0, 0.0],
                     [0.0, 0.0, 2.0]])
    dx = layer.backward(dout)
    # dx = dout W^T: row 0 = W[:, 0] = [1, 2]; row 1 = 2 W[:, 2] = [-2, 6]
    np.testing.assert_allclose(dx, [[1.0, 2.0], [-2.0, 6.0]])
    # dW = x^T dout: column 0 gets x[0], column 2 gets 2 x[1]
    np.testing.assert_allclose(layer.grads["W"], [[1.0, 0.0, -2.0], [2.0, 0.0, 0.0]])
    np.testing.assert_allclose(layer.grads["b"], [1.0, 0.0, 2.0])


def test_prelu_and_leaky_relu_forward_by_hand():
    x = np.array([[-2.0, 3.0], [4.0, -0.5]])
    prelu = layers.PReLU(2)
    prelu.params["alpha"][...] = [0.25, 0.5]
    np.testing.assert_allclose(prelu.forward(x), [[-0.5, 3.0], [4.0, -0.25]])
    prelu.backward(np.ones_like(x))
    # dC/dalpha_j = sum of z over the negative entries of column j
    np.testing.assert_allclose(prelu.grads["alpha"], [-2.0, -0.5])
    np.testing.assert_allclose(layers.LeakyReLU(0.1).forward(x), [[-0.2, 3.0], [4.0, -0.05]])


def test_maxout_forward_is_the_max_over_pieces_computed_entry_by_entry():
    rng = np.random.default_rng(11)
    layer = layers.Maxout(3, 2, 4, rng=rng)
    layer.params["b"][...] = rng.standard_normal((4, 2))
    x = rng.standard_normal((5, 3))
    W, b = layer.params["W"], layer.params["b"]
    expected = np.empty((5, 2))
    for n in range(5):
        for j in range(2):
            expected[n, j] = max(sum(x[n, i] * W[k, i, j] for i in range(3)) + b[k, j] for k in range(4))
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12)


# ---------------------------------------------------------------- dropout

@settings(max_examples=25, deadline=None)
@given(drop_prob=st.floats(0.0, 0.9), seed=st.integers(0, 2**32 - 1))
def test_inverted_dropout_keeps_the_mean(drop_prob, seed):
    layer = layers.Dropout(drop_prob, rng=np.random.default_rng(seed))
    n = 20_000
    out = layer.forward(np.ones((n, 1)), training=True)
    # each output is m / (1 - q) with m ~ Bernoulli(1 - q): mean 1, variance q / (1 - q)
    se_mean = np.sqrt(drop_prob / (1 - drop_prob) / n)
    assert abs(out.mean() - 1.0) <= 5 * se_mean + 1e-12
    # the fraction dropped estimates q, with standard error sqrt(q (1 - q) / n)
    se_frac = np.sqrt(drop_prob * (1 - drop_prob) / n)
    assert abs((out == 0).mean() - drop_prob) <= 5 * se_frac + 1e-12
    # kept units are scaled by exactly 1 / (1 - q)
    np.testing.assert_allclose(out[out != 0], 1 / (1 - drop_prob))


@settings(max_examples=25, deadline=None)
@given(x=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)),
                elements=st.floats(-1e6, 1e6)),
       drop_prob=st.floats(0.0, 0.99))
def test_dropout_is_the_identity_at_test_time(x, drop_prob):
    layer = layers.Dropout(drop_prob, rng=np.random.default_rng(0))
    assert np.array_equal(layer.forward(x), x)
    dout = np.ones_like(x)
    assert np.array_equal(layer.backward(dout), dout)


def test_dropout_backward_masks_the_gradient_like_the_forward():
    rng = np.random.default_rng(12)
    layer = layers.Dropout(0.3, rng=rng)
    x = rng.uniform(1.0, 2.0, (50, 20))  # no zeros, so out == 0 marks exactly the dropped units
    out = layer.forward(x, training=True)
    dout = rng.standard_normal(x.shape)
    dx = layer.backward(dout)
    dropped = out == 0
    assert dropped.any() and (~dropped).any()
    assert np.all(dx[dropped] == 0)
    np.testing.assert_allclose(dx[~dropped], dout[~dropped] / 0.7, rtol=1e-15)


def test_dropout_masks_are_reproducible_from_the_saved_rng_state():
    layer = layers.Dropout(0.5, rng=np.random.default_rng(3))
    x = np.ones((4, 6))
    layer.forward(x, training=True)
    saved = json.loads(json.dumps(layer.rng.bit_generator.state))
    first = layer.forward(x, training=True)
    layer.rng.bit_generator.state = saved
    again = layer.forward(x, training=True)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, layer.forward(x, training=True))  # a new draw differs


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), "0.5", None])
def test_dropout_rejects_a_drop_prob_outside_0_1(bad):
    with pytest.raises(ValueError, match=r"Dropout expected drop_prob in \[0, 1\), got"):
        layers.Dropout(bad, rng=np.random.default_rng(0))


def test_dropout_needs_an_explicit_generator():
    with pytest.raises(ValueError, match="Dropout expected rng to be a numpy Generator"):
        layers.Dropout(0.5)


def test_dropout_reusing_a_mask_of_another_shape_raises(rng):
    layer = layers.Dropout(0.5, rng=rng)
    layer.reuse_mask = True
    layer.forward(np.ones((2, 3)), training=True)
    with pytest.raises(ValueError, match=r"reuse_mask=True expected x of shape \(2, 3\), got \(4, 3\)"):
        layer.forward(np.ones((4, 3)), training=True)


# ---------------------------------------------------------------- dtype

@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU",
                                  "Maxout", "Dropout"])
def test_float32_stays_float32(name):
    rng = np.random.default_rng(13)
    kwargs = {"dtype": np.float32} if name in ("Dense", "PReLU", "Maxout") else {}
    layer = layers.LAYERS[name](**{**make(name, 4, 3, rng).config(), **kwargs}, rng=rng)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    out = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == np.float32 and dx.dtype == np.float32
    for key in layer.params:
        assert layer.params[key].dtype == np.float32 and layer.grads[key].dtype == np.float32


def test_dense_converts_an_input_to_its_own_dtype(rng):
    layer = layers.Dense(3, 2, rng=rng, dtype=np.float32)
    assert layer.forward(np.ones((4, 3))).dtype == np.float32


# ---------------------------------------------------------------- config and rebuild

@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU",
                                  "Maxout", "Dropout"])
def test_rebuild_from_json_config(name):
    original = make(name, 4, 3, np.random.default_rng(5))
    config = json.loads(json.dumps(original.config()))
    rebuilt = layers.LAYERS[name](**config, rng=np.random.default_rng(5))
    assert type(rebuilt) is type(original)
    assert rebuilt.config() == original.config()
    for key in original.params:  # same seed, same initial parameters
        assert np.array_equal(rebuilt.params[key], original.params[key])


def test_registry_lists_every_layer():
    assert set(layers.LAYERS) == {"Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU",
                                  "Maxout", "Dropout", "Conv2D", "Flatten"}


# ---------------------------------------------------------------- bad input

def test_dense_names_the_expected_and_actual_shape(rng):
    layer = layers.Dense(64, 10, rng=rng)
    with pytest.raises(ValueError, match=r"^Dense expected x of shape \(N, 64\), got \(32, 65\)$"):
        layer.forward(np.zeros((32, 65)))
    with pytest.raises(ValueError, match=r"Dense expected x of shape \(N, 64\), got \(64,\)"):
        layer.forward(np.zeros(64))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "ReLU", "LeakyReLU", "ELU", "PReLU", "Maxout",
                                  "Dropout"])
def test_non_finite_input_raises(name, bad, rng):
    layer = make(name, 3, 2, rng)
    x = np.ones((2, 3))
    x[1, 2] = bad
    with pytest.raises(ValueError, match=r"expected (x|z) to be finite, got \d NaN and \d inf"):
        layer.forward(x, training=True)


@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU",
                                  "Maxout", "Dropout"])
def test_backward_before_forward_raises(name, rng):
    layer = make(name, 3, 2, rng)
    with pytest.raises(RuntimeError, match=f"{name}.backward called before forward"):
        layer.backward(np.ones((2, 2)))


@pytest.mark.parametrize("name", ["Dense", "Sigmoid", "ReLU", "PReLU", "Maxout", "Dropout"])
def test_backward_with_a_wrong_dout_shape_raises(name, rng):
    layer = make(name, 3, 2, rng)
    out = layer.forward(np.ones((4, 3)), training=True)
    with pytest.raises(ValueError, match=rf"{name}.backward expected dout of shape \({out.shape[0]}, "
                                         rf"{out.shape[1]}\), got \(4, 7\)"):
        layer.backward(np.ones((4, 7)))


@pytest.mark.parametrize("call, match", [
    (lambda: layers.Dense(0, 3, rng=np.random.default_rng(0)), r"Dense expected n_in to be a positive integer, got 0"),
    (lambda: layers.Dense(3, 2.5, rng=np.random.default_rng(0)), r"Dense expected n_out to be a positive integer, got 2.5"),
    (lambda: layers.Dense(3, 2), r"Dense expected rng to be a numpy Generator \(np.random.default_rng\(seed\)\), got NoneType"),
    (lambda: layers.Dense(3, 2, rng=np.random.default_rng(0), init="zeros"), r"Dense expected init in .*, got 'zeros'"),
    (lambda: layers.Dense(3, 2, rng=np.random.default_rng(0), dtype=np.int64), r"Dense expected dtype float32 or float64, got int64"),
    (lambda: layers.Maxout(3, 2, 0, rng=np.random.default_rng(0)), r"Maxout expected pieces to be a positive integer, got 0"),
    (lambda: layers.PReLU(-1), r"PReLU expected n_units to be a positive integer, got -1"),
    (lambda: layers.LeakyReLU(-0.1), r"LeakyReLU expected slope > 0, got -0.1"),
    (lambda: layers.ELU(0.0), r"ELU expected alpha > 0, got 0.0"),
])
def test_bad_constructor_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_prelu_checks_the_width():
    with pytest.raises(ValueError, match=r"PReLU expected x of shape \(N, 4\), got \(2, 5\)"):
        layers.PReLU(4).forward(np.ones((2, 5)))


def test_dropout_keeps_any_input_shape(rng):
    layer = layers.Dropout(0.25, rng=rng)
    x = rng.uniform(1.0, 2.0, (2, 3, 4, 5))
    out = layer.forward(x, training=True)
    assert out.shape == x.shape
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-15)


@pytest.mark.parametrize("make", [
    lambda rng: layers.Dense(4, 3, rng=rng), lambda rng: layers.Maxout(4, 3, 2, rng=rng),
    lambda rng: layers.PReLU(4), lambda rng: layers.ReLU(), lambda rng: layers.Tanh(),
    lambda rng: layers.Sigmoid(), lambda rng: layers.LeakyReLU(0.1), lambda rng: layers.ELU(),
    lambda rng: layers.Dropout(0.3, rng=rng)])
def test_backward_without_input_grad_fills_the_same_grads_and_returns_none(make):
    rng = np.random.default_rng(7)
    layer = make(rng)
    x = rng.standard_normal((5, 4))
    out = layer.forward(x, training=False)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    full = {k: g.copy() for k, g in layer.grads.items()}
    assert dx.shape == x.shape
    assert layer.backward(dout, input_grad=False) is None
    for k, g in layer.grads.items():
        assert np.array_equal(g, full[k])
