"""book/teaching.md: its worked examples are the commands the tests run, and its layouts are recognised."""

from __future__ import annotations

import re
from pathlib import Path

from test_class_grading import SINGLE_RUN
from test_collect import COLLECT

from linreg_course.grader.identity import identify
from tools import gradescope_autograder
from tools.notebook_settings import ROOT

PAGE = (ROOT / "book" / "teaching.md").read_text(encoding="utf-8")


def test_worked_examples_are_what_the_tests_run(tmp_path):
    assert ".venv/bin/python -m linreg_course.grader " + " ".join(SINGLE_RUN) in PAGE
    assert ".venv/bin/python -m linreg_course.grader " + " ".join(COLLECT) in PAGE
    assert ".venv/bin/python -m tools.gradescope_autograder --hidden private/hidden_tests -- --timeout 240" in PAGE
    hidden = ROOT / "tests" / "hidden_tests"
    assert gradescope_autograder.main(["--hidden", str(hidden), "--out", str(tmp_path), "--", "--timeout", "240"]) == 0
    assert (tmp_path / "autograder.zip").is_file()


def test_the_layout_table_is_what_the_grader_reads():
    rows = re.findall(r"^\| [^|]+ \| `([^`]+\.ipynb)`[^|]*\| `([^`]+)`", PAGE, flags=re.MULTILINE)
    assert len(rows) == 7
    for example, student in rows:
        parts = Path(example).parts
        root = Path(parts[0]) if len(parts) > 1 and parts[0] in ("class", "work") else Path("downloads")
        path = Path(example) if root != Path("downloads") else root / example
        assert identify(path, root).student == student, example
