r"""Preparing data: scaling features, one-hot targets, splits and k-fold indices.

The rule behind every function here: statistics come from the training data only. The
validation and test sets are transformed with the training mean and scale, as new data
would be, so their scores say how the model does on data it has never seen.
"""
import numpy as np

from ._checks import check_finite, check_labels, check_ndim, checked_arithmetic, finite_array

__all__ = ["Standardizer", "MinMaxScaler", "TRANSFORMS", "one_hot", "train_val_test_split", "kfold_indices"]


def _check_rng(rng, where):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where} expected rng to be a numpy Generator "
                         f"(np.random.default_rng(seed)), got {type(rng).__name__}")


def _check_int(value, name, where, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{where} expected {name} to be an integer >= {low}, got {value!r}")


def _noise_level(reference, dtype):
    """Spreads at most this big are rounding noise: a constant feature, not a signal."""
    return 10 * np.finfo(dtype).eps * np.maximum(np.abs(reference), 1)


class _FittedTransform:
    """What both scalers share: the checks on X, and saving the fitted statistics as plain data.

    A subclass lists its fitted attributes in ``_fitted`` (1-D arrays of length D) and
    implements ``_fit_stats(X)`` and ``_check_stats(arrays, where)``.
    """
    _fitted = ()

    def _require_fitted(self, where):
        if getattr(self, self._fitted[0]) is None:
            raise ValueError(f"{where} expected a fitted {type(self).__name__}, got one that was never fit "
                             "(call fit(X_train))")

    def _checked(self, X, where):
        self._require_fitted(where)
        X = finite_array(X, "X", where)
        d = getattr(self, self._fitted[0]).shape[0]
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(f"{where} expected X of shape (N, {d}), got shape {X.shape}")
        return X

    def fit(self, X):
        """Learn the per-feature statistics from X of shape (N, D), N >= 1; returns self."""
        where = f"{type(self).__name__}.fit"
        X = finite_array(X, "X", where)
        check_ndim(X, (2,), "X", where, "(N, D)")
        if X.shape[0] == 0:
            raise ValueError(f"{where} expected X with at least one row, got shape {X.shape}")
        if X.shape[1] == 0:
            raise ValueError(f"{where} expected X with at least one feature (column), got shape {X.shape}")
        for name, value in checked_arithmetic(where, "X", self._fit_stats, X).items():
            setattr(self, name, value)
        return self

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``: use it on the training set only."""
        return self.fit(X).transform(X)

    def config(self):
        """The constructor's arguments as JSON-able data."""
        return {}

    def fitted_arrays(self):
        """The fitted statistics, ``{name: ndarray (D,)}`` (copies): with ``config()``, all a save needs."""
        self._require_fitted(f"{type(self).__name__}.fitted_arrays")
        return {name: getattr(self, name).copy() for name in self._fitted}

    @classmethod
    def from_fitted(cls, config, arrays):
        """Rebuild a fitted transform from ``config()`` and ``fitted_arrays()``, checking both.

        Raises ``ValueError`` naming the entry that is missing, of the wrong shape or dtype, or
        not a value ``fit`` could have produced.
        """
        where = f"{cls.__name__}.from_fitted"
        if not isinstance(config, dict):
            raise ValueError(f"{where} expected config to be a dict, got {type(config).__name__}")
        try:
            transform = cls(**config)
        except TypeError as exc:  # unknown keyword
            raise ValueError(f"{where} expected config with keys {sorted(cls().config())}, got {sorted(config)}") from exc
        if not isinstance(arrays, dict) or set(arrays) != set(cls._fitted):
            got = sorted(arrays) if isinstance(arrays, dict) else type(arrays).__name__
            raise ValueError(f"{where} expected arrays with keys {sorted(cls._fitted)}, got {got}")
        checked = {}
        for name in cls._fitted:
            arr = arrays[name]
            if (not isinstance(arr, np.ndarray) or arr.dtype not in (np.float32, np.float64) or arr.ndim != 1
                    or arr.shape[0] == 0):
                raise ValueError(f"{where} expected arrays[{name!r}] to be a float32 or float64 array of shape (D,), "
                                 f"got {_describe(arr)}")
            check_finite(arr, f"arrays[{name!r}]", where)
            checked[name] = arr.copy()
        shapes = {a.shape for a in checked.values()}
        dtypes = {a.dtype for a in checked.values()}
        if len(shapes) != 1 or len(dtypes) != 1:
            raise ValueError(f"{where} expected arrays of one shape (D,) and one dtype, got "
                             + ", ".join(f"{k} {a.shape} {a.dtype}" for k, a in checked.items()))
        cls._check_stats(checked, where)
        for name, value in checked.items():
            setattr(transform, name, value)
        return transform


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"shape {value.shape} and dtype {value.dtype}"
    return type(value).__name__


class Standardizer(_FittedTransform):
    r"""Shift and scale each feature to mean 0 and standard deviation 1, with statistics of the training set.

    ``fit(X_train)`` stores the per-feature mean :math:`\hat\mu_d` and standard deviation
    :math:`\hat\sigma_d` (maximum-likelihood, 1/N); ``transform(X)`` returns
    :math:`(X - \hat\mu) / \hat\sigma` for any X with the same D.

    Constant features: a feature whose :math:`\hat\sigma_d` is zero (or is rounding noise,
    at most :math:`10\,\epsilon_{\text{mach}}\max(|\hat\mu_d|, 1)`) gets scale 1 instead, so it
    maps to :math:`x - \hat\mu_d` (0 on the training set) rather than to 0/0 = NaN. The 8×8
    digits have such features: corner pixels that are blank in every training image.

    Saving: ``config()`` and ``fitted_arrays()`` are plain data; ``Standardizer.from_fitted``
    rebuilds the same transform, and ``nnlib.io.save_model(..., transform=scaler)`` stores it
    with the model.

    Attributes
    ----------
    mean_ : ndarray, shape (D,)
    scale_ : ndarray, shape (D,)
        :math:`\hat\sigma_d`, or 1 for constant features.
    """
    _fitted = ("mean_", "scale_")

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    @staticmethod
    def _fit_stats(X):
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        return {"mean_": mean, "scale_": np.where(std > _noise_level(mean, X.dtype), std, 1).astype(X.dtype)}

    @staticmethod
    def _check_stats(arrays, where):
        if not np.all(arrays["scale_"] > 0):
            raise ValueError(f"{where} expected arrays['scale_'] > 0, got minimum {arrays['scale_'].min()!r}")

    def transform(self, X):
        r""":math:`(X - \hat\mu)/\hat\sigma`, shape (N, D), in X's float dtype."""
        X = self._checked(X, "Standardizer.transform")
        return checked_arithmetic("Standardizer.transform", "X", lambda X: (X - self.mean_.astype(X.dtype, copy=False))
                                  / self.scale_.astype(X.dtype, copy=False), X)

    def inverse_transform(self, Z):
        r""":math:`Z\hat\sigma + \hat\mu`: back to the original units (e.g. standardized regression targets)."""
        Z = self._checked(Z, "Standardizer.inverse_transform")
        return checked_arithmetic("Standardizer.inverse_transform", "X", lambda Z: Z * self.scale_.astype(Z.dtype, copy=False)
                                  + self.mean_.astype(Z.dtype, copy=False), Z)

    def __repr__(self):
        return "Standardizer()"


def _check_feature_range(feature_range, where):
    try:
        low, high = feature_range
        ok = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                 for v in (low, high))
    except (TypeError, ValueError):
        ok = False
    if ok:
        low, high = float(low), float(high)
        ok = np.isfinite(low) and np.isfinite(high) and low < high and np.isfinite(high - low)
    if not ok:
        raise ValueError(f"{where} expected feature_range (low, high) of finite numbers with low < high, "
                         f"got {feature_range!r}")
    return low, high


class MinMaxScaler(_FittedTransform):
    r"""Map each feature's training range :math:`[m_d, M_d]` linearly onto ``feature_range`` (a, b).

    ``fit(X_train)`` stores the per-feature minimum :math:`m_d` and range :math:`r_d = M_d - m_d`;
    ``transform(X)`` returns :math:`a + (X - m)\,(b - a)/r`. New data outside the training
    range lands outside (a, b): the map is not clipped, as test data must be treated like
    training data.

    Constant features: a feature whose range is zero (or rounding noise, at most
    :math:`10\,\epsilon_{\text{mach}}\max(|m_d|, 1)`) gets range 1 instead, so it maps to
    :math:`a + (x - m_d)(b - a)`: the low end ``a`` on the training set, never 0/0 = NaN.

    Parameters
    ----------
    feature_range : (float, float)
        (a, b) with a < b, default (0, 1).

    Attributes
    ----------
    data_min_ : ndarray, shape (D,)
        :math:`m_d`.
    data_range_ : ndarray, shape (D,)
        :math:`r_d`, or 1 for constant features.
    """
    _fitted = ("data_min_", "data_range_")

    def __init__(self, feature_range=(0.0, 1.0)):
        self.feature_range = _check_feature_range(feature_range, "MinMaxScaler")
        self.data_min_ = None
        self.data_range_ = None

    @staticmethod
    def _fit_stats(X):
        low = X.min(axis=0)
        spread = X.max(axis=0) - low  # inf for features spanning more than 1.8e308: refused by fit
        return {"data_min_": low, "data_range_": np.where(spread > _noise_level(low, X.dtype), spread, 1).astype(X.dtype)}

    @staticmethod
    def _check_stats(arrays, where):
        if not np.all(arrays["data_range_"] > 0):
            raise ValueError(f"{where} expected arrays['data_range_'] > 0, "
                             f"got minimum {arrays['data_range_'].min()!r}")

    def config(self):
        return {"feature_range": list(self.feature_range)}

    def transform(self, X):
        r""":math:`a + (X - m)(b - a)/r`, shape (N, D), in X's float dtype."""
        X = self._checked(X, "MinMaxScaler.transform")
        low, high = self.feature_range
        scale = ((high - low) / self.data_range_).astype(X.dtype, copy=False)
        return checked_arithmetic("MinMaxScaler.transform", "X",
                                  lambda X: low + (X - self.data_min_.astype(X.dtype, copy=False)) * scale, X)

    def inverse_transform(self, Z):
        r""":math:`m + (Z - a)\,r/(b - a)`: back to the original units."""
        Z = self._checked(Z, "MinMaxScaler.inverse_transform")
        low, high = self.feature_range
        scale = (self.data_range_ / (high - low)).astype(Z.dtype, copy=False)
        return checked_arithmetic("MinMaxScaler.inverse_transform", "X",
                                  lambda Z: (Z - low) * scale + self.data_min_.astype(Z.dtype, copy=False), Z)

    def __repr__(self):
        return f"MinMaxScaler(feature_range={self.feature_range!r})"


TRANSFORMS = {"Standardizer": Standardizer, "MinMaxScaler": MinMaxScaler}
"""Every transform ``nnlib.io.save_model`` can store, by class name."""


def one_hot(labels, n_classes, dtype=np.float64):
    r"""Integer labels (N,) -> one-hot rows (N, K): :math:`Y_{nk} = \mathbb 1[k = y_n]`.

    ``one_hot(y, K).argmax(axis=1)`` gives ``y`` back.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Values in [0, K).
    n_classes : int
        K.
    dtype : float32 or float64
    """
    where = "one_hot"
    _check_int(n_classes, "n_classes", where, 1)
    try:
        arr = np.asarray(labels)
    except Exception as exc:  # ragged lists
        raise ValueError(f"{where} expected labels to be integer class labels, got {type(labels).__name__}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{where} expected labels of shape (N,), got shape {arr.shape}")
    arr = check_labels(arr, n_classes, "labels", where)
    out = np.zeros((arr.shape[0], n_classes), dtype=dtype)
    out[np.arange(arr.shape[0]), arr] = 1
    return out


def _split_counts(n, fractions):
    """Sizes (train, val, test) for n examples: val and test rounded, train gets the rest."""
    n_val = int(round(fractions[1] * n))
    n_test = int(round(fractions[2] * n))
    return n - n_val - n_test, n_val, n_test


def train_val_test_split(X, y, fractions, rng, *, stratify=False):
    r"""Shuffle, then cut X and y into training, validation and test sets.

    Parameters
    ----------
    X : array_like, shape (N, ...)
    y : array_like, shape (N, ...)
    fractions : (float, float, float)
        Shares (train, val, test), each >= 0, train > 0, summing to 1. The validation and
        test sizes are ``round(fraction * N)``; the training set takes the rest.
    rng : numpy.random.Generator
        Draws the shuffle.
    stratify : bool
        False (default): one shuffle of all examples. True: ``y`` must be integer labels
        (N,); each class is shuffled and split on its own with the same fractions, so every
        set keeps the class proportions (sizes can then differ from the unstratified ones by
        up to one example per class). Each set is then shuffled, so classes come mixed.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
        Copies of the chosen rows (fancy indexing); a set can be empty if its fraction is 0.
    """
    where = "train_val_test_split"
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or X.shape[0] == 0:
        raise ValueError(f"{where} expected X of shape (N, ...) with N >= 1, got shape {X.shape}")
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"{where} expected y with {X.shape[0]} rows like X, got shape {y.shape}")
    try:
        fr = np.asarray(fractions, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} expected fractions to be three numbers, got {fractions!r}") from exc
    if (fr.shape != (3,) or not np.all(np.isfinite(fr)) or np.any(fr < 0) or fr[0] <= 0
            or abs(fr.sum() - 1) > 1e-9):
        raise ValueError(f"{where} expected fractions (train, val, test) >= 0 with train > 0 and sum 1, "
                         f"got {fractions!r}")
    _check_rng(rng, where)
    if stratify:
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise ValueError(f"{where} with stratify=True expected y to be integer labels (N,), "
                             f"got shape {y.shape} and dtype {y.dtype}")
        parts = ([], [], [])
        for label in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == label))
            n_train, n_val, _ = _split_counts(len(members), fr)
            for part, idx in zip(parts, np.split(members, [n_train, n_train + n_val])):
                part.append(idx)
        index_sets = [rng.permutation(np.concatenate(part)) for part in parts]
    else:
        order = rng.permutation(X.shape[0])
        n_train, n_val, _ = _split_counts(X.shape[0], fr)
        index_sets = np.split(order, [n_train, n_train + n_val])
    if len(index_sets[0]) == 0:
        raise ValueError(f"{where} expected a non-empty training set, got 0 of {X.shape[0]} examples "
                         f"with fractions {fractions!r}")
    return tuple((X[idx], y[idx]) for idx in index_sets)


def kfold_indices(n, k, rng):
    """Indices for k-fold cross-validation: shuffle 0..n-1 once, cut into k folds of nearly equal size.

    Every index is in exactly one validation fold (fold sizes differ by at most one).

    Parameters
    ----------
    n : int
        Number of examples, n >= k.
    k : int
        Number of folds, k >= 2.
    rng : numpy.random.Generator
        Draws the shuffle (drawn when kfold_indices is called, not when iterated).

    Returns
    -------
    iterator of (train_idx, val_idx)
        k pairs of int arrays; ``train_idx`` holds the other k - 1 folds, both sorted.
    """
    where = "kfold_indices"
    _check_int(n, "n", where, 1)
    _check_int(k, "k", where, 2)
    if k > n:
        raise ValueError(f"{where} expected k <= n (every fold needs an example), got k={k} and n={n}")
    _check_rng(rng, where)
    folds = np.array_split(rng.permutation(n), k)

    def pairs():
        for i in range(k):
            val_idx = np.sort(folds[i])
            train_idx = np.sort(np.concatenate(folds[:i] + folds[i + 1:]))
            yield train_idx, val_idx

    return pairs()
