"""Submissions that try to get marks they do not deserve, or to harm the grading, graded as a class
would be: ``tools.autograde_class`` with ``--jobs 2`` into a real PostgreSQL gradebook, every
kernel in a bubblewrap sandbox. Each attack must score at most what its honest part deserves,
be graded (never dropped), leave no file outside its scratch folder and no process behind, and
reach nothing on the network; the honest "victim" whose files they try to overwrite still gets
full marks. The attack notebooks are built here, from the generated student version.
"""
import csv
import json
import os
import re
import secrets
import socket
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

import grading_support as gs
import postgres_cluster as pc
from tools import _nbgrader, _sandbox, autograde_class

A = gs.PATHOLOGICAL
pytestmark = [
    pytest.mark.skipif(A is None, reason="no assignments in solutions/"),
    pytest.mark.skipif(not _sandbox.available(), reason=f"no sandbox here: {_sandbox.why_unavailable()}"),
    pytest.mark.filterwarnings("ignore:.*not in session:sqlalchemy.exc.SAWarning"),
]
TOKEN = "nnlib-attack-" + secrets.token_hex(6)


def _escape_attempts(paths):
    """Code that tries every way out: files, other submissions, the gradebook, network, processes."""
    return textwrap.dedent(f"""
        import os, socket, subprocess, sqlite3, sys
        for target in {[str(p) for p in paths["writes"]]!r}:
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w") as fh:
                    fh.write("escaped")
            except OSError:
                pass
        try:
            with open({str(paths["victim"])!r}, "w") as fh:
                fh.write('{{"cells": [], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}')
        except OSError:
            pass
        try:
            db = sqlite3.connect({str(paths["course"] / "gradebook.db")!r})
            db.execute("UPDATE grade SET manual_score = 99")
            db.commit()
        except Exception:
            pass
        for port in {paths["ports"]!r}:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                pass
        try:
            subprocess.Popen(["/bin/sh", "-c", "sleep 120 # {TOKEN}"], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            pass
        if os.fork() == 0:  # a daemon that outlives the kernel, unless the sandbox ends it
            os.setsid()
            try:
                os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 120 # {TOKEN}"])
            finally:
                os._exit(0)
    """)


def _read_solutions(paths):
    return textwrap.dedent(f"""
        import json, pathlib, nnlib
        candidates = [pathlib.Path({str(gs.REPO)!r}), pathlib.Path(nnlib.__file__).resolve().parents[1],
                      pathlib.Path({str(paths["course"])!r}), pathlib.Path("../../..")]
        for base in candidates:
            try:
                nb = json.loads((base / "solutions" / {A!r} / {A + ".ipynb"!r}).read_text())
            except OSError:
                continue
            for cell in nb["cells"]:
                if cell["metadata"].get("nbgrader", {{}}).get("solution"):
                    exec("".join(cell["source"]), globals())
            break
    """)


HOOKS = {
    "input-transformer": 'get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])',
    "ast-transformer": textwrap.dedent("""
        import ast
        class Swallow(ast.NodeTransformer):
            def visit_Module(self, node):
                handler = ast.ExceptHandler(type=ast.Name("BaseException", ast.Load()), name=None, body=[ast.Pass()])
                return ast.fix_missing_locations(ast.Module([ast.Try(node.body, [handler], [], [])], []))
        get_ipython().ast_transformers.append(Swallow())
    """),
    "comparisons-replaced": textwrap.dedent("""
        import numpy
        numpy.allclose = lambda *a, **k: True
        numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.broadcast(a, b).shape, bool)
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.testing.assert_array_equal = lambda *a, **k: None
        numpy.all = lambda *a, **k: True
    """),
    "showtraceback": "get_ipython().showtraceback = lambda *a, **k: None\nget_ipython()._showtraceback = lambda *a, **k: None",
    "custom-exc": "get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)",
    "builtins": "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.round = lambda x, *a: 0",
    "class-run-cell": textwrap.dedent("""
        from IPython.core.interactiveshell import InteractiveShell, ExecutionResult
        def run_cell(self, raw_cell, *args, **kwargs):
            return ExecutionResult(None)
        InteractiveShell.run_cell = run_cell
    """),
    "guard-removed": "import sys\nsys.modules.pop('_nnlib_grading_guard', None)",
    "settrace": "import sys\nsys.settrace(lambda *a: None)",
    "pre-execute": textwrap.dedent("""
        import numpy
        def patch(*a):
            numpy.allclose = lambda *a, **k: True
            numpy.all = lambda *a, **k: True
        get_ipython().events.register("pre_execute", patch)
    """),
    "sys-exit": "import sys\nsys.exit(0)",
}


def _submissions(release, filled, paths):
    """{student: (notebook, rule)}: rule = max points, cells that must keep full points, and
    whether a ``tampered`` flag is expected."""
    ids = list(gs.solution_cells(filled))
    first = lambda nb: next(c for c in nb.cells if gs.nbgrader_meta(c).get("grade_id") == ids[0])  # noqa: E731

    def prepend(nb, grade_id, code):
        cell = next(c for c in nb.cells if gs.nbgrader_meta(c).get("grade_id") == grade_id)
        return gs.with_cell(nb, grade_id, code + "\n" + cell.source)

    subs = {"victim": (filled, {"max": None, "full": True})}
    for name, code in HOOKS.items():
        # on the blank release: nothing is answered, so nothing is deserved
        subs[f"hook-{name}"] = (prepend(release, ids[0], code), {"max": 0, "tampered": name != "sys-exit"})
    subs["read-solutions"] = (prepend(release, ids[0], _read_solutions(paths)), {"max": 0})
    subs["escape"] = (prepend(release, ids[0], _escape_attempts(paths)), {"max": 0})
    subs["escape-after-answers"] = (prepend(filled, ids[-1], _escape_attempts(paths)), {"max": None, "full": True})

    # hard on the kernel: the answers before the attack keep their points
    later = ids[2] if len(ids) > 2 else ids[-1]
    keep = ids[:ids.index(later)]
    hard = {
        "os-exit": "import os\nos._exit(0)",
        "killed-kernel": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        "fork-loop": textwrap.dedent("""
            import os, time
            children = 0
            try:
                while True:
                    if os.fork() == 0:
                        time.sleep(120)
                        os._exit(0)
                    children += 1
            except OSError:
                print("fork refused after", children, "children")
        """),
        "memory-hog": textwrap.dedent("""
            import numpy
            hoard = []
            while True:
                hoard.append(numpy.empty(1 << 28))  # 2 GiB each, until the address-space limit
        """),
        "deaf-loop": textwrap.dedent("""
            import time
            while True:
                try:
                    time.sleep(0.5)
                except KeyboardInterrupt:
                    pass
        """),
        "huge-print": 'print("x" * 50_000_000)',
    }
    for name, code in hard.items():
        # these cannot finish the attacked answer cell, so they must lose its tests' points
        loses = name in ("os-exit", "killed-kernel", "memory-hog", "deaf-loop")
        subs[name] = (prepend(filled, later, code), {"max": None, "keep": keep, "loses": loses})

    # delegation: the first answer hands the work to nnlib; the others are honest
    for name, code in {"alias": "softmax = activations.softmax",
                       "import": "from nnlib.activations import softmax",
                       "wrapper": "def softmax(Z):\n    return activations.softmax(Z)",
                       "getattr": 'softmax = getattr(activations, "soft" + "max")'}.items():
        subs[f"delegate-{name}"] = (gs.with_cell(filled, ids[0], code), {"max": None, "zero": [ids[0]], "full_except": [ids[0]]})
    # patches a comparison function only while the test calls it
    sneaky = textwrap.dedent("""
        def softmax(Z):
            import numpy
            numpy.allclose = lambda *a, **k: True
            numpy.all = lambda *a, **k: True
            return numpy.full(Z.shape, 1.0 / Z.shape[1])
    """)
    subs["patch-during-call"] = (gs.with_cell(filled, ids[0], sneaky), {"max": None, "zero": [ids[0]], "tampered": True})
    return subs


class _Listener:
    """A TCP server on 127.0.0.1 counting the connections it accepts (none may come)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop = True
        self.thread.join()
        self.sock.close()


def _processes_with(text):
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if text.encode() in Path(entry.path, "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _orphaned_kernels():
    """Processes started as a sandboxed kernel (or forked from one) whose sandbox folder is gone:
    they outlived their submission. (Kernels of other grading runs still have their folder.)"""
    found = []
    for pid in _processes_with("nnlib-sandbox-"):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        boxes = {re.match(r".*?(/[^ ]*?nnlib-sandbox-[^/ ]+)", a).group(1) for a in args if re.match(r".*?/[^ ]*?nnlib-sandbox-", a)}
        if boxes and not all(Path(b).exists() for b in boxes):
            found.append(pid)
    return found


def _files(root, skip=()):
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not any(str(p.relative_to(root)).startswith(s) for s in skip)}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    if not pc.available():
        pytest.skip("PostgreSQL (initdb, pg_ctl) or psycopg missing")
    work = tmp_path_factory.mktemp("attacks")
    root = gs.copy_course(work / "course", [A])
    home = Path(os.path.expanduser("~"))
    outside = work / "outside"
    outside.mkdir()
    # its own folder outside pytest's (whose numbered folders other pytest runs may clean up)
    cluster = pc.Cluster(tempfile.mkdtemp(prefix="nnlib-pg-")).start()
    listener = _Listener()
    overrides = {"CourseDirectory": {"db_url": cluster.url}, "Execute": {"timeout": 5}}
    try:
        _nbgrader.scratch_gradebooks()
        _nbgrader.generate(root, A, overrides=overrides)
        release = gs.nbformat.read(str(_nbgrader.notebook_path(root, "exercises", A)), as_version=4)
        source = gs.nbformat.read(str(_nbgrader.notebook_path(gs.REPO, "solutions", A)), as_version=4)
        filled = gs.filled_release(release, source)
        victim = _nbgrader.notebook_path(root, "submitted/victim", A)
        writes = [root / f"{TOKEN}.txt", gs.REPO / f"{TOKEN}.txt", home / f"{TOKEN}.txt", outside / f"{TOKEN}.txt",
                  root / "solutions" / A / f"{TOKEN}.txt", root / "submitted" / "victim" / A / f"{TOKEN}.txt"]
        paths = {"course": root, "victim": victim, "writes": writes, "ports": [listener.port, cluster.port]}
        subs = _submissions(release, filled, paths)
        for student, (nb, _rule) in subs.items():
            dest = _nbgrader.notebook_path(root, f"submitted/{student}", A)
            dest.parent.mkdir(parents=True)
            gs.nbformat.write(nb, str(dest))
        before = _files(root, skip=("autograded", "feedback"))
        boxes_before = set(Path("/tmp").glob("nnlib-sandbox-*"))
        start = time.perf_counter()
        graded, failed = autograde_class.autograde_class(root, A, jobs=2, sandbox=True, overrides=overrides,
                                                         log=lambda line: None)
        seconds = time.perf_counter() - start
        time.sleep(1)  # let killed processes be reaped before looking for them
        result = {
            "root": root, "subs": subs, "graded": graded, "failed": failed, "seconds": seconds,
            "changed": {k for k, v in _files(root, skip=("autograded", "feedback", "per_cell.csv")).items()
                        if before.get(k) != v} | (set(before) - set(_files(root, skip=("autograded", "feedback")))),
            "escaped": [str(p) for p in writes if p.exists()],
            "leftover_processes": _processes_with(TOKEN) + _orphaned_kernels(),
            # new folders no live kernel uses (a concurrent grading run's kernels own theirs)
            "leftover_boxes": sorted(b for b in set(Path("/tmp").glob("nnlib-sandbox-*")) - boxes_before
                                     if not _processes_with(str(b))),
            "connections": listener.accepted, "db_url": cluster.url, "release": release,
        }
        result["csv"] = _export(root, cluster.url, by_cell=True)
        yield result
    finally:
        listener.close()
        for p in [home / f"{TOKEN}.txt", gs.REPO / f"{TOKEN}.txt"]:
            if p.exists():
                p.unlink()
        cluster.stop()


def _export(root, db_url, by_cell):
    from nbgrader.api import Gradebook
    from traitlets.config import Config

    from tools.export_scores import PerQuestionExporter

    exporter = PerQuestionExporter(config=Config({"PerQuestionExporter": {"by_cell": by_cell}}))
    exporter.to = str(root / "per_cell.csv")
    with Gradebook(db_url, "nnlib-workbook") as gb:
        exporter.export(gb)
    with open(exporter.to, newline="") as fh:
        return list(csv.DictReader(fh))


def test_no_submission_dropped(attacked):
    assert not attacked["failed"], f"not graded: {attacked['failed']}"
    assert set(attacked["graded"]) == set(attacked["subs"])


def test_nothing_escapes_the_sandbox(attacked):
    assert attacked["escaped"] == [], "a submission wrote outside its scratch folder"
    assert attacked["changed"] == set(), f"files of the course changed: {attacked['changed']}"
    assert attacked["leftover_processes"] == [], "a submission's process outlived its grading"
    assert attacked["leftover_boxes"] == [], "sandbox folders were left behind"
    assert attacked["connections"] == 0, "a submission reached a server on 127.0.0.1"


def _cells(attacked, student):
    return {cell: (score, top) for _nb, _q, cell, score, top in attacked["graded"][student]["cells"]}


def _tests_of(attacked, solution_ids):
    names = [c for c in gs.graded_cells(attacked["release"])]
    return [c for c in names if any(c.startswith(f"test_{s}") for s in solution_ids)]


@pytest.mark.parametrize("student", ["victim", "escape-after-answers"])
def test_honest_answers_keep_full_marks(attacked, student):
    scores = attacked["graded"][student]
    assert scores["score"] == scores["max_score"], _cells(attacked, student)
    assert not scores["flags"], scores["flags"]


def _attack_ids():
    return [*(f"hook-{n}" for n in HOOKS), "read-solutions", "escape", "os-exit", "killed-kernel", "fork-loop",
            "memory-hog", "deaf-loop", "huge-print", "delegate-alias", "delegate-import", "delegate-wrapper",
            "delegate-getattr", "patch-during-call"]


@pytest.mark.parametrize("student", _attack_ids())
def test_attack_scores_at_most_what_it_deserves(attacked, student):
    _nb, rule = attacked["subs"][student]
    scores = attacked["graded"][student]
    cells = _cells(attacked, student)
    assert scores["autograded"], f"{student}: some cells have no autograder score"
    if rule.get("max") is not None:
        assert scores["score"] <= rule["max"], f"{student} got {scores['score']}: {cells}"
    for cell in _tests_of(attacked, rule.get("keep", [])):
        assert cells[cell][0] == cells[cell][1], f"{student}: {cell} before the attack lost its points: {cells}"
    for cell in _tests_of(attacked, rule.get("zero", [])):
        assert cells[cell][0] == 0, f"{student}: {cell} scored {cells[cell]}"
    if "full_except" in rule:
        others = set(cells) - set(_tests_of(attacked, rule["full_except"]))
        assert all(cells[c][0] == cells[c][1] for c in others), f"{student}: honest answers lost points: {cells}"
    if rule.get("loses"):
        assert scores["score"] < scores["max_score"], f"{student}: the attacked answers cannot all have passed"
    if rule.get("tampered"):
        tampered = [r for r in attacked["csv"] if r["student_id"] == student and r["tampered"] == "1"]
        assert tampered, f"{student}: no test cell flagged as tampered in the CSV"
        assert all(cells[r["cell"]][0] == 0 for r in tampered), f"{student}: a tampered cell kept points"


def test_delegation_message_says_why(attacked):
    nb = gs.nbformat.read(str(_nbgrader.notebook_path(attacked["root"], "autograded/delegate-alias", A)), as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert any(o["ename"] == "DelegationError" and "nnlib" in o["evalue"] for o in errors), errors


def test_huge_print_is_cut(attacked):
    path = _nbgrader.notebook_path(attacked["root"], "autograded/huge-print", A)
    assert path.stat().st_size < 5_000_000, "the 50 MB print reached the autograded notebook"


def test_tampered_column_only_for_tampering(attacked):
    flagged = {r["student_id"] for r in attacked["csv"] if r["tampered"] == "1"}
    expected = {s for s, (_nb, rule) in attacked["subs"].items() if rule.get("tampered")}
    assert expected <= flagged, f"not flagged: {expected - flagged}"
    assert "victim" not in flagged and not any(s.startswith("delegate-") for s in flagged)


def test_sqlite_refuses_parallel_jobs(tmp_path):
    root = gs.copy_course(tmp_path / "course", [A])
    dest = _nbgrader.notebook_path(root, "submitted/s1", A)
    dest.parent.mkdir(parents=True)
    dest.write_text("{}")
    with pytest.raises(ValueError, match="concurrent writers"):
        autograde_class.autograde_class(root, A, jobs=2)


def test_class_grading_refuses_without_sandbox(monkeypatch, capsys):
    monkeypatch.setattr(_sandbox, "available", lambda: False)
    assert autograde_class.main([A, "--course", str(gs.REPO)]) == 2
    assert "--unsafe-no-sandbox" in capsys.readouterr().err


def test_guard_reports_are_json():
    # the grader reads the guard's report line by its nonce; anything else on stdout is ignored
    from tools._guarded_execute import _report

    outputs = [{"output_type": "stream", "name": "stdout", "text": "noise\nabc {\"restored\": []}\n"}]
    assert _report(outputs, "abc") == {"restored": []}
    assert _report(outputs, "xyz") is None
    assert json.dumps(_report(outputs, "abc"))


def test_plain_nbgrader_autograde_is_guarded_too(tmp_path):
    """An instructor who types ``nbgrader autograde`` in the course folder gets the same sandboxed,
    tamper-checked grading as ``tools.autograde_class`` (nbgrader_config.py sets it up)."""
    import subprocess
    import sys

    root = gs.copy_course(tmp_path / "course", [A], with_tools=True)
    _nbgrader.scratch_gradebooks()
    _nbgrader.generate(root, A)
    release = gs.nbformat.read(str(_nbgrader.notebook_path(root, "exercises", A)), as_version=4)
    source = gs.nbformat.read(str(_nbgrader.notebook_path(gs.REPO, "solutions", A)), as_version=4)
    filled = gs.filled_release(release, source)
    first = next(iter(gs.solution_cells(filled)))
    cell = next(c for c in filled.cells if gs.nbgrader_meta(c).get("grade_id") == first)
    students = {"honest": filled, "tamperer": gs.with_cell(filled, first, HOOKS["input-transformer"] + "\n" + cell.source)}
    for student, nb in students.items():
        path = _nbgrader.notebook_path(root, f"submitted/{student}", A)
        path.parent.mkdir(parents=True)
        gs.nbformat.write(nb, str(path))
    nbgrader = Path(sys.executable).with_name("nbgrader")
    run = subprocess.run([str(nbgrader), "autograde", A, "--force"], cwd=root, capture_output=True, text=True,
                         env=dict(os.environ, PATH=f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}"))
    assert run.returncode == 0, run.stderr[-2000:]
    scores = _nbgrader.read_scores(root, A)
    assert scores["honest"]["score"] == scores["honest"]["max_score"]
    assert scores["tamperer"]["score"] < scores["tamperer"]["max_score"], scores["tamperer"]
    graded = gs.nbformat.read(str(_nbgrader.notebook_path(root, "autograded/tamperer", A)), as_version=4)
    assert any(o.get("ename") == "GradingTamperError" for c in graded.cells for o in c.get("outputs", [])), (
        "plain nbgrader autograde ran without the tamper checks")


def test_plain_nbgrader_autograde_refuses_without_the_grader(tmp_path):
    import subprocess
    import sys

    root = gs.copy_course(tmp_path / "course", [A], with_tools=False)  # tools/ not beside the config
    nbgrader = Path(sys.executable).with_name("nbgrader")
    run = subprocess.run([str(nbgrader), "autograde", A, "--force"], cwd=root, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode != 0 and "refusing to run submitted code" in run.stderr, run.stderr[-2000:]
