"""The in-browser course: ``book/build_lite.py`` builds a JupyterLite site that runs offline.

The site is built once into a temporary folder (``python book/build_lite.py --out ...``; the
downloads are cached in book/_build/lite-cache, so only the first build needs npm and PyPI).
Checks on the files: every chapter and every released exercise is there with its setup cell, no
solution is; every Pyodide file matches the SHA-256 of npm pyodide@0.27.7's lock and only the
packages the course needs are kept; nnlib is a pure-Python wheel; the config never falls back to
PyPI or a CDN; each book page's "run this page in your browser" link names a notebook of the site.

In Debian's Chromium (skipped without it, unless NNLIB_REQUIRE_BROWSER=1), with every request to
anything but 127.0.0.1 blocked and counted: chapter 03 runs all its cells in Pyodide with no error
shown (the font-cache notice included), a slider dragged with the mouse redraws its figure; exercise
ex06, answered in the cell editors as a learner would, runs and every visible test passes. No
request leaves the machine. Set NNLIB_LITE_SITE=/path/to/site to test a site already built.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from test_browser import (CHROMIUM, CHROMIUM_ARGS, ARTIFACTS, _replace_cell_source, browser,  # noqa: F401
                          cell_reports, errors_in, image_srcs, indicator, menu)

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book"))
import build_lite  # noqa: E402

CHAPTER = "chapters/03_vanishing_gradients.ipynb"
EXERCISE = "exercises/ex06_softmax/ex06_softmax.ipynb"
BUILD_TIMEOUT = 900  # s; a first build downloads ~90 MB (npm tarball, Pyodide bundle, wheels)
RUN_TIMEOUT = 300  # s for run-all of one notebook, Pyodide's start included (~30-60 s on 2 cores)
REDRAW_TIMEOUT = 60  # s for a figure to change after a slider moved


# ----------------------------------------------------------------------------- the site

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    given = os.environ.get("NNLIB_LITE_SITE")
    if given:
        return Path(given).resolve()
    try:
        import jupyterlite_core  # noqa: F401
    except ImportError:
        message = "the lite build needs the lite extra (pip install -e '.[lite]')"
        if os.environ.get("NNLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and NNLIB_REQUIRE_BROWSER=1 is set", pytrace=False)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("lite") / "lite"
    proc = subprocess.run([sys.executable, str(REPO / "book" / "build_lite.py"), "--out", str(out)],
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, f"the lite build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return out


def site_notebooks(site: Path) -> list[str]:
    files = site / "files"
    return sorted(p.relative_to(files).as_posix() for p in files.rglob("*.ipynb"))


def test_every_chapter_and_exercise_is_in_the_site(site):
    expected = sorted(p.relative_to(REPO).as_posix() for p, _ in build_lite.notebooks())
    assert expected, "no chapter or exercise found in the repository"
    assert site_notebooks(site) == expected, "the site's notebooks differ from chapters/ and exercises/"
    assert not [p for p in site.rglob("*") if "solutions" in p.name], "a file named after solutions/ is in the site"
    for rel in expected:
        nb = nbformat.read(site / "files" / rel, as_version=4)
        original = nbformat.read(REPO / rel, as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, f"{rel} holds solution markers"
        setup = [c for c in nb.cells if build_lite.SETUP_TAG in c.metadata.get("tags", [])]
        assert len(setup) == 1 and nb.cells.index(setup[0]) <= 1, f"{rel}: no setup cell at the top"
        assert [c.source for c in nb.cells if c not in setup and
                build_lite.NOTICE_TAG not in c.metadata.get("tags", [])] == [c.source for c in original.cells], (
            f"{rel}: the site's copy changed cells of the notebook")
        notice = [c for c in nb.cells if build_lite.NOTICE_TAG in c.metadata.get("tags", [])]
        if rel.startswith("exercises/"):
            assert notice and "hidden tests does not run in the browser" in notice[0].source, (
                f"{rel}: no note that grading with hidden tests does not run in the browser")
        else:
            assert not notice, f"{rel}: a chapter got the exercise note"


def test_pyodide_files_match_the_official_lock(site):
    core = build_lite.npm_core(CACHE)
    official = json.loads(core["pyodide-lock.json"])
    served = site / "static" / "pyodide"
    lock = json.loads((served / "pyodide-lock.json").read_text())
    assert lock["info"] == official["info"] and lock["info"]["version"] == "0.27.7"
    assert set(lock["packages"]) == set(build_lite.needed_packages(official))
    assert {"numpy", "matplotlib", "micropip", "ipython"} <= set(lock["packages"])
    assert not {"scipy", "pandas", "scikit-learn", "pyarrow"} & set(lock["packages"]), "unneeded packages kept"
    for name, entry in lock["packages"].items():
        assert entry == official["packages"][name], f"the lock entry of {name} differs from the official one"
        data = (served / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{entry['file_name']} fails its SHA-256"
    for name in build_lite.CORE_FILES:
        if name != "pyodide-lock.json":
            assert (served / name).read_bytes() == core[name], f"{name} is not npm pyodide@0.27.7's"
    kept = {p.name for p in served.iterdir()}
    assert kept == {e["file_name"] for e in lock["packages"].values()} | set(build_lite.CORE_FILES), (
        f"files in static/pyodide that the lock does not name: {kept}")


CACHE = REPO / "book" / "_build" / "lite-cache"


def _archive(path: Path, files: dict[str, bytes], mode: str = "w:bz2") -> Path:
    """A release-archive look-alike: pyodide/<file> members, as in pyodide-0.27.7.tar.bz2."""
    import io
    import tarfile
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"pyodide/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_an_official_archive_is_used_and_checked(site, tmp_path):
    """--pyodide-archive: the same files, checked the same way; a tampered or missing file stops the build."""
    official = json.loads(build_lite.npm_core(CACHE)["pyodide-lock.json"])
    needed = [official["packages"][n]["file_name"] for n in build_lite.needed_packages(official)]
    served = site / "static" / "pyodide"
    good = _archive(tmp_path / "pyodide-0.27.7.tar", {n: (served / n).read_bytes() for n in needed}, "w")
    summary = build_lite.stage_pyodide(tmp_path / "from-archive", CACHE, str(good))
    assert summary["source"] == str(good) and summary["packages"] == build_lite.needed_packages(official)
    for name in needed:
        assert (tmp_path / "from-archive" / name).read_bytes() == (served / name).read_bytes()

    tampered = {n: (served / n).read_bytes() for n in needed[:1]}
    data = tampered[needed[0]]
    tampered[needed[0]] = data[:-1] + bytes([data[-1] ^ 1])  # one bit flipped
    with pytest.raises(build_lite.BuildError, match="SHA-256"):
        build_lite.stage_pyodide(tmp_path / "tampered", CACHE, str(_archive(tmp_path / "bad.tar.bz2", tampered)))
    with pytest.raises(build_lite.BuildError, match=re.escape(build_lite.OFFICIAL_ARCHIVE)):
        build_lite.stage_pyodide(tmp_path / "empty", CACHE, str(_archive(tmp_path / "empty.tar.bz2", {})))
    with pytest.raises(build_lite.BuildError, match="no such file"):
        build_lite.stage_pyodide(tmp_path / "none", CACHE, str(tmp_path / "missing.tar.bz2"))


def test_without_the_bundle_the_build_says_where_the_official_archive_is(tmp_path, monkeypatch):
    def pip_fails(cmd, what, **kwargs):
        raise build_lite.BuildError(f"{what} failed (exit 1): no matching distribution")
    monkeypatch.setattr(build_lite, "run", pip_fails)
    with pytest.raises(build_lite.BuildError) as err:
        build_lite.BundleSource(tmp_path / "empty-cache")
    assert build_lite.OFFICIAL_ARCHIVE in str(err.value) and "--pyodide-archive" in str(err.value)


def test_nnlib_is_a_pure_python_wheel_and_nothing_is_remote(site):
    wheels = sorted((site / "pypi").glob("nnlib-*.whl"))
    assert len(wheels) == 1 and wheels[0].name.endswith("-py3-none-any.whl"), f"nnlib wheels: {wheels}"
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "nnlib/layers.py" in names and "nnlib/data/digits.npz" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"][build_lite.KERNEL_PLUGIN]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert {e["name"] for e in config["federated_extensions"]} == set(build_lite.EXTENSIONS)


def test_book_links_name_notebooks_of_the_site(site):
    sys.path.insert(0, str(REPO / "book"))
    import build as book_build
    for path, _ in build_lite.notebooks():
        rel = path.relative_to(REPO)
        href = book_build.run_in_browser_href(rel)
        page = Path("/site") / rel.with_suffix(".html")
        target = urlsplit(href)
        resolved = (page.parent / target.path).resolve()
        assert resolved == Path("/site/lite/lab/index.html"), f"{rel}: link {href} misses the site's lab"
        assert target.query == f"path={rel.as_posix()}" and (site / "files" / rel).is_file(), (
            f"{rel}: link {href} names no notebook of the site")


# ----------------------------------------------------------------------------- in Chromium

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class Offline:
    """A browser context in which every request to anything but 127.0.0.1 is blocked and counted."""

    def __init__(self, browser):
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        # requests from workers that a route might not see are still recorded
        self.context.on("request", self._seen)

    @staticmethod
    def _local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"

    def _route(self, route):
        if self._local(route.request.url):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort("blockedbyclient")

    def _seen(self, request):
        if not self._local(request.url) and request.url not in self.outside:
            self.outside.append(request.url)


@pytest.fixture
def offline(browser):
    ctx = Offline(browser)
    try:
        yield ctx
    finally:
        ctx.context.close()


def test_outside_requests_are_blocked_and_counted(offline, server):
    """The guard itself: a fetch to another host, from the page and from a worker, fails and is counted."""
    page = offline.context.new_page()
    page.goto(f"{server}/lab/index.html")
    outcome = page.evaluate("""async () => {
        const tryFetch = async () => { try { await fetch('https://example.org/x'); return 'loaded'; }
                                       catch (e) { return 'blocked'; } };
        const fromPage = await tryFetch();
        const code = `fetch('https://example.org/y').then(() => postMessage('loaded'), () => postMessage('blocked'))`;
        const worker = new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
        const fromWorker = await new Promise(done => { worker.onmessage = e => done(e.data); });
        return [fromPage, fromWorker];
    }""")
    assert outcome == ["blocked", "blocked"], f"requests to another host were not blocked: {outcome}"
    assert {u.split("example.org/")[-1] for u in offline.outside if "example.org" in u} == {"x", "y"}, (
        f"blocked requests were not all counted: {offline.outside}")


def open_in_lab(offline, server: str, rel: str):
    """Open one notebook of the site in JupyterLite's lab; wait until its Pyodide kernel is idle."""
    from playwright.sync_api import expect
    page = offline.context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/lab/index.html?path={rel}")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    expect(indicator(page)).to_have_attribute("data-status", "idle", timeout=180_000)
    return page


def run_all(page, what: str) -> list[str]:
    """Clear outputs, Run > Run All Cells (the kernel is fresh), wait for the run to end; the prompts."""
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
    menu(page, "Edit", "Clear Outputs of All Cells")
    deadline = time.monotonic() + 20
    while any(re.search(r"\d", t) for t in prompts.all_text_contents()):
        if time.monotonic() > deadline:
            pytest.fail("Clear Outputs of All Cells left execution counts behind", pytrace=False)
        time.sleep(0.2)
    menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        texts = [t.strip() for t in prompts.all_text_contents()]
        if texts and all(re.fullmatch(r"\[\d+\]:", t) for t in texts) and \
                indicator(page).get_attribute("data-status") == "idle":
            return texts
        errors = errors_in(cell_reports(page))
        if errors and not any("*" in t for t in texts):  # the run stopped at an error
            return texts
        if time.monotonic() > deadline:
            page.screenshot(path=ARTIFACTS / f"lite-{what}-timeout.png")
            pytest.fail(f"{what}: run all did not finish in {RUN_TIMEOUT} s; prompts {texts}", pytrace=False)
        time.sleep(0.5)


def stderr_shown(reports) -> dict[int, str]:
    """Every stderr output (an error-coloured box in the page), not only tracebacks."""
    return {i: r["stderr"][-800:] for i, r in enumerate(reports) if r["stderr"].strip()}


def drag_slider(page, cell, slider) -> tuple[str, str, float]:
    """Drag the slider's handle with the mouse; wait for the readout and then the figure to change."""
    from playwright.sync_api import expect
    handle = slider.locator(".noUi-handle").first
    readout = slider.locator(".widget-readout").first
    handle.scroll_into_view_if_needed()
    before_value, before_images = readout.text_content(), image_srcs(cell)
    assert before_images, "no figure under the slider before it moved"
    track = slider.locator(".noUi-target").first.bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # towards the far end of the track from where the handle is
    to_x = track["x"] + (0.2 if x > track["x"] + track["width"] / 2 else 0.8) * track["width"]
    t0 = time.monotonic()
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(to_x, y, steps=12)
    page.mouse.up()
    expect(readout).not_to_have_text(before_value, timeout=10_000)
    while image_srcs(cell) in (before_images, []):
        if time.monotonic() > t0 + REDRAW_TIMEOUT:
            pytest.fail(f"slider dragged {before_value} -> {readout.text_content()}, but the figure did not "
                        f"change within {REDRAW_TIMEOUT} s", pytrace=False)
        time.sleep(0.1)
    seconds = time.monotonic() - t0
    # a drag sends several values: let the redraws settle (no change for 3 s) before going on
    last, stable_since = image_srcs(cell), time.monotonic()
    while time.monotonic() - stable_since < 3 and time.monotonic() < t0 + REDRAW_TIMEOUT:
        time.sleep(0.2)
        now = image_srcs(cell)
        if now != last:
            last, stable_since = now, time.monotonic()
    assert last and last != before_images, "the figure went back to what it was before the drag"
    return before_value, readout.text_content(), seconds


def test_chapter_runs_in_the_browser_and_a_slider_redraws(offline, server):
    ARTIFACTS.mkdir(exist_ok=True)
    t0 = time.monotonic()
    page = open_in_lab(offline, server, CHAPTER)
    opened = time.monotonic() - t0
    prompts = run_all(page, "03")
    run_time = time.monotonic() - t0
    reports = cell_reports(page)
    page.screenshot(path=ARTIFACTS / "lite-03-after-run.png")
    nb = nbformat.read(REPO / CHAPTER, as_version=4)
    assert len(reports) == len(nb.cells) + 1, "the page shows a different number of cells than chapter + setup"
    assert not errors_in(reports), f"cells show errors in Pyodide: {errors_in(reports)}"
    assert not stderr_shown(reports), f"cells show stderr boxes in Pyodide: {stderr_shown(reports)}"
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"not every cell ran: {prompts}"
    assert not [i for i, r in enumerate(reports) if r["widget_error"]], "a widget failed to render"
    cells = page.locator(".jp-Notebook .jp-Cell")
    with_sliders = [i for i in range(len(reports)) if reports[i]["widgets"] and
                    cells.nth(i).locator(".widget-slider").count()]
    assert with_sliders, "no slider rendered after run all"
    cell = cells.nth(with_sliders[0])
    before, after, seconds = drag_slider(page, cell, cell.locator(".widget-slider").first)
    cell.screenshot(path=ARTIFACTS / "lite-03-slider.png")
    reports = cell_reports(page)
    assert not errors_in(reports) and not stderr_shown(reports), (
        f"errors after the slider moved: {stderr_shown(reports)}")
    assert not offline.outside, f"the site asked for {len(offline.outside)} outside URLs: {offline.outside[:5]}"
    print(f"\n{CHAPTER}: open {opened:.0f} s, open + run all {run_time:.0f} s; slider {before} -> {after}, redrawn in {seconds:.1f} s")


def test_exercise_visible_tests_run_in_the_browser(offline, server, site):
    ARTIFACTS.mkdir(exist_ok=True)
    lite_nb = nbformat.read(site / "files" / EXERCISE, as_version=4)
    solution = nbformat.read(REPO / EXERCISE.replace("exercises/", "solutions/"), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    answer_cells = [(i, c.metadata["nbgrader"]["grade_id"]) for i, c in enumerate(lite_nb.cells)
                    if c.metadata.get("nbgrader", {}).get("solution")]
    test_cells = [i for i, c in enumerate(lite_nb.cells) if c.metadata.get("nbgrader", {}).get("grade")
                  and not c.metadata["nbgrader"].get("solution")]
    assert answer_cells and test_cells, f"{EXERCISE} has no answer or test cells: update this test"
    t0 = time.monotonic()
    page = open_in_lab(offline, server, EXERCISE)
    assert page.get_by_text("hidden tests does not run in the browser").count(), "no note on grading shown"
    for index, grade_id in answer_cells:  # a learner types each answer into its cell
        _replace_cell_source(page, index, answers[grade_id])
    prompts = run_all(page, "ex06")
    reports = cell_reports(page)
    page.screenshot(path=ARTIFACTS / "lite-ex06-after-run.png")
    assert not errors_in(reports), f"with correct answers, cells fail in Pyodide: {errors_in(reports)}"
    assert not stderr_shown(reports), f"cells show stderr boxes in Pyodide: {stderr_shown(reports)}"
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"not every cell ran: {prompts}"
    for i in test_cells:
        if "print(" in lite_nb.cells[i].source:
            assert reports[i]["stdout"].strip(), f"test cell {i} printed no confirmation"
    assert not offline.outside, f"the site asked for {len(offline.outside)} outside URLs: {offline.outside[:5]}"
    print(f"\n{EXERCISE}: {len(test_cells)} visible test cells pass in {time.monotonic() - t0:.0f} s")
