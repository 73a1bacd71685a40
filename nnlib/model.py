r"""A model as a list of layers applied one after the other (chapter 12, "Training a network end to end").

``Sequential([Dense(64, 128, rng=rng), ReLU(), Dense(128, 10, rng=rng)])`` computes
:math:`a^L = f_L(\dots f_2(f_1(x)))`. The backward pass runs the same list in reverse: each
layer turns :math:`\partial C/\partial a^l` into :math:`\partial C/\partial a^{l-1}` and fills its
own ``grads`` on the way (chapter 07).
"""
import numpy as np

from ._checks import check_positive_int
from .layers import LAYERS, unchecked

__all__ = ["Sequential"]


def _check_training(training, where):
    if not isinstance(training, (bool, np.bool_)):
        raise ValueError(f"{where} expected training to be True or False, got {training!r}")


class Sequential:
    r"""Layers composed in order: ``forward`` left to right, ``backward`` right to left.

    Parameters
    ----------
    layers : list of layers
        Each with ``forward(x, training=False)``, ``backward(dout)``, ``params``, ``grads``
        and ``config()`` (see ``nnlib.layers``). The list is used as given, not copied layer
        by layer: the model and the caller share the layer objects.

    Attributes
    ----------
    params, grads : dict of str -> ndarray
        Flat views over every layer's ``params`` / ``grads``, keyed ``"<layer index>.<name>"``
        (``"0.W"``, ``"0.b"``, ``"2.W"``, ...). The values are the layers' own arrays, not
        copies, so an optimizer that updates ``model.params`` in place updates the layers.
        The dicts are rebuilt on each access (a few entries), so they always reflect the layers.
    """

    def __init__(self, layers):
        try:
            self.layers = list(layers)
        except TypeError as exc:
            raise ValueError(f"Sequential expected a list of layers, got {type(layers).__name__}") from exc
        if not self.layers:
            raise ValueError("Sequential expected at least one layer, got an empty list")
        for i, layer in enumerate(self.layers):
            missing = [a for a in ("forward", "backward", "params", "grads", "config") if not hasattr(layer, a)]
            if missing:
                raise ValueError(f"Sequential expected layers[{i}] to be a layer, got {type(layer).__name__} "
                                 f"(missing {', '.join(missing)})")

    @property
    def params(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}

    def forward(self, x, training=False):
        r"""x: (N, D) -> output of the last layer, e.g. (N, K): :math:`a^l = f_l(a^{l-1})`, :math:`a^0 = x`.

        ``training=True`` switches on what only happens in training (dropout's random mask).
        The first layer checks ``x``; the layers after it take what the one before produced
        without checking it again (their unchecked ``_forward``).
        """
        _check_training(training, "Sequential.forward")
        x = self.layers[0].forward(x, training=training)
        for layer in self.layers[1:]:
            x = unchecked(layer, "forward")(x, training=training)
        return x

    def _forward(self, x, training):
        """forward without any check: for ``fit``, which checked the whole data set once."""
        for layer in self.layers:
            x = unchecked(layer, "forward")(x, training=training)
        return x

    def backward(self, dout, input_grad=True):
        r"""dout = :math:`\partial C/\partial a^L` -> :math:`\partial C/\partial x`; fills every layer's ``grads``.

        Must follow a ``forward`` on the same batch (each layer uses what it cached).
        ``input_grad=False`` (what ``fit`` uses) skips :math:`\partial C/\partial x`, which
        training never needs, and returns ``None``. The last layer checks ``dout``; the ones
        before it take the gradient the next one computed.
        """
        if not isinstance(input_grad, (bool, np.bool_)):
            raise ValueError(f"Sequential.backward expected input_grad to be True or False, got {input_grad!r}")
        if len(self.layers) == 1:
            return self.layers[0].backward(dout, input_grad=input_grad)
        dout = self.layers[-1].backward(dout)
        return self._backward(dout, input_grad, self.layers[-2::-1])

    def _fast_paths(self):
        """(forward(x, training), backward(dout, input_grad)) without checks, the layers' methods
        looked up once: for ``fit``, whose loop runs them thousands of times on checked data."""
        forwards = [unchecked(layer, "forward") for layer in self.layers]
        backwards = [unchecked(layer, "backward") for layer in reversed(self.layers)]
        inner, first = backwards[:-1], backwards[-1]

        def forward(x, training):
            for f in forwards:
                x = f(x, training=training)
            return x

        def backward(dout, input_grad):
            for b in inner:
                dout = b(dout)
            return first(dout, input_grad=input_grad)
        return forward, backward

    def _backward(self, dout, input_grad, layers=None):
        """backward without any check on dout (``fit`` passes the loss gradient nnlib computed)."""
        layers = self.layers[::-1] if layers is None else layers
        for layer in layers[:-1]:
            dout = unchecked(layer, "backward")(dout)
        return unchecked(layers[-1], "backward")(dout, input_grad=input_grad)

    def predict(self, x, batch_size=1024):
        """Outputs for x (N, D) in test mode (``training=False``), ``batch_size`` rows at a time.

        The batches only bound memory; the result is the same as ``forward(x)``.
        """
        check_positive_int(batch_size, "batch_size", "Sequential.predict")
        n = len(x) if hasattr(x, "__len__") else 0
        if n <= batch_size:
            return self.forward(x, training=False)
        return np.concatenate([self.forward(x[i:i + batch_size], training=False)
                               for i in range(0, n, batch_size)])

    def config(self):
        """JSON-able description: ``{"layers": [{"name": "Dense", "config": {...}}, ...]}``."""
        return {"layers": [{"name": type(layer).__name__, "config": layer.config()} for layer in self.layers]}

    @classmethod
    def from_config(cls, config, *, rng):
        """Rebuild a model from ``config()``: ``LAYERS[name](**config, rng=rng)`` for each layer.

        The parameters are freshly initialized (from ``rng``); load saved ones with
        ``nnlib.io.load_params``. Raises ``ValueError`` naming the layer for an unknown
        name or a config the layer does not accept.
        """
        _config_param_specs(config)  # every entry checked, nothing allocated yet
        layers = []
        for i, entry in enumerate(config["layers"]):
            if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                    or not isinstance(entry.get("config"), dict)):
                raise ValueError(f"Sequential.from_config expected layers[{i}] to be "
                                 f"{{'name': str, 'config': dict}}, got {entry!r:.200}")
            name = entry["name"]
            if name not in LAYERS:
                raise ValueError(f"Sequential.from_config expected layers[{i}] name in {sorted(LAYERS)}, got {name!r}")
            kwargs = entry["config"]
            if "rng" in kwargs:
                raise ValueError(f"Sequential.from_config expected layers[{i}] config without 'rng', got {kwargs!r}")
            try:
                layers.append(LAYERS[name](**kwargs, rng=rng))
            except TypeError as exc:  # unknown or missing keyword
                raise ValueError(f"Sequential.from_config could not build layers[{i}] {name}: {exc}") from exc
        return cls(layers)

    def __repr__(self):
        return "Sequential([" + ", ".join(repr(layer) for layer in self.layers) + "])"


MAX_LAYERS = 10_000


def _config_param_specs(config, where="Sequential.from_config"):
    """Check a model config with the layers' own rules, allocating nothing.

    Returns ``{"<index>.<name>": (shape, dtype)}`` of the parameters the model would have, so a
    loader can compare a file's arrays with them before reading any. Layers with a
    ``_param_specs`` hook run their constructor's checks without drawing their weights; a layer
    without one is built (parameter-free layers allocate nothing).
    """
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(f"{where} expected a dict with a list under 'layers', got {config!r:.200}")
    if not 1 <= len(config["layers"]) <= MAX_LAYERS:
        raise ValueError(f"{where} expected 1 to {MAX_LAYERS} layers, got {len(config['layers'])}")
    specs = {}
    for i, entry in enumerate(config["layers"]):
        if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                or not isinstance(entry.get("config"), dict)):
            raise ValueError(f"{where} expected layers[{i}] to be {{'name': str, 'config': dict}}, got {entry!r:.200}")
        name, kwargs = entry["name"], entry["config"]
        if name not in LAYERS:
            raise ValueError(f"{where} expected layers[{i}] name in {sorted(LAYERS)}, got {name!r:.80}")
        if "rng" in kwargs:
            raise ValueError(f"{where} expected layers[{i}] config without 'rng', got {kwargs!r:.200}")
        cls = LAYERS[name]
        try:
            if hasattr(cls, "_param_specs"):
                layer_specs = cls._param_specs(**kwargs)
            else:  # a layer without the hook is built; whatever params it has are expected too
                built = cls(**kwargs, rng=np.random.default_rng(0))
                layer_specs = {k: (v.shape, v.dtype) for k, v in built.params.items()}
        except TypeError as exc:  # unknown or missing keyword
            raise ValueError(f"{where} could not build layers[{i}] {name}: {exc}") from exc
        except ValueError as exc:
            raise ValueError(f"{where} expected a valid config for layers[{i}] {name}: {exc}") from exc
        specs.update({f"{i}.{k}": v for k, v in layer_specs.items()})
    return specs
