"""The in-browser site: its size, its build time, and the time a learner waits for the first figure.

    python -m benchmarks.bench_lite                 # builds the site into a temporary folder
    python -m benchmarks.bench_lite --site PATH     # measures a site already built
    python -m benchmarks.bench_lite --chapter 00_start_here --repeats 3

Time to first figure: from opening a chapter's link to the first figure of Run All Cells, in
headless Chromium (Debian's), offline. In the JupyterLite site that includes Pyodide's start and
the install of nnlib; the reference, measured in the same run, is the same chapter in JupyterLab
with a native kernel, so the ratio says what running in the browser costs on this machine. Also the
time to the end of Run All in both. Repeats are interleaved (lite, then native), min and median shown.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "book"))

import build_lite  # noqa: E402
from test_browser import CHROMIUM, CHROMIUM_ARGS, Lab, indicator, menu, open_notebook  # noqa: E402
from test_lite import QuietHandler  # noqa: E402

FIGURE = ".jp-Notebook .jp-OutputArea-output img"


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_and_time(page, t0: float, timeout: float = 600) -> tuple[float, float]:
    """Clear outputs, Run All Cells; seconds from t0 to the first figure and to the end of the run."""
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
    menu(page, "Edit", "Clear Outputs of All Cells")
    while page.locator(FIGURE).count():
        time.sleep(0.05)
    menu(page, "Run", "Run All Cells")
    first = None
    while time.monotonic() - t0 < timeout:
        if first is None and page.locator(FIGURE).count():
            first = time.monotonic() - t0
        texts = [t.strip() for t in prompts.all_text_contents()]
        if first is not None and texts and all(t[1:-2].isdigit() for t in texts) and \
                indicator(page).get_attribute("data-status") == "idle":
            return first, time.monotonic() - t0
        time.sleep(0.1)
    raise RuntimeError(f"the run did not finish in {timeout} s")


def lite_once(browser, base: str, rel: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) or
                  r.request.url.startswith(("data:", "blob:")) else r.abort())
    try:
        page = context.new_page()
        page.set_default_timeout(180_000)
        t0 = time.monotonic()
        page.goto(f"{base}/lab/index.html?path={rel}")
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
        return run_and_time(page, t0)
    finally:
        context.close()


def native_once(browser, lab: Lab, rel: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{lab.base}/lab?reset&token={lab.token}")
        page.get_by_role("menuitem", name="File", exact=True).wait_for()
        t0 = time.monotonic()  # from opening the notebook, as for the lite site
        open_notebook(page, lab, rel)
        return run_and_time(page, t0)
    finally:
        context.close()
        lab.shutdown_kernels()


def stats(xs: list[float]) -> str:
    return f"min {min(xs):.1f} s, median {statistics.median(xs):.1f} s"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one, timing the build)")
    parser.add_argument("--chapter", default="03_vanishing_gradients")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    rel = f"chapters/{args.chapter}.ipynb"
    if not (ROOT / rel).exists():
        parser.error(f"--chapter {args.chapter!r}: no {rel}")
    if not CHROMIUM.exists():
        print(f"needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        site = args.site
        if site is None:
            site = tmp / "lite"
            t0 = time.monotonic()
            subprocess.run([sys.executable, str(ROOT / "book" / "build_lite.py"), "--out", str(site)],
                           check=True, stdout=subprocess.DEVNULL)
            print(f"build (downloads cached): {time.monotonic() - t0:.0f} s")
        total, pyodide = folder_bytes(site), folder_bytes(site / "static" / "pyodide")
        print(f"site: {total / 1e6:.0f} MB, of which Pyodide {pyodide / 1e6:.0f} MB "
              f"({len(list((site / 'static' / 'pyodide').glob('*.whl')))} package wheels), "
              f"{len(list((site / 'files').rglob('*.ipynb')))} notebooks")

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                functools.partial(QuietHandler, directory=str(site)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        course = tmp / "course"
        (course / "chapters").mkdir(parents=True)
        (course / rel).write_bytes((ROOT / rel).read_bytes())
        lab = Lab(course, tmp)
        lite, native = [], []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                try:
                    for _ in range(args.repeats):
                        lite.append(lite_once(browser, base, rel))
                        native.append(native_once(browser, lab, rel))
                finally:
                    browser.close()
        finally:
            lab.stop()
            httpd.shutdown()
    for name, runs in (("JupyterLite (Pyodide)", lite), ("JupyterLab (native kernel)", native)):
        print(f"{name:28s} first figure {stats([r[0] for r in runs])}; run all {stats([r[1] for r in runs])}")
    ratio_first = min(r[0] for r in lite) / min(r[0] for r in native)
    ratio_all = min(r[1] for r in lite) / min(r[1] for r in native)
    print(f"{args.chapter}: the browser takes {ratio_first:.1f}x as long to the first figure and "
          f"{ratio_all:.1f}x as long for run all as a native kernel (min over {args.repeats} repeat(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
