"""Saving and loading: round trips, bit-for-bit resumed training, atomic writes, refusing bad files."""
import json
import time
import tracemalloc
import zipfile
import os

import numpy as np
import pytest

from nnlib import datasets, io, layers, optimizers, preprocessing, train
from nnlib.model import Sequential


def build(rng, drop_rng=None, n_out=3):
    """2-16-3 with dropout; the dropout layer may have its own generator."""
    return Sequential([layers.Dense(2, 16, rng=rng), layers.ReLU(),
                       layers.Dropout(0.3, rng=rng if drop_rng is None else drop_rng),
                       layers.Dense(16, n_out, rng=rng)])


@pytest.fixture
def data():
    return datasets.spiral(30, 3, 0.2, np.random.default_rng(0))


def same_params(a, b):
    return sorted(a.params) == sorted(b.params) and all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def rewrite(path, change):
    """Load every entry of an npz, let ``change`` edit the dict, write it back (no digest update)."""
    with np.load(path, allow_pickle=False) as npz:
        entries = {k: npz[k] for k in npz.files}
    change(entries)
    with open(path, "wb") as f:
        np.savez(f, **entries)


def redigest(entries, meta_text):
    """Store ``meta_text`` as the JSON and a digest that matches it and the arrays (a 'valid' forgery)."""
    entries[io._META] = np.array(meta_text)
    arrays = {k: v for k, v in entries.items() if k not in (io._META, io._DIGEST, io._HMAC)}
    entries[io._DIGEST] = np.array(io._digest(meta_text, arrays))


def rewrite_meta(path, change):
    """Edit the JSON and recompute the digest: a well-formed file with wrong content."""
    def edit(entries):
        meta = json.loads(str(entries[io._META]))
        change(meta)
        redigest(entries, json.dumps(meta))
    rewrite(path, edit)


# --- round trips ---------------------------------------------------------------------------------

def test_params_round_trip_into_a_fresh_model(tmp_path, rng, data):
    X, _ = data
    model = build(rng)
    other = build(np.random.default_rng(99))
    assert not same_params(model, other)
    path = tmp_path / "weights.npz"
    io.save_params(path, model)
    arrays_before = dict(other.params)
    io.load_params(path, other)
    assert same_params(model, other)
    assert all(other.params[k] is arrays_before[k] for k in arrays_before)  # loaded in place
    np.testing.assert_array_equal(other.predict(X), model.predict(X))


def test_saved_then_loaded_model_predicts_identically(tmp_path, rng, data):
    X, y = data
    model = build(rng)
    opt = optimizers.Adam(0.01, beta2=0.99)
    history = train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=3, batch_size=8, rng=rng, progress=False)
    path = tmp_path / "model.npz"
    io.save_model(path, model, optimizer=opt, opt_state=history.state)
    loaded, loaded_opt, state, extra = io.load_model(path)
    assert loaded.config() == model.config()
    assert type(loaded_opt) is optimizers.Adam and loaded_opt.config() == opt.config()
    assert state["step"] == history.state["step"]
    for slot in ("m", "v"):
        assert all(np.array_equal(state[slot][k], history.state[slot][k]) for k in model.params)
    assert extra == {}
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    # a model file also serves load_params
    fresh = build(np.random.default_rng(5))
    io.load_params(path, fresh)
    assert same_params(fresh, model)


def test_float32_models_round_trip(tmp_path, rng):
    model = Sequential([layers.Dense(3, 2, rng=rng, dtype=np.float32), layers.Sigmoid()])
    io.save_model(tmp_path / "m.npz", model)
    loaded, optimizer, state, _ = io.load_model(tmp_path / "m.npz")
    assert optimizer is None and state is None
    assert all(p.dtype == np.float32 for p in loaded.params.values()) and same_params(loaded, model)


@pytest.mark.parametrize("shared", [True, False], ids=["dropout-shares-shuffle-rng", "own-dropout-rng"])
def test_training_resumed_from_a_full_save_matches_uninterrupted_training(tmp_path, data, shared):
    X, y = data

    def fresh():
        rng = np.random.default_rng(11)
        return build(rng, drop_rng=None if shared else np.random.default_rng(12)), rng

    uninterrupted, rng_u = fresh()
    train.fit(uninterrupted, "softmax_cross_entropy", optimizers.Adam(0.01), X, y, epochs=5, batch_size=8,
              rng=rng_u, progress=False)

    model, rng = fresh()
    opt = optimizers.Adam(0.01)
    history = train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=2, batch_size=8, rng=rng, progress=False)
    path = tmp_path / "checkpoint.npz"
    io.save_model(path, model, optimizer=opt, opt_state=history.state,
                  train_state={"rng": rng, "epoch": 2, "loss": history.loss})
    del model, opt, rng  # everything needed comes from the file

    model, opt, state, extra = io.load_model(path)
    assert extra["epoch"] == 2 and extra["loss"] == history.loss
    assert (model.layers[2].rng is extra["rng"]) == shared
    train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=3, batch_size=8, rng=extra["rng"],
              state=state, progress=False)
    assert same_params(model, uninterrupted)


def test_resume_without_the_rng_states_would_differ(tmp_path, data):
    """The bit-for-bit test above is not vacuous: a fresh shuffling rng gives other weights."""
    X, y = data
    model = build(np.random.default_rng(11))
    reference = build(np.random.default_rng(11))
    opt = optimizers.Adam(0.01)
    rng = np.random.default_rng(11)
    h = train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=2, batch_size=8, rng=rng, progress=False)
    io.save_model(tmp_path / "c.npz", model, optimizer=opt, opt_state=h.state, train_state={"rng": rng})
    loaded, opt2, state, extra = io.load_model(tmp_path / "c.npz")
    train.fit(loaded, "softmax_cross_entropy", opt2, X, y, epochs=1, batch_size=8, rng=extra["rng"], state=state,
              progress=False)
    train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=1, batch_size=8,
              rng=np.random.default_rng(11), state=h.state, progress=False)
    assert not same_params(loaded, model)
    assert not same_params(reference, model)


# --- atomic writes -------------------------------------------------------------------------------

def test_a_failed_save_leaves_the_old_file_intact(tmp_path, rng, monkeypatch):
    path = tmp_path / "model.npz"
    old_model = build(rng)
    io.save_model(path, old_model)
    old_bytes = path.read_bytes()

    real_write_array = np.lib.format.write_array
    calls = []

    def write_then_fail(*args, **kwargs):  # the disk fills up after the first array
        calls.append(1)
        if len(calls) > 1:
            raise OSError("No space left on device")
        return real_write_array(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        io.save_model(path, build(np.random.default_rng(1)))
    monkeypatch.undo()
    assert len(calls) == 2  # the writer really failed midway
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind
    loaded, *_ = io.load_model(path)
    assert same_params(loaded, old_model)


def test_a_failed_first_save_leaves_no_file(tmp_path, rng, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disk error")

    monkeypatch.setattr(np.lib.format, "write_array", fail)
    with pytest.raises(OSError, match="disk error"):
        io.save_params(tmp_path / "w.npz", build(rng))
    assert os.listdir(tmp_path) == []


def test_saved_files_get_normal_permissions(tmp_path, rng):
    path = tmp_path / "w.npz"
    io.save_params(path, build(rng))
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


# --- refusing bad files --------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path, rng, data):
    X, y = data
    model = build(rng)
    opt = optimizers.SGD(0.1, momentum=0.9)
    history = train.fit(model, "softmax_cross_entropy", opt, X, y, epochs=1, batch_size=8, rng=rng, progress=False)
    path = tmp_path / "model.npz"
    io.save_model(path, model, optimizer=opt, opt_state=history.state, train_state={"rng": rng})
    return path, model


def test_truncated_file(saved):
    path, _ = saved
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(io.CorruptSaveError, match=r"load_model could not read .*model.npz as an nnlib save file"):
        io.load_model(path)


def test_flipped_byte(saved):
    path, _ = saved
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(io.CorruptSaveError, match=r"load_model (could not read|expected) .*model.npz"):
        io.load_model(path)


def test_not_an_npz_file(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"this is not a zip archive" * 10)
    with pytest.raises(io.CorruptSaveError, match=r"could not read .*junk.npz as an nnlib save file"):
        io.load_model(path)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(io.CorruptSaveError, match=r"expected .*single.npy to be an npz archive, got a single .npy array"):
        io.load_model(tmp_path / "single.npy")


def test_an_npz_that_nnlib_did_not_write(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, W=np.zeros((2, 2)))
    with pytest.raises(io.CorruptSaveError, match=r"expected .*other.npz to hold the text entry '__nnlib_meta__', got nothing"):
        io.load_params(path, build(np.random.default_rng(0)))


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    io.save_params(path, build(np.random.default_rng(0)))
    rewrite(path, lambda entries: entries.__setitem__("params/0.W", np.array([{"a": 1}], dtype=object)))
    with pytest.raises(io.CorruptSaveError, match=r"could not read .*evil.npz.*dtype object"):
        io.load_params(path, build(np.random.default_rng(0)))


def test_edited_parameter_breaks_the_digest(saved):
    path, _ = saved

    def edit(entries):
        entries["params/0.W"][0, 0] += 1e-9
    rewrite(path, edit)
    with pytest.raises(io.CorruptSaveError, match=r"expected .*model.npz to match its SHA-256 digest .*damaged or edited"):
        io.load_model(path)
    with pytest.raises(io.CorruptSaveError, match=r"load_params expected .* SHA-256"):
        io.load_params(path, build(np.random.default_rng(0)))


def test_edited_json_breaks_the_digest(saved):
    path, _ = saved

    def edit(entries):
        entries[io._META] = np.array(str(entries[io._META]).replace('"drop_prob": 0.3', '"drop_prob": 0.9'))
    rewrite(path, edit)
    with pytest.raises(io.CorruptSaveError, match=r"SHA-256 digest"):
        io.load_model(path)


def test_unknown_layer_name(saved):
    path, _ = saved
    rewrite_meta(path, lambda meta: meta["model"]["layers"][1].update(name="Conv9"))
    with pytest.raises(io.IncompatibleSaveError, match=r"load_model could not rebuild the model in .*layers\[1\] name in .*, got 'Conv9'"):
        io.load_model(path)


def test_unknown_optimizer_name(saved):
    path, _ = saved
    rewrite_meta(path, lambda meta: meta["optimizer"].update(name="Lion"))
    with pytest.raises(io.IncompatibleSaveError, match=r"load_model expected an optimizer name in \[.*'Adam'.*\] in .*, got 'Lion'"):
        io.load_model(path)


def test_newer_format_version(saved):
    path, _ = saved
    rewrite_meta(path, lambda meta: meta.update(version=2))
    with pytest.raises(io.IncompatibleSaveError, match=r"expected format version 1 in .*, got 2"):
        io.load_model(path)


def test_json_that_does_not_parse(saved):
    path, _ = saved

    def edit(entries):
        redigest(entries, "{not json")
    rewrite(path, edit)
    with pytest.raises(io.CorruptSaveError, match=r"could not parse the JSON in .*model.npz"):
        io.load_model(path)


def test_missing_parameter_array(saved):
    path, _ = saved

    def edit(entries):
        del entries["params/3.b"]
        redigest(entries, str(entries[io._META]))
    rewrite(path, edit)
    with pytest.raises(io.CorruptSaveError, match=r"expected the arrays listed in .*, got missing \['params/3.b'\] and unexpected \[\]"):
        io.load_model(path)


def test_architecture_and_arrays_disagree(saved):
    path, _ = saved
    rewrite_meta(path, lambda meta: meta["model"]["layers"][3]["config"].update(n_out=4))
    with pytest.raises(io.IncompatibleSaveError, match=r"expected params\['3.W'\] of shape \(16, 4\) and dtype float64 from the model, got shape \(16, 3\)"):
        io.load_model(path)


def test_optimizer_state_that_does_not_fit(saved):
    path, _ = saved
    rewrite_meta(path, lambda meta: meta["opt_state"].update(slots=["m", "v"]))
    with pytest.raises(io.CorruptSaveError, match=r"expected the arrays listed in .*got missing \['opt_state/m/0.W', .*unexpected \['opt_state/velocity/0.W'"):
        io.load_model(path)


def test_load_params_checks_the_model_and_changes_nothing_on_mismatch(saved):
    path, _ = saved
    wrong = build(np.random.default_rng(3), n_out=4)  # same keys, "3.W" is (16, 4)
    before = {k: v.copy() for k, v in wrong.params.items()}
    with pytest.raises(io.IncompatibleSaveError, match=r"load_params expected params\['3.W'\] of shape \(16, 4\) .* got shape \(16, 3\)"):
        io.load_params(path, wrong)
    assert all(np.array_equal(before[k], wrong.params[k]) for k in before)
    deeper = Sequential([layers.Dense(2, 16, rng=np.random.default_rng(0)), layers.ReLU(),
                         layers.Dense(16, 16, rng=np.random.default_rng(0)), layers.ReLU(),
                         layers.Dense(16, 3, rng=np.random.default_rng(0))])
    with pytest.raises(io.IncompatibleSaveError, match=r"got missing \['2.W', '2.b', '4.W', '4.b'\] and unexpected \['3.W', '3.b'\]"):
        io.load_params(path, deeper)


def test_load_model_refuses_a_params_file(tmp_path, rng):
    io.save_params(tmp_path / "w.npz", build(rng))
    with pytest.raises(io.IncompatibleSaveError, match=r"expected a save_model file, got a 'nnlib.params' file"):
        io.load_model(tmp_path / "w.npz")


def test_errors_are_value_errors():
    assert issubclass(io.CorruptSaveError, ValueError) and issubclass(io.IncompatibleSaveError, ValueError)


# --- bad arguments to save -----------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda p, m: io.save_params(42, m), r"save_params expected path to be a str or os.PathLike, got int"),
    (lambda p, m: io.save_params(p, "model"), r"save_params expected model to be an nnlib Sequential, got str"),
    (lambda p, m: io.save_model(p, m, opt_state={"step": 0}), r"save_model expected an optimizer with opt_state .*got optimizer=None"),
    (lambda p, m: io.save_model(p, m, optimizer=optimizers.Adam(), opt_state={"step": 0}),
     r"save_model expected opt_state with keys \['m', 'step', 'v'\] for Adam, got \['step'\]"),
    (lambda p, m: io.save_model(p, m, optimizer="adam"), r"save_model expected optimizer from nnlib.optimizers.OPTIMIZERS, got str"),
    (lambda p, m: io.save_model(p, m, train_state={"x": np.zeros(3)}), r"save_model expected train_state\['x'\] to hold JSON values .*got ndarray"),
    (lambda p, m: io.save_model(p, m, train_state=[1]), r"save_model expected train_state to be a dict, got list"),
])
def test_save_rejects_bad_arguments(tmp_path, rng, call, match):
    model = build(rng)
    path = tmp_path / "x.npz"
    with pytest.raises(ValueError, match=match):
        call(path, model)
    assert not path.exists()


def test_a_missing_file_is_not_a_value_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load_model(tmp_path / "nowhere.npz")
    with pytest.raises(ValueError, match=r"load_model expected path to be a str or os.PathLike, got NoneType"):
        io.load_model(None)


# --- the fitted input transform --------------------------------------------------------------

@pytest.mark.parametrize("cls", [preprocessing.Standardizer, preprocessing.MinMaxScaler])
def test_the_fitted_transform_round_trips_exactly(tmp_path, rng, data, cls):
    X, _ = data
    scaler = cls().fit(X) if cls is preprocessing.Standardizer else cls(feature_range=(-1, 1)).fit(X)
    model = build(rng)
    path = tmp_path / "model.npz"
    io.save_model(path, model, transform=scaler, train_state={"epoch": 3})
    loaded, _, _, extra = io.load_model(path)
    assert set(extra) == {"epoch", "transform"} and extra["epoch"] == 3
    restored = extra["transform"]
    assert type(restored) is cls and restored.config() == scaler.config()
    for key, arr in scaler.fitted_arrays().items():
        assert restored.fitted_arrays()[key].dtype == arr.dtype
        np.testing.assert_array_equal(restored.fitted_arrays()[key], arr)
    X_new = rng.normal(size=(7, 2))
    np.testing.assert_array_equal(loaded.predict(restored.transform(X_new)), model.predict(scaler.transform(X_new)))
    # a file without a transform gives no such key
    io.save_model(path, model)
    assert "transform" not in io.load_model(path)[3]


def test_an_unfitted_or_foreign_transform_is_refused(tmp_path, rng):
    path = tmp_path / "model.npz"
    with pytest.raises(ValueError, match=r"Standardizer.fitted_arrays expected a fitted Standardizer"):
        io.save_model(path, build(rng), transform=preprocessing.Standardizer())
    with pytest.raises(ValueError, match=r"save_model expected transform from nnlib.preprocessing.TRANSFORMS .*got dict"):
        io.save_model(path, build(rng), transform={"mean_": np.zeros(2)})
    fitted = preprocessing.Standardizer().fit(np.eye(2))
    with pytest.raises(ValueError, match=r"save_model expected train_state without the key 'transform'"):
        io.save_model(path, build(rng), transform=fitted, train_state={"transform": 1})
    assert not path.exists()


@pytest.fixture
def saved_with_transform(tmp_path, rng, data):
    X, _ = data
    path = tmp_path / "model.npz"
    io.save_model(path, build(rng), transform=preprocessing.Standardizer().fit(X))
    return path


def forge(path, change):
    """Let ``change(meta, entries)`` edit the parsed JSON and the arrays; recompute the digest."""
    def edit(entries):
        meta = json.loads(str(entries[io._META]))
        change(meta, entries)
        redigest(entries, json.dumps(meta))
    rewrite(path, edit)


@pytest.mark.parametrize("change, error, match", [
    (lambda m, e: m["transform"].update(name="PCA"), io.IncompatibleSaveError,
     r"expected a transform name in \['MinMaxScaler', 'Standardizer'\] .*got 'PCA'"),
    (lambda m, e: m["transform"].update(arrays=[1]), io.CorruptSaveError,
     r"expected the arrays listed in .*unexpected \['transform/mean_', 'transform/scale_'\]"),
    (lambda m, e: e.pop("transform/scale_"), io.CorruptSaveError,
     r"expected the arrays listed in .*got missing \['transform/scale_'\]"),
    (lambda m, e: e["transform/scale_"].__setitem__(0, 0.0), io.CorruptSaveError,
     r"could not rebuild the transform Standardizer .*scale_'\] > 0"),
    (lambda m, e: e["transform/mean_"].__setitem__(1, np.inf), io.CorruptSaveError,
     r"could not rebuild the transform Standardizer .*to be finite, got 0 NaN and 1 inf"),
    (lambda m, e: e.__setitem__("transform/mean_", np.zeros(5)), io.CorruptSaveError,
     r"entry 'transform/mean_' should be shape \(2,\) and dtype float64, its header says shape \(5,\)"),
    (lambda m, e: m["transform"]["arrays"]["mean_"].update(shape=[10 ** 9]), io.CorruptSaveError,
     r"expected the transform's array 'mean_' .*of shape \(D,\) with 1 <= D <= 16"),
    (lambda m, e: m["transform"].update(config={"feature_range": [0, 1]}), io.CorruptSaveError,
     r"could not rebuild the transform .*expected config with keys \[\]"),
    (lambda m, e: m["train_state"].update(transform=1), io.CorruptSaveError,
     r"expected train_state without the key 'transform'"),
])
def test_corrupt_transform_entries_are_refused(saved_with_transform, change, error, match):
    forge(saved_with_transform, change)
    with pytest.raises(error, match=match):
        io.load_model(saved_with_transform)


# --- files built to hurt: bounded reading, forged configs, keys ----------------------------------

def write_zip(path, members, compression=zipfile.ZIP_STORED):
    """An npz by hand: {name: bytes of a .npy member}."""
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name + ".npy", data)


def npy_bytes(arr=None, *, header_shape=None, dtype="<f8", body=b""):
    """An npy member whose header may claim another shape than the bytes that follow."""
    buf = _bytes_io()
    if arr is not None:
        np.save(buf, arr)
        return buf.getvalue()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": header_shape})
    return buf.getvalue() + body


def _bytes_io():
    import io as stdlib_io
    return stdlib_io.BytesIO()


def members_of(path):
    with zipfile.ZipFile(path) as zf:
        return {n[:-4]: zf.read(n) for n in zf.namelist()}


def test_a_deflate_bomb_is_refused_fast_with_little_memory(saved):
    path, _ = saved
    entries = members_of(path)
    # the header says (2, 16) like the model, then 200 MB of zeros follow (compressed to ~200 KB)
    entries["params/0.W"] = npy_bytes(header_shape=(2, 16), body=bytes(200 * 2 ** 20))
    write_zip(path, entries, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2 ** 20
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(io.CorruptSaveError, match=r"entry 'params/0.W' holds more data than its header announces"):
        io.load_model(path)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 2 ** 20, peak
    assert elapsed < 5, elapsed


def test_a_header_claiming_gigabytes_is_refused_before_allocating(saved):
    path, _ = saved
    entries = members_of(path)
    entries["params/0.W"] = npy_bytes(header_shape=(40000, 40000), body=bytes(64))
    write_zip(path, entries)
    tracemalloc.start()
    with pytest.raises(io.CorruptSaveError, match=r"entry 'params/0.W' should be shape \(2, 16\) and dtype float64, "
                                                  r"its header says shape \(40000, 40000\)"):
        io.load_model(path)
    assert tracemalloc.get_traced_memory()[1] < 20 * 2 ** 20
    tracemalloc.stop()


def test_a_short_member_is_refused(saved):
    path, _ = saved
    entries = members_of(path)
    entries["params/0.W"] = npy_bytes(header_shape=(2, 16), body=bytes(10))
    write_zip(path, entries)
    with pytest.raises(io.CorruptSaveError, match=r"entry 'params/0.W' ends after 10 of the 256 bytes"):
        io.load_model(path)


def test_a_forged_huge_layer_is_refused_by_its_shapes_before_anything_is_built(saved, monkeypatch):
    path, _ = saved

    def forge_layer(meta):
        meta["model"]["layers"][3]["config"].update(n_in=16000, n_out=16000)
        meta["params"]["3.W"]["shape"] = [16000, 16000]
        meta["params"]["3.b"]["shape"] = [16000]
    rewrite_meta(path, forge_layer)
    built = []
    monkeypatch.setattr(layers.Dense, "__init__", lambda *a, **k: built.append(1))
    start = time.perf_counter()
    with pytest.raises(io.CorruptSaveError, match=r"entry '(params|opt_state/velocity)/3.W' should be shape \(16000, 16000\) .*header says shape \(16, 3\)"):
        io.load_model(path)
    assert built == [] and time.perf_counter() - start < 2


@pytest.mark.parametrize("change, match", [
    (lambda m: m["model"]["layers"][2]["config"].update(drop_prob=1.5), r"layers\[2\] Dropout: Dropout expected drop_prob in \[0, 1\)"),
    (lambda m: m["model"]["layers"][0]["config"].update(n_in=True), r"layers\[0\] Dense: Dense expected n_in to be a positive integer, got True"),
    (lambda m: m["model"]["layers"][0]["config"].update(dtype="float16"), r"Dense expected dtype float32 or float64"),
    (lambda m: m["model"]["layers"][0]["config"].update(bad=1), r"could not build layers\[0\] Dense"),
    (lambda m: m["model"].update(layers=[]), r"expected 1 to 10000 layers, got 0"),
])
def test_configs_follow_the_constructors_rules(saved, change, match):
    path, _ = saved
    rewrite_meta(path, change)
    with pytest.raises(io.IncompatibleSaveError, match=match):
        io.load_model(path)


def test_deeply_nested_json_is_a_named_error(saved):
    path, _ = saved

    def edit(entries):
        redigest(entries, '{"format": "nnlib.model", "version": 1, "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    rewrite(path, edit)
    with pytest.raises(io.CorruptSaveError, match=r"RecursionError \(JSON nested too deeply"):
        io.load_model(path)


def test_json_claiming_too_many_characters_is_refused(saved):
    path, _ = saved
    entries = members_of(path)
    entries[io._META] = npy_bytes(header_shape=(), dtype="<U100000000")
    write_zip(path, entries)
    with pytest.raises(io.CorruptSaveError, match=r"entry '__nnlib_meta__' claims 100000000 characters"):
        io.load_model(path)


def test_a_keyed_file_loads_only_with_its_key(tmp_path, rng, data):
    X, _ = data
    model = build(rng)
    path = tmp_path / "signed.npz"
    io.save_model(path, model, key="s3cret")
    loaded = io.load_model(path, key=b"s3cret")[0]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    with pytest.raises(io.CorruptSaveError, match=r"HMAC-SHA256 signature \(with the key given\)"):
        io.load_model(path, key="guess")
    with pytest.raises(io.IncompatibleSaveError, match=r"signed with a key: pass key="):
        io.load_model(path)
    # a forger without the key edits the JSON and recomputes a plain digest: refused with the key,
    # whether the old signature stays (it no longer matches) or is removed
    rewrite_meta(path, lambda meta: meta["model"]["layers"][2]["config"].update(drop_prob=0.999999))
    with pytest.raises(io.CorruptSaveError, match=r"to match its HMAC-SHA256 signature"):
        io.load_model(path, key="s3cret")
    rewrite(path, lambda entries: entries.pop(io._HMAC))
    assert io.load_model(path)[0].layers[2].drop_prob == 0.999999  # without the key it would pass
    with pytest.raises(io.CorruptSaveError, match=r"expected .* to be signed with the key given, got a file with a plain digest"):
        io.load_model(path, key="s3cret")
    io.save_params(path, model, key=b"k")
    io.load_params(path, build(np.random.default_rng(5)), key="k")
    with pytest.raises(ValueError, match=r"save_model expected key to be non-empty bytes or str \(or None\), got int"):
        io.save_model(path, model, key=3)


def test_stale_temporary_files_are_removed_by_the_next_save(tmp_path, rng):
    path = tmp_path / "model.npz"
    (tmp_path / ".model.npz.abc123.tmp").write_bytes(b"x" * 1000)  # a save killed before its rename
    (tmp_path / ".other.npz.abc123.tmp").write_bytes(b"y")          # another path's: left alone
    io.save_model(path, build(rng))
    assert sorted(os.listdir(tmp_path)) == [".other.npz.abc123.tmp", "model.npz"]


def test_saving_into_a_missing_folder_names_the_path(tmp_path, rng):
    target = tmp_path / "nodir" / "x.npz"
    with pytest.raises(FileNotFoundError, match=r"save_params could not write .*nodir/x.npz: the folder .*nodir does not exist"):
        io.save_params(target, build(rng))


def test_the_digest_hashes_without_copying(tmp_path, rng):
    big = Sequential([layers.Dense(1000, 1000, rng=rng)])
    path = tmp_path / "big.npz"
    io.save_params(path, big)
    tracemalloc.start()
    io.load_params(path, big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.5 * big.params["0.W"].nbytes, peak  # the arrays read once, no second copy
