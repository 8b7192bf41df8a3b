"""The GitHub Classroom workflow, run step by step on a student repository made from the course as a template.

The student works in `work/` (which git tracks) as the README and the book's exercise page say, commits
exercise 01 (right) and 03 (one wrong answer), then leaves exercise 01 broken and exercise 04 new without
committing them. The workflow must grade exactly what was committed, exercise by exercise, and hand
GitHub Classroom's reporter points that agree with the grader's.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from submissions import with_answer, write
from workflow_steps import load, run_job

from tools.notebook_settings import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "classroom.yml"
GD_STEP_SUM = '''def gd_step(theta, X_tilde, y, lr):
    e = X_tilde @ theta - y
    return theta - lr * 2 * X_tilde.T @ e
'''


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def template(tmp_path):
    """The course's repository as GitHub Classroom copies a template: every tracked file, one commit."""
    target = tmp_path / "template"
    for name in git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", "-b", "main", cwd=target)
    git("add", "-A", cwd=target)
    git("-c", "user.name=Teacher", "-c", "user.email=t@example.org", "commit", "-qm", "Template", cwd=target)
    return target


@pytest.fixture(scope="module")
def student_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("classroom")
    student = tmp / "linreg-kim"
    git("clone", "-q", str(template(tmp)), str(student), cwd=tmp)
    shutil.copy(ROOT / "solutions" / "01_linear_model.ipynb", student / "work" / "01_linear_model.ipynb")
    wrong = with_answer("def gd_step(", GD_STEP_SUM, "03_gradient_descent")
    write(wrong, student / "work" / "03_gradient_descent.ipynb")
    git("add", "work", cwd=student)
    git("-c", "user.name=Kim", "-c", "user.email=k@example.org", "commit", "-qm", "Exercises 1 and 3", cwd=student)
    (student / "work" / "01_linear_model.ipynb").write_text("{ broken after the commit", encoding="utf-8")
    shutil.copy(ROOT / "solutions" / "04_autograd.ipynb", student / "work" / "04_autograd.ipynb")  # never committed

    reported = {}

    def checkout(_, context, workspace):
        git("clone", "-q", str(student), str(workspace), cwd=tmp)

    def reporter(given, context, workspace):
        """GitHub Classroom's reporter: decodes each runner's result and adds up the points."""
        for runner in given["runners"].split(","):
            result = json.loads(base64.b64decode(context.job.env[f"{runner.upper()}_RESULTS"]))
            passed = sum(t["status"] == "pass" for t in result["tests"])
            reported[runner] = {"table": passed / len(result["tests"]) * result["max_score"],
                                "classroom": sum(t["score"] for t in result["tests"]),
                                "max": result["max_score"], "status": result["status"]}

    workflow = load(WORKFLOW)
    # The environment is the course's already; pip installing the checkout (-e .) would repoint the test's venv.
    job = run_job(workflow, "grade", tmp / "workspace", {"actions/checkout": checkout,
                                                         "actions/setup-python": lambda *a: None,
                                                         "classroom-resources/autograding-grading-reporter": reporter},
                  skip=("Install the course",))
    report = json.loads((tmp / "workspace" / "grading-report" / "report.json").read_text())
    return workflow, job, reported, report


def test_students_work_where_git_keeps_it():
    assert subprocess.run(["git", "check-ignore", "-q", "work/03_gradient_descent.ipynb"], cwd=ROOT).returncode == 1
    for page in (ROOT / "README.md", ROOT / "book" / "exercises.md", ROOT / "work" / "README.md"):
        text = page.read_text()
        assert "cp exercises/" in text and "work/" in text and "commit" in text, page


def test_only_what_was_committed_is_graded_exercise_by_exercise(student_run):
    _, job, reported, report = student_run
    assert job.outcomes["grade"] == "success", job.logs
    assert sorted(r["submission"] for r in report["submissions"]) == ["work/01_linear_model.ipynb",
                                                                       "work/03_gradient_descent.ipynb"]
    by_exercise = {r["exercise"]: r for r in report["submissions"]}
    assert by_exercise["01_linear_model"]["score"] == by_exercise["01_linear_model"]["max_score"]  # not the broken copy
    points = {q["name"]: q["points"] < q["max_points"] for q in by_exercise["03_gradient_descent"]["questions"]}
    assert points["q1"] and not points["q2"]
    assert sorted(reported) == ["ex01", "ex03"]
    for runner, key in (("ex01", "01_linear_model"), ("ex03", "03_gradient_descent")):
        graded = by_exercise[key]
        assert reported[runner]["classroom"] == pytest.approx(graded["score"])
        assert reported[runner]["table"] == pytest.approx(graded["score"])
        assert reported[runner]["max"] == graded["max_score"]
    assert reported["ex01"]["status"] == "pass" and reported["ex03"]["status"] == "fail"


def test_the_summary_gives_points_per_exercise_and_why(student_run):
    _, job, _, report = student_run
    by_exercise = {r["exercise"]: r for r in report["submissions"]}
    for key, graded in by_exercise.items():
        assert f"| {key} | {graded['score']:g}/{graded['max_score']:g} |" in job.summary
    assert "**03_gradient_descent q1**" in job.summary and "times too large" in job.summary


def test_the_workflow_installs_the_pinned_course_and_grades_public_tests_only(student_run):
    workflow, job, _, report = student_run
    steps = {s["name"]: s for s in workflow["jobs"]["grade"]["steps"]}
    install = steps["Install the course"]["run"]
    assert "pip install -r requirements.txt -c constraints.txt" in install and "pip install --no-deps -e ." in install
    assert "hidden tests: none" in job.logs["grade"]
    # the student's own notebooks on the student's runner, where bubblewrap cannot start: advisory, unsandboxed
    assert "--no-sandbox" in steps["Grade each committed exercise"]["run"]
    assert report["sandbox"] == "none (--no-sandbox)"
    assert not [t for r in report["submissions"] for q in r["questions"] for t in q["tests"] if t["hidden"]]


def test_the_course_repository_itself_stops_at_once(tmp_path):
    job = run_job(load(WORKFLOW), "grade", tmp_path / "ws",
                  {"actions/checkout": lambda g, c, w: shutil.copytree(ROOT / "book", w / "book"),
                   "actions/setup-python": lambda *a: None}, skip=())
    assert job.outcomes["find"] == "success" and job.outcomes["grade"] == "skipped"
    assert "No exercise committed in work/ yet" in job.summary
