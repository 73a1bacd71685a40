"""Activations: gradient checks, stability and algebraic properties (chapters 02, 03, 06)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import activations as act
from nnlib.gradcheck import numerical_gradient, relative_error

SHAPES = [(7,), (3, 4), (16, 10)]

ELEMENTWISE = [
    (act.sigmoid, act.sigmoid_grad),
    (act.tanh, act.tanh_grad),
    (act.relu, act.relu_grad),
    (lambda z: act.leaky_relu(z, 0.1), lambda z: act.leaky_relu_grad(z, 0.1)),
    (lambda z: act.elu(z, 1.5), lambda z: act.elu_grad(z, 1.5)),
]


def away_from_kink(rng, shape):
    """Normal draws pushed at least 0.1 away from 0, where relu-like functions bend."""
    z = rng.standard_normal(shape)
    return z + 0.1 * np.sign(z)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fn, grad", ELEMENTWISE)
def test_elementwise_derivative_matches_centered_differences(fn, grad, shape):
    rng = np.random.default_rng(1)
    z = away_from_kink(rng, shape)
    dout = rng.standard_normal(shape)
    numeric = numerical_gradient(fn, z, dout)
    assert relative_error(dout * grad(z), numeric) < 1e-7


@pytest.mark.parametrize("shape", [(5,), (4, 6), (2, 30)])
def test_softmax_vjp_matches_centered_differences(shape):
    rng = np.random.default_rng(2)
    z = 3 * rng.standard_normal(shape)
    g = rng.standard_normal(shape)
    numeric = numerical_gradient(act.softmax, z, g)
    assert relative_error(act.softmax_vjp(act.softmax(z), g), numeric) < 1e-7


def test_softmax_jacobian_matches_centered_differences_column_by_column():
    rng = np.random.default_rng(3)
    z = rng.standard_normal(6)
    numeric = np.stack([numerical_gradient(lambda v: act.softmax(v)[i], z) for i in range(6)])
    assert relative_error(act.softmax_jacobian(act.softmax(z)), numeric) < 1e-7


def test_log_softmax_is_log_of_softmax_and_stays_finite():
    rng = np.random.default_rng(4)
    z = rng.standard_normal((5, 4))
    np.testing.assert_allclose(act.log_softmax(z), np.log(act.softmax(z)), rtol=1e-12, atol=1e-12)
    extreme = np.array([[0.0, 2000.0]])
    assert np.isfinite(act.log_softmax(extreme)).all()
    assert act.log_softmax(extreme)[0, 0] == pytest.approx(-2000.0)


def test_sigmoid_never_overflows_and_keeps_dtype():
    z = np.array([-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4])
    with np.errstate(over="raise", invalid="raise"):  # underflow to 0 is fine
        s = act.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    assert s[3] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    assert act.sigmoid(z.astype(np.float32)).dtype == np.float32


def test_softmax_does_not_overflow_for_huge_logits():
    with np.errstate(over="raise", invalid="raise"):
        s = act.softmax(np.array([[1000.0, 1001.0, 1002.0]]))
    # the same as for logits 0, 1, 2 (shift invariance), computed independently
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(s[0], e / e.sum())


def test_sigmoid_grad_is_at_most_a_quarter_with_the_maximum_at_zero():
    z = np.linspace(-10, 10, 2001)
    d = act.sigmoid_grad(z)
    assert d.max() == pytest.approx(0.25)
    assert z[np.argmax(d)] == pytest.approx(0.0)


def test_every_activation_keeps_float32():
    z = np.linspace(-2, 2, 9, dtype=np.float32)
    for fn, grad in ELEMENTWISE:
        assert fn(z).dtype == np.float32 and grad(z).dtype == np.float32
    assert act.softmax(z).dtype == np.float32


finite = st.floats(-50, 50, allow_nan=False, width=64)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 8)), elements=finite),
       st.floats(-100, 100, allow_nan=False))
def test_softmax_rows_sum_to_one_and_ignore_a_shift(z, shift):
    s = act.softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(act.softmax(z + shift), s, rtol=1e-9, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=finite))
def test_softmax_jacobian_rows_sum_to_zero_and_it_is_symmetric(z):
    J = act.softmax_jacobian(act.softmax(z))
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(J, J.T, atol=0)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-700, 700, allow_nan=False)))
def test_sigmoid_is_symmetric_and_tanh_is_a_scaled_sigmoid(z):
    np.testing.assert_allclose(act.sigmoid(-z), 1 - act.sigmoid(z), atol=1e-15)
    np.testing.assert_allclose(act.tanh(z / 2), 2 * act.sigmoid(z) - 1, atol=1e-14)


@pytest.mark.parametrize("fn", [act.sigmoid, act.tanh, act.relu, act.softmax, act.log_softmax])
def test_nan_or_inf_input_names_the_argument(fn):
    with pytest.raises(ValueError, match=r"expected z to be finite, got 1 NaN and 0 inf"):
        fn(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match=r"got 0 NaN and 1 inf"):
        fn(np.array([[0.0, np.inf]]))


def test_bad_shapes_and_parameters_are_named():
    with pytest.raises(ValueError, match=r"softmax expected z of shape \(K,\) or \(N, K\), got shape \(2, 3, 4\)"):
        act.softmax(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"softmax_vjp expected s and g of the same shape, got \(2, 3\) and \(3, 2\)"):
        act.softmax_vjp(np.full((2, 3), 1 / 3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"leaky_relu expected slope > 0, got -0.1"):
        act.leaky_relu(np.zeros(3), slope=-0.1)
    with pytest.raises(ValueError, match=r"expected temperature > 0, got 0"):
        act.softmax_with_temperature(np.zeros(3), 0)
    with pytest.raises(ValueError, match=r"expected z to hold real numbers, got dtype <U1"):
        act.relu(np.array(["a"]))
