"""Generated data sets (shapes, geometry, reproducibility) and the shipped digits."""
import shutil

import numpy as np
import pytest

from nnlib import datasets


def test_spiral_shapes_and_geometry():
    X, y = datasets.spiral(50, 3, 0.0, np.random.default_rng(0))
    assert X.shape == (150, 2) and X.dtype == np.float64
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50])
    # without noise, point i of every arm sits at radius i / (n - 1)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius, np.tile(np.linspace(0, 1, 50), 3), atol=1e-12)
    # the arms are rotated copies: arm k's angle is arm 0's plus 2 pi k / 3
    angle = np.arctan2(X[:, 1], X[:, 0])
    turn = np.angle(np.exp(1j * (angle[50 + 1:100] - angle[1:50])))
    np.testing.assert_allclose(turn, 2 * np.pi / 3, atol=1e-12)


def test_sine_regression_without_noise_is_the_curve():
    X, y = datasets.sine_regression(64, 0.0, np.random.default_rng(1))
    assert X.shape == (64, 1) and y.shape == (64, 1)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= 0 and X.max() < 1
    np.testing.assert_allclose(y, np.sin(2 * np.pi * X), atol=1e-15)


def test_two_moons_without_noise_lie_on_two_circles():
    X, y = datasets.two_moons(40, 0.0, np.random.default_rng(2))
    assert X.shape == (80, 2)
    np.testing.assert_array_equal(np.bincount(y), [40, 40])
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1, atol=1e-12)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1, atol=1e-12)
    assert np.all(X[y == 0, 1] >= -1e-12) and np.all(X[y == 1, 1] <= 0.5 + 1e-12)


def test_xor_labels_follow_the_signs():
    X, y = datasets.xor(100, 0.1, np.random.default_rng(3))  # ten standard deviations from each axis
    assert X.shape == (400, 2)
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))


def test_blobs_center_on_their_means():
    centers = np.array([[0.0, 0.0, 0.0], [5.0, -5.0, 2.0]])
    n, std = 2000, 0.5
    X, y = datasets.blobs(n, centers, std, np.random.default_rng(4))
    assert X.shape == (2 * n, 3)
    for k in range(2):
        # the sample mean has standard error std / sqrt(n); 5 of them is a safe bound
        assert np.all(np.abs(X[y == k].mean(axis=0) - centers[k]) < 5 * std / np.sqrt(n))
        np.testing.assert_allclose(X[y == k].std(axis=0), std, rtol=0.1)


@pytest.mark.parametrize("make", [
    lambda rng: datasets.spiral(20, 2, 0.2, rng),
    lambda rng: datasets.sine_regression(20, 0.1, rng),
    lambda rng: datasets.two_moons(20, 0.1, rng),
    lambda rng: datasets.blobs(20, [[0, 0], [1, 1]], 0.3, rng),
    lambda rng: datasets.xor(20, 0.3, rng),
])
def test_generators_depend_only_on_the_rng(make):
    a = make(np.random.default_rng(7))
    b = make(np.random.default_rng(7))
    c = make(np.random.default_rng(8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("call, match", [
    (lambda: datasets.spiral(0, 3, 0.1, np.random.default_rng()), r"spiral expected n_per_class to be a positive integer, got 0"),
    (lambda: datasets.spiral(10, 3, -0.1, np.random.default_rng()), r"spiral expected noise >= 0, got -0.1"),
    (lambda: datasets.spiral(10, 3, float("nan"), np.random.default_rng()), r"spiral expected noise >= 0, got nan"),
    (lambda: datasets.spiral(10, 3, 0.1, 0), r"spiral expected rng to be a numpy Generator .*got int"),
    (lambda: datasets.sine_regression(2.5, 0.1, np.random.default_rng()), r"sine_regression expected n to be a positive integer, got 2.5"),
    (lambda: datasets.two_moons(10, "a", np.random.default_rng()), r"two_moons expected noise >= 0, got 'a'"),
    (lambda: datasets.blobs(10, [1, 2], 0.1, np.random.default_rng()), r"blobs expected centers of shape \(K, D\), got shape \(2,\)"),
    (lambda: datasets.blobs(10, [[0, np.inf]], 0.1, np.random.default_rng()), r"blobs expected centers to be finite"),
    (lambda: datasets.xor(-1, 0.1, np.random.default_rng()), r"xor expected n_per_corner to be a positive integer, got -1"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_load_digits():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16
    np.testing.assert_array_equal(X, np.round(X))
    # class counts of the UCI optdigits test set, as listed on the UCI page
    np.testing.assert_array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])


def test_load_digits_refuses_a_damaged_file(tmp_path, monkeypatch):
    damaged = tmp_path / "digits.npz"
    shutil.copy(datasets._DIGITS_PATH, damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    monkeypatch.setattr(datasets, "_DIGITS_PATH", damaged)
    with pytest.raises(ValueError, match=r"load_digits expected .*digits.npz to have sha256 b2dab7b5"):
        datasets.load_digits()
