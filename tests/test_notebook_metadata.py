"""Every notebook names the kernel JupyterLab will start for it, exactly as that kernel names itself.

JupyterLab rewrites ``metadata.kernelspec`` when it differs from the running kernel's spec, which
marks a notebook modified the moment it opens (and a learner closing it is asked to save changes
they never made). The browser test sees the symptom; this test names the file at once.
"""
import json
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("chapters", "solutions", "exercises")
                   for p in (REPO / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(REPO)) for p in NOTEBOOKS])
def test_kernelspec_is_the_installed_kernels(path):
    spec = json.loads(path.read_text())["metadata"].get("kernelspec", {})
    installed = KernelSpecManager().get_kernel_spec(spec.get("name", "python3"))
    assert spec.get("name") == "python3", f"{path.name}: kernelspec name {spec.get('name')!r}, not 'python3'"
    assert spec.get("display_name") == installed.display_name, (
        f"{path.name}: kernelspec display_name {spec.get('display_name')!r}; the installed kernel calls "
        f"itself {installed.display_name!r}, so JupyterLab would rewrite it on open")
