"""The break lists of tools.break_formulas stay valid as the chapters change, and the tool can
report a break that no check catches (running every break is `python -m tools.break_formulas`)."""
import shutil
import tempfile
from pathlib import Path

import pytest

from tools import break_formulas as bf

BREAKS = bf.load_breaks()


@pytest.mark.parametrize("chapter, brk", BREAKS, ids=[f"{Path(c).stem}-{b['name']}" for c, b in BREAKS])
def test_break_applies_once(chapter, brk):
    assert set(brk) == {"name", "file", "old", "new"} and brk["old"] != brk["new"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("nnlib", "chapters"):
            shutil.copytree(bf.REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        bf.apply_break(root, brk)  # raises unless `old` occurs exactly once


def test_a_harmless_change_is_reported_missed():
    harmless = {"name": "a comment", "file": "chapters/00_start_here.ipynb", "old": "import numpy as np",
                "new": "import numpy as np  # harmless"}
    kind, _ = bf.run_break("chapters/00_start_here.ipynb", harmless)
    assert kind == "missed"
