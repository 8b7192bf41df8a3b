"""`make refresh` (which stores outputs) and `make test` (nbval in CI) run notebooks with the same settings."""

from __future__ import annotations

import os
import re

from tools.notebook_settings import CELL_TIMEOUT, KERNEL_ENV, ROOT, SANITIZE_FILE


def makefile_variable(name: str) -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(rf"^{name}\s*:=\s*(.*)$", text, flags=re.MULTILINE)
    assert match, f"Makefile defines no {name}"
    return match.group(1)


def test_nbval_is_strict_and_uses_the_shared_timeout_and_sanitizer():
    flags = makefile_variable("NBVAL_FLAGS").split()
    assert "--nbval" in flags and "--nbval-lax" not in flags
    assert "--nbval-current-env" in flags
    assert f"--nbval-cell-timeout={CELL_TIMEOUT}" in flags
    assert flags[flags.index("--nbval-sanitize-with") + 1] == SANITIZE_FILE.relative_to(ROOT).as_posix()


def test_the_test_target_runs_nbval_on_every_notebook_folder_in_parallel():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-n 2 --dist loadscope $(NBVAL_FLAGS)" in recipe
    assert "$(NOTEBOOK_DIRS)" in recipe and "tests" in recipe
    assert makefile_variable("NOTEBOOK_DIRS").split() == ["chapters", "solutions", "exercises"]
    assert "jupyter-book build . --builder html -W -n --keep-going" in text


def test_pytest_process_carries_the_kernel_environment():
    """conftest.py applied KERNEL_ENV, so every kernel nbval starts inherits it."""
    for key, value in KERNEL_ENV.items():
        assert os.environ.get(key) == value, f"{key} is not {value!r} in the test process"


def test_ci_calls_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.MULTILINE), ".ci/run does not call `make test`"
    assert "make test" in readme and "make book" in readme


def test_sanitizer_only_masks_addresses_paths_and_timings():
    text = SANITIZE_FILE.read_text(encoding="utf-8")
    sections = re.findall(r"^\[([^\]]+)\]", text, flags=re.MULTILINE)
    allowed = ("address", "path", "timing", "time")
    assert all(any(word in s for word in allowed) for s in sections), sections
