r"""2-D convolution and flattening layers (chapter 13, "Convolution").

Layout: **NCHW**. A batch of images is ``x`` of shape ``(N, C, H, W)``: N examples, C channels
(1 for the grey digits), H rows, W columns. A ``Conv2D`` layer holds F filters, each of shape
``(C, kh, kw)``, so its weights are ``W`` of shape ``(F, C, kh, kw)`` and its bias ``b`` of shape
``(F,)`` (the layout of PyTorch's ``conv2d``, so weights compare directly).

What deep-learning libraries call a convolution is a **cross-correlation**: the filter is slid
over the (padded) input without being flipped,

.. math::

    \text{out}_{n,f,i,j} = b_f + \sum_{c=1}^{C}\sum_{u=0}^{k_h-1}\sum_{v=0}^{k_w-1}
    W_{f,c,u,v}\; x^{\text{pad}}_{n,c,\,i s + u,\,j s + v},

with stride :math:`s`. The output has
:math:`H_{out} = \lfloor (H + p_{top} + p_{bottom} - k_h)/s \rfloor + 1` rows (and the same
formula for the columns). Chapter 13 derives the backward pass:

.. math::

    \frac{\partial C}{\partial W_{f,c,u,v}} = \sum_{n,i,j} dout_{n,f,i,j}\, x^{\text{pad}}_{n,c,is+u,js+v},
    \qquad
    \frac{\partial C}{\partial b_f} = \sum_{n,i,j} dout_{n,f,i,j},

and :math:`\partial C/\partial x^{\text{pad}}` scatters :math:`dout_{n,f,i,j} W_{f,c,u,v}` back to
every input pixel that produced output :math:`(i, j)`; for stride 1 that is a *full*
convolution of ``dout`` with the flipped kernel, then the padding is cut off.

Two implementations of each pass:

* ``conv2d_forward_loops`` / ``conv2d_backward_loops``: the formulas as plain loops, one output
  pixel at a time. Slow and obviously right; the tests and the chapter use them as the reference.
* ``Conv2D``: the same numbers through **im2col + one matrix product**. ``im2col`` copies every
  receptive field (a ``C·kh·kw`` patch) into a row, so the convolution becomes the dense layer
  ``Z = cols @ W_mat + b`` applied to every patch, with ``W_mat = W.reshape(F, -1).T`` of shape
  ``(C·kh·kw, F)`` (chapter 07's ``Dense`` formulas give ``dW`` and ``dcols``; ``col2im`` adds
  ``dcols`` back onto the pixels).
"""
import numpy as np

from ._checks import as_float_array, check_finite, check_float_dtype, check_positive_int, check_rng
from .initializers import INITIALIZERS
from .layers import Layer

__all__ = ["Conv2D", "Flatten", "conv_output_size", "padding_amounts", "im2col", "col2im",
           "conv2d_forward_loops", "conv2d_backward_loops"]


# --- shapes and padding ------------------------------------------------------------------------

def _kernel_pair(kernel_size, where):
    """``3`` -> ``(3, 3)``; ``(3, 2)`` stays; anything else is refused by name."""
    if isinstance(kernel_size, (tuple, list)) and len(kernel_size) == 2:
        return tuple(check_positive_int(k, "kernel_size", where) for k in kernel_size)
    if isinstance(kernel_size, (int, np.integer)) and not isinstance(kernel_size, bool):
        k = check_positive_int(kernel_size, "kernel_size", where)
        return (k, k)
    raise ValueError(f"{where} expected kernel_size to be a positive int or a pair (kh, kw), got {kernel_size!r}")


def padding_amounts(padding, kernel_size, stride=1, where="padding_amounts"):
    """Zeros added on each side: ``((top, bottom), (left, right))``.

    Parameters
    ----------
    padding : "valid", "same" or int >= 0
        ``"valid"``: none. An int p: p on every side. ``"same"`` (stride 1 only): ``k - 1`` in
        total along each axis, so the output has the input's size; for an even k the extra zero
        goes to the bottom / right (as in PyTorch).
    kernel_size : int or (kh, kw)
    stride : int >= 1
    """
    kh, kw = _kernel_pair(kernel_size, where)
    stride = check_positive_int(stride, "stride", where)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != 1:
                raise ValueError(f"{where} expected stride 1 with padding='same', got stride {stride}")
            return (((kh - 1) // 2, kh - 1 - (kh - 1) // 2), ((kw - 1) // 2, kw - 1 - (kw - 1) // 2))
    elif isinstance(padding, (int, np.integer)) and not isinstance(padding, bool) and padding >= 0:
        p = int(padding)
        return ((p, p), (p, p))
    raise ValueError(f"{where} expected padding to be 'valid', 'same' or an int >= 0, got {padding!r}")


def conv_output_size(size, kernel, stride, pad_total):
    r"""Output length along one axis: :math:`\lfloor (n + p - k)/s \rfloor + 1`.

    ``size`` n is the input length, ``pad_total`` p the zeros added on both sides together.
    Returns 0 or less when the kernel does not fit (callers refuse that).
    """
    return (size + pad_total - kernel) // stride + 1


def _pad(x, pads):
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def _check_images(x, channels, kernel, pads, stride, where):
    """x as a float array (N, C, H, W) with C == channels, finite, and big enough for the kernel."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        x = as_float_array(x, "x", where)
    if x.ndim != 4 or x.shape[1] != channels:
        raise ValueError(f"{where} expected x of shape (N, {channels}, H, W), got {x.shape}")
    h_out = conv_output_size(x.shape[2], kernel[0], stride, sum(pads[0]))
    w_out = conv_output_size(x.shape[3], kernel[1], stride, sum(pads[1]))
    if h_out < 1 or w_out < 1:
        raise ValueError(f"{where} expected x with H, W large enough for a {kernel[0]}x{kernel[1]} kernel "
                         f"with padding {pads}, got {x.shape}")
    check_finite(x, "x", where)
    return x


# --- the reference: loops --------------------------------------------------------------------

def conv2d_forward_loops(x, W, b, stride=1, padding="valid"):
    r"""Cross-correlation by explicit loops over every output pixel (the reference).

    Parameters
    ----------
    x : (N, C, H, W) array
    W : (F, C, kh, kw) array, the filters
    b : (F,) array
    stride : int
    padding : "valid", "same" or int

    Returns
    -------
    out : (N, F, H_out, W_out), :math:`out_{n,f,i,j} = b_f + \sum_{c,u,v} W_{f,c,u,v}\,
    x^{pad}_{n,c,is+u,js+v}`.
    """
    F, C, kh, kw = W.shape
    pads = padding_amounts(padding, (kh, kw), stride, "conv2d_forward_loops")
    x = _check_images(x, C, (kh, kw), pads, stride, "conv2d_forward_loops")
    xp = _pad(x, pads)
    N = x.shape[0]
    h_out = conv_output_size(x.shape[2], kh, stride, sum(pads[0]))
    w_out = conv_output_size(x.shape[3], kw, stride, sum(pads[1]))
    out = np.zeros((N, F, h_out, w_out), dtype=np.result_type(x, W))
    for n in range(N):
        for f in range(F):
            for i in range(h_out):
                for j in range(w_out):
                    patch = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out


def conv2d_backward_loops(dout, x, W, stride=1, padding="valid"):
    r"""Gradients of the cross-correlation by the same loops, run backwards (the reference).

    Each output pixel :math:`(n, f, i, j)` was :math:`b_f + \sum W_{f}\odot\text{patch}`, so it
    sends :math:`dout_{n,f,i,j}\cdot\text{patch}` to ``dW[f]``, :math:`dout_{n,f,i,j}` to
    ``db[f]`` and :math:`dout_{n,f,i,j}\, W_f` to the patch of ``dx`` it read from.

    Parameters
    ----------
    dout : (N, F, H_out, W_out)
    x : (N, C, H, W), the forward input
    W : (F, C, kh, kw)

    Returns
    -------
    dx : (N, C, H, W), dW : (F, C, kh, kw), db : (F,)
    """
    F, C, kh, kw = W.shape
    pads = padding_amounts(padding, (kh, kw), stride, "conv2d_backward_loops")
    xp = _pad(np.asarray(x, dtype=np.result_type(x, W)), pads)
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W, dtype=xp.dtype)
    db = np.zeros(F, dtype=xp.dtype)
    N, _, h_out, w_out = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(h_out):
                for j in range(w_out):
                    rows = slice(i * stride, i * stride + kh)
                    cols = slice(j * stride, j * stride + kw)
                    dW[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    db[f] += dout[n, f, i, j]
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * W[f]
    (top, bottom), (left, right) = pads
    dx = dxp[:, :, top:dxp.shape[2] - bottom, left:dxp.shape[3] - right]
    return dx, dW, db


# --- the fast path: im2col + GEMM ------------------------------------------------------------

def im2col(xp, kh, kw, stride):
    """Every receptive field of a padded batch as one row.

    Parameters
    ----------
    xp : (N, C, Hp, Wp), already padded
    kh, kw, stride : int

    Returns
    -------
    cols : (N·H_out·W_out, C·kh·kw); row ``(n, i, j)`` (in that order) holds the patch
        ``xp[n, :, i s : i s + kh, j s : j s + kw]`` flattened in ``(c, u, v)`` order, the order
        of ``W[f].reshape(-1)``.
    """
    N, C, Hp, Wp = xp.shape
    h_out = (Hp - kh) // stride + 1
    w_out = (Wp - kw) // stride + 1
    cols = np.empty((N, h_out, w_out, C, kh, kw), dtype=xp.dtype)
    # one strided copy per kernel offset (u, v): kh·kw copies, each of the whole batch
    for u in range(kh):
        for v in range(kw):
            window = xp[:, :, u:u + stride * h_out:stride, v:v + stride * w_out:stride]  # (N, C, H_out, W_out)
            cols[:, :, :, :, u, v] = window.transpose(0, 2, 3, 1)
    return cols.reshape(N * h_out * w_out, C * kh * kw)


def col2im(dcols, padded_shape, kh, kw, stride):
    """The adjoint of ``im2col``: add each row's entries back onto the pixels they were copied from.

    Parameters
    ----------
    dcols : (N·H_out·W_out, C·kh·kw)
    padded_shape : (N, C, Hp, Wp)

    Returns
    -------
    dxp : (N, C, Hp, Wp); a pixel inside several receptive fields receives the sum of their entries.
    """
    N, C, Hp, Wp = padded_shape
    h_out = (Hp - kh) // stride + 1
    w_out = (Wp - kw) // stride + 1
    d6 = dcols.reshape(N, h_out, w_out, C, kh, kw)
    dxp = np.zeros(padded_shape, dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + stride * h_out:stride, v:v + stride * w_out:stride] += d6[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    return dxp


class Conv2D(Layer):
    r"""2-D convolution layer (a cross-correlation, as in every deep-learning library), NCHW.

    Parameters
    ----------
    in_channels, out_channels : int
        C and F.
    kernel_size : int or (kh, kw)
    stride : int >= 1
    padding : "valid" (default), "same" (stride 1 only) or int >= 0
        See ``padding_amounts``.
    rng : numpy.random.Generator
        Draws the initial ``W`` (keyword only; required).
    init : str
        Name in ``nnlib.initializers.INITIALIZERS`` (default ``"he_normal"``), applied to the
        im2col weight matrix of shape ``(C·kh·kw, F)``: the fan-in is ``C·kh·kw``, the number of
        inputs each output pixel sees.
    dtype : float32 or float64

    Attributes
    ----------
    params : {"W": (F, C, kh, kw), "b": (F,)}
    grads : same keys and shapes

    Shapes: x (N, C, H, W) -> out (N, F, H_out, W_out), with
    :math:`H_{out} = \lfloor (H + p_{top} + p_{bottom} - k_h)/s\rfloor + 1` and likewise
    :math:`W_{out}`.

    Notes
    -----
    Forward: ``cols = im2col(pad(x))`` of shape (N·H_out·W_out, C·kh·kw), then
    ``Z = cols @ W_mat + b`` with ``W_mat = W.reshape(F, -1).T``. Backward, by chapter 07's
    dense-layer formulas on that product: ``dW_mat = colsᵀ dZ``, ``db = Σ dZ``,
    ``dcols = dZ W_matᵀ``, then ``dx = unpad(col2im(dcols))``. The cache holds ``cols`` and
    the padded input's shape: exactly what the three gradients need.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding="valid", *, rng=None,
                 init="he_normal", dtype=np.float64):
        super().__init__()
        where = "Conv2D"
        self._param_specs(in_channels, out_channels, kernel_size, stride, padding, init, dtype)
        self.in_channels = check_positive_int(in_channels, "in_channels", where)
        self.out_channels = check_positive_int(out_channels, "out_channels", where)
        self.kernel_size = _kernel_pair(kernel_size, where)
        self.stride = check_positive_int(stride, "stride", where)
        self.pads = padding_amounts(padding, self.kernel_size, self.stride, where)
        self.padding = padding if isinstance(padding, str) else int(padding)
        self.init = init
        self.dtype = check_float_dtype(dtype, where)
        check_rng(rng, where)
        kh, kw = self.kernel_size
        fan_in = self.in_channels * kh * kw
        W_mat = INITIALIZERS[init](fan_in, self.out_channels, rng, self.dtype)      # (C·kh·kw, F)
        self.params = {"W": np.ascontiguousarray(W_mat.T).reshape(self.out_channels, self.in_channels, kh, kw),
                       "b": np.zeros(self.out_channels, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @staticmethod
    def _param_specs(in_channels, out_channels, kernel_size, stride=1, padding="valid", init="he_normal",
                     dtype=np.float64):
        """The constructor's checks, without allocating: {name: (shape, dtype)} of the params."""
        where = "Conv2D"
        C = check_positive_int(in_channels, "in_channels", where)
        F = check_positive_int(out_channels, "out_channels", where)
        kh, kw = _kernel_pair(kernel_size, where)
        padding_amounts(padding, (kh, kw), check_positive_int(stride, "stride", where), where)
        if not isinstance(init, str) or init not in INITIALIZERS:
            raise ValueError(f"{where} expected init in {sorted(INITIALIZERS)}, got {init!r}")
        dtype = check_float_dtype(dtype, where)
        return {"W": ((F, C, kh, kw), dtype), "b": ((F,), dtype)}

    def output_shape(self, input_shape):
        """(N, C, H, W) -> (N, F, H_out, W_out), by the output-size formula."""
        N, _, H, W = input_shape
        kh, kw = self.kernel_size
        return (N, self.out_channels, conv_output_size(H, kh, self.stride, sum(self.pads[0])),
                conv_output_size(W, kw, self.stride, sum(self.pads[1])))

    def forward(self, x, training=False):
        """x: (N, C, H, W) -> out: (N, F, H_out, W_out)."""
        kh, kw = self.kernel_size
        x = _check_images(x, self.in_channels, self.kernel_size, self.pads, self.stride, "Conv2D")
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        xp = _pad(x, self.pads)
        cols = im2col(xp, kh, kw, self.stride)                       # (N·H_out·W_out, C·kh·kw)
        N, F, h_out, w_out = self.output_shape(x.shape)
        W_mat = self.params["W"].reshape(F, -1)                      # (F, C·kh·kw): W_matᵀ
        z = cols @ W_mat.T                                           # (N·H_out·W_out, F)
        z += self.params["b"]
        self.cache = (cols, xp.shape)
        return z.reshape(N, h_out, w_out, F).transpose(0, 3, 1, 2)   # NCHW, a view

    def backward(self, dout, input_grad=True):
        """dout: (N, F, H_out, W_out) -> dx: (N, C, H, W); fills grads["W"], grads["b"]."""
        cols, padded_shape = self._cached()
        N, F = padded_shape[0], self.out_channels
        kh, kw = self.kernel_size
        h_out = (padded_shape[2] - kh) // self.stride + 1
        w_out = (padded_shape[3] - kw) // self.stride + 1
        dout = self._check_dout(dout, (N, F, h_out, w_out))
        dz = dout.transpose(0, 2, 3, 1).reshape(-1, F)               # (N·H_out·W_out, F), rows as in cols
        np.matmul(dz.T, cols, out=self.grads["W"].reshape(F, -1))    # dW_matᵀ = dZᵀ cols
        np.add.reduce(dz, axis=0, out=self.grads["b"])
        if not input_grad:
            return None
        dcols = dz @ self.params["W"].reshape(F, -1)                 # dZ W_matᵀ: (N·H_out·W_out, C·kh·kw)
        dxp = col2im(dcols, padded_shape, kh, kw, self.stride)
        (top, bottom), (left, right) = self.pads
        return dxp[:, :, top:padded_shape[2] - bottom, left:padded_shape[3] - right]

    def config(self):
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": list(self.kernel_size), "stride": self.stride, "padding": self.padding,
                "init": self.init, "dtype": self.dtype.name}


class Flatten(Layer):
    """(N, C, H, W) -> (N, C·H·W), so a ``Dense`` layer can follow a ``Conv2D``; backward reshapes back.

    Any input with at least two axes works: everything after the batch axis becomes one row,
    in C order (channel, then row, then column). The cache holds the input's shape.
    """

    def __init__(self, *, rng=None):
        super().__init__()

    def forward(self, x, training=False):
        x = as_float_array(x, "x", "Flatten")
        if x.ndim < 2:
            raise ValueError(f"Flatten expected x of shape (N, ...) with at least 2 axes, got {x.shape}")
        self.cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout, input_grad=True):
        shape = self._cached()
        dout = self._check_dout(dout, (shape[0], int(np.prod(shape[1:]))))
        return dout.reshape(shape) if input_grad else None
