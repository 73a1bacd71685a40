"""Check that stored outputs do not depend on the CPU: every chapter under strict nbval with
several OpenBLAS kernels, and every solution at full marks under a non-native one.

    python -m tools.portability                       # the default configurations below
    python -m tools.portability --configs Prescott:1  # KERNEL:THREADS[:NUMPY_OFF], 'native' for no override

numpy's wheels bundle OpenBLAS built for many CPUs (DYNAMIC_ARCH); ``OPENBLAS_CORETYPE`` forces one
of its kernels, so one machine can show the last-digit differences that another CPU would. The
default kernels run on any x86-64 CPU. Prints a table of chapters x configurations and exits 1 if
any cell or solution fails. CONTRIBUTING.md says when to run it; CI runs it on every submission.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONFIGS = ("native:2", "Sandybridge:1", "Haswell:1", "Prescott:2", "Sandybridge:2:X86_V3")
SOLUTIONS_CONFIG = "Sandybridge:1"


def config_env(config):
    """The environment for ``KERNEL:THREADS[:NUMPY_OFF]``; 'native' leaves OpenBLAS to pick its
    kernel, and NUMPY_OFF (e.g. ``X86_V3``) turns off numpy's own SIMD loops of that level, as on
    an older CPU (numpy's exp, tanh and sums then round differently in the last bits)."""
    kernel, threads, numpy_off = (config.split(":") + ["", ""])[:3]
    env = dict(os.environ, OPENBLAS_NUM_THREADS=threads or "1")
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("NPY_DISABLE_CPU_FEATURES", None)
    if kernel != "native":
        env["OPENBLAS_CORETYPE"] = kernel
    if numpy_off:
        env["NPY_DISABLE_CPU_FEATURES"] = numpy_off
    return env


def chapter_failures(config):
    """{chapter file name: [failed cell labels]} for every chapter, under one configuration."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile",
               f"--junitxml={report}", "chapters"]
        subprocess.run(cmd, cwd=REPO, env=config_env(config), stdout=subprocess.DEVNULL, check=False)
        if not report.is_file():
            raise RuntimeError(f"pytest wrote no report under {config}")
        results = defaultdict(list)
        for case in ET.parse(report).iter("testcase"):
            # nbval's cases: classname "chapters.<notebook>.ipynb", name "Cell N"
            notebook = case.get("classname", "").removeprefix("chapters.")
            name = case.get("name", "")
            results.setdefault(notebook, [])
            if case.find("failure") is not None or case.find("error") is not None:
                results[notebook].append(name.replace("Cell ", "c"))
        return dict(results)


def solution_scores(config):
    """{assignment: (points, max points)} of each solution notebook executed as nbgrader would."""
    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade, is_grade

    scores = {}
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute(env=config_env(config))
        got = top = 0.0
        for cell in nb.cells:
            if is_grade(cell):
                points, max_points = determine_grade(cell, None)
                got, top = got + (points or 0.0), top + max_points
        scores[path.parent.name] = (got, top)
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=list(DEFAULT_CONFIGS), metavar="KERNEL:THREADS[:NUMPY_OFF]")
    parser.add_argument("--no-solutions", action="store_true", help="skip the solutions")
    args = parser.parse_args(argv)

    table = {config: chapter_failures(config) for config in args.configs}
    chapters = sorted({nb for result in table.values() for nb in result})
    print("| chapter | " + " | ".join(args.configs) + " |")
    print("|---|" + "---|" * len(args.configs))
    failed = 0
    for nb in chapters:
        row = []
        for config in args.configs:
            cells = table[config].get(nb)
            failed += len(cells or [])
            row.append("missing" if cells is None else ("ok" if not cells else "FAILED " + ", ".join(sorted(cells, key=lambda c: int(c[1:])))))
            failed += cells is None
        print(f"| {nb} | " + " | ".join(row) + " |")
    if not args.no_solutions:
        print(f"\nsolutions under {SOLUTIONS_CONFIG}:")
        for assignment, (got, top) in solution_scores(SOLUTIONS_CONFIG).items():
            ok = top > 0 and got == top
            failed += not ok
            print(f"  {assignment}: {got:g} / {top:g}{'' if ok else '  FAILED'}")
    print(f"\n{'portable' if not failed else f'{failed} failure(s)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
