"""Conv2D and Flatten: loops against im2col, the output-size formula, gradient checks, the dense
matrix a convolution is, saving, bad input."""
import itertools

import numpy as np
import pytest

from nnlib import conv, io, layers, model
from nnlib.gradcheck import check_layer

CASES = [  # (C, F, kernel, stride, padding, H, W)
    (1, 2, 3, 1, "valid", 6, 7),
    (2, 3, 3, 2, 1, 7, 6),
    (3, 2, (2, 3), 1, "same", 5, 5),
    (2, 2, 4, 3, 2, 9, 8),
    (1, 1, 1, 1, "valid", 3, 3),
    (2, 4, 2, 1, "same", 4, 6),
]


def make(case, rng):
    C, F, k, s, p, H, W = case
    layer = conv.Conv2D(C, F, k, stride=s, padding=p, rng=rng)
    layer.params["b"][:] = rng.standard_normal(F)  # a zero bias would hide a wrong db
    return layer, rng.standard_normal((3, C, H, W))


@pytest.mark.parametrize("case", CASES)
def test_im2col_layer_agrees_with_the_loops(case):
    rng = np.random.default_rng(0)
    layer, x = make(case, rng)
    out = layer.forward(x)
    s, p = case[3], case[4]
    ref = conv.conv2d_forward_loops(x, layer.params["W"], layer.params["b"], s, p)
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    rdx, rdW, rdb = conv.conv2d_backward_loops(dout, x, layer.params["W"], s, p)
    np.testing.assert_allclose(dx, rdx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], rdW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], rdb, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_gradients_match_finite_differences(case):
    rng = np.random.default_rng(1)
    layer, x = make(case, rng)
    errors = check_layer(layer, x, rng=rng)
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < 1e-8, errors


def test_loop_reference_gradients_match_finite_differences():
    # the reference itself must be right, or agreeing with it proves nothing
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 2, 5, 6))
    W = rng.standard_normal((3, 2, 3, 2))
    b = rng.standard_normal(3)
    dout = rng.standard_normal(conv.conv2d_forward_loops(x, W, b, 2, 1).shape)
    dx, dW, db = conv.conv2d_backward_loops(dout, x, W, 2, 1)
    h = 1e-6
    for arr, grad in ((x, dx), (W, dW), (b, db)):
        flat, num = arr.reshape(-1), np.zeros(arr.size)
        for i in range(arr.size):
            old = flat[i]
            flat[i] = old + h
            plus = np.sum(dout * conv.conv2d_forward_loops(x, W, b, 2, 1))
            flat[i] = old - h
            minus = np.sum(dout * conv.conv2d_forward_loops(x, W, b, 2, 1))
            flat[i] = old
            num[i] = (plus - minus) / (2 * h)
        np.testing.assert_allclose(grad.reshape(-1), num, rtol=1e-6, atol=1e-8)


def test_output_shape_formula_over_many_cases():
    rng = np.random.default_rng(3)
    checked = 0
    for H, k, s, p in itertools.product(range(1, 10), range(1, 5), range(1, 4), [0, 1, 2, "valid", "same"]):
        if p == "same" and s != 1:
            continue
        pad = {"valid": 0, "same": k - 1}.get(p, 2 * p if isinstance(p, int) else None)
        expected = (H + pad - k) // s + 1
        layer = conv.Conv2D(1, 1, k, stride=s, padding=p, rng=rng)
        x = rng.standard_normal((1, 1, H, H + 1))
        if expected < 1:
            with pytest.raises(ValueError, match="large enough"):
                layer.forward(x)
            continue
        out = layer.forward(x)
        expected_w = (H + 1 + pad - k) // s + 1
        assert out.shape == (1, 1, expected, expected_w), (H, k, s, p)
        assert out.shape == layer.output_shape(x.shape)
        if p == "same":
            assert out.shape[2:] == x.shape[2:]
        checked += 1
    assert checked > 300


def _dense_by_probing(layer, shape):
    """The matrix M with conv(x) - b = x.flat @ M, read off column by column from basis images."""
    bias = layer.params["b"].copy()
    layer.params["b"][:] = 0
    size = int(np.prod(shape))
    basis = np.eye(size).reshape((size,) + shape)
    M = layer.forward(basis).reshape(size, -1)
    layer.params["b"][:] = bias
    return M


def _dense_from_weights(W, shape, stride, pads):
    """M built from the weights: entry (c, i s + u - top, j s + v - left) -> (f, i, j) is W[f, c, u, v]."""
    F, C, kh, kw = W.shape
    _, H, Wd = shape
    (top, bottom), (left, right) = pads
    h_out = (H + top + bottom - kh) // stride + 1
    w_out = (Wd + left + right - kw) // stride + 1
    M = np.zeros((C, H, Wd, F, h_out, w_out))
    for f, c, u, v, i, j in itertools.product(range(F), range(C), range(kh), range(kw), range(h_out), range(w_out)):
        r, q = i * stride + u - top, j * stride + v - left
        if 0 <= r < H and 0 <= q < Wd:  # taps on the zero padding have no input to weigh
            M[c, r, q, f, i, j] = W[f, c, u, v]
    return M.reshape(C * H * Wd, F * h_out * w_out)


@pytest.mark.parametrize("case", CASES)
def test_a_convolution_is_a_dense_layer_with_shared_sparse_weights(case):
    rng = np.random.default_rng(4)
    layer, x = make(case, rng)
    shape = x.shape[1:]
    M = _dense_by_probing(layer, shape)
    np.testing.assert_allclose(M, _dense_from_weights(layer.params["W"], shape, layer.stride, layer.pads),
                               rtol=0, atol=1e-15)
    out = layer.forward(x)
    F = layer.out_channels
    b_rep = np.repeat(layer.params["b"], out.shape[2] * out.shape[3])
    np.testing.assert_allclose(x.reshape(len(x), -1) @ M + b_rep, out.reshape(len(x), -1), rtol=1e-12, atol=1e-12)
    # sparse: each output unit sees at most C kh kw inputs; shared: only the F C kh kw weights appear
    C, kh, kw = layer.params["W"].shape[1:]
    assert np.count_nonzero(M, axis=0).max() <= C * kh * kw
    assert set(np.unique(M[M != 0])) <= set(layer.params["W"].ravel())
    assert M.size > F * C * kh * kw


def test_valid_padding_uses_every_weight_once_per_output_pixel():
    rng = np.random.default_rng(5)
    layer = conv.Conv2D(2, 3, 3, rng=rng)
    M = _dense_by_probing(layer, (2, 6, 5))
    h_out, w_out = 4, 3
    for f in range(3):
        block = M[:, f * h_out * w_out:(f + 1) * h_out * w_out]
        for w in layer.params["W"][f].ravel():
            assert np.count_nonzero(block == w) == h_out * w_out  # one identical copy per position


def test_input_grad_false_fills_the_gradients_and_returns_none():
    rng = np.random.default_rng(6)
    layer, x = make(CASES[1], rng)
    dout = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    dW, db = layer.grads["W"].copy(), layer.grads["b"].copy()
    layer.grads["W"][:] = 0
    assert layer.backward(dout, input_grad=False) is None
    np.testing.assert_array_equal(layer.grads["W"], dW)
    np.testing.assert_array_equal(layer.grads["b"], db)
    assert dx.shape == x.shape


def test_float32_in_float32_out():
    rng = np.random.default_rng(7)
    layer = conv.Conv2D(1, 2, 3, padding="same", rng=rng, dtype=np.float32)
    out = layer.forward(rng.standard_normal((2, 1, 5, 5)).astype(np.float32))
    assert out.dtype == np.float32
    assert layer.backward(np.ones(out.shape, dtype=np.float32)).dtype == np.float32
    assert layer.grads["W"].dtype == np.float32


def test_flatten_round_trip_and_gradient():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((4, 2, 3, 5))
    flat = layers.Flatten()
    out = flat.forward(x)
    assert out.shape == (4, 30)
    np.testing.assert_array_equal(out[1], x[1].ravel())
    # a reshape is linear with the identity as Jacobian (up to the order of entries): dx is dout reshaped
    dout = rng.standard_normal(out.shape)
    np.testing.assert_array_equal(flat.backward(dout), dout.reshape(x.shape))
    assert flat.backward(dout, input_grad=False) is None


def test_small_cnn_saves_and_loads(tmp_path):
    rng = np.random.default_rng(9)
    net = model.Sequential([layers.Conv2D(1, 4, 3, padding="same", rng=rng), layers.ReLU(), layers.Flatten(),
                            layers.Dense(4 * 8 * 8, 10, rng=rng)])
    x = rng.standard_normal((5, 1, 8, 8))
    path = tmp_path / "cnn.npz"
    io.save_model(path, net)
    loaded, _, _, _ = io.load_model(path)
    assert [type(l).__name__ for l in loaded.layers] == ["Conv2D", "ReLU", "Flatten", "Dense"]
    assert loaded.layers[0].config() == net.layers[0].config()
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    assert layers.LAYERS["Conv2D"] is conv.Conv2D and layers.Conv2D is conv.Conv2D


@pytest.mark.parametrize("kwargs, match", [
    (dict(in_channels=0, out_channels=2, kernel_size=3), "in_channels"),
    (dict(in_channels=1, out_channels=2.5, kernel_size=3), "out_channels"),
    (dict(in_channels=1, out_channels=2, kernel_size=0), "kernel_size"),
    (dict(in_channels=1, out_channels=2, kernel_size=(3, 3, 3)), "kernel_size"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, stride=0), "stride"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, padding="full"), "padding"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, padding=-1), "padding"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, stride=2, padding="same"), "stride 1"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, init="zeros"), "init"),
    (dict(in_channels=1, out_channels=2, kernel_size=3, dtype=np.int64), "dtype"),
])
def test_bad_constructor_arguments_are_refused_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        conv.Conv2D(**kwargs, rng=np.random.default_rng(0))


def test_bad_inputs_are_refused_by_name():
    rng = np.random.default_rng(10)
    layer = conv.Conv2D(2, 3, 3, rng=rng)
    with pytest.raises(ValueError, match="rng"):
        conv.Conv2D(1, 1, 3)
    with pytest.raises(ValueError, match=r"x of shape \(N, 2, H, W\), got \(4, 64\)"):
        layer.forward(rng.standard_normal((4, 64)))
    with pytest.raises(ValueError, match=r"x of shape \(N, 2, H, W\), got \(4, 1, 8, 8\)"):
        layer.forward(rng.standard_normal((4, 1, 8, 8)))
    with pytest.raises(ValueError, match="large enough"):
        layer.forward(rng.standard_normal((4, 2, 2, 8)))
    bad = rng.standard_normal((1, 2, 4, 4))
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        layer.forward(bad)
    with pytest.raises(RuntimeError, match="before forward"):
        conv.Conv2D(2, 3, 3, rng=rng).backward(np.zeros((1, 3, 2, 2)))
    layer.forward(rng.standard_normal((4, 2, 5, 5)))
    with pytest.raises(ValueError, match=r"dout of shape \(4, 3, 3, 3\)"):
        layer.backward(np.zeros((4, 3, 5, 5)))
    with pytest.raises(ValueError, match="Flatten expected x"):
        layers.Flatten().forward(np.zeros(3))
