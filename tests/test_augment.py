"""Image augmentations: shapes, exact symmetries, interpolation limits, noise statistics, rng, errors."""
import numpy as np
import pytest

from nnlib import augment
from nnlib.datasets import load_digits


@pytest.fixture
def images(rng):
    return rng.random((5, 6, 7))          # not square, so rows and columns cannot be confused


@pytest.fixture
def digits():
    X, y = load_digits()
    return X.reshape(-1, 8, 8), y


# --- shapes and the input is never changed -------------------------------------------------------

@pytest.mark.parametrize("transform, shape", [
    (lambda x: augment.flip_horizontal(x), (5, 6, 7)),
    (lambda x: augment.flip_vertical(x), (5, 6, 7)),
    (lambda x: augment.rotate90(x), (5, 7, 6)),
    (lambda x: augment.rotate90(x, 2), (5, 6, 7)),
    (lambda x: augment.rotate(x, 30.0), (5, 6, 7)),
    (lambda x: augment.rotate(x, 90.0, keep_size=False), (5, 7, 6)),
    (lambda x: augment.scale(x, 1.3), (5, 6, 7)),
    (lambda x: augment.translate(x, 1, -2), (5, 6, 7)),
    (lambda x: augment.crop(x, 1, 2, 4, 3), (5, 4, 3)),
    (lambda x: augment.random_crop(x, 4, 5, np.random.default_rng(0)), (5, 4, 5)),
    (lambda x: augment.resize(x, 12, 3), (5, 12, 3)),
    (lambda x: augment.gaussian_noise(x, 0.1, np.random.default_rng(0)), (5, 6, 7)),
    (lambda x: augment.salt_and_pepper(x, 0.2, np.random.default_rng(0)), (5, 6, 7)),
])
def test_shapes_dtype_and_input_untouched(images, transform, shape):
    before = images.copy()
    out = transform(images)
    assert out.shape == shape
    assert out.dtype == np.float64
    np.testing.assert_array_equal(images, before)
    out32 = transform(images.astype(np.float32))
    assert out32.dtype == np.float32


def test_rotate_keep_size_false_holds_the_whole_image(rng):
    x = rng.random((1, 8, 4))
    out = augment.rotate(x, 30.0, keep_size=False)
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    assert out.shape == (1, int(np.ceil(8 * c + 4 * s)), int(np.ceil(4 * c + 8 * s)))
    # nothing is cut off: bilinear interpolation keeps the total brightness up to rounding at the rim
    assert abs(out.sum() - x.sum()) < 0.05 * x.sum()
    assert augment.rotate(x, 180.0, keep_size=False).shape == (1, 8, 4)


# --- exact symmetries -----------------------------------------------------------------------------

def test_flips_are_involutions_and_mirror_the_right_axis(images):
    np.testing.assert_array_equal(augment.flip_horizontal(augment.flip_horizontal(images)), images)
    np.testing.assert_array_equal(augment.flip_vertical(augment.flip_vertical(images)), images)
    np.testing.assert_array_equal(augment.flip_horizontal(images)[:, :, 0], images[:, :, -1])
    np.testing.assert_array_equal(augment.flip_vertical(images)[:, 0, :], images[:, -1, :])


def test_four_quarter_turns_are_the_identity_and_two_are_both_flips(images):
    out = images
    for _ in range(4):
        out = augment.rotate90(out)
    np.testing.assert_array_equal(out, images)
    np.testing.assert_array_equal(augment.rotate90(images, 2),
                                  augment.flip_vertical(augment.flip_horizontal(images)))


def test_rotate_by_multiples_of_90_matches_the_exact_quarter_turn(rng):
    x = rng.random((3, 6, 6))
    for k in range(4):
        np.testing.assert_allclose(augment.rotate(x, 90.0 * k), augment.rotate90(x, k), atol=1e-12)
    np.testing.assert_allclose(augment.rotate(x, 0.0), x, atol=0)


def test_rotate_is_counter_clockwise_as_drawn():
    x = np.zeros((1, 5, 5))
    x[0, 2, 4] = 1.0                        # a dot right of the centre
    out = augment.rotate(x, 90.0)
    assert out[0, 0, 2] == pytest.approx(1.0)   # a quarter turn to the left puts it above


def test_rotate_per_image_angles_equal_one_call_per_image(images):
    angles = np.array([0.0, 10.0, -25.0, 45.0, 170.0])
    together = augment.rotate(images, angles)
    for n, a in enumerate(angles):
        np.testing.assert_allclose(together[n], augment.rotate(images[n:n + 1], a)[0], atol=1e-14)


def test_bilinear_half_pixel_is_the_mean_of_neighbours():
    x = np.arange(16.0).reshape(1, 4, 4)
    # 180 degrees about the centre of a 4x4 image lands exactly on pixels; scale 1 is the identity
    np.testing.assert_allclose(augment.scale(x, 1.0), x, atol=1e-14)
    np.testing.assert_allclose(augment.rotate(x, 180.0), x[:, ::-1, ::-1], atol=1e-12)
    # resizing 4x4 to 2x2 reads the input at (0.5, 0.5), (0.5, 2.5), ...: the 2x2 block means
    blocks = x.reshape(1, 2, 2, 2, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(augment.resize(x, 2, 2), blocks, atol=1e-14)


def test_resize_keeps_a_constant_image_constant_and_same_size_is_identity(images):
    const = np.full((2, 5, 3), 7.0)
    np.testing.assert_allclose(augment.resize(const, 11, 4), 7.0, atol=1e-12)
    np.testing.assert_allclose(augment.resize(images, 6, 7), images, atol=1e-14)


def test_scale_zooms_about_the_centre(rng):
    x = np.zeros((1, 9, 9))
    x[0, 4, 6] = 1.0                         # two pixels right of the centre
    assert augment.scale(x, 2.0)[0, 4, 8] == pytest.approx(1.0)   # twice as far out
    shrunk = augment.scale(rng.random((2, 8, 8)), 0.5)
    np.testing.assert_array_equal(shrunk[:, 0, :], 0)             # a frame of zeros
    np.testing.assert_array_equal(shrunk[:, :, -1], 0)


def test_translate_moves_pixels_and_fills_zeros(images):
    out = augment.translate(images, 2, -1)
    np.testing.assert_array_equal(out[:, 2:, :-1], images[:, :-2, 1:])
    np.testing.assert_array_equal(out[:, :2, :], 0)
    np.testing.assert_array_equal(out[:, :, -1], 0)
    back = augment.translate(out, -2, 1)
    np.testing.assert_array_equal(back[:, :-2, 1:], images[:, :-2, 1:])   # what stayed inside comes back
    np.testing.assert_array_equal(augment.translate(images, 6, 0), 0)
    per_image = augment.translate(images, np.array([0, 1, 2, 3, 4]), 0)
    for n in range(5):
        np.testing.assert_array_equal(per_image[n], augment.translate(images[n:n + 1], n, 0)[0])


def test_crop_and_random_crop_take_windows_of_the_input(images, rng):
    np.testing.assert_array_equal(augment.crop(images, 1, 2, 4, 3), images[:, 1:5, 2:5])
    out = augment.random_crop(images, 4, 5, rng)
    for n in range(len(images)):
        matches = [(t, l) for t in range(3) for l in range(3)
                   if np.array_equal(out[n], images[n, t:t + 4, l:l + 5])]
        assert matches, f"image {n}: the random crop is no window of the input"


# --- the digit that changes its label -------------------------------------------------------------

def test_rotating_a_six_by_180_degrees_resembles_the_nines(digits):
    # nearest class mean: an upside-down 6 is closer to the mean 9 than to the mean 6
    x, y = digits
    means = np.stack([x[y == k].mean(axis=0) for k in range(10)])
    turned = augment.rotate90(x[y == 6], 2)
    nearest = np.argmin(((turned[:, None] - means[None]) ** 2).sum(axis=(2, 3)), axis=1)
    assert np.mean(nearest == 9) > 0.5
    assert np.mean(nearest == 6) < 0.1


# --- noise statistics -----------------------------------------------------------------------------

def test_gaussian_noise_mean_and_variance_within_five_standard_errors(rng):
    x = np.full((40, 16, 16), 3.0)
    std = 0.7
    noise = (augment.gaussian_noise(x, std, rng) - x).ravel()
    m = noise.size
    # mean of m N(0, s^2) draws: standard error s/sqrt(m); sample variance: s^2 sqrt(2/(m-1))
    assert abs(noise.mean()) < 5 * std / np.sqrt(m)
    assert abs(noise.var(ddof=1) - std**2) < 5 * std**2 * np.sqrt(2 / (m - 1))
    np.testing.assert_array_equal(augment.gaussian_noise(x, 0.0, rng), x)


def test_salt_and_pepper_fractions_within_five_standard_errors(rng):
    x = np.full((50, 16, 16), 0.5)
    amount = 0.2
    out = augment.salt_and_pepper(x, amount, rng, low=-1.0, high=2.0)
    m = x.size
    for value in (2.0, -1.0):               # salt and pepper, amount/2 each
        p = np.mean(out == value)
        assert abs(p - amount / 2) < 5 * np.sqrt(amount / 2 * (1 - amount / 2) / m)
    assert set(np.unique(out)) <= {-1.0, 0.5, 2.0}
    np.testing.assert_array_equal(augment.salt_and_pepper(x, 0.0, rng), x)
    assert set(np.unique(augment.salt_and_pepper(x, 1.0, rng))) <= {0.0, 1.0}


# --- reproducibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("draw", [
    lambda x, rng: augment.gaussian_noise(x, 0.3, rng),
    lambda x, rng: augment.salt_and_pepper(x, 0.3, rng),
    lambda x, rng: augment.random_crop(x, 3, 3, rng),
])
def test_same_seed_same_result_other_seed_other_result(images, draw):
    a = draw(images, np.random.default_rng(7))
    b = draw(images, np.random.default_rng(7))
    c = draw(images, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# --- bad input is refused by name ------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda x: augment.flip_horizontal(x[0]), r"flip_horizontal expected images of shape \(N, H, W\).*got shape \(6, 7\)"),
    (lambda x: augment.flip_vertical(np.array([[[np.nan]]])), r"flip_vertical expected images to be finite, got 1 NaN"),
    (lambda x: augment.rotate90(x, 1.5), r"rotate90 expected k to be an integer number of quarter turns, got 1.5"),
    (lambda x: augment.rotate(x, "ten"), r"rotate expected angle to be a finite number or one per image"),
    (lambda x: augment.rotate(x, np.zeros(3)), r"rotate expected angle .* one per image \(shape \(5,\)\)"),
    (lambda x: augment.rotate(x, np.zeros(5), keep_size=False), r"rotate with keep_size=False expected one angle"),
    (lambda x: augment.scale(x, 0.0), r"scale expected factor to be a number > 0"),
    (lambda x: augment.translate(x, 1.5, 0), r"translate expected shift_rows to be an integer"),
    (lambda x: augment.crop(x, 3, 0, 4, 3), r"crop expected top to be an integer in \[0, 2\].*got 3"),
    (lambda x: augment.crop(x, 0, 0, 0, 3), r"crop expected height to be a positive integer, got 0"),
    (lambda x: augment.random_crop(x, 7, 3, np.random.default_rng(0)), r"random_crop expected a window no larger"),
    (lambda x: augment.random_crop(x, 3, 3, 42), r"random_crop expected rng to be a numpy Generator.*got int"),
    (lambda x: augment.resize(x, 4, -1), r"resize expected width to be a positive integer, got -1"),
    (lambda x: augment.gaussian_noise(x, -0.1, np.random.default_rng(0)), r"gaussian_noise expected std >= 0, got -0.1"),
    (lambda x: augment.gaussian_noise(x, 0.1, None), r"gaussian_noise expected rng to be a numpy Generator"),
    (lambda x: augment.salt_and_pepper(x, 1.5, np.random.default_rng(0)), r"salt_and_pepper expected amount in \[0, 1\], got 1.5"),
    (lambda x: augment.salt_and_pepper(x, 0.1, np.random.default_rng(0), high=np.inf),
     r"salt_and_pepper expected high to be a finite number, got inf"),
])
def test_bad_input_is_refused_by_name(images, call, match):
    with pytest.raises(ValueError, match=match):
        call(images)
