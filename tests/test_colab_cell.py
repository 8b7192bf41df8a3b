"""tools/colab_cell.py: the Colab cell installs the pinned package from _config.yml's repository, or says why not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest

from tools import colab_cell
from tools.notebook_settings import ROOT


def test_every_notebook_has_the_cell_the_tool_writes():
    assert colab_cell.main(["--check"]) == 0


def test_the_cell_pins_the_repository_and_version_of_the_book():
    source = colab_cell.cell_source(colab_cell.repository_url(), colab_cell.version_tag())
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert "git+\"\n        \"https://github.com/linreg-course/pytorch-linear-regression@v" + version in source
    assert "%pip" not in source and "raise RuntimeError(" in source
    assert max(len(line) for line in source.splitlines()) <= 88  # what the page shows


@pytest.fixture
def fork(tmp_path):
    """A copy of the course's settings and two notebooks, as a fork would have them."""
    for name in ("_config.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for path in ("chapters/01_linear_model.ipynb", "solutions/03_gradient_descent.ipynb"):
        (tmp_path / path).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    return tmp_path


def test_a_fork_changes_one_line_and_runs_the_tool(fork):
    config = fork / "_config.yml"
    config.write_text(config.read_text().replace("https://github.com/linreg-course/", "https://github.com/a-fork/"))
    before = {p: nbformat.read(fork / p, as_version=4) for p in ("chapters/01_linear_model.ipynb",
                                                                 "solutions/03_gradient_descent.ipynb")}
    assert colab_cell.main(["--root", str(fork), "--check"]) == 1
    assert colab_cell.main(["--root", str(fork)]) == 0
    for path, old in before.items():
        new = nbformat.read(fork / path, as_version=4)
        first = next(i for i, c in enumerate(new.cells) if c.cell_type == "code")
        assert "git+\"\n        \"https://github.com/a-fork/pytorch-linear-regression@v" in new.cells[first].source
        assert [c for i, c in enumerate(new.cells) if i != first] == [c for i, c in enumerate(old.cells) if i != first]
    again = {p: (fork / p).read_bytes() for p in before}
    assert colab_cell.main(["--root", str(fork)]) == 0 and colab_cell.main(["--root", str(fork), "--check"]) == 0
    assert again == {p: (fork / p).read_bytes() for p in before}  # idempotent, byte for byte


def test_a_notebook_without_the_cell_gets_it_first():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 1. Title"),
                                         nbformat.v4.new_code_cell("import numpy as np")])
    assert colab_cell.apply(nb, "SOURCE") == "inserted"
    assert [c.source for c in nb.cells] == ["# 1. Title", "SOURCE", "import numpy as np"]


def test_a_failed_install_on_colab_stops_with_pips_message(tmp_path):
    """The cell as Colab runs it (google.colab imported), installing from a repository that does not exist."""
    source = colab_cell.cell_source("https://github.invalid/nobody/no-such-course", "v0.0.0")
    source = source.replace("git+\"\n        \"https://github.invalid", "git+\"\n        \"file:///nonexistent")
    program = ("import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
               f"exec(compile({json.dumps(source)}, 'colab cell', 'exec'))\n")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_TARGET=str(tmp_path / "target"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()
    assert any(line.startswith("RuntimeError: Could not install the course's package (linreg-course @ git+file:///"
                               "nonexistent/nobody/no-such-course@v0.0.0)") for line in last), result.stderr[-2000:]
    assert "Check the connection and that this version exists; run this cell again." in result.stderr
    assert not (tmp_path / "target").exists() or not any((tmp_path / "target").iterdir())
