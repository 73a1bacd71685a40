"""Autograde a whole class with nbgrader, each submission in its own sandbox, N at a time.

    python -m tools.autograde_class ex06_softmax                 # every submitted/<student>/ex06_softmax/
    python -m tools.autograde_class ex06_softmax --jobs 2        # two submissions at a time
    python -m tools.autograde_class ex06_softmax --student alice --student bob
    python -m tools.autograde_class ex06_softmax --db postgresql+psycopg://user@host/grades --jobs 4

Run it from the course root (``nbgrader_config.py``, ``solutions/``, ``submitted/``) after
``nbgrader generate_assignment``. It is ``nbgrader autograde`` run once per submission, with
nbgrader's Execute step replaced by ``tools._guarded_execute.GuardedExecute``: the submission's
kernel runs in a bubblewrap sandbox, test cells must prove they ran as written, answers that
only call nnlib's own version score nothing on that question, and a submission that kills its
kernel loses the cells it did not finish, never the batch. Scores go to the course's gradebook
(``CourseDirectory.db_url``); only this process and its workers write there, never a kernel.

``--jobs N`` grades N submissions at once, each in its own worker process. That needs a
gradebook that takes concurrent writers: PostgreSQL (``--db`` or ``c.CourseDirectory.db_url``);
with the default SQLite gradebook ``--jobs`` must be 1. Without bubblewrap this command refuses
to run unless ``--unsafe-no-sandbox`` is given (then submitted code runs with your rights).

A submission nbgrader could not process is graded once more on its own; one that fails again is
listed and the exit status is 1. Exit status 0: every submission graded.
"""
import argparse
import multiprocessing
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import _nbgrader, _sandbox


def submitted_students(root, assignment):
    folder = Path(root) / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir())


def _grade_one(root, assignment, student, sandbox, overrides):
    """One submission, in a worker process; returns (student, error or None)."""
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    try:
        _nbgrader.autograde(root, assignment, student, overrides=overrides, sandbox=sandbox)
        return student, None
    except _nbgrader.NbgraderError as exc:
        return student, str(exc)[-4000:]


def _graded(root, assignment, overrides):
    """{student: scores} of the submissions with an autograder score on every cell."""
    scores = _nbgrader.read_scores(root, assignment, overrides)
    return {s: v for s, v in scores.items() if v["autograded"]
            and _nbgrader.notebook_path(root, f"autograded/{s}", assignment).is_file()}


def autograde_class(root, assignment, students=None, jobs=1, sandbox=True, overrides=None, log=print):
    """Grade ``students`` (default: every submission) of ``assignment``; return
    ``(graded, failed)``: ``{student: scores}`` and ``{student: error}``."""
    root = Path(root).resolve()
    if jobs < 1:
        raise ValueError(f"--jobs must be at least 1, got {jobs}")
    known = _nbgrader.assignments(root)
    if assignment not in known:
        raise ValueError(f"unknown assignment {assignment!r}; known: {', '.join(known) or 'none'}")
    students = list(students or submitted_students(root, assignment))
    if not students:
        raise ValueError(f"no submissions in {root / 'submitted'}/<student>/{assignment}/")
    db_url = _nbgrader.db_url(root, overrides)
    if jobs > 1 and db_url.startswith("sqlite"):
        raise ValueError(f"--jobs {jobs} needs a gradebook that takes concurrent writers; {db_url} is SQLite. "
                         "Use --jobs 1, or a PostgreSQL gradebook (--db postgresql+psycopg://...)")
    if jobs > 1:
        _nbgrader.ensure_gradebook(root, overrides)  # created once, before the workers race to do it
    errors = {}
    if jobs == 1:
        for student in students:
            errors[student] = _grade_one(root, assignment, student, sandbox, overrides)[1]
    else:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_grade_one, root, assignment, s, sandbox, overrides) for s in students]
            for future in futures:
                student, error = future.result()
                errors[student] = error
    graded = _graded(root, assignment, overrides)
    failed = {}
    for student in students:
        if student not in graded:
            log(f"{student}: not graded at first, grading it again on its own")
            error = _grade_one(root, assignment, student, sandbox, overrides)[1]
            graded = _graded(root, assignment, overrides)
            if student not in graded:
                failed[student] = error or errors.get(student) or "nbgrader recorded no scores"
    return {s: graded[s] for s in students if s in graded}, failed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.autograde_class", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", help="assignment name, e.g. ex06_softmax")
    parser.add_argument("--course", default=".", help="course root (default: the current folder)")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--db", help="gradebook URL (default: nbgrader_config.py's, else sqlite gradebook.db)")
    parser.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader_config.py)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade without bubblewrap: submitted code runs with your rights (not recommended)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    if not _sandbox.available() and not args.unsafe_no_sandbox:
        print(f"refusing to grade: {_sandbox.why_unavailable()}. Submitted code would run with your rights; "
              "pass --unsafe-no-sandbox to do it anyway.", file=sys.stderr)
        return 2
    overrides = {}
    if args.db:
        overrides.setdefault("CourseDirectory", {})["db_url"] = args.db
    if args.timeout is not None:
        overrides.setdefault("Execute", {})["timeout"] = args.timeout
    start = time.perf_counter()
    try:
        graded, failed = autograde_class(args.course, args.assignment, args.student, args.jobs,
                                         sandbox=not args.unsafe_no_sandbox, overrides=overrides or None,
                                         log=lambda line: print(line, file=sys.stderr))
    except (ValueError, _nbgrader.NbgraderError) as exc:
        print(f"autograde_class: {exc}", file=sys.stderr)
        return 2
    for student, scores in graded.items():
        print(f"{student}: {scores['score']:g} / {scores['max_score']:g}")
    for student, error in failed.items():
        print(f"{student}: NOT GRADED\n{error}", file=sys.stderr)
    print(f"{len(graded)} graded, {len(failed)} failed, {args.jobs} job(s), "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
