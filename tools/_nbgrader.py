"""What tools.release, tools.grade and the grading tests share: nbgrader's own converters run on a
course folder, and scores read back from nbgrader's gradebook.

A *course folder* is the repository root, or a throw-away copy of it made by ``make_course``
(``nbgrader_config.py`` plus ``solutions/<assignment>/``). Everything here goes through nbgrader
(``GenerateAssignment``, ``Autograde``, ``Gradebook``); nothing grades by itself.
"""
import functools
import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG_FILE = "nbgrader_config.py"
SOURCE = "solutions"
RELEASE = "exercises"
ASSIGNMENT_NAME = re.compile(r"^ex\d\d_[A-Za-z0-9_]+$")


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log and traceback."""


def assignments(root=REPO):
    """Sorted assignment names: folders ``solutions/exNN_topic`` holding ``exNN_topic.ipynb``."""
    source = Path(root) / SOURCE
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and ASSIGNMENT_NAME.match(p.name) and (p / f"{p.name}.ipynb").is_file())


def notebook_path(root, folder, assignment):
    return Path(root) / folder / assignment / f"{assignment}.ipynb"


def make_course(dest, names, root=REPO):
    """Copy ``nbgrader_config.py`` and ``solutions/<name>/`` of each assignment into ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(Path(root) / CONFIG_FILE, dest / CONFIG_FILE)
    for name in names:
        shutil.copytree(Path(root) / SOURCE / name, dest / SOURCE / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"))
    return dest


def load_config(root, overrides=None):
    """The course's ``nbgrader_config.py``, rooted at ``root``, with ``overrides`` merged on top.

    ``overrides`` is a nested dict in traitlets' shape, e.g. ``{"Execute": {"timeout": 5}}``.
    """
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(Path(root).resolve())
    if overrides:
        config.merge(Config(overrides))
    return config


def _use_this_environment():
    """Put this interpreter's ``bin`` folder first on PATH if it is not already there.

    nbgrader's ``Gradebook`` runs the ``alembic`` command (found on PATH) when it creates a new
    gradebook; with ``.venv/bin/python -m ...`` and no activated environment that command is
    missing (FileNotFoundError) or belongs to another environment.
    """
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[:1] != [bindir]:
        os.environ["PATH"] = bindir + (os.pathsep + path if path else "")


_SCRATCH_HOOK = []


def scratch_gradebooks():
    """Make this process's SQLite gradebooks skip fsync (``PRAGMA synchronous = OFF``) and keep
    their rollback journal in memory (``journal_mode = MEMORY``).

    For throw-away course folders only (tools.grade, tools.release, the grading tests): nbgrader
    commits after every graded cell, and on a real disk each commit's fsync costs milliseconds,
    about 0.3 s per submission. A crash can then corrupt the gradebook, which for a temporary
    one does not matter. Never call it for an instructor's real gradebook.
    """
    if _SCRATCH_HOOK:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _no_fsync(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.execute("PRAGMA synchronous = OFF")
            dbapi_connection.execute("PRAGMA journal_mode = MEMORY")  # no journal file per commit

    _SCRATCH_HOOK.append(_no_fsync)


@functools.lru_cache(maxsize=None)
def _alembic_head():
    import nbgrader
    from alembic.script import ScriptDirectory

    return ScriptDirectory(os.path.join(os.path.dirname(nbgrader.__file__), "alembic")).get_current_head()


def fast_new_gradebooks():
    """Stamp new gradebooks with nbgrader's schema version read in-process.

    nbgrader's ``Gradebook`` asks the ``alembic`` command for the schema head when it creates a
    gradebook: a subprocess that costs about 4 s here. The same answer comes from alembic's
    Python API reading nbgrader's own migration scripts, in milliseconds.
    """
    import nbgrader.api

    nbgrader.api.get_alembic_version = _alembic_head


class _CachedJsonschema:
    """``jsonschema.validate`` with the validator built once per schema.

    nbgrader checks every cell's metadata against its own schema with ``jsonschema.validate``,
    which re-checks the schema and builds a validator on each call: about 2 s per self-grade
    here. Same result (the best-matching error is raised), minus the repeated schema check.
    """

    def __init__(self):
        self._validators = {}

    def validate(self, instance, schema, *args, **kwargs):
        import jsonschema

        if args or kwargs:
            return jsonschema.validate(instance, schema, *args, **kwargs)
        key = id(schema)
        if key not in self._validators:
            self._validators[key] = (schema, jsonschema.validators.validator_for(schema)(schema))
        error = jsonschema.exceptions.best_match(self._validators[key][1].iter_errors(instance))
        if error is not None:
            raise error


def fast_metadata_checks():
    import nbgrader.nbgraderformat.common as common

    if not isinstance(common.jsonschema, _CachedJsonschema):
        common.jsonschema = _CachedJsonschema()


def _run(converter_class, root, assignment, student=None, overrides=None):
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    _use_this_environment()
    fast_new_gradebooks()
    fast_metadata_checks()
    config = load_config(root, overrides)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    if student is not None:
        coursedir.student_id = student
    converter = converter_class(coursedir=coursedir, config=config)
    converter.force = True
    result = capture_log(converter)
    if not result["success"]:
        raise NbgraderError(f"nbgrader {converter_class.__name__} of {assignment} failed:\n"
                            f"{result.get('log', '')}\n{result.get('error', '')}")
    return result.get("log", "")


def generate(root, assignment, overrides=None):
    """``nbgrader generate_assignment ASSIGNMENT --force`` on the course folder ``root``: writes
    ``exercises/ASSIGNMENT/`` and records the assignment (cells, points, hidden tests) in the gradebook."""
    from nbgrader.converters import GenerateAssignment

    return _run(GenerateAssignment, root, assignment, overrides=overrides)


def guarded_preprocessors(sandbox):
    """Config that makes ``Autograde`` run ``GuardedExecute`` (in a sandbox if ``sandbox``) in
    place of nbgrader's Execute, and record its flags after the scores (``tools._guarded_execute``)."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                        SaveAutoGrades)

    from nbgrader.preprocessors import CheckCellMetadata as Check
    from nbgrader.preprocessors import ClearOutput, DeduplicateIds, OverwriteKernelspec

    from ._guarded_execute import GuardedExecute, QuietOverwriteCells, RecordGuardFlags

    return {"Autograde": {
        "sanitize_preprocessors": [ClearOutput, DeduplicateIds, OverwriteKernelspec, QuietOverwriteCells, Check],
        "autograde_preprocessors": [
        GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, RecordGuardFlags,
        AssignLatePenalties, CheckCellMetadata]},
        "GuardedExecute": {"sandbox": bool(sandbox)}}


def autograde(root, assignment, student="*", overrides=None, sandbox=None):
    """``nbgrader autograde ASSIGNMENT --force`` for ``submitted/<student>/ASSIGNMENT/`` (all students
    by default, in one run): each submission gets a fresh kernel; scores go to the gradebook.

    Test cells run under ``GuardedExecute`` (tamper checks, delegation check, dead kernels graded);
    ``sandbox`` True/False forces the bubblewrap sandbox on or off, None uses it where available.
    """
    from nbgrader.converters import Autograde

    from . import _sandbox

    if sandbox is None:
        sandbox = _sandbox.available()
    config = guarded_preprocessors(sandbox)
    if overrides:
        from traitlets.config import Config

        merged = Config(config)
        merged.merge(Config(overrides))
        config = merged
    return _run(Autograde, root, assignment, student=student, overrides=config)


def question_of(cell_name, solution_names):
    """The question a graded cell belongs to: the solution cell ``qN_name`` whose test cells are
    named ``test_qN_name...``; otherwise the ``qN`` in the name; otherwise the name itself."""
    matches = [s for s in solution_names if cell_name.startswith(f"test_{s}")]
    if matches:
        return max(matches, key=len)
    m = re.match(r"^(?:test_)?(q\d+)", cell_name)
    return m.group(1) if m else cell_name


def _natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def cell_order(root, assignment):
    """grade_ids of the source notebook's graded cells, top to bottom."""
    import nbformat

    nb = nbformat.read(str(notebook_path(root, SOURCE, assignment)), as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")]


def gradebook_scores(gb, assignment, order=None):
    """Per-student scores of one assignment, read from an open ``nbgrader.api.Gradebook``.

    Returns ``{student_id: {"score": float, "max_score": float, "autograded": bool, "cells":
    [(notebook, question, cell, score, max_score), ...], "flags": {cell: "tampered" | "delegated"}}}``
    for every student with a submission (flags as recorded by ``_guarded_execute.RecordGuardFlags``).
    ``autograded`` is False if any graded cell has no autograder score (nbgrader then counts it as
    0). Cells are listed in ``order`` (grade_ids, e.g. from ``cell_order``) where given, otherwise
    in natural order of their names (q2 before q10).
    """
    def key(row):
        if order and row[2] in order:
            return (row[0], 0, order.index(row[2]))
        return (row[0], 1, _natural_key(row[2]))

    from ._guarded_execute import flags_from_comment

    result = {}
    for submission in gb.find_assignment(assignment).submissions:
        cells = []
        flags = {}
        autograded = True
        for nb_submission in submission.notebooks:
            for comment in nb_submission.comments:
                flags.update(flags_from_comment(comment.auto_comment))
            solution_names = [c.name for c in nb_submission.notebook.solution_cells]
            for grade in nb_submission.grades:
                autograded = autograded and grade.auto_score is not None
                cells.append((nb_submission.name, question_of(grade.name, solution_names), grade.name,
                              float(grade.score or 0.0), float(grade.max_score)))
        cells.sort(key=key)
        result[submission.student.id] = {"score": float(submission.score),
                                         "max_score": float(submission.max_score),
                                         "autograded": autograded, "cells": cells, "flags": flags}
    return result


def db_url(root, overrides=None):
    """The gradebook URL the course folder ``root`` uses (with ``overrides``)."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(root, overrides)).db_url


def ensure_gradebook(root, overrides=None):
    """Open (and so create, if new) the course's gradebook once."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    _use_this_environment()
    fast_new_gradebooks()
    coursedir = CourseDirectory(config=load_config(root, overrides))
    with Gradebook(coursedir.db_url, coursedir.course_id):
        pass


def read_scores(root, assignment, overrides=None):
    """``gradebook_scores`` from the gradebook of the course folder ``root``."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    _use_this_environment()
    fast_new_gradebooks()
    config = load_config(root, overrides)
    coursedir = CourseDirectory(config=config)
    order = cell_order(root, assignment) if notebook_path(root, SOURCE, assignment).is_file() else None
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        return gradebook_scores(gb, assignment, order)


def failure_messages(notebook_file):
    """``{grade_id: "Ename: message"}`` for every graded cell of an (autograded) notebook whose
    outputs hold an error (a timeout shows as nbgrader's ``CellTimeoutError``), else the text it
    wrote to stderr, which nbgrader also scores as failed."""
    import nbformat

    nb = nbformat.read(str(notebook_file), as_version=4)
    messages = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or not grade_id:
            continue
        stderr = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip()
                messages[grade_id] = f"{output.get('ename', 'Error')}: {value}" if value else output.get("ename", "Error")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(str(output.get("text", "")))
        if grade_id not in messages and stderr:
            # nbgrader gives 0 points to a test cell that writes to stderr (a warning, say)
            messages[grade_id] = "wrote to stderr, which nbgrader scores as failed:\n" + "".join(stderr).strip()
    return messages
