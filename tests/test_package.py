"""The course's package installs with all its parts: what Colab's `%pip install` of the repository gets."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from tools.notebook_settings import ROOT


def test_wheel_contains_the_grader_and_every_question_module(tmp_path):
    # Build from a copy of what the repository holds (hidden tests and all), so no build files land in it.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "*.ipynb", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("linreg_course-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"linreg_course/data.py", "linreg_course/grader/__init__.py", "linreg_course/grader/notebook.py",
                "linreg_course/plotting.py", "linreg_course/styles/course.mplstyle"}
    questions = ROOT / "linreg_course" / "grader" / "questions"
    expected |= {f"linreg_course/grader/questions/{p.name}" for p in questions.glob("*.py")}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert not any(n.startswith(("hidden_tests/", "tests/", "tools/")) for n in names), "the wheel ships too much"
