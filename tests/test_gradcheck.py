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
