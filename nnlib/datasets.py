r"""Small data sets: generated ones (explicit ``rng``) and the 8×8 digits shipped with nnlib.

Every generator returns ``X`` of shape (N, D) (float64) and ``y``: integer class labels
(N,) for the classification sets, targets (N, 1) for ``sine_regression``. Examples come
grouped by class, not shuffled; ``fit`` shuffles every epoch and
``preprocessing.train_val_test_split`` shuffles before splitting.

``load_digits`` reads a copy of the UCI optical-digits set that ships inside the package
(``nnlib/data/digits.npz``; source, licence and checksum in ``nnlib/data/README.md``):
nothing is downloaded.
"""
import hashlib
from pathlib import Path

import numpy as np

from ._checks import check_positive_int

__all__ = ["spiral", "sine_regression", "two_moons", "blobs", "xor", "load_digits"]

_DIGITS_PATH = Path(__file__).parent / "data" / "digits.npz"
# sha256 of nnlib/data/digits.npz, also recorded in nnlib/data/README.md
DIGITS_SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"


def _check_noise(value, name, where):
    if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
            or not np.isfinite(value) or value < 0):
        raise ValueError(f"{where} expected {name} >= 0, got {value!r}")


def _check_rng(rng, where):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{where} expected rng to be a numpy Generator "
                         f"(np.random.default_rng(seed)), got {type(rng).__name__}")


def spiral(n_per_class, n_classes, noise, rng):
    r"""Interleaved spiral arms in the plane, one arm per class (chapters on non-linear boundaries).

    Point :math:`i` of class :math:`k` sits at radius :math:`r_i = i/(n-1)` and angle
    :math:`\theta_i = 2\pi k/K + 4 r_i + \varepsilon_i`, :math:`\varepsilon_i \sim \mathcal N(0, \text{noise}^2)`:
    :math:`x_i = r_i(\cos\theta_i, \sin\theta_i)`. No straight line separates two arms.

    Parameters
    ----------
    n_per_class : int
        Points per arm, n.
    n_classes : int
        Number of arms, K >= 1.
    noise : float
        Standard deviation of the angle noise, in radians (0.2 gives arms that still separate).
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (K n, 2)
    y : ndarray of int64, shape (K n,)
    """
    where = "spiral"
    check_positive_int(n_per_class, "n_per_class", where)
    check_positive_int(n_classes, "n_classes", where)
    _check_noise(noise, "noise", where)
    _check_rng(rng, where)
    r = np.linspace(0.0, 1.0, n_per_class)
    X = np.empty((n_per_class * n_classes, 2))
    for k in range(n_classes):  # a loop over classes, not examples
        theta = 2 * np.pi * k / n_classes + 4 * r + noise * rng.standard_normal(n_per_class)
        rows = slice(k * n_per_class, (k + 1) * n_per_class)
        X[rows, 0] = r * np.cos(theta)
        X[rows, 1] = r * np.sin(theta)
    y = np.repeat(np.arange(n_classes), n_per_class)
    return X, y


def sine_regression(n, noise, rng):
    r"""Noisy samples of one period of a sine: :math:`y = \sin(2\pi x) + \varepsilon`.

    :math:`x \sim U(0, 1)`, sorted so that ``plot(X, y)`` draws a curve;
    :math:`\varepsilon \sim \mathcal N(0, \text{noise}^2)`.

    Parameters
    ----------
    n : int
        Number of examples N.
    noise : float
        Standard deviation of the target noise (0 gives the exact curve).
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (N, 1)
    y : ndarray, shape (N, 1)
    """
    where = "sine_regression"
    check_positive_int(n, "n", where)
    _check_noise(noise, "noise", where)
    _check_rng(rng, where)
    x = np.sort(rng.uniform(0.0, 1.0, n))
    y = np.sin(2 * np.pi * x) + noise * rng.standard_normal(n)
    return x[:, None], y[:, None]


def two_moons(n_per_class, noise, rng):
    r"""Two interleaved half circles ("moons"), class 0 on top, class 1 below and shifted.

    Class 0: :math:`(\cos t, \sin t)`; class 1: :math:`(1 - \cos t, \tfrac12 - \sin t)`, with
    :math:`t` evenly spaced in :math:`[0, \pi]`, plus Gaussian noise of standard deviation
    ``noise`` on both coordinates.

    Parameters
    ----------
    n_per_class : int
    noise : float
        Standard deviation of the coordinate noise (0.1 keeps the moons apart).
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (2 n, 2)
    y : ndarray of int64, shape (2 n,)
    """
    where = "two_moons"
    check_positive_int(n_per_class, "n_per_class", where)
    _check_noise(noise, "noise", where)
    _check_rng(rng, where)
    t = np.linspace(0.0, np.pi, n_per_class)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((2 * n_per_class, 2))
    y = np.repeat(np.arange(2), n_per_class)
    return X, y


def blobs(n_per_class, centers, std, rng):
    r"""Gaussian clouds: class :math:`k` is :math:`\mathcal N(\mu_k, \text{std}^2 I)`.

    Parameters
    ----------
    n_per_class : int
    centers : array_like, shape (K, D)
        The means :math:`\mu_k`, one row per class.
    std : float
        Standard deviation of every coordinate around its center.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (K n, D)
    y : ndarray of int64, shape (K n,)
    """
    where = "blobs"
    check_positive_int(n_per_class, "n_per_class", where)
    _check_noise(std, "std", where)
    _check_rng(rng, where)
    try:
        centers = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} expected centers to be an array of numbers, got {type(centers).__name__}") from exc
    if centers.ndim != 2 or centers.shape[0] == 0 or centers.shape[1] == 0:
        raise ValueError(f"{where} expected centers of shape (K, D), got shape {centers.shape}")
    if not np.all(np.isfinite(centers)):
        raise ValueError(f"{where} expected centers to be finite, got {centers.tolist()}")
    k, d = centers.shape
    X = np.repeat(centers, n_per_class, axis=0) + std * rng.standard_normal((k * n_per_class, d))
    y = np.repeat(np.arange(k), n_per_class)
    return X, y


def xor(n_per_corner, noise, rng):
    r"""The XOR problem: Gaussian clouds at the four corners :math:`(\pm1, \pm1)`.

    The label is 1 where the two coordinates have opposite signs (exclusive or of
    ":math:`x_1 > 0`" and ":math:`x_2 > 0`"), 0 otherwise, so no single line separates the
    classes. Corners come in the order (−1, −1), (−1, 1), (1, −1), (1, 1).

    Parameters
    ----------
    n_per_corner : int
    noise : float
        Standard deviation of each cloud (below about 0.4 the clouds barely overlap).
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray, shape (4 n, 2)
    y : ndarray of int64, shape (4 n,), values in {0, 1}
    """
    where = "xor"
    check_positive_int(n_per_corner, "n_per_corner", where)
    _check_noise(noise, "noise", where)
    _check_rng(rng, where)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    X = np.repeat(corners, n_per_corner, axis=0) + noise * rng.standard_normal((4 * n_per_corner, 2))
    y = np.repeat(np.array([0, 1, 1, 0]), n_per_corner)
    return X, y


def load_digits():
    """The 8×8 handwritten digits (UCI optical digits, as distributed with scikit-learn).

    1797 grey-level images of the digits 0-9, each pixel the count of "on" pixels in a 4×4
    block of the original 32×32 bitmap, hence an integer in [0, 16]. About 180 images per
    class. The file's sha256 is checked before it is read.

    Returns
    -------
    X : ndarray of float64, shape (1797, 64)
        One flattened image per row (``X[n].reshape(8, 8)`` gives the picture), values in [0, 16].
    y : ndarray of int64, shape (1797,)
        The digit, 0-9.

    Raises
    ------
    ValueError
        If the shipped file does not match its recorded checksum.
    """
    data = _DIGITS_PATH.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != DIGITS_SHA256:
        raise ValueError(f"load_digits expected {_DIGITS_PATH} to have sha256 {DIGITS_SHA256}, got {digest} "
                         "(the file is damaged; reinstall nnlib)")
    with np.load(_DIGITS_PATH, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]
    return images.reshape(len(images), 64).astype(np.float64), labels.astype(np.int64)
