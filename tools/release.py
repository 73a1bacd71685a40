"""Regenerate the student versions in exercises/ from solutions/ with nbgrader.

    python -m tools.release                  # every assignment in solutions/
    python -m tools.release ex06_softmax     # only these

For each assignment this runs ``nbgrader generate_assignment ASSIGNMENT --force`` in a temporary copy
of the course (so no gradebook is written into the repository) and replaces
``exercises/ASSIGNMENT/`` with what nbgrader produced: solution code replaced by
``raise NotImplementedError()``, hidden tests removed, outputs cleared. Never edit exercises/ by
hand; tests/grading checks that it is exactly this output.
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from . import _nbgrader


def release(names=None, root=_nbgrader.REPO):
    """Regenerate ``exercises/<name>/`` for each name (all assignments if None); return the names."""
    root = Path(root)
    known = _nbgrader.assignments(root)
    names = list(known if not names else names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no solutions/<name>/<name>.ipynb for {', '.join(unknown)}; "
                         f"known assignments: {', '.join(known) or 'none'}")
    _nbgrader.scratch_gradebooks()  # the gradebook below is deleted with its folder
    with tempfile.TemporaryDirectory(prefix="nnlib-release-") as tmp:
        course = _nbgrader.make_course(tmp, names, root=root)
        for name in names:
            _nbgrader.generate(course, name)
        for name in names:
            dest = root / _nbgrader.RELEASE / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(course / _nbgrader.RELEASE / name, dest)
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.release", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment names, e.g. ex06_softmax (default: all)")
    args = parser.parse_args(argv)
    try:
        names = release(args.assignments)
    except (ValueError, _nbgrader.NbgraderError) as exc:
        print(f"release failed: {exc}", file=sys.stderr)
        return 1
    for name in names:
        print(f"exercises/{name}/ regenerated from solutions/{name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
