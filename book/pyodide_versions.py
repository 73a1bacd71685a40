"""Run nnlib's tests and every chapter natively with Pyodide 0.27.7's numpy and matplotlib.

``python book/pyodide_versions.py`` makes a venv (default book/_build/pyodide-versions-venv) with
numpy 2.0.2 and matplotlib 3.8.4, the versions the in-browser site runs (book/build_lite.py), installs
nnlib into it, then runs nnlib's unit tests and executes every chapter (nbclient; outputs are not
compared, since printed numbers may differ in the last digits between numpy versions). Exit status 0
when everything passed.

The browser runs Python 3.12.7; this venv uses the Python that runs the script (3.11 on the course's
machines, where no Python 3.12 can be installed), so it checks the library versions, not the
interpreter version.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BOOK = Path(__file__).resolve().parent
REPO = BOOK.parent
PINS = ("numpy==2.0.2", "matplotlib==3.8.4")  # Pyodide 0.27.7's (pyodide-lock.json)
# nnlib's unit tests: everything under tests/ but the book, the browsers and the grading machinery
NOT_NNLIB = ("test_book.py", "test_browser.py", "test_lite.py")

CHECK_VERSIONS = """\
import sys, numpy, matplotlib
got = (numpy.__version__, matplotlib.__version__)
assert got == ("2.0.2", "3.8.4"), f"numpy, matplotlib are {got}, expected 2.0.2, 3.8.4"
print(f"python {sys.version.split()[0]}, numpy {got[0]}, matplotlib {got[1]}")
"""

EXECUTE = """\
import sys, time, nbformat
from nbclient import NotebookClient
# the kernel must be this venv's Python, not a kernelspec found elsewhere
probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "import numpy, matplotlib; print(numpy.__version__, matplotlib.__version__)")])
NotebookClient(probe, timeout=120, kernel_name="python3").execute()
seen = probe.cells[0].outputs[0]["text"].split()
assert seen == ["2.0.2", "3.8.4"], f"the kernel has numpy, matplotlib {seen}"
failed = []
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    t0 = time.monotonic()
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "chapters"}}).execute()
        print(f"ran {path} in {time.monotonic() - t0:.0f} s", flush=True)
    except Exception as err:
        failed.append(path)
        print(f"FAILED {path}: {str(err)[-2000:]}", flush=True)
sys.exit(1 if failed else 0)
"""


def step(what: str, cmd: list[str], **kwargs) -> bool:
    print(f"+ {what}", flush=True)
    t0 = time.monotonic()
    ok = subprocess.run(cmd, **kwargs).returncode == 0
    print(f"  {'ok' if ok else 'FAILED'} ({time.monotonic() - t0:.0f} s)", flush=True)
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=BOOK / "_build" / "pyodide-versions-venv",
                        help="where the venv goes (reused if it has the pinned versions)")
    args = parser.parse_args(argv)
    python = args.venv / "bin" / "python"
    if not python.exists() and not step(f"venv {args.venv}", [sys.executable, "-m", "venv", str(args.venv)]):
        return 2
    if not step("install nnlib with " + ", ".join(PINS),
                [str(python), "-m", "pip", "install", "-q", "-e", f"{REPO}[dev]", *PINS]):
        return 2
    if not step("versions", [str(python), "-c", CHECK_VERSIONS]):
        return 2
    tests = sorted(str(p) for p in (REPO / "tests").glob("test_*.py") if p.name not in NOT_NNLIB)
    ok = step(f"nnlib's tests ({len(tests)} files)",
              [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=REPO)
    chapters = sorted(str(p.relative_to(REPO)) for p in (REPO / "chapters").glob("*.ipynb"))
    ok &= step(f"execute {len(chapters)} chapters", [str(python), "-c", EXECUTE, *chapters], cwd=REPO)
    print("all passed with " + ", ".join(PINS) if ok else "FAILED with " + ", ".join(PINS))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
