r"""Image augmentation: new training images from old ones (chapter 11, "Data preparation and augmentation").

Every function takes a batch of grey-level images of shape (N, H, W) and returns a new array
(the input is never changed), in the input's float dtype. Geometric transforms:
``flip_horizontal``, ``flip_vertical``, ``rotate90``, ``rotate``, ``scale``, ``translate``,
``crop``, ``random_crop`` and ``resize``; pixel noise: ``gaussian_noise`` and
``salt_and_pepper``. Anything random takes an explicit ``rng``; the deterministic transforms
take one parameter for the whole batch or one per image, so a random version is one line,
e.g. ``rotate(x, rng.uniform(-15, 15, len(x)))``.

**Interpolation.** ``rotate``, ``scale`` and ``resize`` compute, for every output pixel, the
point of the input it comes from (the inverse map) and read the input there by *bilinear
interpolation*: the weighted mean of the four surrounding pixels, each weighted by the area of
the opposite sub-rectangle. Points outside the input read 0 (the background of the digits) in
``rotate`` and ``scale``; ``resize`` clamps them to the border pixel. Pixel centres sit at
integer coordinates and an image of size H×W rotates and scales about ((H-1)/2, (W-1)/2).

**Labels.** An augmentation must not change what the image means. On digits, flipping both
ways (vertically and horizontally, the same as a 180° rotation, ``rotate90(x, 2)``) changes
the label's meaning: it turns a 6 into a 9 and a 9 into a 6. A vertical flip alone gives a
mirror-written 9 and a horizontal flip mirror writing in general; only 0, 1 and 8 survive
flips as themselves. Keep flips for data whose meaning is symmetric (a photo of a cat
mirrored left-right is still a cat).
"""
import numpy as np

from ._checks import check_positive_int, check_probability, check_rng, finite_array

__all__ = ["flip_horizontal", "flip_vertical", "rotate90", "rotate", "scale", "translate", "crop",
           "random_crop", "resize", "gaussian_noise", "salt_and_pepper"]


def _images(images, where):
    x = finite_array(images, "images", where)
    if x.ndim != 3 or 0 in x.shape:
        raise ValueError(f"{where} expected images of shape (N, H, W) with N, H, W >= 1, got shape {x.shape}")
    return x


def _per_image(value, n, name, where, *, integer=False, positive=False):
    """A scalar or one value per image -> array (N,); rejects anything else by name."""
    arr = np.asarray(value)
    ok = arr.dtype.kind in ("iu" if integer else "iuf") and arr.ndim in (0, 1)
    if ok and arr.ndim == 1:
        ok = arr.shape[0] == n
    if ok:
        ok = bool(np.all(np.isfinite(arr))) and (not positive or bool(np.all(arr > 0)))
    if not ok:
        kind = "an integer" if integer else ("a number > 0" if positive else "a finite number")
        raise ValueError(f"{where} expected {name} to be {kind} or one per image (shape ({n},)), got {value!r}")
    return np.broadcast_to(arr, (n,))


def _bilinear(x, rows, cols):
    """Read x (N, H, W) at float coordinates rows, cols (N, H', W'); 0 outside the image."""
    n, h, w = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))          # a ring of zeros: index -1 and H read 0
    r0, c0 = np.floor(rows), np.floor(cols)
    fr, fc = (rows - r0).astype(x.dtype), (cols - c0).astype(x.dtype)
    r0, c0 = r0.astype(np.int64), c0.astype(np.int64)
    # +1 for the padding; clipping sends far-away points to the zero ring
    ra, rb = np.clip(r0, -1, h) + 1, np.clip(r0 + 1, -1, h) + 1
    ca, cb = np.clip(c0, -1, w) + 1, np.clip(c0 + 1, -1, w) + 1
    idx = np.arange(n)[:, None, None]
    return ((1 - fr) * ((1 - fc) * padded[idx, ra, ca] + fc * padded[idx, ra, cb])
            + fr * ((1 - fc) * padded[idx, rb, ca] + fc * padded[idx, rb, cb]))


def _output_grid(n, h, w, dtype=np.float64):
    """Row and column coordinates of every output pixel, shape (N, H, W) each."""
    rows, cols = np.meshgrid(np.arange(h, dtype=dtype), np.arange(w, dtype=dtype), indexing="ij")
    return np.broadcast_to(rows, (n, h, w)), np.broadcast_to(cols, (n, h, w))


def flip_horizontal(images):
    """Mirror left-right: ``out[n, i, j] = x[n, i, W-1-j]``. Applying it twice gives x back.

    Turns most digits into mirror writing (0, 1 and 8 survive). Shape (N, H, W) -> (N, H, W).
    """
    return _images(images, "flip_horizontal")[:, :, ::-1].copy()


def flip_vertical(images):
    """Turn upside down: ``out[n, i, j] = x[n, H-1-i, j]``. Applying it twice gives x back.

    Upside down, a 6 is a mirror-written 9; followed by ``flip_horizontal`` (together a 180°
    rotation) it *is* a 9: flips change a digit's label. Shape (N, H, W) -> (N, H, W).
    """
    return _images(images, "flip_vertical")[:, ::-1, :].copy()


def rotate90(images, k=1):
    """Rotate by k·90° counter-clockwise (as ``imshow`` draws it), exactly: no interpolation.

    k = 2 is both flips, and **changes a digit's label**: it maps 6 ↔ 9. Four quarter turns
    give x back. Shape (N, H, W) ->
    (N, H, W) for even k, (N, W, H) for odd k.
    """
    x = _images(images, "rotate90")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"rotate90 expected k to be an integer number of quarter turns, got {k!r}")
    return np.rot90(x, int(k), axes=(1, 2)).copy()


def rotate(images, angle, *, keep_size=True):
    r"""Rotate counter-clockwise (as ``imshow`` draws it) by ``angle`` degrees about the image centre.

    Output pixel at offset :math:`(u, v)` = (right, up) from the centre reads the input at
    the offset rotated back, :math:`(u\cos\theta + v\sin\theta,\; -u\sin\theta + v\cos\theta)`,
    by bilinear interpolation (module docstring); points outside the input read 0.

    Parameters
    ----------
    images : array_like, shape (N, H, W)
    angle : float or array_like, shape (N,)
        Degrees; one angle for the batch or one per image.
    keep_size : bool
        True: the output is H×W and the corners that leave the frame are cut off. False: the
        output grows to hold the whole rotated image, :math:`H' = \lceil H|\cos\theta| + W|\sin\theta| - 10^{-9}\rceil`
        and :math:`W' = \lceil W|\cos\theta| + H|\sin\theta| - 10^{-9}\rceil` (``angle`` must then be one number).

    Returns
    -------
    ndarray, shape (N, H, W), or (N, H', W') with ``keep_size=False``
    """
    where = "rotate"
    x = _images(images, where)
    n, h, w = x.shape
    theta = np.deg2rad(_per_image(angle, n, "angle", where).astype(np.float64))
    out_h, out_w = h, w
    if not keep_size:
        if np.ndim(angle) != 0:
            raise ValueError(f"{where} with keep_size=False expected one angle for the batch "
                             f"(the output size depends on it), got shape {np.shape(angle)}")
        c, s = abs(np.cos(theta[0])), abs(np.sin(theta[0]))
        out_h, out_w = int(np.ceil(h * c + w * s - 1e-9)), int(np.ceil(w * c + h * s - 1e-9))
    rows, cols = _output_grid(n, out_h, out_w)
    u, v = cols - (out_w - 1) / 2, (out_h - 1) / 2 - rows          # right and up from the centre
    cos, sin = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]
    u_in, v_in = cos * u + sin * v, -sin * u + cos * v
    return _bilinear(x, (h - 1) / 2 - v_in, u_in + (w - 1) / 2)


def scale(images, factor):
    r"""Zoom about the image centre by ``factor``, keeping the size H×W.

    Output pixel at offset :math:`d` from the centre reads the input at :math:`d/\text{factor}`
    (bilinear; 0 outside): factor > 1 enlarges the digit and cuts the border off, factor < 1
    shrinks it inside a frame of zeros.

    Parameters
    ----------
    images : array_like, shape (N, H, W)
    factor : float > 0 or array_like, shape (N,)

    Returns
    -------
    ndarray, shape (N, H, W)
    """
    where = "scale"
    x = _images(images, where)
    n, h, w = x.shape
    f = _per_image(factor, n, "factor", where, positive=True).astype(np.float64)[:, None, None]
    rows, cols = _output_grid(n, h, w)
    return _bilinear(x, (rows - (h - 1) / 2) / f + (h - 1) / 2, (cols - (w - 1) / 2) / f + (w - 1) / 2)


def translate(images, shift_rows, shift_cols):
    """Shift by whole pixels (down and right for positive shifts), filling the gap with 0.

    Exact (no interpolation): ``out[n, i, j] = x[n, i - shift_rows, j - shift_cols]`` where that
    pixel exists, else 0. Shifts of H or W pixels or more give a blank image.

    Parameters
    ----------
    images : array_like, shape (N, H, W)
    shift_rows, shift_cols : int or array_like of int, shape (N,)

    Returns
    -------
    ndarray, shape (N, H, W)
    """
    where = "translate"
    x = _images(images, where)
    n, h, w = x.shape
    dr = _per_image(shift_rows, n, "shift_rows", where, integer=True)
    dc = _per_image(shift_cols, n, "shift_cols", where, integer=True)
    rows, cols = _output_grid(n, h, w, dtype=np.int64)
    src_r, src_c = rows - dr[:, None, None], cols - dc[:, None, None]
    inside = (src_r >= 0) & (src_r < h) & (src_c >= 0) & (src_c < w)
    idx = np.arange(n)[:, None, None]
    return np.where(inside, x[idx, np.clip(src_r, 0, h - 1), np.clip(src_c, 0, w - 1)], 0).astype(x.dtype)


def crop(images, top, left, height, width):
    """The window of ``height`` × ``width`` pixels whose top-left pixel is (top, left), same for every image.

    Shape (N, H, W) -> (N, height, width); the window must lie inside the image.
    """
    where = "crop"
    x = _images(images, where)
    _, h, w = x.shape
    height, width = check_positive_int(height, "height", where), check_positive_int(width, "width", where)
    for name, value, size, limit in (("top", top, height, h), ("left", left, width, w)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= limit - size:
            raise ValueError(f"{where} expected {name} to be an integer in [0, {limit - size}] "
                             f"(a window of {size} inside {limit} pixels), got {value!r}")
    return x[:, top:top + height, left:left + width].copy()


def random_crop(images, height, width, rng):
    """A ``height`` × ``width`` window at a uniformly random position, drawn for each image.

    Shape (N, H, W) -> (N, height, width). ``resize`` it back to H×W for the "crop and
    resize" augmentation. Draws ``rng.integers`` for the rows, then for the columns.
    """
    where = "random_crop"
    x = _images(images, where)
    n, h, w = x.shape
    height, width = check_positive_int(height, "height", where), check_positive_int(width, "width", where)
    if height > h or width > w:
        raise ValueError(f"{where} expected a window no larger than the image ({h}, {w}), "
                         f"got height={height}, width={width}")
    check_rng(rng, where)
    top = rng.integers(0, h - height + 1, size=n)
    left = rng.integers(0, w - width + 1, size=n)
    rows = top[:, None, None] + np.arange(height)[None, :, None]
    cols = left[:, None, None] + np.arange(width)[None, None, :]
    return x[np.arange(n)[:, None, None], rows, cols]


def resize(images, height, width):
    r"""Resample to ``height`` × ``width`` pixels by bilinear interpolation.

    Output pixel :math:`i` reads the input at :math:`(i + \tfrac12)\,H/\text{height} - \tfrac12`
    (pixel centres stay aligned), clamped to the border, so halving a size averages 2×2 blocks
    exactly and a constant image stays constant. Shape (N, H, W) -> (N, height, width).
    """
    where = "resize"
    x = _images(images, where)
    n, h, w = x.shape
    height, width = check_positive_int(height, "height", where), check_positive_int(width, "width", where)
    rows, cols = _output_grid(n, height, width)
    rows = np.clip((rows + 0.5) * h / height - 0.5, 0, h - 1)
    cols = np.clip((cols + 0.5) * w / width - 0.5, 0, w - 1)
    return _bilinear(x, rows, cols)


def gaussian_noise(images, std, rng):
    r"""Add independent :math:`\mathcal N(0, \text{std}^2)` noise to every pixel: ``x + std * rng.standard_normal(x.shape)``.

    Not clipped, so the mean of every pixel is unchanged and its variance grows by std².
    Shape (N, H, W) -> (N, H, W).
    """
    where = "gaussian_noise"
    x = _images(images, where)
    if isinstance(std, bool) or not isinstance(std, (int, float, np.integer, np.floating)) \
            or not np.isfinite(std) or std < 0:
        raise ValueError(f"{where} expected std >= 0, got {std!r}")
    check_rng(rng, where)
    return x + (std * rng.standard_normal(x.shape)).astype(x.dtype)


def salt_and_pepper(images, amount, rng, *, low=0.0, high=1.0):
    """Replace a random fraction ``amount`` of the pixels by ``low`` (pepper) or ``high`` (salt), half each.

    Each pixel independently: with probability amount/2 it becomes ``high``, with probability
    amount/2 ``low``, else it is kept. Draws one ``rng.random(x.shape)`` array. Use the data's
    own range (``high=16`` for the raw digits). Shape (N, H, W) -> (N, H, W).
    """
    where = "salt_and_pepper"
    x = _images(images, where)
    check_probability(amount, "amount", where)
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value):
            raise ValueError(f"{where} expected {name} to be a finite number, got {value!r}")
    check_rng(rng, where)
    u = rng.random(x.shape)
    out = x.copy()
    out[u < amount / 2] = high
    out[(u >= amount / 2) & (u < amount)] = low
    return out
