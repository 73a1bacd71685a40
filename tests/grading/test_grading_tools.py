"""The learner's ``python -m tools.grade`` and the instructor's command line (README "Instructors"):
generate_assignment, autograde, the per-question CSV exporter and feedback, run as commands."""
import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import grading_support as gs

pytestmark = pytest.mark.skipif(gs.PATHOLOGICAL is None, reason="no assignments in solutions/")
A = gs.PATHOLOGICAL


def _env(tmp_path):
    """This environment's bin first on PATH (nbgrader runs `alembic`), the repo importable, and an
    empty TMPDIR and HOME of our own, so that anything left behind is visible."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(gs.REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    for name in ("TMPDIR", "HOME"):
        (tmp_path / name.lower()).mkdir()
        env[name] = str(tmp_path / name.lower())
    return env


def _files_under(path):
    return sorted(str(p.relative_to(path)) for p in Path(path).rglob("*") if p.is_file())


def _table_rows(output):
    """{test cell: (score, max)} from the printed table."""
    rows = {}
    for line in output.splitlines():
        m = re.search(r"\b(test_\w+)\s+(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)\s*$", line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return rows


def _submission(course, kind):
    """(notebook, {test cell: (score, max)} it must get): the reference answer or MISTAKES[0]."""
    source = gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", A)), as_version=4)
    nb = gs.filled_release(course.release(A), source)
    lost = set()
    if kind == "wrong":
        mistake = gs.load_mistakes(A)[0]
        nb = gs.with_cell(nb, mistake["cell"], mistake["source"])
        lost = set(mistake["loses"])
    expected = {cell: (0.0 if cell in lost else float(p), float(p)) for cell, p in gs.graded_cells(source).items()}
    return nb, expected


@pytest.mark.parametrize("kind", ["solution", "wrong"])
def test_learner_grade_prints_table_and_leaves_nothing(course, tmp_path, kind):
    nb, expected = _submission(course, kind)
    course_copy = gs.copy_course(tmp_path / "course", [A])
    learner = tmp_path / "learner"
    learner.mkdir()
    notebook = learner / f"{A}.ipynb"
    gs.nbformat.write(nb, str(notebook))
    before_course, before_learner = gs.copy_tree_snapshot(course_copy), gs.copy_tree_snapshot(learner)
    env = _env(tmp_path)

    run = subprocess.run([sys.executable, "-m", "tools.grade", notebook.name, "--course", str(course_copy)],
                         cwd=learner, env=env, capture_output=True, text=True, timeout=300)

    rows = _table_rows(run.stdout)
    assert rows == expected, f"table differs from the expected scores\n{run.stdout}\n{run.stderr}"
    total = re.search(r"^total: (\S+) / (\S+)$", run.stdout, re.M)
    assert total, run.stdout
    assert (float(total.group(1)), float(total.group(2))) == tuple(map(sum, zip(*expected.values())))
    lost = [cell for cell, (score, top) in expected.items() if score < top]
    if kind == "solution":
        assert run.returncode == 0 and not lost, run.stdout + run.stderr
    else:
        assert run.returncode == 1 and lost, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        for cell in lost:
            i = next(k for k, line in enumerate(lines) if re.search(rf"\b{cell}\b", line))
            assert lines[i + 1].strip().startswith("-> "), f"no failure message under {cell}\n{run.stdout}"
            assert "Error" in lines[i + 1], f"the message under {cell} names no error\n{run.stdout}"
    assert gs.copy_tree_snapshot(learner) == before_learner, "tools.grade changed the learner's folder"
    assert gs.copy_tree_snapshot(course_copy) == before_course, "tools.grade wrote into the course folder"
    assert _files_under(tmp_path / "tmpdir") == [], "tools.grade left temporary files behind"
    # nothing in HOME but the generated gradebook cached under its key (tools.grade.cache_dir)
    left = _files_under(tmp_path / "home")
    assert all(re.fullmatch(r"\.cache/nnlib-workbook/grade/[0-9a-f]{64}\.(db|sha256)", f) for f in left), left
    assert len(left) == 2, left


def _grade_command(nb, tmp_path, env):
    course_copy = gs.copy_course(tmp_path / "course", [A])
    notebook = tmp_path / f"{A}.ipynb"
    gs.nbformat.write(nb, str(notebook))
    return subprocess.run([sys.executable, "-m", "tools.grade", notebook.name, "--course", str(course_copy)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_learner_grade_flags_tampering(course, tmp_path):
    """An input transformer in the first answer (the issue's first attack) scores 0, said in a plain line."""
    nb = gs.nbformat.from_dict(course.release(A))
    first = next(c for c in nb.cells if gs.nbgrader_meta(c).get("solution"))
    first.source = 'get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])\n' + first.source
    run = _grade_command(nb, tmp_path, _env(tmp_path))
    rows = _table_rows(run.stdout)
    assert rows and all(score == 0 for score, _top in rows.values()), run.stdout + run.stderr
    assert run.returncode == 1
    assert re.search(r"^tampering detected: \d+ test cell", run.stdout, re.M), run.stdout
    assert "GradingTamperError" in run.stdout


def test_learner_grade_without_bubblewrap_says_so(course, tmp_path):
    """No bwrap on PATH: a one-line notice on stderr, and an honest notebook still gets full marks."""
    nb, expected = _submission(course, "solution")
    env = _env(tmp_path)
    env["PATH"] = str(Path(sys.executable).parent)  # no /usr/bin: no bwrap, no prlimit
    run = _grade_command(nb, tmp_path, env)
    assert _table_rows(run.stdout) == expected, run.stdout + run.stderr
    notices = [line for line in run.stderr.splitlines() if line.startswith("notice: grading without a sandbox")]
    assert len(notices) == 1, run.stderr
    assert run.returncode == 0


def _nbgrader(args, course, env):
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed\n{run.stdout}\n{run.stderr}"
    return run


def _export_by_cell(course, dest):
    """``nbgrader export --exporter=... --PerQuestionExporter.by_cell=True``, run in this process."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from tools.export_scores import PerQuestionExporter

    coursedir = CourseDirectory(config=gs._nbgrader.load_config(course))
    exporter = PerQuestionExporter(config=Config({"PerQuestionExporter": {"by_cell": True}}))
    exporter.to = str(dest)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        exporter.export(gb)


def _add_student(course, student_id):
    """``nbgrader db student add STUDENT_ID``, in this process."""
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=gs._nbgrader.load_config(course))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        gb.add_student(student_id)


def test_instructor_commands_and_per_question_csv(course, tmp_path):
    """The README's instructor commands on a course copy with two students: full marks, one mistake."""
    submissions = {"alice": _submission(course, "solution"), "bob": _submission(course, "wrong")}
    course = gs.copy_course(tmp_path / "course", [A], with_tools=True)
    env = _env(tmp_path)

    _nbgrader(["generate_assignment", A, "--force"], course, env)
    for name, (nb, _expected) in submissions.items():
        dest = gs._nbgrader.notebook_path(course, f"submitted/{name}", A)
        dest.parent.mkdir(parents=True)
        gs.nbformat.write(nb, str(dest))
    _nbgrader(["autograde", A], course, env)
    _add_student(course, "carol")  # enrolled, never submitted
    _nbgrader(["export", "--exporter=tools.export_scores.PerQuestionExporter", "--to", "per_question.csv"],
              course, env)
    _nbgrader(["generate_feedback", A], course, env)
    _export_by_cell(course, course / "per_cell.csv")

    for name in submissions:
        assert (course / "feedback" / name / A / f"{A}.html").is_file(), f"no feedback HTML for {name}"
    html = (course / "feedback" / "bob" / A / f"{A}.html").read_text()
    # math renders offline: MathJax is in the page, no script comes from the network
    assert not re.findall(r"<script[^>]*\bsrc=[\"']?(?:https?:)?//", html, re.I), "feedback loads a remote script"
    assert "window.MathJax" in html and "MathJax" in html.split("window.MathJax", 1)[1][:200000]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium and "$" in html:  # and it does render, in a real browser, from the file alone
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                              "--dump-dom", (course / "feedback" / "bob" / A / f"{A}.html").as_uri()],
                             capture_output=True, text=True, timeout=120).stdout
        assert '<mjx-container class="MathJax" jax="SVG"' in dom, "MathJax rendered no math in the feedback page"
    # the summary names each test cell, in notebook order, with its score
    toc = html.split('<div id="toc">', 1)[1].split("</ol>", 1)[0]
    assert "Test cell" not in toc
    named = re.findall(r'<a href="#(test_\w+)"><code>\1</code></a>', toc)
    assert named == [c for c in gs.graded_cells(gs.nbformat.read(str(gs._nbgrader.notebook_path(gs.REPO, "solutions", A)),
                                                                 as_version=4)) if c.startswith("test_")], toc

    with open(course / "per_cell.csv", newline="") as fh:
        per_cell = list(csv.DictReader(fh))
    for name, (_nb, expected) in submissions.items():
        got = {r["cell"]: (float(r["score"]), float(r["max_score"])) for r in per_cell if r["student_id"] == name}
        assert got == expected, f"per-cell CSV of {name} differs from the expected scores"

    order = gs._nbgrader.cell_order(course, A)
    with open(course / "per_question.csv", newline="") as fh:
        per_question = list(csv.DictReader(fh))
    questions = {r["question"] for r in per_cell}
    assert len(per_question) == (len(submissions) + 1) * len(questions), "expected one row per student x question"
    for name in submissions:
        for question in questions:
            (row,) = [r for r in per_question if r["student_id"] == name and r["question"] == question]
            cells = [r for r in per_cell if r["student_id"] == name and r["question"] == question]
            assert float(row["score"]) == sum(float(r["score"]) for r in cells)
            assert float(row["max_score"]) == sum(float(r["max_score"]) for r in cells)
            lost = [r["cell"] for r in cells if float(r["score"]) < float(r["max_score"])]
            assert [r["lost"] for r in cells if r["lost"]] == lost  # by_cell keeps ``lost``
            assert list(filter(None, row["lost"].split(";"))) == [c for c in order if c in lost]  # notebook order
            assert row["submitted"] == "1"
    carol = [r for r in per_question if r["student_id"] == "carol"]
    assert {r["question"] for r in carol} == questions
    assert all(r["submitted"] == "0" and float(r["score"]) == 0 for r in carol)
    assert sum(float(r["max_score"]) for r in carol) == sum(top for _score, top in submissions["alice"][1].values())
    bob_lost = {c for r in per_question if r["student_id"] == "bob" for c in r["lost"].split(";") if c}
    assert bob_lost == set(gs.load_mistakes(A)[0]["loses"])


def test_generated_gradebook_cache_is_keyed_and_checked(course, tmp_path, monkeypatch):
    """tools.grade keeps the generated gradebook under a hash of the sources: reused only while the
    sources and the file are unchanged; the grades with it equal those without it."""
    from tools import grade

    monkeypatch.setenv("NNLIB_GRADE_CACHE", str(tmp_path / "cache"))
    course_copy = gs.copy_course(tmp_path / "course", [A])
    nb, expected = _submission(course, "solution")
    notebook = tmp_path / f"{A}.ipynb"
    gs.nbformat.write(nb, str(notebook))

    def scratch(name):
        root = gs._nbgrader.make_course(tmp_path / name, [A], root=course_copy)
        return root, grade._generate_cached(root, course_copy, A)

    assert scratch("first")[1] is False, "an empty cache was used"
    assert scratch("second")[1] is True, "the cache was not used for unchanged sources"
    cached = next((tmp_path / "cache").glob("*.db"))
    # a damaged file is not trusted: generated again, and stored afresh
    cached.write_bytes(cached.read_bytes()[:-100] + b"x" * 100)
    assert scratch("damaged")[1] is False, "a cache file that lost its hash was used"
    assert scratch("repaired")[1] is True
    # an edited source (here the config) is another key
    config = course_copy / "nbgrader_config.py"
    config.write_text(config.read_text() + "\n# edited\n")
    assert scratch("edited")[1] is False, "the cache was used after the sources changed"
    # grading with the cache gives what grading without it gives
    with_cache = grade.grade_notebook(notebook, A, course=course_copy, sandbox=False)
    monkeypatch.setenv("NNLIB_GRADE_CACHE", "")
    without = grade.grade_notebook(notebook, A, course=course_copy, sandbox=False)
    assert with_cache == without
    assert {c: (s, t) for _nb, _q, c, s, t in with_cache[0]["cells"]} == expected


def test_checksum_warning_only_for_a_really_edited_locked_cell(course, tmp_path):
    """nbgrader warns "checksum has changed" for every test cell with hidden tests; our autograde
    warns only for a locked cell the student really edited."""
    root = gs.copy_course(tmp_path / "course", [A])
    gs._nbgrader.scratch_gradebooks()
    gs._nbgrader.generate(root, A)
    nb, _expected = _submission(course, "solution")
    hidden = [gs.nbgrader_meta(c)["grade_id"] for c in gs.nbformat.read(
        str(gs._nbgrader.notebook_path(gs.REPO, "solutions", A)), as_version=4).cells if "BEGIN HIDDEN TESTS" in c.source]
    assert hidden, "this assignment has no hidden tests: the test proves nothing"
    edited = gs.with_cell(nb, hidden[0], "pass  # edited")
    logs = {}
    for who, notebook in (("honest", nb), ("editor", edited)):
        path = gs._nbgrader.notebook_path(root, f"submitted/{who}", A)
        path.parent.mkdir(parents=True)
        gs.nbformat.write(notebook, str(path))
        log = gs._nbgrader.autograde(root, A, who, sandbox=False)
        logs[who] = [line for line in log.splitlines() if "'checksum'" in line]
    assert logs["honest"] == []
    assert len(logs["editor"]) == 1 and hidden[0] in logs["editor"][0], logs["editor"]
