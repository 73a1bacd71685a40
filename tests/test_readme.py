"""The README's lab command opens chapter 00 in a JupyterLab rooted at the repository, so that
exercises/ and every chapter's links are reachable (the other README command, the test command,
is what CI runs)."""
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def readme_block(marker):
    text = (REPO / "README.md").read_text()
    match = re.search(rf"<!-- {marker} -->\s*```\n(.*?)\n```", text, re.S)
    assert match, f"README.md has no block after <!-- {marker} -->"
    return match.group(1).strip()


def test_lab_command_serves_the_repository_and_opens_chapter_00(tmp_path):
    command = readme_block("lab-command")
    lab = command.split("&&")[-1].strip()
    words = shlex.split(lab)
    assert words[:2] == [".venv/bin/jupyter", "lab"], f"the last step should start JupyterLab: {lab}"
    token = secrets.token_hex(16)
    runtime = tmp_path / "runtime"
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", *words[2:], "--no-browser", "--ip=127.0.0.1", "--port=0",
         f"--IdentityProvider.token={token}", f"--LabApp.workspaces_dir={tmp_path / 'ws'}"],
        cwd=REPO, env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(runtime.glob("jpserver-*.json")):
            assert proc.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.2)
        time.sleep(0.5)
        info = json.loads(next(runtime.glob("jpserver-*.json")).read_text())
        assert Path(info["root_dir"]).resolve() == REPO, f"the server's root is {info['root_dir']}, not the repository"
        req = urllib.request.Request(f"http://127.0.0.1:{info['port']}/api/contents/",
                                     headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            names = {entry["name"] for entry in json.loads(r.read())["content"]}
        assert {"chapters", "exercises"} <= names, f"the lab shows {sorted(names)}"
        opened = "".join(p.read_text() for p in runtime.glob("jpserver-*-open.html"))
        assert "chapters/00_start_here.ipynb" in opened, "the lab does not open chapter 00"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _copies(pattern):
    """Every line of chapter 00, the book's front page and the exercises that matches ``pattern``."""
    files = [REPO / "chapters" / "00_start_here.ipynb", REPO / "book" / "intro.md",
             *sorted((REPO / "solutions").glob("*/*.ipynb"))]
    found = []
    for path in files:
        text = path.read_text()
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        found += [(path.relative_to(REPO), line.strip().strip("`")) for line in text.splitlines()
                  if re.search(pattern, line)]
    return found


def test_every_copy_of_the_lab_command_is_the_readmes():
    command = readme_block("lab-command")
    copies = _copies(r"jupyter lab")
    assert copies, "chapter 00 and the book's front page should show how to start the course"
    wrong = [f"{path}: {line}" for path, line in copies if line != command]
    assert not wrong, "lab commands that differ from the README's:\n" + "\n".join(wrong)


def test_every_self_grade_command_runs_from_the_venv():
    copies = _copies(r"-m tools\.grade")
    assert copies
    bare = [f"{path}: {line}" for path, line in copies if not re.search(r"\.venv/bin/python -m tools\.grade", line)]
    assert not bare, "self-grade commands that would use another Python than the course's .venv:\n" + "\n".join(bare)
