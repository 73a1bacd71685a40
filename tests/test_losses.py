"""Losses: gradient checks, values computed independently, and bad input (chapters 04, 06)."""
import numpy as np
import pytest

from nnlib import losses as L
from nnlib.activations import sigmoid
from nnlib.gradcheck import check_loss, numerical_gradient, relative_error

SHAPES = [(1, 1), (5, 1), (8, 3), (32, 10)]


def _case(name, shape, rng):
    """(y_pred, y) for a loss, away from kinks and clipping."""
    n, k = shape
    if name in ("mse", "rmse"):
        return rng.standard_normal(shape), rng.standard_normal(shape)
    if name == "mae":
        y = rng.standard_normal(shape)
        return y + rng.choice([-1, 1], shape) * rng.uniform(0.1, 1, shape), y
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, shape), (rng.random(shape) < 0.5).astype(float)
    if name == "binary_cross_entropy_with_logits":
        return 3 * rng.standard_normal(shape), (rng.random(shape) < 0.5).astype(float)
    k = max(k, 2)  # a single class makes every multi-class loss constant
    shape = (n, k)
    labels = rng.integers(0, k, n)
    if name == "categorical_cross_entropy":
        p = rng.uniform(0.1, 1, shape)
        return p / p.sum(axis=1, keepdims=True), labels
    if name == "hinge":
        # margins away from the kink: scores on a grid of step 0.37 never tie at margin 1
        return rng.integers(-5, 5, shape) * 0.37, labels
    return 2 * rng.standard_normal(shape), labels  # softmax_cross_entropy


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(L.LOSSES))
def test_loss_gradient_matches_centered_differences(name, shape):
    rng = np.random.default_rng(10)
    loss, grad = L.LOSSES[name]
    y_pred, y = _case(name, shape, rng)
    assert check_loss(loss, grad, y_pred, y) < 1e-7


def test_values_against_formulas_written_out():
    y_pred = np.array([[0.5], [2.0]])
    y = np.array([[1.0], [1.0]])
    assert L.mse(y_pred, y) == pytest.approx((0.25 + 1.0) / 2)
    assert L.mae(y_pred, y) == pytest.approx((0.5 + 1.0) / 2)
    assert L.rmse(y_pred, y) == pytest.approx(np.sqrt(0.625))
    p = np.array([[0.9], [0.2]])
    t = np.array([[1.0], [0.0]])
    assert L.binary_cross_entropy(p, t) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert L.categorical_cross_entropy(probs, np.array([0, 2])) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    # hinge: sample 0 scores (3, 1, 2.5) label 0 -> max(0, 1-3+1) + max(0, 2.5-3+1) = 0 + 0.5
    scores = np.array([[3.0, 1.0, 2.5]])
    assert L.hinge(scores, np.array([0])) == pytest.approx(0.5)


def test_integer_labels_and_one_hot_give_the_same_loss_and_gradient():
    rng = np.random.default_rng(11)
    z = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    one_hot = np.eye(4)[labels]
    assert L.softmax_cross_entropy(z, labels) == pytest.approx(L.softmax_cross_entropy(z, one_hot))
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(z, labels), L.softmax_cross_entropy_grad(z, one_hot))


def test_fused_losses_equal_their_unfused_versions_where_both_are_finite():
    rng = np.random.default_rng(12)
    z = rng.standard_normal((5, 3))
    labels = rng.integers(0, 3, 5)
    e = np.exp(z)
    probs = e / e.sum(axis=1, keepdims=True)
    assert L.softmax_cross_entropy(z, labels) == pytest.approx(L.categorical_cross_entropy(probs, labels))
    t = (rng.random((5, 3)) < 0.5).astype(float)
    assert L.binary_cross_entropy_with_logits(z, t) == pytest.approx(L.binary_cross_entropy(sigmoid(z), t))


def test_fused_losses_stay_finite_where_the_unfused_ones_saturate():
    z = np.array([[800.0, -800.0]])
    assert L.softmax_cross_entropy(z, np.array([1])) == pytest.approx(1600.0)
    assert L.binary_cross_entropy_with_logits(np.array([[-800.0]]), np.array([[1.0]])) == pytest.approx(800.0)
    # on probabilities the clip bounds the cost at -log(1e-12)
    assert L.binary_cross_entropy(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(-np.log(1e-12))


def test_triplet_gradient_matches_centered_differences():
    rng = np.random.default_rng(13)
    a, p, n = rng.standard_normal((3, 6, 4))
    grads = L.triplet_grad(a, p, n, margin=2.0)
    for i, x in enumerate((a, p, n)):
        args = [a, p, n]

        def f(v, i=i):
            return L.triplet(*[v if j == i else args[j] for j in range(3)], margin=2.0)

        assert relative_error(grads[i], numerical_gradient(f, x.copy())) < 1e-7


def test_triplet_is_zero_once_the_negative_is_far_enough():
    a = np.zeros((1, 2))
    assert L.triplet(a, np.array([[0.1, 0.0]]), np.array([[3.0, 0.0]]), margin=1.0) == 0.0
    assert all(np.all(g == 0) for g in L.triplet_grad(a, np.array([[0.1, 0.0]]), np.array([[3.0, 0.0]])))


def test_losses_keep_float32():
    y_pred = np.ones((4, 3), np.float32)
    assert L.mse_grad(y_pred, np.zeros((4, 3))).dtype == np.float32
    assert L.softmax_cross_entropy_grad(y_pred, np.array([0, 1, 2, 0])).dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: L.mse(np.zeros((3, 2)), np.zeros((2, 3))),
     r"mse expected y_pred and y of the same shape, got \(3, 2\) and \(2, 3\)"),
    (lambda: L.mse(np.array([[np.nan]]), np.zeros((1, 1))), r"mse expected y_pred to be finite, got 1 NaN"),
    (lambda: L.binary_cross_entropy(np.array([[1.5]]), np.array([[1.0]])),
     r"expected y_pred to be probabilities in \[0, 1\], got values from 1.5 to 1.5"),
    (lambda: L.binary_cross_entropy(np.array([[0.5]]), np.array([[2.0]])), r"expected y to hold 0/1 labels"),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])),
     r"softmax_cross_entropy expected y in \[0, 3\), got values from 0 to 3"),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, -1])), r"expected y in \[0, 3\)"),
    (lambda: L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2])),
     r"expected y of shape \(2,\) or \(2, 3\), got \(3,\)"),
    (lambda: L.softmax_cross_entropy(np.zeros(3), np.array([0])), r"expected y_pred of shape \(N, K\), got shape \(3,\)"),
    (lambda: L.categorical_cross_entropy(np.full((1, 2), 0.5), np.array([[0.5, 0.2]])),
     r"expected each row of y to be a probability vector"),
    (lambda: L.softmax_cross_entropy(np.zeros((1, 2)), np.array([0.5])), r"expected y to be integer class labels"),
    (lambda: L.hinge(np.zeros((1, 2)), np.array([0]), margin=0), r"hinge expected margin > 0, got 0"),
    (lambda: L.triplet(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 4))),
     r"triplet expected anchor and negative of the same shape"),
])
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_where_the_clip_is_active_the_gradient_is_zero_like_the_flat_loss():
    p = np.array([[1e-15, 1 - 1e-15], [0.3, 0.7]])
    labels = np.array([0, 1])
    grad = L.categorical_cross_entropy_grad(p, labels)
    assert grad[0, 0] == 0.0 and grad[1, 1] == pytest.approx(-1 / (0.7 * 2))
    # the loss really is flat there: a small move of the clipped entry changes nothing
    moved = p.copy()
    moved[0, 0] = 5e-13
    assert L.categorical_cross_entropy(moved, labels) == L.categorical_cross_entropy(p, labels)
    b = L.binary_cross_entropy_grad(np.array([[0.0], [0.5]]), np.array([[1.0], [1.0]]))
    assert b[0, 0] == 0.0 and b[1, 0] == pytest.approx(-1 / (0.5 * 2))
