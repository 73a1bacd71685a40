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

* Loading never unpickles and checks everything before building anything: the JSON is
  parsed first (at most 16 M characters), the architecture is checked with the layers' own
  rules without allocating, and every array's npy header is compared with the shape the
  architecture implies before the array is read. So no file, however forged (a header
  claiming 11 GiB, a deflate bomb, ``Dense(16000, 16000)`` in the JSON of a 10 KB file),
  makes loading allocate more than the model it describes: peak memory is about twice the
  legitimate model (the arrays read, then the model they are copied into).
* A SHA-256 digest over the JSON and every array catches damaged or edited files.
* Problems raise subclasses of ``ValueError`` (``CorruptSaveError``,
  ``IncompatibleSaveError``) whose message names the file and what was wrong, also for files
  that exhaust memory or nest JSON too deeply.
* Saving is atomic: the file is written to a temporary file in the same folder, flushed to
  disk (``fsync``) and renamed over the target with ``os.replace``. A crash or error midway
  leaves the previous file untouched and no partial file behind; a temporary file left by a
  save that was killed (``.<name>.*.tmp``) is removed by the next save to the same path.

What the digest protects against: corruption (a truncated download, a flipped bit, an edit
by hand), not forgery. Anyone can recompute a plain SHA-256, so a file with an extra layer or
``LeakyReLU(slope=1e308)`` and a fresh digest loads. For files that cross a trust boundary
(downloaded, handed in by students), save and load with a secret ``key=`` (bytes or str): the
digest is then an HMAC-SHA256 that only holders of the key can produce, and ``load_model``
refuses a file that lacks it or does not match. Even so, a loaded model computes whatever its
parameters say.
"""
import glob
import json
import os
import tempfile
import zipfile
import zlib

import numpy as np

from . import _savefile
from ._savefile import FormatProblem
from .layers import LAYERS
from .model import Sequential, _config_param_specs
from .optimizers import OPTIMIZERS
from .preprocessing import TRANSFORMS

__all__ = ["SaveFileError", "CorruptSaveError", "IncompatibleSaveError",
           "save_params", "load_params", "save_model", "load_model"]

FORMAT_VERSION = 1
_META = "__nnlib_meta__"
_DIGEST = "__nnlib_sha256__"
_HMAC = "__nnlib_hmac_sha256__"
_MAX_SLOTS = 8
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


def _digest(meta_text, arrays, key=None):
    """SHA-256 (HMAC-SHA256 with a key) over the JSON text and, in key order, each array's
    key, dtype, shape and bytes (hashed in place, no copy)."""
    return _savefile.digest(meta_text, arrays, key)


def _check_key(key, where):
    if key is None:
        return None
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise ValueError(f"{where} expected key to be non-empty bytes or str (or None), got {type(key).__name__}")
    return key


def _atomic_write(path, meta, arrays, key, where):
    """Write meta (JSON) and arrays to ``path`` via a temporary file, fsync and os.replace."""
    meta_text = json.dumps(meta, sort_keys=True)
    contents = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
    signature = _digest(meta_text, contents, key)
    contents[_META] = np.array(meta_text)          # a unicode array: loads without pickle
    contents[_DIGEST if key is None else _HMAC] = np.array(signature)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{where} could not write {path}: the folder {folder} does not exist")
    prefix = f".{os.path.basename(path)}."
    for stale in glob.glob(os.path.join(glob.escape(folder), glob.escape(prefix) + "*.tmp")):
        try:  # left by a save that was killed before its rename
            os.unlink(stale)
        except OSError:
            pass
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
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


def _to_json_value(value, generators, where, name, depth=0):
    """JSON-able copy of ``value``; numpy Generators become {"__generator__": index}."""
    if depth > 100:
        raise ValueError(f"{where} expected {name} nested at most 100 deep, got deeper")
    if isinstance(value, np.random.Generator):
        for i, g in enumerate(generators):
            if g is value:  # the same generator object twice is saved once and shared on load
                return {"__generator__": i}
        generators.append(value)
        return {"__generator__": len(generators) - 1}
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return _to_json_value(value.item(), generators, where, name, depth)
    if isinstance(value, (list, tuple)):
        return [_to_json_value(v, generators, where, f"{name}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or k.startswith("__"):
                raise ValueError(f"{where} expected {name} keys to be str not starting with '__', got {k!r}")
            out[k] = _to_json_value(v, generators, where, f"{name}[{k!r}]", depth + 1)
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


def save_params(path, model, *, key=None):
    """Save ``model.params`` (the arrays only) to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Used exactly as given (no ``.npz`` is appended); ``.npz`` is the usual suffix.
    model : Sequential
    key : bytes or str, optional
        Sign the file with HMAC-SHA256 instead of a plain digest (see the module docstring).
    """
    path = _check_path(path, "save_params")
    _check_model(model, "save_params")
    key = _check_key(key, "save_params")
    arrays, spec = _param_arrays(model)
    _atomic_write(path, {"format": "nnlib.params", "version": FORMAT_VERSION, "params": spec}, arrays,
                  key, "save_params")


def save_model(path, model, *, optimizer=None, opt_state=None, train_state=None, transform=None, key=None):
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
    key : bytes or str, optional
        Sign the file with HMAC-SHA256 instead of a plain digest; load it with the same key
        (see the module docstring).
    """
    where = "save_model"
    path = _check_path(path, where)
    _check_model(model, where)
    key = _check_key(key, where)
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
            for name, arr in opt_state[slot].items():
                arrays[f"{_OPT}{slot}/{name}"] = arr
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
    _atomic_write(path, meta, arrays, key, where)


# --- reading -----------------------------------------------------------------------------------

def _read(path, where, key, expected_arrays):
    """The parsed JSON and every array, checked against the digest.

    ``expected_arrays(meta)`` returns ``{name: (shape, dtype)}`` from the parsed JSON (and
    the model); an array is only allocated once its header matches its entry there.
    """
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
        if magic == b"\x93NUMPY":
            raise CorruptSaveError(f"{where} expected {path} to be an npz archive, got a single .npy array")
        with zipfile.ZipFile(path) as zf:
            names = set(_savefile.members(zf))
            for entry in (_META, _DIGEST if key is None else _HMAC):
                if entry not in names:
                    raise _missing_entry(entry, names, path, where, key)
            meta_text = _savefile.read_text(zf, _META)
            stored = _savefile.read_text(zf, _DIGEST if key is None else _HMAC, limit=128)
            try:
                meta = json.loads(meta_text)
            except json.JSONDecodeError as exc:
                raise CorruptSaveError(f"{where} could not parse the JSON in {path}: {exc}") from exc
            _check_format(meta, path, where)
            expected = expected_arrays(meta)
            stray = sorted(names - set(expected) - {_META, _DIGEST, _HMAC})
            missing = sorted(set(expected) - names)
            if stray or missing:
                raise CorruptSaveError(f"{where} expected the arrays listed in {path}, got missing {missing} "
                                       f"and unexpected {stray[:10]}")
            h = _savefile.new_digest(meta_text, key)
            arrays = {name: _savefile.read_array(zf, name, *expected[name], h) for name in sorted(expected)}
    except (FileNotFoundError, SaveFileError):
        raise
    except FormatProblem as exc:
        raise CorruptSaveError(f"{where} could not read {path} as an nnlib save file: {exc}") from exc
    except (MemoryError, RecursionError) as exc:
        raise CorruptSaveError(f"{where} could not read {path} as an nnlib save file: {type(exc).__name__} "
                               "(JSON nested too deeply, or more data than memory)") from exc
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
        raise CorruptSaveError(f"{where} could not read {path} as an nnlib save file: "
                               f"{type(exc).__name__}: {exc}") from exc
    digest = h.hexdigest()
    if not _savefile.hmac.compare_digest(digest, stored):
        kind = "SHA-256 digest" if key is None else "HMAC-SHA256 signature (with the key given)"
        raise CorruptSaveError(f"{where} expected {path} to match its {kind} {stored[:16]}..., "
                               f"got {digest[:16]}... (the file was damaged or edited after saving)")
    return arrays, meta


def _missing_entry(entry, names, path, where, key):
    if entry == _HMAC and _DIGEST in names:
        return CorruptSaveError(f"{where} expected {path} to be signed with the key given, got a file with a plain "
                                "digest (anyone could have written it)")
    if entry == _DIGEST and _HMAC in names:
        return IncompatibleSaveError(f"{where} expected a file with a plain digest, got {path} signed with a key: "
                                     "pass key= to check it")
    return CorruptSaveError(f"{where} expected {path} to hold the text entry {entry!r}, got nothing")


def _check_format(meta, path, where):
    if not isinstance(meta, dict) or meta.get("format") not in ("nnlib.params", "nnlib.model"):
        got = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise CorruptSaveError(f"{where} expected {path} to be an nnlib save file, got format {got!r:.80}")
    if meta.get("version") != FORMAT_VERSION:
        raise IncompatibleSaveError(f"{where} expected format version {FORMAT_VERSION} in {path}, "
                                    f"got {meta.get('version')!r:.80}")


def _listed_params(meta, path, where):
    """The file's own table of its parameters: {key: (shape, dtype)}."""
    spec = meta.get("params")
    if not isinstance(spec, dict):
        raise CorruptSaveError(f"{where} expected a 'params' table in {path}, got {type(spec).__name__}")
    listed = {}
    for k, v in spec.items():
        shape = v.get("shape") if isinstance(v, dict) else None
        dtype = v.get("dtype") if isinstance(v, dict) else None
        if (not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape)
                or dtype not in ("float32", "float64")):
            raise CorruptSaveError(f"{where} expected params[{k!r}] in {path} to be {{'shape', 'dtype'}}, got {v!r:.80}")
        listed[k] = (tuple(shape), np.dtype(dtype))
    return listed


def _check_fits(saved, params, path, where):
    """Raise unless the saved {key: (shape, dtype)} are exactly the model's keys, shapes and dtypes."""
    if set(saved) != set(params):
        missing = sorted(set(params) - set(saved))
        extra = sorted(set(saved) - set(params))
        raise IncompatibleSaveError(f"{where} expected {path} to hold the model's parameters {sorted(params)}, "
                                    f"got missing {missing} and unexpected {extra}")
    for key, (shape, dtype) in params.items():
        if saved[key] != (shape, dtype):
            raise IncompatibleSaveError(f"{where} expected params[{key!r}] of shape {shape} and dtype {dtype} "
                                        f"from the model, got shape {saved[key][0]} and dtype {saved[key][1]} in {path}")


def _expected_arrays(meta, params, path, where):
    """Every array the file may hold, from the model's params {key: (shape, dtype)}: the
    params, one copy per optimizer state slot, and the transform's (D,) statistics, with D at
    most the widest parameter axis (a transform acts on a layer's input or output)."""
    expected = {_PARAMS + k: v for k, v in params.items()}
    spec = meta.get("opt_state")
    if isinstance(spec, dict) and isinstance(spec.get("slots"), list):
        slots = spec["slots"]
        if len(slots) > _MAX_SLOTS or not all(isinstance(x, str) and "/" not in x for x in slots):
            raise CorruptSaveError(f"{where} expected at most {_MAX_SLOTS} optimizer state slot names in {path}, "
                                   f"got {slots!r:.80}")
        expected.update({f"{_OPT}{slot}/{k}": v for slot in slots for k, v in params.items()})
    spec = meta.get("transform")
    table = spec.get("arrays") if isinstance(spec, dict) else None
    if isinstance(table, dict):
        widest = max((d for shape, _ in params.values() for d in shape), default=0)
        for k, v in table.items():
            shape = v.get("shape") if isinstance(v, dict) else None
            dtype = v.get("dtype") if isinstance(v, dict) else None
            if (not isinstance(shape, list) or len(shape) != 1 or type(shape[0]) is not int
                    or not 1 <= shape[0] <= widest or dtype not in ("float32", "float64") or len(table) > _MAX_SLOTS):
                raise CorruptSaveError(f"{where} expected the transform's array {k!r:.40} in {path} to be of shape (D,) "
                                       f"with 1 <= D <= {widest} and float dtype, got {v!r:.80}")
            expected[_TRANSFORM + k] = ((shape[0],), np.dtype(dtype))
    return expected


def load_params(path, model, *, key=None):
    """Copy the parameters saved in ``path`` into ``model`` (in place; the arrays stay the same objects).

    ``path`` may be a ``save_params`` or a ``save_model`` file. Nothing is changed unless every
    key, shape and dtype matches the model. ``key``: the one the file was saved with, if any.

    Raises
    ------
    CorruptSaveError, IncompatibleSaveError
        Both ``ValueError`` subclasses; see the module docstring.
    """
    where = "load_params"
    path = _check_path(path, where)
    _check_model(model, where)
    key = _check_key(key, where)
    params = model.params
    own = {k: (p.shape, p.dtype) for k, p in params.items()}

    def expected(meta):
        _check_fits(_listed_params(meta, path, where), own, path, where)
        return _expected_arrays(meta, own, path, where)

    arrays, _ = _read(path, where, key, expected)
    for k, p in params.items():
        p[...] = arrays[_PARAMS + k]


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


def load_model(path, *, key=None):
    """Rebuild what ``save_model`` stored.

    ``key``: the one the file was saved with, if any; a file saved with a key loads only
    with it, and a key given for a file saved without one is refused.

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
        ``extra["rng"]`` continues the saved generator's stream exactly. With a saved
        ``transform``, ``extra["transform"]`` is the fitted Standardizer or MinMaxScaler.

    Raises
    ------
    CorruptSaveError, IncompatibleSaveError
        Both ``ValueError`` subclasses; see the module docstring.
    """
    where = "load_model"
    path = _check_path(path, where)
    key = _check_key(key, where)

    def expected(meta):  # the architecture, checked without building it, says what to read
        if meta["format"] != "nnlib.model":
            raise IncompatibleSaveError(f"{where} expected a save_model file, got a {meta['format']!r} file in "
                                        f"{path} (use load_params with a model you build)")
        for entry in ("model", "optimizer", "opt_state", "layer_rngs", "train_state", "generators"):
            if entry not in meta:
                raise CorruptSaveError(f"{where} expected the entry {entry!r} in {path}, got keys {sorted(meta)}")
        try:
            specs = _config_param_specs(meta["model"])
        except ValueError as exc:
            raise IncompatibleSaveError(f"{where} could not rebuild the model in {path}: {exc}") from exc
        _check_fits(_listed_params(meta, path, where), specs, path, where)
        return _expected_arrays(meta, specs, path, where)

    arrays, meta = _read(path, where, key, expected)
    saved = {k[len(_PARAMS):]: v for k, v in arrays.items() if k.startswith(_PARAMS)}
    if not isinstance(meta["generators"], list):
        raise CorruptSaveError(f"{where} expected a list of generators in {path}, got {meta['generators']!r:.80}")
    generators = [_make_generator(s, i, path, where) for i, s in enumerate(meta["generators"])]

    try:  # the initial weights are overwritten below; this rng only feeds the constructors
        model = Sequential.from_config(meta["model"], rng=np.random.default_rng(0))
    except ValueError as exc:
        raise IncompatibleSaveError(f"{where} could not rebuild the model in {path}: {exc}") from exc
    params = model.params
    for k, p in params.items():
        p[...] = saved[k]
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
