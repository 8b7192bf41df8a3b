"""Submissions built on the fly for the grader's tests: a solution notebook with one cell added or replaced."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from linreg_course.grader.sandbox import SandboxUnavailable, check_sandbox
from tools.notebook_settings import ROOT


def require_sandbox() -> None:
    """Skip (on a workstation) or fail (in CI) when bubblewrap cannot run here."""
    try:
        check_sandbox()
    except SandboxUnavailable as why:
        message = f"the grader's tests need bubblewrap: {why} (sudo apt-get install bubblewrap)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def solution(key: str = "01_linear_model") -> dict[str, Any]:
    """The solution notebook of exercise `key`, as JSON."""
    return json.loads((ROOT / "solutions" / f"{key}.ipynb").read_text(encoding="utf-8"))


def code_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def with_cell(code: str, key: str = "01_linear_model", after: str = "Checker(") -> dict[str, Any]:
    """The solution with a code cell `code` inserted after the first cell containing `after`."""
    nb = solution(key)
    index = next(i for i, c in enumerate(nb["cells"]) if after in "".join(c["source"])) + 1
    nb["cells"].insert(index, code_cell(code))
    return nb


def with_answer(word: str, code: str, key: str = "01_linear_model") -> dict[str, Any]:
    """The solution with the code cell containing `word` (an answer's definition) replaced by `code`."""
    nb = copy.deepcopy(solution(key))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and word in "".join(c["source"]))
    cell["source"] = code
    return nb


def with_exercise_metadata(nb: dict[str, Any], key: Any) -> dict[str, Any]:
    """The notebook with `metadata.linreg_course.exercise` set to `key`."""
    nb = copy.deepcopy(nb)
    nb["metadata"]["linreg_course"] = {"exercise": key}
    return nb


def write(nb: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def run_grader(args: list[str], cwd: Path, env: dict[str, str] | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -m linreg_course.grader ARGS`, reporting the grader's own peak memory on stderr."""
    code = ("import resource, sys\nfrom linreg_course.grader.cli import main\nstatus = main(sys.argv[1:])\n"
            "print(f'PEAK_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
            "sys.exit(status)\n")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, **(env or {})), timeout=timeout)


def peak_megabytes(result: subprocess.CompletedProcess) -> float:
    """The grader's peak resident memory, from the line `run_grader` adds."""
    line = next(line for line in result.stderr.splitlines() if line.startswith("PEAK_KB "))
    return int(line.split()[1]) / 1024


def processes_with(marker: str) -> list[str]:
    """Command lines of the running processes that contain `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            text = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in text:
            found.append(f"{entry.name}: {text[:200]}")
    return found
