"""Break each derived formula on purpose and check that its chapter notices.

    python -m tools.break_formulas              # every chapter with a list in tests/formula_breaks/
    python -m tools.break_formulas 06 08        # only these chapters
    python -m tools.break_formulas --list       # print the breaks, run nothing

A chapter promises that every formula it derives is checked by a cell that would fail if the
formula were wrong. This tool tests that promise. ``tests/formula_breaks/NN_topic.py`` holds

    BREAKS = [{"name": "what is wrong", "file": "chapters/NN_topic.ipynb" or "nnlib/x.py",
               "old": "text that occurs exactly once", "new": "the wrong version"}, ...]

For each break, the chapter and a copy of ``nnlib/`` go into a temporary folder, ``old`` is replaced
by ``new`` (in a notebook: inside one code cell), and the chapter is executed top to bottom with
nbclient, its kernel importing the broken copy. The break is *caught* when a cell raises
AssertionError (a check failed). It is *missed* when the chapter runs to the end, and an *error*
when another exception stops it first (a break should change a number, not crash the code).
Exit status 0 only if every break is caught.
"""
import argparse
import concurrent.futures
import os
import runpy
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]
BREAKS_DIR = REPO / "tests" / "formula_breaks"
TIMEOUT = 120  # seconds per cell; a chapter runs in seconds


def load_breaks(chapters=()):
    """[(chapter path, break dict)] for the chapters named by number prefix (all if empty)."""
    found = []
    for path in sorted(BREAKS_DIR.glob("[0-9][0-9]_*.py")):
        if chapters and path.name[:2] not in chapters:
            continue
        chapter = f"chapters/{path.stem}.ipynb"
        for brk in runpy.run_path(str(path))["BREAKS"]:
            found.append((chapter, brk))
    return found


def apply_break(root, brk):
    """Replace ``brk['old']`` by ``brk['new']`` under ``root``; ValueError unless it occurs once."""
    target = root / brk["file"]
    old, new = brk["old"], brk["new"]
    if target.suffix == ".ipynb":
        nb = nbformat.read(target, as_version=4)
        cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        count = sum(c.source.count(old) for c in cells)
        if count != 1:
            raise ValueError(f"{brk['name']!r}: old text occurs {count} times in code cells of {brk['file']}")
        cells[0].source = cells[0].source.replace(old, new)
        nbformat.write(nb, target)
    else:
        text = target.read_text()
        if text.count(old) != 1:
            raise ValueError(f"{brk['name']!r}: old text occurs {text.count(old)} times in {brk['file']}")
        target.write_text(text.replace(old, new))


def _clear_outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None


def run_break(chapter, brk):
    """('caught' | 'missed' | 'error', detail) for one break."""
    with tempfile.TemporaryDirectory(prefix="nnlib-break-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "nnlib", root / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
        (root / "chapters").mkdir()
        shutil.copy(REPO / chapter, root / chapter)
        apply_break(root, brk)
        nb = nbformat.read(root / chapter, as_version=4)
        _clear_outputs(nb)
        # The copy comes first on the kernel's path, so the broken nnlib is imported instead
        # of the installed one.
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
        client = NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                extra_arguments=["--IPKernelApp.log_level=ERROR"], resources={"metadata": {"path": str(root / "chapters")}})
        try:
            client.execute(env=env)
        except CellExecutionError as err:
            kind = "caught" if err.ename == "AssertionError" else "error"
            return kind, f"{err.ename}: {str(err.evalue).splitlines()[0][:120] if err.evalue else ''}"
        return "missed", "the chapter ran to the end"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="two-digit chapter numbers (default: all)")
    parser.add_argument("--list", action="store_true", help="print the breaks and run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="chapters executed at once (default 2)")
    args = parser.parse_args(argv)
    breaks = load_breaks(tuple(args.chapters))
    if not breaks:
        print("no breaks found", file=sys.stderr)
        return 1
    if args.list:
        for chapter, brk in breaks:
            print(f"{chapter}  {brk['file']}: {brk['name']}")
        return 0
    tally = {"caught": 0, "missed": 0, "error": 0}
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_break, chapter, brk) for chapter, brk in breaks]
        for (chapter, brk), future in zip(breaks, futures):
            try:
                kind, detail = future.result()
            except ValueError as err:  # the break itself does not apply
                kind, detail = "error", str(err)
            tally[kind] += 1
            print(f"{kind:6}  {Path(chapter).stem}: {brk['name']}  ({detail})", flush=True)
    print(f"{len(breaks)} breaks: {tally['caught']} caught, {tally['missed']} missed, {tally['error']} errors")
    return 0 if tally["caught"] == len(breaks) else 1


if __name__ == "__main__":
    sys.exit(main())
