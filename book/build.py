"""Build the course website: ``python book/build.py`` writes book/_build/html (open index.html).

Jupyter Book 1.x (Sphinx), offline, nothing re-executed:

1. **Stage** a source folder (``<out>/src``): this folder's ``_config.yml``, ``_toc.yml`` and
   ``intro.md``, a copy of ``chapters/*.ipynb`` and of ``exercises/`` (the released notebooks, never
   ``solutions/``). In the copies, each slider view (an ipywidgets output, which needs a running
   kernel to do anything) is replaced by a one-line note naming the sliders and their default values;
   the figure under it is an ordinary stored image and stays.
2. **Vendor MathJax**: MathJax 3.2.2, installed by pip with the ``book`` extra (the PyPI package
   ``sphinx-mathjax-offline`` carries its files; checked against a SHA-256), is copied into the
   site's ``_static/mathjax``, so pages load nothing from a CDN. (It is staged in ``_vendor``,
   not ``_static``: Jupyter Book adds every .js file in ``_static`` to every page.)
3. **Build**: ``jupyter-book config sphinx`` turns the YAML into ``conf.py``; Sphinx builds the HTML
   with nitpicky, warnings-as-errors and keep-going, so the log lists every warning and any warning
   fails the build. The log is ``<out>/sphinx-warnings.log``.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import html
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

BOOK = Path(__file__).resolve().parent
REPO = BOOK.parent
MATHJAX_ENTRY = "tex-mml-chtml.js"
MATHJAX_SHA256 = "300480069078b5892d2363a2b65e2dfbbf30fe5c80f83edbfecf4610fd093862"
# What tex-mml-chtml.js loads at run time (extensions, fonts, menu, accessibility); the other
# combined bundles and the SVG output are left out.
MATHJAX_FILES = (MATHJAX_ENTRY, "input", "output/chtml", "ui", "a11y", "adaptors", "sre")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTE_CLASS = "nnlib-static-sliders"
LINK_CLASS = "nnlib-run-in-browser"
# book/build_lite.py builds the in-browser site into the book's output, at html/lite
LITE_LAB = "lite/lab/index.html"


def run_in_browser_href(rel: Path) -> str:
    """The link from the page of notebook rel (e.g. chapters/03_x.ipynb) to it in the in-browser site."""
    up = "../" * (len(rel.parts) - 1)
    return f"{up}{LITE_LAB}?path={rel.as_posix()}"


def run_in_browser_cell(rel: Path, exercise: bool) -> dict:
    """A markdown cell for the top of a page: the link, and for an exercise what runs there."""
    what = ("its visible tests run there too; grading with the hidden tests needs a Python install"
            if exercise else "sliders included")
    text = (f'<p class="{LINK_CLASS}"><a href="{html.escape(run_in_browser_href(rel))}">'
            f'Run this page in your browser</a>: nothing to install ({what}).</p>')
    return nbformat.v4.new_markdown_cell(text)


def _controls(model_id: str, state: dict) -> list[str]:
    """'name = value' for every control inside a widget view (boxes are walked), from stored state."""
    model = state.get(model_id, {}).get("state", {})
    if "children" in model:
        return [c for ref in model["children"] for c in _controls(ref.removeprefix("IPY_MODEL_"), state)]
    if "description" not in model:
        return []
    if "_options_labels" in model and model.get("index") is not None:  # Dropdown, RadioButtons
        value = model["_options_labels"][model["index"]]
    elif "value" in model:
        value = model["value"]
    else:
        return []
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return [f"{model['description'] or '?'} = {shown}"]


def slider_note(view: dict, state: dict) -> dict:
    """The output that stands in for a widget view on a static page."""
    controls = _controls(view.get("model_id", ""), state)
    named = f" ({', '.join(controls)})" if controls else ""
    text = (f"Sliders{named}: they move when you run this notebook in Jupyter; "
            "the figure below is drawn at these default values.")
    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": f'<p class="{NOTE_CLASS}"><em>{html.escape(text)}</em></p>', "text/plain": text})


def static_copy(src: Path, dest: Path) -> None:
    """Copy a notebook for the static site: widget views become notes, widget state is dropped,
    and a link to the in-browser edition goes above the title."""
    nb = nbformat.read(src, as_version=4)
    rel = src.relative_to(REPO)
    link = run_in_browser_cell(rel, exercise=rel.parts[0] == "exercises")
    link.id = "nnlib-run-in-browser"
    nb.cells.insert(0, link)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [slider_note(out["data"][WIDGET_VIEW], state)
                            if WIDGET_VIEW in out.get("data", {}) else out for out in cell.outputs]
    nb.metadata.pop("widgets", None)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


def stage(src: Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml", "intro.md"):
        shutil.copy(BOOK / name, src / name)
    # written with links that work in the repository (../chapters/); the site has chapters/ beside it
    page = (BOOK / "common_mistakes.md").read_text(encoding="utf-8")
    (src / "common_mistakes.md").write_text(page.replace("](../chapters/", "](chapters/"), encoding="utf-8")
    for nb in sorted((REPO / "chapters").glob("*.ipynb")):
        static_copy(nb, src / "chapters" / nb.name)
    exercises = REPO / "exercises"
    for path in sorted(exercises.rglob("*")):
        rel = path.relative_to(REPO)
        if path.is_dir() or ".ipynb_checkpoints" in rel.parts or "__pycache__" in rel.parts:
            continue
        if path.suffix == ".ipynb":
            static_copy(path, src / rel)
        else:  # data files an exercise reads
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, src / rel)
    # the site's own style sheet, published as _static/course.css (html_css_files in _config.yml)
    (src / "_vendor").mkdir(exist_ok=True)
    shutil.copy(BOOK / "course.css", src / "_vendor" / "course.css")
    # relative links from a notebook to the library's source (../nnlib/x.py) become downloads
    shutil.copytree(REPO / "nnlib", src / "nnlib", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def mathjax_source() -> Path:
    """MathJax 3.2.2 (its es5 build) as shipped on PyPI in ``sphinx-mathjax-offline``.

    Only the files are used (the package's own Sphinx hook is not): pip installs them with the
    ``book`` extra, so the book builds with nothing but pip. The entry script is checked against
    the SHA-256 of the npm registry's mathjax@3.2.2 ``es5/tex-mml-chtml.js``.
    """
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("MathJax files not found: pip install -e '.[book]' (it brings sphinx-mathjax-offline)")
    source = Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"
    digest = hashlib.sha256((source / MATHJAX_ENTRY).read_bytes()).hexdigest()
    if digest != MATHJAX_SHA256:
        sys.exit(f"{source / MATHJAX_ENTRY} has SHA-256 {digest}, expected {MATHJAX_SHA256} (MathJax 3.2.2)")
    return source


def vendor_mathjax(static: Path) -> None:
    """Copy the MathJax files the pages load into static/mathjax (on html_static_path, see _config.yml)."""
    source = mathjax_source()
    dest = static / "mathjax"
    for rel in MATHJAX_FILES:
        if (source / rel).is_dir():
            shutil.copytree(source / rel, dest / rel, dirs_exist_ok=True)
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / rel, dest / rel)


def build(out: Path, strict: bool = True) -> Path:
    """Stage, vendor and build; returns the HTML folder. Raises CalledProcessError on warnings."""
    out = out.resolve()
    src = out / "src"
    stage(src)
    vendor_mathjax(src / "_vendor")
    subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
                    "config", "sphinx", str(src)], check=True, stdout=subprocess.DEVNULL)
    html_dir = out / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)
    log = out / "sphinx-warnings.log"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "--keep-going",
           "-d", str(out / "doctrees"), "-w", str(log)] + (["-W"] if strict else [])
    subprocess.run(cmd + [str(src), str(html_dir)], check=True)
    return html_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BOOK / "_build",
                        help="build folder (default book/_build); the site goes to OUT/html")
    parser.add_argument("--allow-warnings", action="store_true",
                        help="finish the site even if Sphinx warns (the default treats warnings as errors)")
    args = parser.parse_args(argv)
    try:
        html_dir = build(args.out, strict=not args.allow_warnings)
    except subprocess.CalledProcessError as err:
        print(f"book build failed ({err.returncode}); warnings are in {args.out / 'sphinx-warnings.log'}",
              file=sys.stderr)
        return 1
    print(f"built {html_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
