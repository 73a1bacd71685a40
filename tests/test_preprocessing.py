"""Standardizer (statistics from train only), one_hot, splits, k-fold indices."""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nnlib.preprocessing import MinMaxScaler, Standardizer, kfold_indices, one_hot, train_val_test_split


# --- Standardizer ----------------------------------------------------------------------------

def test_statistics_come_from_the_training_set_only(rng):
    train = rng.normal(0.0, 1.0, size=(200, 3))
    test = rng.normal(5.0, 3.0, size=(100, 3))  # a test half that looks nothing like train
    scaler = Standardizer().fit(train)
    np.testing.assert_allclose(scaler.mean_, train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, train.std(axis=0), rtol=1e-12)
    z_test = scaler.transform(test)
    np.testing.assert_allclose(z_test, (test - train.mean(axis=0)) / train.std(axis=0), rtol=1e-12)
    # standardized with train's numbers, the test set is far from mean 0 / std 1
    assert np.all(z_test.mean(axis=0) > 3)
    z_train = scaler.transform(train)
    np.testing.assert_allclose(z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z_train.std(axis=0), 1, rtol=1e-12)


def test_fit_transform_equals_fit_then_transform(rng):
    X = rng.normal(2.0, 4.0, size=(50, 4))
    np.testing.assert_array_equal(Standardizer().fit_transform(X), Standardizer().fit(X).transform(X))


def test_constant_features_map_to_zero_without_nan(rng):
    X = rng.standard_normal((30, 3))
    X[:, 1] = 3.0
    X[:, 2] = 0.1  # a mean of many 0.1's is not exactly 0.1: rounding must not be blown up
    scaler = Standardizer().fit(X)
    assert scaler.scale_[1] == 1 and scaler.scale_[2] == 1
    Z = scaler.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 1:], 0, atol=1e-15)


def test_inverse_transform_undoes_transform(rng):
    X = rng.normal(-3.0, 7.0, size=(20, 2))
    scaler = Standardizer().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32(rng):
    X = rng.standard_normal((20, 3)).astype(np.float32)
    assert Standardizer().fit_transform(X).dtype == np.float32


@pytest.mark.parametrize("X, match", [
    (np.array([[1.0, np.nan]]), r"Standardizer.fit expected X to be finite, got 1 NaN and 0 inf"),
    (np.array([1.0, 2.0]), r"Standardizer.fit expected X of shape \(N, D\), got shape \(2,\)"),
    (np.zeros((0, 3)), r"Standardizer.fit expected X with at least one row, got shape \(0, 3\)"),
])
def test_fit_rejects_bad_x(X, match):
    with pytest.raises(ValueError, match=match):
        Standardizer().fit(X)


def test_transform_checks_fitting_and_width(rng):
    with pytest.raises(ValueError, match=r"expected a fitted Standardizer, got one that was never fit"):
        Standardizer().transform(np.zeros((2, 2)))
    scaler = Standardizer().fit(rng.standard_normal((10, 3)))
    with pytest.raises(ValueError, match=r"Standardizer.transform expected X of shape \(N, 3\), got shape \(4, 2\)"):
        scaler.transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"Standardizer.transform expected X to be finite, got 0 NaN and 1 inf"):
        scaler.transform(np.array([[0.0, np.inf, 0.0]]))


# --- one_hot -----------------------------------------------------------------------------------

def test_one_hot_rows():
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12).flatmap(lambda k: st.tuples(st.just(k), st.lists(st.integers(0, k - 1), max_size=40))))
def test_one_hot_round_trip(k_and_labels):
    k, labels = k_and_labels
    Y = one_hot(np.array(labels, dtype=np.int64), k)
    assert Y.shape == (len(labels), k)
    np.testing.assert_array_equal(Y.sum(axis=1), 1)
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)


@pytest.mark.parametrize("labels, k, match", [
    ([0, 3], 3, r"one_hot expected labels in \[0, 3\), got values from 0 to 3"),
    ([-1, 0], 3, r"one_hot expected labels in \[0, 3\), got values from -1 to 0"),
    ([0.5], 3, r"one_hot expected labels to be integer class labels, got non-integer values"),
    ([[0, 1]], 3, r"one_hot expected labels of shape \(N,\), got shape \(1, 2\)"),
    ([0], 0, r"one_hot expected n_classes to be an integer >= 1, got 0"),
])
def test_one_hot_rejects_bad_input(labels, k, match):
    with pytest.raises(ValueError, match=match):
        one_hot(labels, k)


# --- train_val_test_split ----------------------------------------------------------------------

def test_split_is_a_shuffled_partition(rng):
    X = np.arange(100).reshape(100, 1) * 10
    y = np.arange(100)
    (Xa, ya), (Xb, yb), (Xc, yc) = train_val_test_split(X, y, (0.6, 0.25, 0.15), rng)
    assert (len(ya), len(yb), len(yc)) == (60, 25, 15)
    for Xs, ys in ((Xa, ya), (Xb, yb), (Xc, yc)):
        np.testing.assert_array_equal(Xs[:, 0], ys * 10)  # rows stay paired
    together = np.concatenate([ya, yb, yc])
    np.testing.assert_array_equal(np.sort(together), y)
    assert not np.array_equal(together, y)  # shuffled


def test_split_is_reproducible_with_the_seed():
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    a = train_val_test_split(X, y, (0.5, 0.25, 0.25), np.random.default_rng(3))
    b = train_val_test_split(X, y, (0.5, 0.25, 0.25), np.random.default_rng(3))
    for (xa, ya), (xb, yb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_stratified_split_keeps_class_proportions(rng):
    y = np.repeat([0, 1, 2], [100, 40, 20])
    X = np.arange(len(y)).reshape(-1, 1)
    parts = train_val_test_split(X, y, (0.5, 0.25, 0.25), rng, stratify=True)
    for (Xs, ys), share in zip(parts, (0.5, 0.25, 0.25)):
        np.testing.assert_array_equal(y[Xs[:, 0]], ys)
        counts = np.bincount(ys, minlength=3)
        assert np.all(np.abs(counts - share * np.array([100, 40, 20])) <= 1), counts
    assert sum(len(ys) for _, ys in parts) == len(y)


@pytest.mark.parametrize("fractions, match", [
    ((0.5, 0.5), r"expected fractions \(train, val, test\) >= 0 with train > 0 and sum 1, got \(0.5, 0.5\)"),
    ((0.6, 0.3, 0.3), r"sum 1, got \(0.6, 0.3, 0.3\)"),
    ((0.0, 0.5, 0.5), r"train > 0"),
    ((1.2, -0.1, -0.1), r"got \(1.2, -0.1, -0.1\)"),
    ("abc", r"expected fractions to be three numbers, got 'abc'"),
])
def test_split_rejects_bad_fractions(rng, fractions, match):
    with pytest.raises(ValueError, match=match):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), fractions, rng)


def test_split_rejects_bad_data(rng):
    with pytest.raises(ValueError, match=r"expected y with 10 rows like X, got shape \(9,\)"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9), (0.8, 0.1, 0.1), rng)
    with pytest.raises(ValueError, match=r"expected rng to be a numpy Generator .*, got int"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), (0.8, 0.1, 0.1), 42)
    with pytest.raises(ValueError, match=r"stratify=True expected y to be integer labels \(N,\), got shape \(10,\) and dtype float64"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), (0.8, 0.1, 0.1), rng, stratify=True)
    with pytest.raises(ValueError, match=r"expected a non-empty training set, got 0 of 1 examples"):
        train_val_test_split(np.zeros((1, 2)), np.zeros(1), (0.4, 0.0, 0.6), rng)


# --- kfold_indices -----------------------------------------------------------------------------

@pytest.mark.parametrize("n, k", [(10, 2), (23, 5), (7, 7)])
def test_kfold_covers_every_index_once_as_validation(rng, n, k):
    pairs = list(kfold_indices(n, k, rng))
    assert len(pairs) == k
    val_all = np.concatenate([val for _, val in pairs])
    np.testing.assert_array_equal(np.sort(val_all), np.arange(n))  # each index exactly once
    sizes = [len(val) for _, val in pairs]
    assert max(sizes) - min(sizes) <= 1
    for train, val in pairs:
        assert len(np.intersect1d(train, val)) == 0
        np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(n))


def test_kfold_folds_are_shuffled(rng):
    _, first_val = next(kfold_indices(100, 4, rng))
    assert not np.array_equal(first_val, np.arange(25))


@pytest.mark.parametrize("n, k, match", [
    (10, 1, r"kfold_indices expected k to be an integer >= 2, got 1"),
    (3, 4, r"kfold_indices expected k <= n .*, got k=4 and n=3"),
    (0, 2, r"kfold_indices expected n to be an integer >= 1, got 0"),
    (10.0, 2, r"kfold_indices expected n to be an integer >= 1, got 10.0"),
])
def test_kfold_rejects_bad_arguments(rng, n, k, match):
    with pytest.raises(ValueError, match=match):
        kfold_indices(n, k, rng)  # raised at the call, before iterating


# --- MinMaxScaler ----------------------------------------------------------------------------

def test_minmax_maps_the_training_range_onto_feature_range(rng):
    train = rng.normal(3.0, 2.0, size=(100, 3))
    scaler = MinMaxScaler(feature_range=(-1.0, 2.0)).fit(train)
    Z = scaler.transform(train)
    np.testing.assert_allclose(Z.min(axis=0), -1.0, atol=1e-12)
    np.testing.assert_allclose(Z.max(axis=0), 2.0, atol=1e-12)
    # the map is affine per feature: the formula a + (x - m)(b - a)/r, checked on new data
    test = rng.normal(3.0, 5.0, size=(10, 3))
    m, r = train.min(axis=0), train.max(axis=0) - train.min(axis=0)
    np.testing.assert_allclose(scaler.transform(test), -1.0 + (test - m) * 3.0 / r, rtol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test, rtol=1e-12, atol=1e-12)


def test_minmax_constant_features_map_to_the_low_end(rng):
    X = rng.standard_normal((30, 3))
    X[:, 1] = 7.0
    scaler = MinMaxScaler((2.0, 5.0)).fit(X)
    assert scaler.data_range_[1] == 1
    Z = scaler.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[:, 1], 2.0)


def test_minmax_keeps_float32(rng):
    X = rng.standard_normal((20, 3)).astype(np.float32)
    assert MinMaxScaler().fit_transform(X).dtype == np.float32


@pytest.mark.parametrize("feature_range", [(1.0, 1.0), (2.0, 1.0), (0.0, np.nan), (0, np.inf), (-1e308, 1e308),
                                           (True, 2.0), (1.0,), "ab", None, (0.0, 1.0, 2.0)])
def test_minmax_rejects_bad_feature_range(feature_range):
    with pytest.raises(ValueError, match=r"MinMaxScaler expected feature_range \(low, high\)"):
        MinMaxScaler(feature_range=feature_range)


@pytest.mark.parametrize("cls", [Standardizer, MinMaxScaler])
def test_unfitted_transforms_refuse_by_name(cls):
    scaler = cls()
    for method in (scaler.transform, scaler.inverse_transform):
        with pytest.raises(ValueError, match=rf"{cls.__name__}\.\w+ expected a fitted {cls.__name__}"):
            method(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=rf"{cls.__name__}.fitted_arrays expected a fitted {cls.__name__}"):
        scaler.fitted_arrays()


@pytest.mark.parametrize("cls", [Standardizer, MinMaxScaler])
def test_transforms_rebuild_exactly_from_plain_data(cls, rng):
    X = rng.normal(1.0, 3.0, size=(40, 4))
    X[:, 2] = -2.0
    scaler = cls().fit(X)
    config, arrays = scaler.config(), scaler.fitted_arrays()
    assert all(type(v) in (list, int, float) for v in config.values())  # JSON-able
    rebuilt = cls.from_fitted(json.loads(json.dumps(config)), arrays)
    X_new = rng.normal(size=(5, 4))
    np.testing.assert_array_equal(rebuilt.transform(X_new), scaler.transform(X_new))
    arrays["scale_" if cls is Standardizer else "data_range_"][0] = 99.0  # a copy: the scaler is untouched
    np.testing.assert_array_equal(rebuilt.transform(X_new), scaler.transform(X_new))


@pytest.mark.parametrize("cls, key", [(Standardizer, "scale_"), (MinMaxScaler, "data_range_")])
@pytest.mark.parametrize("change, match", [
    (lambda a, k: a.pop(k), r"expected arrays with keys"),
    (lambda a, k: a.__setitem__("extra", a[k]), r"expected arrays with keys"),
    (lambda a, k: a.__setitem__(k, a[k][:2]), r"expected arrays of one shape"),
    (lambda a, k: a.__setitem__(k, a[k].astype(np.float32)), r"expected arrays of one shape \(D,\) and one dtype"),
    (lambda a, k: a.__setitem__(k, a[k].reshape(1, 3)), r"of shape \(D,\), got shape \(1, 3\)"),
    (lambda a, k: a.__setitem__(k, a[k].astype(np.int64)), r"float32 or float64 array"),
    (lambda a, k: a.__setitem__(k, a[k].tolist()), r"got list"),
    (lambda a, k: a[k].__setitem__(0, np.nan), r"to be finite, got 1 NaN"),
    (lambda a, k: a[k].__setitem__(0, 0.0), r"> 0, got minimum"),
    (lambda a, k: a[k].__setitem__(0, -1.0), r"> 0, got minimum"),
])
def test_from_fitted_refuses_corrupt_entries(cls, key, change, match, rng):
    arrays = cls().fit(rng.normal(size=(10, 3))).fitted_arrays()
    change(arrays, key)
    with pytest.raises(ValueError, match=rf"{cls.__name__}.from_fitted .*{match}"):
        cls.from_fitted({}, arrays)


def test_from_fitted_refuses_a_bad_config(rng):
    arrays = MinMaxScaler().fit(rng.normal(size=(10, 3))).fitted_arrays()
    with pytest.raises(ValueError, match=r"MinMaxScaler.from_fitted expected config with keys \['feature_range'\]"):
        MinMaxScaler.from_fitted({"range": [0, 1]}, arrays)
    with pytest.raises(ValueError, match=r"MinMaxScaler expected feature_range"):
        MinMaxScaler.from_fitted({"feature_range": [1, 0]}, arrays)
    with pytest.raises(ValueError, match=r"Standardizer.from_fitted expected config to be a dict, got NoneType"):
        Standardizer.from_fitted(None, arrays)
