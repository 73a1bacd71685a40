"""The gradient checker itself must catch wrong gradients, not only pass right ones."""
import numpy as np
import pytest

from nnlib.gradcheck import check_layer, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    x = np.array([1.0, -2.0, 0.5])
    # f = sum(x^3): gradient 3x^2, written out
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v ** 3), x), 3 * x ** 2, rtol=1e-8)


def test_numerical_gradient_restores_x_and_weights_by_dout():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = x.copy()
    dout = np.array([[1.0, 0.0], [0.0, 2.0]])
    grad = numerical_gradient(lambda v: v * v, x, dout)  # d/dx sum(dout * x^2) = 2 x dout
    np.testing.assert_allclose(grad, 2 * x * dout, rtol=1e-8)
    assert np.array_equal(x, before)


def test_relative_error_scale_and_bad_shapes():
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


class _Scale:
    """y = x * w with a deliberately switchable bug in backward."""

    def __init__(self, w, bug=False):
        self.params = {"w": w}
        self.grads = {"w": np.zeros_like(w)}
        self.bug = bug

    def forward(self, x, training=False):
        self.x = x
        return x * self.params["w"]

    def config(self):
        return {}

    def backward(self, dout):
        self.grads["w"][...] = (dout * self.x).sum(axis=0)
        return dout * self.params["w"] * (1.1 if self.bug else 1.0)


def test_check_layer_passes_a_right_layer_and_catches_a_wrong_one():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    good = check_layer(_Scale(rng.standard_normal(3)), x)
    assert set(good) == {"x", "w"} and max(good.values()) < 1e-8
    bad = check_layer(_Scale(rng.standard_normal(3), bug=True), x)
    assert bad["x"] > 1e-3 and bad["w"] < 1e-8


def test_numerical_gradient_rejects_integer_arrays():
    with pytest.raises(ValueError, match=r"expected x to be a float ndarray .* dtype int64"):
        numerical_gradient(np.sum, np.arange(3))


def test_check_layer_refuses_float32_parameters():
    with pytest.raises(ValueError, match=r"check_layer expected float64 parameters .* got w of dtype float32"):
        check_layer(_Scale(np.ones(3, np.float32)), np.ones((2, 3)))


def test_check_model_passes_a_right_model_and_catches_a_wrong_layer():
    from nnlib.gradcheck import check_model
    from nnlib.layers import Dense, Tanh
    from nnlib.model import Sequential

    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 4))
    labels = rng.integers(0, 3, 5)
    model = Sequential([Dense(4, 6, rng=rng), Tanh(), Dense(6, 3, rng=rng)])
    errors = check_model(model, "softmax_cross_entropy", x, labels)
    assert set(errors) == {"0.W", "0.b", "2.W", "2.b"} and max(errors.values()) < 1e-7
    broken = Sequential([Dense(4, 6, rng=rng), _Scale(rng.standard_normal(6), bug=True), Dense(6, 3, rng=rng)])
    errors = check_model(broken, "softmax_cross_entropy", x, labels)
    assert errors["0.W"] > 1e-3 and errors["1.w"] < 1e-7 and errors["2.W"] < 1e-7
