"""Typical wrong answers to exercise 13 (convolution).

Each entry replaces one solution cell of ``solutions/ex13_convolution/ex13_convolution.ipynb``; the submission
built from it must lose exactly the test cells listed in ``loses`` and keep every other point. Every message of
the test cells (hidden ones included) is triggered by at least one entry.
"""

_FORWARD = '''def conv2d_forward(x, W, b, stride=1):
    N, C, H, Wd = x.shape
    F, _, kh, kw = W.shape
    h_out = {h_out}
    w_out = {w_out}
    out = np.zeros((N, F, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            patch = x[:, :, {rows}, {cols}]
            out[:, :, i, j] = {value}
    return out
'''
_RIGHT = dict(h_out="(H - kh) // stride + 1", w_out="(Wd - kw) // stride + 1",
              rows="i * stride:i * stride + kh", cols="j * stride:j * stride + kw",
              value="np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + b")


def _forward(**changes):
    return _FORWARD.format(**{**_RIGHT, **changes})


_BACKWARD = '''def conv2d_backward(dout, x, W, stride=1):
    F, C, kh, kw = W.shape
    dx = np.zeros_like(x)
    dW = np.zeros_like(W)
    db = {db}
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + kh)
            cols = slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            {dW_line}
            {dx_line}
    return {ret}
'''
_RIGHT_B = dict(db="dout.sum(axis=(0, 2, 3))",
                dW_line="dW += np.tensordot(g, x[:, :, rows, cols], axes=([0], [0]))",
                dx_line="dx[:, :, rows, cols] += np.tensordot(g, W, axes=([1], [0]))",
                ret="dx, dW, db")


def _backward(**changes):
    return _BACKWARD.format(**{**_RIGHT_B, **changes})


_DEBUG = '''def convolve2d(image, kernel):
    H, W = image.shape
    kh, kw = kernel.shape
    flipped = {flipped}
    out = np.zeros(({h_out}, {w_out}))
    for i in range({h_out}):
        for j in range({w_out}):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * flipped)
    return out
'''

Q1_ALL = ["test_q1_forward_shape", "test_q1_forward_values", "test_q1_forward_bias_stride"]
Q2_ALL = ["test_q2_backward_shapes", "test_q2_backward_db", "test_q2_backward_dW", "test_q2_backward_dx"]
Q4_ALL = ["test_q4_debug_shape", "test_q4_debug_values"]

MISTAKES = [
    # Question 1: forward
    {"name": "output size without the + 1 (the position i = 0 forgotten)", "cell": "q1_forward",
     "source": _forward(h_out="(H - kh) // stride", w_out="(Wd - kw) // stride"), "loses": Q1_ALL},
    {"name": "true convolution: the kernel flipped", "cell": "q1_forward",
     "source": _forward(value="np.tensordot(patch, W[:, :, ::-1, ::-1], axes=([1, 2, 3], [1, 2, 3])) + b"),
     "loses": ["test_q1_forward_values", "test_q1_forward_bias_stride"]},
    {"name": "bias forgotten", "cell": "q1_forward",
     "source": _forward(value="np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3]))"),
     "loses": ["test_q1_forward_values", "test_q1_forward_bias_stride"]},
    {"name": "only the first input channel summed", "cell": "q1_forward",
     "source": _forward(value="np.tensordot(patch[:, :1], W[:, :1], axes=([1, 2, 3], [1, 2, 3])) + b"),
     "loses": ["test_q1_forward_values", "test_q1_forward_bias_stride"]},
    {"name": "a nested list returned instead of an array", "cell": "q1_forward",
     "source": _forward().replace("    return out", "    return out.tolist()"),
     "loses": ["test_q1_forward_shape", "test_q1_forward_values"]},
    {"name": "stride used for the size but not for the position of the patch", "cell": "q1_forward",
     "source": _forward(rows="i:i + kh", cols="j:j + kw"), "loses": ["test_q1_forward_bias_stride"]},
    {"name": "output axes in NHWC order", "cell": "q1_forward",
     "source": _forward() + "\n_nchw = conv2d_forward\nconv2d_forward = lambda *a, **k: _nchw(*a, **k).transpose(0, 2, 3, 1)\n",
     "loses": Q1_ALL},
    # Question 2: backward
    {"name": "db as a mean instead of a sum", "cell": "q2_backward",
     "source": _backward(db="dout.mean(axis=(0, 2, 3))"), "loses": ["test_q2_backward_db"]},
    {"name": "dW from the first example only", "cell": "q2_backward",
     "source": _backward(dW_line="dW += np.tensordot(g[:1], x[:1, :, rows, cols], axes=([0], [0]))"),
     "loses": ["test_q2_backward_dW"]},
    {"name": "dx overwritten instead of accumulated where receptive fields overlap", "cell": "q2_backward",
     "source": _backward(dx_line="dx[:, :, rows, cols] = np.tensordot(g, W, axes=([1], [0]))"),
     "loses": ["test_q2_backward_dx"]},
    {"name": "dx with the kernel flipped", "cell": "q2_backward",
     "source": _backward(dx_line="dx[:, :, rows, cols] += np.tensordot(g, W[:, :, ::-1, ::-1], axes=([1], [0]))"),
     "loses": ["test_q2_backward_dx"]},
    {"name": "stride forgotten in the backward pass: patch i read from row i", "cell": "q2_backward",
     "source": _backward().replace("slice(i * stride, i * stride + kh)", "slice(i, i + kh)")
                          .replace("slice(j * stride, j * stride + kw)", "slice(j, j + kw)"),
     "loses": ["test_q2_backward_dW", "test_q2_backward_dx"]},
    {"name": "gradients returned in the order (dW, dx, db)", "cell": "q2_backward",
     "source": _backward(ret="dW, dx, db"),
     "loses": ["test_q2_backward_shapes", "test_q2_backward_dW", "test_q2_backward_dx"]},
    {"name": "gradients returned as a list", "cell": "q2_backward",
     "source": _backward(ret="[dx, dW, db]"), "loses": ["test_q2_backward_shapes"]},
    # Question 3: predict
    {"name": "predicted maximum without the weight 2 of the middle column", "cell": "q3_predict",
     "source": "predicted_max = 3\npredicted_nonzero = 3\n", "loses": ["test_q3_predict_max"]},
    {"name": "predicted maximum with the sign of a convolution", "cell": "q3_predict",
     "source": "predicted_max = -4\npredicted_nonzero = 3\n", "loses": ["test_q3_predict_max"]},
    {"name": "predicted maximum written as a string", "cell": "q3_predict",
     "source": "predicted_max = '4'\npredicted_nonzero = 3\n", "loses": ["test_q3_predict_max"]},
    {"name": "predicted count written as a boolean", "cell": "q3_predict",
     "source": "predicted_max = 4\npredicted_nonzero = True\n", "loses": ["test_q3_predict_nonzero"]},
    {"name": "predicted count at stride 1 (two rows of six)", "cell": "q3_predict",
     "source": "predicted_max = 4\npredicted_nonzero = 12\n", "loses": ["test_q3_predict_nonzero"]},
    {"name": "predicted count that is not a whole number", "cell": "q3_predict",
     "source": "predicted_max = 4.0\npredicted_nonzero = 2.5\n", "loses": ["test_q3_predict_nonzero"]},
    # Question 4: debug
    {"name": "the original bug left in: no flip and one row and column short", "cell": "q4_debug",
     "source": _DEBUG.format(flipped="kernel", h_out="H - kh", w_out="W - kw"), "loses": Q4_ALL},
    {"name": "only the output size fixed: still a correlation", "cell": "q4_debug",
     "source": _DEBUG.format(flipped="kernel", h_out="H - kh + 1", w_out="W - kw + 1"), "loses": ["test_q4_debug_values"]},
    {"name": "only the flip fixed: still one row and column short", "cell": "q4_debug",
     "source": _DEBUG.format(flipped="kernel[::-1, ::-1]", h_out="H - kh", w_out="W - kw"), "loses": Q4_ALL},
    {"name": "'flipped' read as the kernel's sign reversed", "cell": "q4_debug",
     "source": _DEBUG.format(flipped="-kernel", h_out="H - kh + 1", w_out="W - kw + 1"), "loses": ["test_q4_debug_values"]},
    {"name": "kernel flipped along one axis only", "cell": "q4_debug",
     "source": _DEBUG.format(flipped="kernel[:, ::-1]", h_out="H - kh + 1", w_out="W - kw + 1"), "loses": ["test_q4_debug_values"]},
    # Question 5: derive
    {"name": "output size without the padding", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 14, 14)\nn_params_conv = 760\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_shape"]},
    {"name": "output shape in NHWC order", "cell": "q5_derive",
     "source": "out_shape = (16, 15, 15, 10)\nn_params_conv = 760\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_shape"]},
    {"name": "output shape as a list of floats", "cell": "q5_derive",
     "source": "out_shape = [16.0, 10.0, 15.5, 15.5]\nn_params_conv = 760\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_shape"]},
    {"name": "output shape not square", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 15, 16)\nn_params_conv = 760\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_shape"]},
    {"name": "conv parameters without the biases", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 15, 15)\nn_params_conv = 750\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_conv_params"]},
    {"name": "conv parameters as a fraction", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 15, 15)\nn_params_conv = 760.5\nn_params_dense = 6_914_250\n",
     "loses": ["test_q5_derive_conv_params"]},
    {"name": "dense parameters without the biases", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 15, 15)\nn_params_conv = 760\nn_params_dense = 6_912_000\n",
     "loses": ["test_q5_derive_dense_params"]},
    {"name": "dense parameters as zero", "cell": "q5_derive",
     "source": "out_shape = (16, 10, 15, 15)\nn_params_conv = 760\nn_params_dense = 0\n",
     "loses": ["test_q5_derive_dense_params"]},
]
