"""Saving and loading models: arrays in an ``.npz`` file, everything else as JSON inside it.

Two kinds of file:

* ``save_params`` / ``load_params``: the parameter arrays alone, loaded into a model you
  build yourself with the same architecture.
* ``save_model`` / ``load_model``: a full checkpoint: the architecture (``model.config()``),
  the parameters, the optimizer's name, settings and state, the state of every random
  generator involved (dropout layers, and the shuffling ``rng`` if you pass it in
  ``train_state``), so training resumed from the file continues exactly as if it had never
  stopped.

Safety:

* Loading never unpickles (``np.load(allow_pickle=False)``) and checks everything before
  touching a model: a SHA-256 digest over the JSON and every array (catches damaged or edited
  files), the format, the keys, shapes and dtypes, and the layer and optimizer names.
  Problems raise subclasses of ``ValueError`` (``CorruptSaveError``,
  ``IncompatibleSaveError``) whose message names the file and what was wrong.
* Saving is atomic: the file is written to a temporary file in the same folder, flushed to
  disk (``fsync``) and renamed over the target with ``os.replace``. A crash or error midway
  leaves the previous file untouched and no partial file behind.

The digest detects accidents, not attackers: someone who edits a file can recompute it. Only
load files you trust (a loaded model computes whatever its parameters say).
"""
import hashlib
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

from .layers import LAYERS
from .model import Sequential
from .optimizers import OPTIMIZERS
from .preprocessing import TRANSFORMS

__all__ = ["SaveFileError", "CorruptSaveError", "IncompatibleSaveError",
           "save_params", "load_params", "save_model", "load_model"]

FORMAT_VERSION = 1
_META = "__nnlib_meta__"
_DIGEST = "__nnlib_sha256__"
_PARAMS = "params/"
_OPT = "opt_state/"
_TRANSFORM = "transform/"
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class SaveFileError(ValueError):
    """A file that nnlib cannot load; the base of the two errors below."""


class CorruptSaveError(SaveFileError):
    """Not a readable nnlib save file: not an npz archive, truncated, damaged, edited, bad JSON."""


class IncompatibleSaveError(SaveFileError):
    """A well-formed save file that does not fit: other keys, shapes or dtypes than the model,
    an unknown layer or optimizer name, a newer format version, a params file where a model
    file is needed."""


# --- writing -----------------------------------------------------------------------------------

def _check_path(path, where):
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"{where} expected path to be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def _digest(meta_text, arrays):
    """SHA-256 over the JSON text and, in key order, each array's key, dtype, shape and bytes."""
    h = hashlib.sha256(meta_text.encode("utf-8"))
    for key in sorted(arrays):
        arr = np.ascontiguousarray(arrays[key])
        h.update(f"\0{key}\0{arr.dtype.str}\0{arr.shape}\0".encode("utf-8"))
        h.update(arr.tobytes())
    return h.hexdigest()


def _atomic_write(path, meta, arrays):
    """Write meta (JSON) and arrays to ``path`` via a temporary file, fsync and os.replace."""
    meta_text = json.dumps(meta, sort_keys=True)
    contents = dict(arrays)
    contents[_META] = np.array(meta_text)          # a unicode array: loads without pickle
    contents[_DIGEST] = np.array(_digest(meta_text, arrays))
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **contents)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable; not every platform can fsync a folder
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _check_model(model, where):
    if not isinstance(model, Sequential):
        raise ValueError(f"{where} expected model to be an nnlib Sequential, got {type(model).__name__}")


def _param_arrays(model):
    params = model.params
    spec = {k: {"shape": list(v.shape), "dtype": v.dtype.name} for k, v in params.items()}
    return {_PARAMS + k: v for k, v in params.items()}, spec


def _to_json_value(value, generators, where, name):
    """JSON-able copy of ``value``; numpy Generators become {"__generator__": index}."""
    if isinstance(value, np.random.Generator):
        for i, g in enumerate(generators):
            if g is value:  # the same generator object twice is saved once and shared on load
                return {"__generator__": i}
        generators.append(value)
        return {"__generator__": len(generators) - 1}
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_to_json_value(v, generators, where, f"{name}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or k.startswith("__"):
                raise ValueError(f"{where} expected {name} keys to be str not starting with '__', got {k!r}")
            out[k] = _to_json_value(v, generators, where, f"{name}[{k!r}]")
        return out
    raise ValueError(f"{where} expected {name} to hold JSON values (numbers, str, lists, dicts) or "
                     f"numpy Generators, got {type(value).__name__}")


def _encode_rng_state(state):
    """A bit generator's state as JSON: arrays (MT19937, Philox) become {"__array__", "dtype"}."""
    if isinstance(state, dict):
        return {k: _encode_rng_state(v) for k, v in state.items()}
    if isinstance(state, np.ndarray):
        return {"__array__": state.tolist(), "dtype": state.dtype.name}
    if isinstance(state, np.generic):
        return state.item()
    return state


def save_params(path, model):
    """Save ``model.params`` (the arrays only) to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Used exactly as given (no ``.npz`` is appended); ``.npz`` is the usual suffix.
    model : Sequential
    """
    path = _check_path(path, "save_params")
    _check_model(model, "save_params")
    arrays, spec = _param_arrays(model)
    _atomic_write(path, {"format": "nnlib.params", "version": FORMAT_VERSION, "params": spec}, arrays)


def save_model(path, model, *, optimizer=None, opt_state=None, train_state=None, transform=None):
    """Save a full checkpoint to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Used exactly as given; ``.npz`` is the usual suffix.
    model : Sequential
        Architecture (``model.config()``), parameters, and the generator of every layer with an
        ``rng`` attribute (dropout).
    optimizer : optimizer, optional
        Saved as its class name and ``config()``.
    opt_state : dict, optional
        The optimizer state (``history.state`` from ``fit``); needs ``optimizer``.
    train_state : dict, optional
        Anything else to resume training, e.g. ``{"rng": rng, "epoch": 12, "loss": history.loss}``:
        str keys; numbers, strings, lists and dicts, and numpy ``Generator`` objects (stored as
        their bit generator's state; ``load_model`` returns equivalent generators). A generator
        shared by several places (the shuffling ``rng`` also given to a dropout layer) is saved
        once and comes back shared.
    transform : fitted Standardizer or MinMaxScaler, optional
        The input transform the model was trained behind (``nnlib.preprocessing.TRANSFORMS``),
        saved as its name, ``config()`` and ``fitted_arrays()``; ``load_model`` returns it as
        ``extra["transform"]``, so new data is scaled with the training statistics.
    """
    where = "save_model"
    path = _check_path(path, where)
    _check_model(model, where)
    for i, layer in enumerate(model.layers):
        if type(layer).__name__ not in LAYERS:
            raise ValueError(f"{where} expected layers from nnlib.layers.LAYERS, got layers[{i}] of type "
                             f"{type(layer).__name__} (it could not be rebuilt on load)")
    arrays, spec = _param_arrays(model)
    meta = {"format": "nnlib.model", "version": FORMAT_VERSION, "params": spec, "model": model.config(),
            "optimizer": None, "opt_state": None}
    if optimizer is not None:
        name = type(optimizer).__name__
        if OPTIMIZERS.get(name) is not type(optimizer):
            raise ValueError(f"{where} expected optimizer from nnlib.optimizers.OPTIMIZERS, got {name}")
        meta["optimizer"] = {"name": name, "config": optimizer.config()}
    if opt_state is not None:
        if optimizer is None:
            raise ValueError(f"{where} expected an optimizer with opt_state (the state means nothing "
                             "without it), got optimizer=None")
        from .train import _check_state

        _check_state(opt_state, model.params, where)
        expected = set(optimizer.init(model.params))
        if set(opt_state) != expected:
            raise ValueError(f"{where} expected opt_state with keys {sorted(expected)} for {type(optimizer).__name__}, "
                             f"got {sorted(opt_state)}")
        slots = sorted(k for k in opt_state if k != "step")
        meta["opt_state"] = {"step": int(opt_state["step"]), "slots": slots}
        for slot in slots:
            for key, arr in opt_state[slot].items():
                arrays[f"{_OPT}{slot}/{key}"] = arr
    generators = []
    meta["layer_rngs"] = {str(i): _to_json_value(layer.rng, generators, where, f"layers[{i}].rng")
                          for i, layer in enumerate(model.layers)
                          if isinstance(getattr(layer, "rng", None), np.random.Generator)}
    if train_state is not None and not isinstance(train_state, dict):
        raise ValueError(f"{where} expected train_state to be a dict, got {type(train_state).__name__}")
    meta["train_state"] = _to_json_value(train_state or {}, generators, where, "train_state")
    meta["generators"] = [_encode_rng_state(g.bit_generator.state) for g in generators]
    meta["transform"] = None
    if transform is not None:
        name = type(transform).__name__
        if TRANSFORMS.get(name) is not type(transform):
            raise ValueError(f"{where} expected transform from nnlib.preprocessing.TRANSFORMS "
                             f"({', '.join(TRANSFORMS)}), got {name}")
        if "transform" in meta["train_state"]:
            raise ValueError(f"{where} expected train_state without the key 'transform' when transform is given "
                             "(load_model returns the transform under that key), got both")
        fitted = transform.fitted_arrays()  # raises for a transform that was never fit
        meta["transform"] = {"name": name, "config": transform.config(),
                             "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.name} for k, v in fitted.items()}}
        arrays.update({_TRANSFORM + k: v for k, v in fitted.items()})
    _atomic_write(path, meta, arrays)


# --- reading -----------------------------------------------------------------------------------

def _read(path, where):
    """Every array of the file, the parsed JSON, after checking the digest."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise CorruptSaveError(f"{where} expected {path} to be an npz archive, got a single .npy array")
        with npz:
            arrays = {k: npz[k] for k in npz.files}
    except (FileNotFoundError, CorruptSaveError):
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
        raise CorruptSaveError(f"{where} could not read {path} as an nnlib save file: "
                               f"{type(exc).__name__}: {exc}") from exc
    meta_arr, digest_arr = arrays.pop(_META, None), arrays.pop(_DIGEST, None)
    for key, arr in ((_META, meta_arr), (_DIGEST, digest_arr)):
        if arr is None or arr.dtype.kind != "U" or arr.ndim != 0:
            raise CorruptSaveError(f"{where} expected {path} to hold the text entry {key!r}, "
                                   f"got {'nothing' if arr is None else f'an array of dtype {arr.dtype}'}")
    meta_text = str(meta_arr)
    digest = _digest(meta_text, arrays)
    if digest != str(digest_arr):
        raise CorruptSaveError(f"{where} expected {path} to match its SHA-256 digest {str(digest_arr)[:16]}..., "
                               f"got {digest[:16]}... (the file was damaged or edited after saving)")
    try:
        meta = json.loads(meta_text)
    except json.JSONDecodeError as exc:
        raise CorruptSaveError(f"{where} could not parse the JSON in {path}: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") not in ("nnlib.params", "nnlib.model"):
        got = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise CorruptSaveError(f"{where} expected {path} to be an nnlib save file, got format {got!r}")
    if meta.get("version") != FORMAT_VERSION:
        raise IncompatibleSaveError(f"{where} expected format version {FORMAT_VERSION} in {path}, "
                                    f"got {meta.get('version')!r}")
    return arrays, meta


def _saved_params(arrays, meta, path, where):
    """The params stored in the file, checked against the file's own list of them."""
    spec = meta.get("params")
    if not isinstance(spec, dict):
        raise CorruptSaveError(f"{where} expected a 'params' table in {path}, got {type(spec).__name__}")
    params = {k[len(_PARAMS):]: v for k, v in arrays.items() if k.startswith(_PARAMS)}
    if set(params) != set(spec):
        raise CorruptSaveError(f"{where} expected the arrays {sorted(spec)} listed in {path}, "
                               f"got {sorted(params)}")
    for key, arr in params.items():
        if arr.dtype.kind != "f" or [*arr.shape] != spec[key].get("shape") or arr.dtype.name != spec[key].get("dtype"):
            raise CorruptSaveError(f"{where} expected params[{key!r}] in {path} to be {spec[key]}, "
                                   f"got shape {arr.shape} and dtype {arr.dtype}")
    return params


def _check_fits(saved, params, path, where):
    """Raise unless the saved arrays have exactly the model's keys, shapes and dtypes."""
    if set(saved) != set(params):
        missing = sorted(set(params) - set(saved))
        extra = sorted(set(saved) - set(params))
        raise IncompatibleSaveError(f"{where} expected {path} to hold the model's parameters {sorted(params)}, "
                                    f"got missing {missing} and unexpected {extra}")
    for key, p in params.items():
        s = saved[key]
        if s.shape != p.shape or s.dtype != p.dtype:
            raise IncompatibleSaveError(f"{where} expected params[{key!r}] of shape {p.shape} and dtype {p.dtype} "
                                        f"from the model, got shape {s.shape} and dtype {s.dtype} in {path}")


def load_params(path, model):
    """Copy the parameters saved in ``path`` into ``model`` (in place; the arrays stay the same objects).

    ``path`` may be a ``save_params`` or a ``save_model`` file. Nothing is changed unless every
    key, shape and dtype matches the model.

    Raises
    ------
    CorruptSaveError, IncompatibleSaveError
        Both ``ValueError`` subclasses; see the module docstring.
    """
    where = "load_params"
    path = _check_path(path, where)
    _check_model(model, where)
    arrays, meta = _read(path, where)
    saved = _saved_params(arrays, meta, path, where)
    params = model.params
    _check_fits(saved, params, path, where)
    for key, p in params.items():
        p[...] = saved[key]


def _decode_rng_state(state):
    if isinstance(state, dict):
        if set(state) == {"__array__", "dtype"}:
            return np.array(state["__array__"], dtype=state["dtype"])
        return {k: _decode_rng_state(v) for k, v in state.items()}
    return state


def _make_generator(state, index, path, where):
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in _BIT_GENERATORS:
        raise IncompatibleSaveError(f"{where} expected generators[{index}] in {path} to be one of "
                                    f"{list(_BIT_GENERATORS)}, got {name!r}")
    bit_generator = getattr(np.random, name)()
    try:
        bit_generator.state = _decode_rng_state(state)
    except (TypeError, ValueError, KeyError) as exc:
        raise CorruptSaveError(f"{where} could not restore generators[{index}] ({name}) from {path}: {exc}") from exc
    return np.random.Generator(bit_generator)


def _from_json_value(value, generators, path, where):
    if isinstance(value, dict):
        if set(value) == {"__generator__"}:
            i = value["__generator__"]
            if not isinstance(i, int) or not 0 <= i < len(generators):
                raise CorruptSaveError(f"{where} expected a generator index below {len(generators)} in {path}, "
                                       f"got {i!r}")
            return generators[i]
        return {k: _from_json_value(v, generators, path, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json_value(v, generators, path, where) for v in value]
    return value


def load_model(path):
    """Rebuild what ``save_model`` stored.

    Returns
    -------
    model : Sequential
        Same architecture and parameters; dropout layers draw from restored generators.
    optimizer : optimizer or None
        ``OPTIMIZERS[name](**config)``.
    opt_state : dict or None
        ``{"step": int, <slot>: {key: array}}``, ready for ``fit(..., state=opt_state)``.
    extra : dict
        The ``train_state`` passed to ``save_model`` (``{}`` if none), with generators restored:
        ``extra["rng"]`` continues the saved generator's stream exactly.

    Raises
    ------
    CorruptSaveError, IncompatibleSaveError
        Both ``ValueError`` subclasses; see the module docstring.
    """
    where = "load_model"
    path = _check_path(path, where)
    arrays, meta = _read(path, where)
    if meta["format"] != "nnlib.model":
        raise IncompatibleSaveError(f"{where} expected a save_model file, got a {meta['format']!r} file in {path} "
                                    "(use load_params with a model you build)")
    saved = _saved_params(arrays, meta, path, where)
    for key in ("model", "optimizer", "opt_state", "layer_rngs", "train_state", "generators"):
        if key not in meta:
            raise CorruptSaveError(f"{where} expected the entry {key!r} in {path}, got keys {sorted(meta)}")
    if not isinstance(meta["generators"], list):
        raise CorruptSaveError(f"{where} expected a list of generators in {path}, got {meta['generators']!r:.80}")
    generators = [_make_generator(s, i, path, where) for i, s in enumerate(meta["generators"])]

    try:  # the initial weights are overwritten below; this rng only feeds the constructors
        model = Sequential.from_config(meta["model"], rng=np.random.default_rng(0))
    except ValueError as exc:
        raise IncompatibleSaveError(f"{where} could not rebuild the model in {path}: {exc}") from exc
    params = model.params
    _check_fits(saved, params, path, where)
    for key, p in params.items():
        p[...] = saved[key]
    layer_rngs = meta["layer_rngs"]
    if not isinstance(layer_rngs, dict):
        raise CorruptSaveError(f"{where} expected a table of layer generators in {path}, got {layer_rngs!r:.80}")
    for i, layer in enumerate(model.layers):
        has_rng = hasattr(layer, "rng")
        if has_rng != (str(i) in layer_rngs):
            raise CorruptSaveError(f"{where} expected a saved generator exactly for the layers with one in {path}, "
                                   f"got {'none' if has_rng else 'one'} for layers[{i}] {type(layer).__name__}")
        if has_rng:
            rng = _from_json_value(layer_rngs[str(i)], generators, path, where)
            if not isinstance(rng, np.random.Generator):
                raise CorruptSaveError(f"{where} expected a generator for layers[{i}] in {path}, got {rng!r:.80}")
            layer.rng = rng

    optimizer = opt_state = None
    if meta["optimizer"] is not None:
        spec = meta["optimizer"]
        name = spec.get("name") if isinstance(spec, dict) else None
        if name not in OPTIMIZERS:
            raise IncompatibleSaveError(f"{where} expected an optimizer name in {sorted(OPTIMIZERS)} in {path}, "
                                        f"got {name!r}")
        if not isinstance(spec.get("config"), dict):
            raise CorruptSaveError(f"{where} expected the optimizer's config to be a dict in {path}, "
                                   f"got {spec.get('config')!r:.80}")
        try:
            optimizer = OPTIMIZERS[name](**spec["config"])
        except (TypeError, ValueError) as exc:
            raise IncompatibleSaveError(f"{where} could not rebuild the optimizer {name} from {path}: {exc}") from exc
    if meta["opt_state"] is not None:
        spec = meta["opt_state"]
        if (optimizer is None or not isinstance(spec, dict) or not isinstance(spec.get("step"), int)
                or spec["step"] < 0 or not isinstance(spec.get("slots"), list)):
            raise CorruptSaveError(f"{where} expected an optimizer and its state {{'step', 'slots'}} in {path}, "
                                   f"got {spec!r:.120}")
        expected = sorted(k for k in optimizer.init(params) if k != "step")
        if sorted(spec["slots"]) != expected:
            raise CorruptSaveError(f"{where} expected the state slots {expected} of {type(optimizer).__name__} "
                                   f"in {path}, got {spec['slots']!r}")
        opt_state = {"step": spec["step"]}
        for slot in expected:
            prefix = f"{_OPT}{slot}/"
            state = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
            try:
                _check_fits(state, params, path, where)
            except IncompatibleSaveError as exc:
                raise CorruptSaveError(f"{where} found an optimizer state {slot!r} that does not fit "
                                       f"the model: {exc}") from exc
            opt_state[slot] = state
    transform = _load_transform(arrays, meta.get("transform"), path, where)
    known = {k for k in arrays if k.startswith(_PARAMS)}
    if transform is not None:
        known |= {_TRANSFORM + k for k in meta["transform"]["arrays"]}
    if opt_state is not None:
        known |= {f"{_OPT}{slot}/{k}" for slot in opt_state if slot != "step" for k in opt_state[slot]}
    if set(arrays) != known:
        raise CorruptSaveError(f"{where} expected no other arrays in {path}, got {sorted(set(arrays) - known)}")
    if not isinstance(meta["train_state"], dict):
        raise CorruptSaveError(f"{where} expected train_state to be a dict in {path}, got {meta['train_state']!r:.80}")
    extra = _from_json_value(meta["train_state"], generators, path, where)
    if transform is not None:
        if "transform" in extra:
            raise CorruptSaveError(f"{where} expected train_state without the key 'transform' in {path} "
                                   "(it also holds a saved transform), got both")
        extra["transform"] = transform
    return model, optimizer, opt_state, extra


def _load_transform(arrays, spec, path, where):
    """The saved input transform, rebuilt and checked by its class, or None."""
    if spec is None:
        return None
    name = spec.get("name") if isinstance(spec, dict) else None
    if name not in TRANSFORMS:
        raise IncompatibleSaveError(f"{where} expected a transform name in {sorted(TRANSFORMS)} in {path}, "
                                    f"got {name!r:.80}")
    if not isinstance(spec.get("arrays"), dict):
        raise CorruptSaveError(f"{where} expected the transform's array table in {path}, got {spec.get('arrays')!r:.80}")
    fitted = {k[len(_TRANSFORM):]: v for k, v in arrays.items() if k.startswith(_TRANSFORM)}
    if set(fitted) != set(spec["arrays"]):
        raise CorruptSaveError(f"{where} expected the transform arrays {sorted(spec['arrays'])} listed in {path}, "
                               f"got {sorted(fitted)}")
    try:
        return TRANSFORMS[name].from_fitted(spec.get("config"), fitted)
    except ValueError as exc:
        raise CorruptSaveError(f"{where} could not rebuild the transform {name} from {path}: {exc}") from exc
