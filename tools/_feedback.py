"""The feedback page's pieces that nbgrader's own template lacks (used by nbgrader_config.py).

* ``mathjax_script``: MathJax 3.2.2 (its SVG build, which needs no font files) written into the
  page itself, so feedback renders its math offline, opened from disk or sent to a student as one
  file. The files come from the PyPI package ``sphinx-mathjax-offline`` (the ``book`` extra, the
  same MathJax the book ships), checked against its SHA-256.
* the ``nnlib_feedback`` template (``feedback_templates/``): nbgrader's feedback page with that
  MathJax and a summary that names each test cell by its grade_id.
"""
import functools
import hashlib
import importlib.util
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "feedback_templates"
TEMPLATE_NAME = "nnlib_feedback"
MATHJAX_ENTRY = "tex-svg.js"
# es5/tex-svg.js of sphinx-mathjax-offline 0.0.2 (pinned in pyproject.toml), whose tex-mml-chtml.js
# matches the npm registry's mathjax@3.2.2 (book/build.py checks that one)
MATHJAX_SHA256 = "d4295dc33744836935c1399feece5159577b34c5c8ffb9f1c6324cd82e03a882"
MATHJAX_CONFIG = ("window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true},"
                  " options: {enableMenu: false}, loader: {load: []}};")


class MathJaxMissing(RuntimeError):
    """The offline MathJax files are not installed."""


def mathjax_folder():
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise MathJaxMissing("MathJax files not found: pip install -e '.[book]' (it brings sphinx-mathjax-offline)")
    return Path(list(spec.submodule_search_locations)[0]) / "static" / "mathjax"


@functools.lru_cache(maxsize=None)
def _mathjax_code():
    path = mathjax_folder() / MATHJAX_ENTRY
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != MATHJAX_SHA256:
        raise MathJaxMissing(f"{path} has SHA-256 {digest}, expected {MATHJAX_SHA256} (MathJax 3.2.2)")
    code = data.decode("utf-8")
    if "</script" in code.lower():  # would end the inline script early
        raise MathJaxMissing(f"{path} holds '</script' and cannot be written inline")
    return code


def mathjax_script(_url=None):
    """Jinja filter: the two inline ``<script>`` elements that load MathJax with no network."""
    import markupsafe

    return markupsafe.Markup(f"<script>{MATHJAX_CONFIG}</script>\n<script>{_mathjax_code()}</script>")


def template_config():
    """HTMLExporter settings that make ``nbgrader generate_feedback`` use the ``nnlib_feedback`` template."""
    import nbgrader

    nbgrader_templates = Path(nbgrader.__file__).resolve().parent / "server_extensions" / "formgrader" / "templates"
    return {"HTMLExporter": {"template_name": TEMPLATE_NAME, "template_file": "nnlib_index.html.j2",
                             "extra_template_basedirs": [str(TEMPLATES), str(nbgrader_templates)],
                             "filters": {"nnlib_mathjax": "tools._feedback.mathjax_script"}}}
