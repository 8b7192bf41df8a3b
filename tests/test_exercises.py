"""Exercises and solutions: in sync, graded at full marks (solutions) and at zero (pristine exercises)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_files import CHAPTERS, code_cells, load, source
from submissions import require_sandbox

from linreg_course.grader.core import questions_for
from linreg_course.grader.generate import BEGIN
from tools.notebook_settings import KERNEL_NAME, ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
CHECK_CALL = re.compile(r'^check\("(q\d+)"\)$')


def ids(paths):
    return [p.name for p in paths]


def test_every_chapter_has_a_solution():
    missing = [c.name for c in CHAPTERS if not (ROOT / "solutions" / c.name).exists()]
    assert not missing, f"chapters without an exercise (solutions/<same name>): {missing}"


def test_exercises_are_generated_from_their_solutions():
    result = subprocess.run([sys.executable, "-m", "linreg_course.grader.generate", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [e.name for e in EXERCISES] == [s.name for s in SOLUTIONS]


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_every_question_is_checked_in_its_notebook(path):
    cells = code_cells(load(path))
    checks = [m.group(1) for c in cells if (m := CHECK_CALL.match(source(c).strip()))]
    questions = list(questions_for(path.stem))
    assert checks == questions, f"{path.name}: check cells {checks}, but the grader defines {questions}"
    assert f'Checker("{path.stem}")' in "\n".join(source(c) for c in cells)
    assert sum(BEGIN in source(c) for c in cells) >= len(questions), f"{path.name}: a question has no solution"
    assert len(questions) >= 3


@pytest.fixture(scope="module")
def grading(tmp_path_factory):
    """Grade every solution and every pristine exercise with the command-line grader, in one run."""
    require_sandbox()
    out = tmp_path_factory.mktemp("grading")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "linreg_course.grader", "solutions", "exercises", "--out",
                             str(out), "--jobs", "2", "--hidden", "tests/hidden_tests"],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    report = json.loads((out / "report.json").read_text())
    print(f"\ngraded {len(report['submissions'])} notebooks in {seconds:.1f} s")
    return {r["submission"]: r for r in report["submissions"]}, result


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_solution_scores_full_marks(grading, path):
    report = grading[0][f"solutions/{path.name}"]
    failing = [(q["name"], t["name"], t["message"]) for q in report["questions"] for t in q["tests"]
               if t["status"] != "passed"]
    assert not failing and not report["cell_errors"] and not report["problems"], (failing, report["cell_errors"])
    assert report["score"] == report["max_score"] > 0


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_pristine_exercise_scores_zero_without_crashing(grading, path):
    report = grading[0][f"exercises/{path.name}"]
    assert not report["cell_errors"] and not report["problems"], (report["cell_errors"], report["problems"])
    assert report["score"] == 0 < report["max_score"]
    assert {q["status"] for q in report["questions"]} == {"not answered"}


@pytest.mark.parametrize("path", EXERCISES, ids=ids(EXERCISES))
def test_pristine_exercise_checks_say_not_answered(path, tmp_path):
    """Run as a student would: every check cell reports its question as not answered yet."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in code_cells(nb):
        match = CHECK_CALL.match(source(cell).strip())
        if match:
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert f"{match.group(1)} (" in text and "not answered yet" in text, f"{path.name}: {text!r}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids(SOLUTIONS))
def test_titles_say_solution_and_exercise(path):
    """The sidebar tells them apart: `# Solution N. Title` in solutions/, `# Exercise N. Title` in exercises/."""
    number, title = int(path.name[:2]), source(load(path)["cells"][0]).splitlines()[0]
    assert re.match(rf"# Solution {number}\. \S", title), f"{path.name}: {title!r}"
    exercise = source(load(ROOT / "exercises" / path.name)["cells"][0]).splitlines()[0]
    assert exercise == title.replace("# Solution", "# Exercise", 1), f"exercises/{path.name}: {exercise!r}"


def test_students_page_lists_each_exercise_with_its_time_and_levels():
    """book/exercises.md's table is fresh: every exercise, its expected time, core and stretch questions."""
    from tools.exercise_table import PAGE, main, table

    assert main(["--check"]) == 0, "run make exercises"
    text = PAGE.read_text(encoding="utf-8")
    rows = table().splitlines()[2:]
    assert len(rows) == len(list((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))) and all(r in text for r in rows)
    assert all(re.search(r"\| \d+ min \|", r) for r in rows)


@pytest.mark.parametrize("key", sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")))
def test_core_questions_come_before_stretch_ones(key):
    levels = [q.level for q in questions_for(key).values()]
    assert levels == sorted(levels, key=["core", "stretch"].index), f"{key}: {levels}"
    assert levels[0] == "core", f"{key} starts with a stretch question"
