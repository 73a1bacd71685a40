r"""Layers: explicit forward/backward pairs over a batch of row vectors.

Every layer has

* ``forward(x, training=False) -> out`` for ``x`` of shape ``(N, n_in)`` (activation and
  dropout layers take any shape and keep it); it keeps in
  ``self.cache`` exactly what ``backward`` needs (a reference, not a copy: do not change
  ``x`` in place between ``forward`` and ``backward``);
* ``backward(dout) -> dx`` given ``dout = ∂C/∂out``; it fills ``self.grads`` (same keys as
  ``self.params``, empty for parameter-free layers) and returns ``dx = ∂C/∂x``; calling it
  before ``forward`` raises ``RuntimeError``. ``backward(dout, input_grad=False)`` fills the
  gradients but skips ``dx`` and returns ``None``: the first layer of a model has no one to pass
  ``dx`` to, and for a ``Dense`` layer on wide inputs that product is a third of the backward work;
* ``config()``: the constructor's keyword arguments as a JSON-able dict (never the rng).

Checks happen where you call in: a layer's ``forward`` checks ``x`` (an array of real
numbers, finite, the layer's width) and its ``backward`` checks ``dout`` (real floats, finite,
the shape of the layer's output), naming the layer and what it got. Integer, bool and float16
arrays are converted to float64 first (float16 overflows at 65504, so nnlib never computes in
it); complex arrays are refused. A ``Sequential`` model checks only at its ends: the layers
inside run their unchecked ``_forward`` / ``_backward`` on what the previous layer produced.

A model is rebuilt from JSON as ``LAYERS[name](**config, rng=rng)``: every layer accepts an
``rng`` keyword; layers that draw random numbers (``Dense``, ``Maxout``, ``Dropout``) need a
``numpy.random.Generator`` there, the others ignore it. The loaded arrays then overwrite
``params`` in place (``layer.params["W"][...] = saved``).

Gradients are written into the same ``grads`` arrays on every call (no new allocation), so a
caller that wants to keep one step's gradient must copy it.

Notation (chapter 00): rows are examples, ``Z = A @ W + b`` with ``W`` of shape
``(n_in, n_out)``; the backward formulas are derived in chapter 07 (Backpropagation), the
activations and their derivatives in chapter 02, dropout in chapter 10.
"""
import numpy as np

from . import activations
from ._checks import (as_float_array, check_finite, check_float_dtype, check_positive, check_positive_int,
                      check_probability, check_rng, checked_arithmetic, all_finite, is_number)
from .initializers import INITIALIZERS

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def unchecked(layer, method):
    """``layer._forward`` / ``layer._backward`` when the layer uses ``Layer``'s checked entry
    point unchanged (the model has already checked what it passes in), else the public method."""
    if getattr(type(layer), method, None) is getattr(Layer, method):
        return getattr(layer, "_" + method)
    return getattr(layer, method)

__all__ = ["Dense", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "PReLU", "Maxout",
           "Dropout", "LAYERS"]


def _check_input(x, n_in, where):
    """Cheap check of a layer input: an ndarray of shape (N, n_in) with finite entries."""
    x = as_float_array(x, "x", where)  # lists, integer, bool and float16 arrays become float64
    if x.ndim != 2 or x.shape[1] != n_in:
        raise ValueError(f"{where} expected x of shape (N, {n_in}), got {x.shape}")
    check_finite(x, "x", where)
    return x


class Layer:
    """What every layer shares: empty params/grads, the cache, the checked entry points.

    A subclass writes the math in ``_forward(x, training)`` and ``_backward(dout, input_grad)``
    and says what it expects in ``_check_x(x)`` and ``_dout_shape()``; the public ``forward``
    and ``backward`` below check, then call them. (A layer may also override ``forward`` and
    ``backward`` themselves; a model then calls those.)
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.cache = None

    def forward(self, x, training=False):
        where = f"{type(self).__name__}.forward"
        if not isinstance(training, (bool, np.bool_)):
            raise ValueError(f"{where} expected training to be True or False, got {training!r}")
        return checked_arithmetic(where, "x and the parameters", self._forward, self._check_x(x), training)

    def backward(self, dout, input_grad=True):
        where = f"{type(self).__name__}.backward"
        if not isinstance(input_grad, (bool, np.bool_)):
            raise ValueError(f"{where} expected input_grad to be True or False, got {input_grad!r}")
        dout = self._check_dout(dout, self._dout_shape())
        dx = checked_arithmetic(where, "dout and the parameters", self._backward, dout, input_grad)
        if not all(all_finite(g) for g in self.grads.values()):
            raise ValueError(f"{where} overflowed float arithmetic computing grads from dout of magnitude up to "
                             f"{float(np.abs(dout).max()):.3g}: rescale it")
        return dx

    def _check_x(self, x):
        """Any shape of finite real numbers (the elementwise layers)."""
        x = as_float_array(x, "x", type(self).__name__)
        check_finite(x, "x", type(self).__name__)
        return x

    def _dout_shape(self):
        return self._cached().shape

    def config(self):
        return {}

    def _cached(self):
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward: run forward(x) first")
        return self.cache

    def _check_dout(self, dout, shape):
        """dout: real floats (ints and float16 become float64), finite, of the given shape."""
        where = f"{type(self).__name__}.backward"
        if not (isinstance(dout, np.ndarray) and dout.dtype in _FLOATS):
            dout = as_float_array(dout, "dout", where)
        if dout.shape != shape:
            raise ValueError(f"{where} expected dout of shape {shape}, got {dout.shape}")
        check_finite(dout, "dout", where)
        return dout

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    r"""Fully connected (affine) layer: :math:`Z = A W + b`.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    rng : numpy.random.Generator
        Draws the initial ``W`` (keyword only; required).
    init : str
        Name in ``nnlib.initializers.INITIALIZERS`` (default ``"glorot_uniform"``).
    dtype : float32 or float64
        dtype of ``W``, ``b``, the output and the gradients. An input of another float dtype
        is converted to it.

    Attributes
    ----------
    params : {"W": (n_in, n_out), "b": (n_out,)}
    grads : same keys and shapes

    Notes
    -----
    For a batch ``A`` of shape (N, n_in) and ``dZ = ∂C/∂Z`` of shape (N, n_out), chapter 07
    derives (shapes fix where each transpose goes)

    .. math::

        \frac{\partial C}{\partial W} = A^\top dZ, \qquad
        \frac{\partial C}{\partial b} = \sum_{n=1}^{N} dZ_{n,:}, \qquad
        \frac{\partial C}{\partial A} = dZ\, W^\top .

    The cache holds ``A`` only.
    """

    def __init__(self, n_in, n_out, *, rng=None, init="glorot_uniform", dtype=np.float64):
        super().__init__()
        self._param_specs(n_in=n_in, n_out=n_out, init=init, dtype=dtype)
        self.n_in, self.n_out, self.init, self.dtype = int(n_in), int(n_out), init, np.dtype(dtype)
        check_rng(rng, "Dense")
        self.params = {"W": INITIALIZERS[init](self.n_in, self.n_out, rng, self.dtype),
                       "b": np.zeros(self.n_out, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @staticmethod
    def _param_specs(n_in, n_out, init="glorot_uniform", dtype=np.float64, where="Dense"):
        """The constructor's checks, without allocating: {name: (shape, dtype)} of the params."""
        n_in = check_positive_int(n_in, "n_in", where)
        n_out = check_positive_int(n_out, "n_out", where)
        if not isinstance(init, str) or init not in INITIALIZERS:
            raise ValueError(f"{where} expected init in {sorted(INITIALIZERS)}, got {init!r}")
        dtype = check_float_dtype(dtype, where)
        return {"W": ((n_in, n_out), dtype), "b": ((n_out,), dtype)}

    def _check_x(self, x):
        return _check_input(x, self.n_in, "Dense")

    def _dout_shape(self):
        return (self._cached().shape[0], self.n_out)

    def _forward(self, x, training=False):
        """x: (N, n_in) -> out: (N, n_out)."""
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        self.cache = x
        out = x @ self.params["W"]
        out += self.params["b"]
        return out

    def _backward(self, dout, input_grad=True):
        """dout: (N, n_out) -> dx: (N, n_in); fills grads["W"], grads["b"]."""
        x = self.cache
        np.matmul(x.T, dout, out=self.grads["W"])
        np.add.reduce(dout, axis=0, out=self.grads["b"])  # the sum over the batch, minus np.sum's wrapper cost
        return dout @ self.params["W"].T if input_grad else None

    def config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "init": self.init, "dtype": self.dtype.name}


class _Elementwise(Layer):
    """A parameter-free activation a = φ(z) applied to every entry; backward dz = dout ⊙ φ'(z).

    Any input shape works; the input checks (finite numbers) are those of ``nnlib.activations``.
    """

    def __init__(self, *, rng=None):
        super().__init__()


class Sigmoid(_Elementwise):
    r"""Logistic sigmoid layer, :math:`a = \sigma(z) = 1/(1 + e^{-z})`.

    Shapes: z (N, n) -> a (N, n). Backward uses :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`
    (chapter 02, chapter 03), so the cache holds the output :math:`a`, not :math:`z`.
    """

    def _forward(self, x, training=False):
        out = activations._sigmoid(x)
        self.cache = out
        return out

    def _backward(self, dout, input_grad=True):
        a = self.cache
        return dout * a * (1 - a) if input_grad else None


class Tanh(_Elementwise):
    r"""Hyperbolic tangent layer, :math:`a = \tanh(z) = 2\sigma(2z) - 1`.

    Shapes: z (N, n) -> a (N, n). Backward uses :math:`\tanh'(z) = 1 - \tanh^2(z)` (chapter 02),
    so the cache holds the output :math:`a`.
    """

    def _forward(self, x, training=False):
        out = np.tanh(x)
        self.cache = out
        return out

    def _backward(self, dout, input_grad=True):
        a = self.cache
        return dout * (1 - a * a) if input_grad else None


class ReLU(_Elementwise):
    r"""Rectified linear unit, :math:`a = \max(0, z)`.

    Shapes: z (N, n) -> a (N, n). Backward: :math:`dz = dout \odot \mathbb 1[z > 0]` (chapter 07);
    at :math:`z = 0` the code uses the subgradient 0. The cache holds the boolean mask
    :math:`\mathbb 1[z > 0]`.
    """

    def _forward(self, x, training=False):
        out = np.maximum(x, 0)
        self.cache = out > 0          # same as z > 0
        return out

    def _backward(self, dout, input_grad=True):
        return dout * self.cache if input_grad else None


class LeakyReLU(_Elementwise):
    r"""Leaky ReLU, :math:`a = z` for :math:`z > 0` and :math:`a = \text{slope}\cdot z` otherwise.

    Parameters
    ----------
    slope : float
        Slope for negative inputs (default 0.01), fixed (see ``PReLU`` for a learned one).

    Shapes: z (N, n) -> a (N, n). Backward: :math:`dz = dout \odot (\mathbb 1[z > 0] +
    \text{slope}\, \mathbb 1[z \le 0])` (chapter 02). The cache holds :math:`z`.
    """

    def __init__(self, slope=0.01, *, rng=None):
        super().__init__()
        check_positive(slope, "slope", "LeakyReLU")
        self.slope = float(slope)

    def _forward(self, x, training=False):
        self.cache = x
        return np.where(x > 0, x, self.slope * x).astype(x.dtype, copy=False)

    def _backward(self, dout, input_grad=True):
        z = self.cache
        return dout * np.where(z > 0, 1, self.slope).astype(z.dtype) if input_grad else None

    def config(self):
        return {"slope": self.slope}


class ELU(_Elementwise):
    r"""Exponential linear unit, :math:`a = z` for :math:`z > 0`, :math:`a = \alpha(e^{z} - 1)` otherwise.

    Parameters
    ----------
    alpha : float
        Saturation value for very negative inputs is :math:`-\alpha` (default 1.0).

    Shapes: z (N, n) -> a (N, n). Backward: :math:`\phi'(z) = 1` for :math:`z > 0` and
    :math:`\alpha e^{z}` otherwise (chapter 02). The cache holds :math:`z`.
    """

    def __init__(self, alpha=1.0, *, rng=None):
        super().__init__()
        check_positive(alpha, "alpha", "ELU")
        self.alpha = float(alpha)

    def _forward(self, x, training=False):
        self.cache = x
        return activations._elu(x, self.alpha)

    def _backward(self, dout, input_grad=True):
        return dout * activations._elu_grad(self.cache, self.alpha) if input_grad else None

    def config(self):
        return {"alpha": self.alpha}


class PReLU(Layer):
    r"""Parametric ReLU: a leaky ReLU whose negative slope :math:`\alpha_j` is learned per unit.

    .. math::

        a_{nj} = \begin{cases} z_{nj} & z_{nj} > 0 \\ \alpha_j z_{nj} & z_{nj} \le 0 \end{cases},
        \qquad
        \frac{\partial C}{\partial \alpha_j} = \sum_n dout_{nj}\, z_{nj}\, \mathbb 1[z_{nj} \le 0],
        \qquad
        dz_{nj} = dout_{nj} \,(\mathbb 1[z_{nj} > 0] + \alpha_j \mathbb 1[z_{nj} \le 0]).

    Parameters
    ----------
    n_units : int
        Width n of the input (one slope per unit).
    init_slope : float
        Initial value of every :math:`\alpha_j` (default 0.25, as in He et al. 2015).
    dtype : float32 or float64

    Attributes
    ----------
    params : {"alpha": (n_units,)}

    Shapes: z (N, n_units) -> a (N, n_units). Chapter 02. The cache holds :math:`z`.
    """

    def __init__(self, n_units, init_slope=0.25, *, rng=None, dtype=np.float64):
        super().__init__()
        self._param_specs(n_units=n_units, init_slope=init_slope, dtype=dtype)
        self.n_units, self.init_slope, self.dtype = int(n_units), float(init_slope), np.dtype(dtype)
        self.params = {"alpha": np.full(self.n_units, self.init_slope, dtype=self.dtype)}
        self.grads = {"alpha": np.zeros(self.n_units, dtype=self.dtype)}

    @staticmethod
    def _param_specs(n_units, init_slope=0.25, dtype=np.float64):
        """The constructor's checks, without allocating: {name: (shape, dtype)} of the params."""
        n_units = check_positive_int(n_units, "n_units", "PReLU")
        if not (is_number(init_slope) and np.isfinite(init_slope) and abs(init_slope) <= 1e6):
            raise ValueError(f"PReLU expected init_slope to be a finite number (|init_slope| <= 1e6), "
                             f"got {init_slope!r}")
        return {"alpha": ((n_units,), check_float_dtype(dtype, "PReLU"))}

    def _check_x(self, x):
        return _check_input(x, self.n_units, "PReLU")

    def _forward(self, x, training=False):
        self.cache = x
        return np.where(x > 0, x, self.params["alpha"] * x)

    def _backward(self, dout, input_grad=True):
        z = self.cache
        neg = z <= 0
        np.sum(dout * z * neg, axis=0, out=self.grads["alpha"])
        return np.where(neg, self.params["alpha"] * dout, dout) if input_grad else None

    def config(self):
        return {"n_units": self.n_units, "init_slope": self.init_slope, "dtype": self.dtype.name}


class Maxout(Layer):
    r"""Maxout unit: the largest of ``pieces`` affine maps of the input.

    .. math::

        Z^{(k)} = A W^{(k)} + b^{(k)} \quad (k = 1, \dots, \text{pieces}), \qquad
        out_{nj} = \max_k Z^{(k)}_{nj}.

    Backward routes ``dout`` to the winning piece only (the max is locally the identity on the
    winner, ties go to the first piece): with :math:`M^{(k)} = \mathbb 1[k = \arg\max]`,
    :math:`dZ^{(k)} = dout \odot M^{(k)}`, then each piece is a ``Dense`` backward:
    :math:`\partial C/\partial W^{(k)} = A^\top dZ^{(k)}`, :math:`\partial C/\partial b^{(k)} =
    \sum_n dZ^{(k)}_{n,:}`, :math:`dA = \sum_k dZ^{(k)} W^{(k)\top}` (chapters 02 and 07).

    Parameters
    ----------
    n_in, n_out : int
    pieces : int
        Number of affine maps the max is taken over (≥ 2 to be non-linear).
    rng : numpy.random.Generator
        Draws each piece's initial W (keyword only; required).
    init : str
        Name in ``nnlib.initializers.INITIALIZERS``, applied to each piece as (n_in, n_out).
    dtype : float32 or float64

    Attributes
    ----------
    params : {"W": (pieces, n_in, n_out), "b": (pieces, n_out)}

    Shapes: x (N, n_in) -> out (N, n_out). The cache holds x and the index of the winning piece.
    """

    def __init__(self, n_in, n_out, pieces, *, rng=None, init="glorot_uniform", dtype=np.float64):
        super().__init__()
        self._param_specs(n_in=n_in, n_out=n_out, pieces=pieces, init=init, dtype=dtype)
        self.n_in, self.n_out, self.pieces = int(n_in), int(n_out), int(pieces)
        self.init, self.dtype = init, np.dtype(dtype)
        check_rng(rng, "Maxout")
        W = np.stack([INITIALIZERS[init](self.n_in, self.n_out, rng, self.dtype)
                      for _ in range(self.pieces)])
        self.params = {"W": W, "b": np.zeros((self.pieces, self.n_out), dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @staticmethod
    def _param_specs(n_in, n_out, pieces, init="glorot_uniform", dtype=np.float64):
        """The constructor's checks, without allocating: {name: (shape, dtype)} of the params."""
        pieces = check_positive_int(pieces, "pieces", "Maxout")
        (n_in, n_out), dtype = Dense._param_specs(n_in, n_out, init, dtype, where="Maxout")["W"]
        return {"W": ((pieces, n_in, n_out), dtype), "b": ((pieces, n_out), dtype)}

    def _check_x(self, x):
        return _check_input(x, self.n_in, "Maxout")

    def _dout_shape(self):
        return self._cached()[1].shape

    def _forward(self, x, training=False):
        """x: (N, n_in) -> out: (N, n_out)."""
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        z = np.matmul(x, self.params["W"])           # (pieces, N, n_out)
        z += self.params["b"][:, None, :]
        winner = np.argmax(z, axis=0)                # (N, n_out)
        self.cache = (x, winner)
        return np.take_along_axis(z, winner[None], axis=0)[0]

    def _backward(self, dout, input_grad=True):
        x, winner = self.cache
        dz = (np.arange(self.pieces)[:, None, None] == winner) * dout  # (pieces, N, n_out)
        np.matmul(x.T, dz, out=self.grads["W"])
        np.sum(dz, axis=1, out=self.grads["b"])
        return np.matmul(dz, self.params["W"].transpose(0, 2, 1)).sum(axis=0) if input_grad else None

    def config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "pieces": self.pieces,
                "init": self.init, "dtype": self.dtype.name}


class Dropout(Layer):
    r"""Inverted dropout with drop probability :math:`q` (``drop_prob``).

    Training: draw :math:`m_{nj} \sim \text{Bernoulli}(1 - q)` (1 = keep) and return
    :math:`a \odot m / (1 - q)`, so :math:`E[\text{out}] = a` (chapter 10 derives the scaling and
    checks it by Monte-Carlo). Test (``training=False``): the identity (``x`` itself is returned),
    no scaling needed.
    Backward masks the gradient the same way: :math:`dx = dout \odot m / (1 - q)`.

    Parameters
    ----------
    drop_prob : float in [0, 1)
        Probability :math:`q` of dropping a unit; the keep probability is :math:`1 - q`.
    rng : numpy.random.Generator
        Draws the masks (keyword only; required). Exposed as ``self.rng``: saving
        ``rng.bit_generator.state`` lets resumed training draw the same masks.

    Attributes
    ----------
    mask : ndarray (N, n) or None
        The last scaled mask :math:`m/(1 - q)` drawn in training, which ``backward`` uses.
        ``None`` after a test-mode forward (backward is then the identity).
    reuse_mask : bool
        For gradient checks: when True, a training forward reuses ``self.mask`` instead of
        drawing a new one, so the layer is a fixed linear map and finite differences apply.
        Run one training forward first, set ``reuse_mask = True``, then check.

    Shapes: x of any shape -> out of the same shape.
    """

    def __init__(self, drop_prob, *, rng=None):
        super().__init__()
        check_probability(drop_prob, "drop_prob", "Dropout", high_open=True)
        self.drop_prob = float(drop_prob)
        self.rng = check_rng(rng, "Dropout")
        self.mask = None
        self.reuse_mask = False

    def _dout_shape(self):
        return self._cached()

    def _forward(self, x, training=False):
        if not training or self.drop_prob == 0.0:
            self.mask = None
        elif not self.reuse_mask or self.mask is None:
            keep_prob = 1.0 - self.drop_prob
            u = self.rng.random(x.shape, dtype=x.dtype)      # U[0, 1) in x's dtype
            np.less(u, keep_prob, out=u)                      # 1.0 where kept (probability 1 - q)
            u *= 1.0 / keep_prob
            self.mask = u
        elif self.mask.shape != x.shape:
            raise ValueError(f"Dropout with reuse_mask=True expected x of shape {self.mask.shape}, "
                             f"got {x.shape}")
        self.cache = x.shape
        return x if self.mask is None else x * self.mask

    def _backward(self, dout, input_grad=True):
        return (dout if self.mask is None else dout * self.mask) if input_grad else None

    def config(self):
        return {"drop_prob": self.drop_prob}


LAYERS = {cls.__name__: cls for cls in
          (Dense, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, PReLU, Maxout, Dropout)}

from .conv import Conv2D, Flatten  # noqa: E402  (conv.py builds on Layer above; chapter 13)
LAYERS.update(Conv2D=Conv2D, Flatten=Flatten)
