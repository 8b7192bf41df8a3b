"""Binder installs the CPU build of torch and the course's package, at the project's pinned versions."""

from __future__ import annotations

import re
import sys

from tools.notebook_settings import ROOT


def _pins(path):
    pins = {}
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)$", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_binder_pins_agree_with_the_project():
    binder, project = _pins("binder/requirements.txt"), _pins("constraints.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert name in project, f"binder pins {name}, which the project does not use"
        assert version.removesuffix("+cpu") == project[name], f"binder pins {name}=={version}, project {project[name]}"


def test_binder_takes_torch_from_the_cpu_index():
    text = (ROOT / "binder/requirements.txt").read_text(encoding="utf-8")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert re.search(r"^torch==\S+\+cpu$", text, flags=re.MULTILINE), "torch must be the +cpu build"


def test_binder_installs_the_course_package_and_python_311():
    post_build = (ROOT / "binder/postBuild").read_text(encoding="utf-8")
    assert "pip install --no-deps -e ." in post_build
    assert (ROOT / "binder/postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert (ROOT / "binder/runtime.txt").read_text().strip() == "python-3.11"


def test_every_notebook_dependency_is_on_binder():
    """Every package a notebook imports is installed on Binder (or comes with Python or the kernel)."""
    import json

    provided = set(_pins("binder/requirements.txt")) | {"linreg-course", "ipykernel"}
    module_to_package = {"sklearn": "scikit-learn", "linreg_course": "linreg-course", "IPython": "ipykernel"}
    for path in sorted(ROOT.glob("[ces]*/[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        for module in re.findall(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", code, flags=re.MULTILINE):
            package = module_to_package.get(module, module)
            if module in sys.stdlib_module_names or module == "__future__":  # comes with Python
                continue
            assert package in provided, f"{path.relative_to(ROOT)} imports {module}, which Binder does not install"


# --- a fresh environment built from binder/, as repo2docker builds it ----------------------------------------

BINDER_NOTEBOOKS = ["chapters/04_autograd.ipynb", "exercises/04_autograd.ipynb"]
_RUN = """
import pathlib, sys, nbformat
from nbclient import NotebookClient
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(pathlib.Path(path).parent)}}).execute()
    print(path, nb.cells[-1].outputs[0]["text"].strip())
"""


def test_a_fresh_binder_environment_runs_a_chapter_and_an_exercise(tmp_path):
    """A new virtual environment from binder/ alone (requirements, then postBuild) runs a chapter and an
    exercise in its own kernel: nothing may come from the project's .venv. `make test` builds it
    (`make binder-env`) while the books are built; a run of this test alone builds its own."""
    import subprocess

    from tools.binder_env import ENV, build, current, environment

    env = ENV if current(ENV) else build(tmp_path / "env")
    result = subprocess.run([str(env / "bin" / "python"), "-c", _RUN, *[str(ROOT / p) for p in BINDER_NOTEBOOKS]],
                            env=environment(env), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for path in BINDER_NOTEBOOKS:
        assert f"{ROOT / path} {env}" in result.stdout, result.stdout  # ran to the end, in Binder's kernel


def test_binder_requirements_are_adapted_only_by_the_index():
    from tools.binder_env import requirements_here

    text = (ROOT / "binder/requirements.txt").read_text(encoding="utf-8")
    here = requirements_here(text)
    assert "ipykernel==" in here and "-c ../constraints.txt" in here and "torch==2.13.0+cpu" in here
    assert "download.pytorch.org" not in here and len(here.splitlines()) == len(text.splitlines()) - 1
