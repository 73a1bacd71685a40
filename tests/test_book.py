"""The static book: ``book/build.py`` builds the whole course offline, warning-free.

The site is built once into a temporary folder (the same command as ``python book/build.py``, with
``--out``). Checks: Sphinx reported no warning at all (nitpicky, warnings are errors: a broken link
or a missing reference fails); every chapter and every released exercise has a page (the toc globs
them; a notebook left out of the toc has no page); every stored figure is on its chapter's page and
every slider is replaced by a note above its figure; no solution leaks into the exercise pages; pages
reference nothing outside the site. When Debian's chromium is installed, each chapter page is also
opened from disk: MathJax renders, every image loads, and the page requests nothing off the site.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

bs4 = pytest.importorskip("bs4")  # installed with jupyter-book (via pydata-sphinx-theme)

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
EXERCISES = sorted((REPO / "exercises").glob("*/*.ipynb"))
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTE_CLASS = "nnlib-static-sliders"  # book/build.py puts it on the note that replaces a slider view
CHROMIUM = Path(os.environ.get("NNLIB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(REPO / "book" / "build.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    log = out / "sphinx-warnings.log"
    return SimpleNamespace(html=out / "html", returncode=proc.returncode, output=proc.stdout + proc.stderr,
                           warnings=log.read_text() if log.exists() else "", seconds=time.monotonic() - t0)


def page(site, notebook: Path) -> Path:
    return site.html / notebook.relative_to(REPO).with_suffix(".html")


def soup(path: Path):
    return bs4.BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


def test_book_builds_without_warnings(site):
    assert site.returncode == 0 and not site.warnings.strip(), (
        f"book build failed or warned (exit {site.returncode}):\n{site.warnings or site.output[-4000:]}")
    print(f"\nbook built in {site.seconds:.1f} s")


@pytest.mark.parametrize("notebook", CHAPTERS + EXERCISES, ids=lambda p: p.stem)
def test_every_notebook_has_a_page_in_the_toc(site, notebook):
    assert page(site, notebook).exists(), (
        f"no page for {notebook.relative_to(REPO)}: is it matched by book/_toc.yml? {site.warnings[-2000:]}")
    nav = soup(site.html / "intro.html").select("nav.bd-links a[href]")
    hrefs = {a["href"].split("#")[0] for a in nav}
    assert notebook.relative_to(REPO).with_suffix(".html").as_posix() in hrefs, (
        f"{notebook.name} is missing from the book's navigation")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_shows_its_figures(site, chapter):
    nb = nbformat.read(chapter, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    stored_figures = sum(any(m in o.get("data", {}) for m in IMAGE_MIMES) for o in outputs)
    slider_views = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    html = soup(page(site, chapter))
    main = html.select_one("main") or html
    figures = [img for img in main.select(".cell_output img")]
    assert len(figures) == stored_figures, (
        f"{chapter.name} stores {stored_figures} figures, its page shows {len(figures)}")
    for img in main.select("img"):
        assert (page(site, chapter).parent / img["src"]).resolve().is_file(), f"missing image {img['src']}"
    notes = main.select(f".{NOTE_CLASS}")
    assert len(notes) == slider_views, (
        f"{chapter.name} has {slider_views} slider views, its page shows {len(notes)} slider notes")
    for note in notes:
        cell_output = note.find_parent(class_="cell_output")
        assert cell_output is not None and cell_output.select("img"), (
            f"{chapter.name}: a slider note has no figure under it (does the cell use live_figure?)")
    shown = " ".join(o.get_text() for o in main.select(".cell_output"))
    assert "VBox(children" not in shown and "Slider(value=" not in shown, (
        f"{chapter.name} shows a widget's text repr instead of its figure")


def _solution_lines(exercise: Path) -> list[str]:
    """Answer lines of the matching solutions/ notebook that the released notebook does not contain."""
    source = REPO / "solutions" / exercise.relative_to(REPO / "exercises")
    if not source.exists():
        return []
    released = "\n".join(c.source for c in nbformat.read(exercise, as_version=4).cells)
    lines, inside = [], False
    for cell in nbformat.read(source, as_version=4).cells:
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 15 and line.strip() not in released:
                lines.append(line.strip())
    return lines


def test_exercise_pages_hold_no_solutions(site):
    if not EXERCISES:
        pytest.skip("no released exercise yet (python -m tools.release)")
    assert not list(site.html.rglob("*solutions*")), "a page or file from solutions/ is in the site"
    for path in site.html.rglob("*.html"):
        text = path.read_text(encoding="utf8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS"):
            assert marker not in text, f"{path.relative_to(site.html)} contains '{marker}'"
    for exercise in EXERCISES:
        text = soup(page(site, exercise)).get_text()
        leaked = [line for line in _solution_lines(exercise) if line in text]
        assert not leaked, f"the page of {exercise.name} shows solution code: {leaked[:3]}"


def test_pages_reference_nothing_outside_the_site(site):
    remote = re.compile(r"^(https?:)?//")
    for path in site.html.rglob("*.html"):
        html = soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src")):
            for el in html.find_all(tag):
                if tag == "link" and not set(el.get("rel", [])) & {"stylesheet", "preload", "icon", "modulepreload"}:
                    continue
                assert not remote.match(el.get(attr, "")), (
                    f"{path.relative_to(site.html)} loads {el.get(attr)} at page view")


def test_chapter_pages_render_offline_in_chromium(site):
    """Open each chapter page from disk: math renders, images load, no request leaves the site."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        message = f"needs {CHROMIUM} (apt-get install chromium) and the playwright package"
        if os.environ.get("NNLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; NNLIB_REQUIRE_BROWSER=1 is set", pytrace=False)
        pytest.skip(message)
    if not CHAPTERS:
        pytest.skip("no chapter yet")
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1280, "height": 1000})
            requests = []
            pg.on("request", lambda r: requests.append(r.url))
            for chapter in CHAPTERS:
                requests.clear()
                pg.goto(page(site, chapter).as_uri())
                pg.wait_for_load_state("load")
                math = pg.locator(".math").count()
                if math:  # Sphinx adds MathJax only to pages with math
                    pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
                    pg.evaluate("() => MathJax.startup.promise")
                rendered = pg.locator("mjx-container").count()
                assert rendered >= math, f"{chapter.name}: {math} formulas, MathJax rendered {rendered}"
                assert pg.locator("mjx-merror").count() == 0, f"{chapter.name}: MathJax shows a TeX error"
                broken = pg.locator("img").evaluate_all(
                    "els => els.filter(e => !e.complete || e.naturalWidth === 0).map(e => e.src)")
                assert not broken, f"{chapter.name}: images did not load: {broken}"
                outside = [u for u in requests if not u.startswith(("file://", "data:", "blob:"))]
                assert not outside, f"{chapter.name} requested {outside} at page view"
                # a code line wider than its cell would hide behind a scroll bar (book/course.css wraps)
                cut = pg.locator("div.cell div.highlight pre").evaluate_all(
                    "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
                assert not cut, f"{chapter.name}: {cut} code cells scroll sideways instead of wrapping"
                note = pg.locator(f".{NOTE_CLASS}")
                if note.count():
                    note.first.scroll_into_view_if_needed()
                pg.screenshot(path=artifacts / f"book-{chapter.stem}.png")
        finally:
            browser.close()
