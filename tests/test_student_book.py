"""The student-facing build option: the table of contents and config without the solutions."""

from __future__ import annotations

from tools.notebook_settings import ROOT
from tools.student_book import student_config, student_toc


def test_student_toc_drops_only_the_solutions_part():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    student = student_toc(toc)
    assert "file: solutions/" in toc and "file: solutions/" not in student
    assert "caption: Solutions" in toc and "caption: Solutions" not in student
    removed = [line for line in toc.splitlines() if line not in student.splitlines()]
    assert all("solutions/" in line or "Solutions" in line or line.strip() == "chapters:" for line in removed), removed
    assert "exercises/01_linear_model" in student and "chapters/12_capstone" in student


def test_student_config_excludes_the_solutions_folder():
    config = student_config((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "exclude_patterns:\n  - solutions\n" in config
