"""The bytes of an nnlib save file: an npz (zip of .npy members) read within known bounds.

Not part of the lesson; ``nnlib.io`` uses it. Reading never trusts a size it has not
checked: a member's npy header (a few hundred bytes) is read first, its shape and dtype are
compared with what the caller expects, and only then is the array allocated and filled in
chunks, hashing as it goes (no ``tobytes`` copy). A member holding more data than its header
says (a deflate bomb) is noticed after one extra byte.
"""
import hashlib
import hmac
import zipfile

import numpy as np

CHUNK = 1 << 20  # 1 MiB per read: bounded memory whatever the member claims
MAX_TEXT = 1 << 24  # characters of JSON: far above any model's architecture and history


class FormatProblem(Exception):
    """Raised with a message; ``nnlib.io`` turns it into CorruptSaveError naming the file."""


def new_digest(meta_text, key):
    """SHA-256 of the JSON text, or HMAC-SHA256 with ``key`` (bytes) when given."""
    h = hashlib.sha256() if key is None else hmac.new(key, digestmod="sha256")
    h.update(meta_text.encode("utf-8"))
    return h


def add_array(h, key, arr):
    """Hash one array as the digest has always done: key, dtype, shape, then the C-order bytes."""
    h.update(f"\0{key}\0{arr.dtype.str}\0{arr.shape}\0".encode("utf-8"))
    arr = np.ascontiguousarray(arr)
    h.update(memoryview(arr.reshape(-1)).cast("B"))


def digest(meta_text, arrays, key=None):
    """The digest of a whole file's content (used when writing)."""
    h = new_digest(meta_text, key)
    for name in sorted(arrays):
        add_array(h, name, arrays[name])
    return h.hexdigest()


def members(zf):
    """Member names without the .npy suffix; duplicates and other files are refused."""
    names = zf.namelist()
    if len(set(names)) != len(names):
        raise FormatProblem("it lists the same entry twice")
    odd = [n for n in names if not n.endswith(".npy")]
    if odd:
        raise FormatProblem(f"it holds entries that are not .npy arrays: {odd[:3]}")
    return [n[:-4] for n in names]


def header(f, name):
    """(shape, dtype, fortran_order) from an open member's npy header; nothing else is read."""
    try:
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(f, max_header_size=10_000)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise FormatProblem(f"entry {name!r} has no valid npy header ({exc})") from exc
    if dtype.hasobject or dtype.kind not in "fiuUb":
        raise FormatProblem(f"entry {name!r} has dtype {dtype}, which nnlib never writes")
    return shape, dtype, fortran


def read_text(zf, name, limit=MAX_TEXT):
    """A 0-d unicode entry (the JSON, the digest) of at most ``limit`` characters."""
    with zf.open(name + ".npy") as f:
        shape, dtype, _ = header(f, name)
        if dtype.kind != "U" or shape != ():
            raise FormatProblem(f"entry {name!r} should be text, got shape {shape} and dtype {dtype}")
        if dtype.itemsize > 4 * limit:
            raise FormatProblem(f"entry {name!r} claims {dtype.itemsize // 4} characters, more than {limit}")
        return str(_fill(f, name, np.empty((), dtype)))


def read_array(zf, name, shape, dtype, h):
    """The member ``name`` if its header says exactly ``shape`` and ``dtype``; hashed into ``h``."""
    with zf.open(name + ".npy") as f:
        got_shape, got_dtype, fortran = header(f, name)
        if got_shape != tuple(shape) or got_dtype != dtype:
            raise FormatProblem(f"entry {name!r} should be shape {tuple(shape)} and dtype {dtype}, its header says "
                                f"shape {got_shape} and dtype {got_dtype}")
        arr = np.empty(shape[::-1] if fortran else shape, dtype)
        _fill(f, name, arr)
    arr = arr.T if fortran else arr
    add_array(h, name, arr)
    return arr


def _fill(f, name, arr):
    """Read exactly ``arr.nbytes`` into ``arr`` in chunks, then insist the member ends there."""
    view = memoryview(arr.reshape(-1)).cast("B") if arr.ndim else memoryview(arr.reshape(1)).cast("B")
    done = 0
    while done < len(view):
        n = f.readinto(view[done:done + CHUNK])
        if not n:
            raise FormatProblem(f"entry {name!r} ends after {done} of the {len(view)} bytes its header announces")
        done += n
    if f.read(1):
        raise FormatProblem(f"entry {name!r} holds more data than its header announces")
    return arr


def open_zip(path):
    return zipfile.ZipFile(path)
