"""The teacher's side: collect student repositories (at a deadline) and an LMS download, grade them there."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile

from submissions import require_sandbox, run_grader, solution, with_answer, write

from tools.notebook_settings import ROOT

KEY = "01_linear_model"
#: The worked example of book/teaching.md, "GitHub Classroom" (with the course's example hidden tests).
COLLECT = ["collect", "repos.txt", "--into", "class", "--before", "2026-12-20T00:00:00", "--grade", "--hidden",
           "private/hidden_tests", "--out", "grades"]


def commit(folder, message, date):
    """Commit everything in `folder`, authored and committed at `date` (what --before reads)."""
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    for args in (["add", "-A"], ["-c", "user.name=S", "-c", "user.email=s@example.org", "commit", "-qm", message]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=env)


def student_repository(folder, notebook, late_notebook=None):
    """A student's repository: work/ committed before the deadline (2026-12-20), and maybe again after it."""
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True)
    shutil.copytree(ROOT / "solutions", folder / "solutions")  # a template's other notebooks are not graded
    write(notebook, folder / "work" / f"{KEY}.ipynb")
    commit(folder, "answers", "2026-12-19T12:00:00")
    if late_notebook is not None:
        write(late_notebook, folder / "work" / f"{KEY}.ipynb")
        commit(folder, "late fix", "2026-12-22T12:00:00")


def test_collect_at_the_deadline_and_grade_with_hidden_tests(tmp_path):
    require_sandbox()
    right = solution(KEY)
    wrong = with_answer("def predict_matrix(", "def predict_matrix(X, W, b):\n    return X @ W.T\n")
    student_repository(tmp_path / "remote" / "linreg-ex01-kim", wrong, late_notebook=right)  # fixed too late
    student_repository(tmp_path / "remote" / "linreg-ex01-lee", right)
    (tmp_path / "repos.txt").write_text("\n".join(str(tmp_path / "remote" / n) for n in ("linreg-ex01-kim",
                                                                                        "linreg-ex01-lee")) + "\n")
    with zipfile.ZipFile(tmp_path / "canvas.zip", "w") as archive:
        archive.writestr(f"joyjo_1050_7000_{KEY}.ipynb", json.dumps(right))
        archive.writestr(f"../evil_1_2_{KEY}.ipynb", json.dumps(right))
        archive.writestr("notes.txt", "not a notebook")
    shutil.copytree(ROOT / "tests" / "hidden_tests", tmp_path / "private" / "hidden_tests")
    command = COLLECT[:2] + ["canvas.zip"] + COLLECT[2:]  # an LMS download collected in the same run
    done = run_grader(command, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr  # kim's answer loses points: a verdict
    assert not (tmp_path / f"evil_1_2_{KEY}.ipynb").exists() and not list(tmp_path.rglob("evil*"))
    assert sorted(p.relative_to(tmp_path / "class").as_posix() for p in (tmp_path / "class").rglob("*.ipynb")) == [
        f"canvas/joyjo_1050_7000_{KEY}.ipynb", f"linreg-ex01-submissions/linreg-ex01-kim/work/{KEY}.ipynb",
        f"linreg-ex01-submissions/linreg-ex01-lee/work/{KEY}.ipynb"]
    collected = list(csv.DictReader(io.StringIO((tmp_path / "class" / "collected.csv").read_text())))
    assert [(r["repository"], r["committed"][:10], r["problem"]) for r in collected] == [
        ("linreg-ex01-kim", "2026-12-19", ""), ("linreg-ex01-lee", "2026-12-19", "")]
    grades = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "grades" / "grades.csv").read_text()))}
    maximum = grades["(maximum)"][KEY]
    assert grades["lee"][KEY] == maximum and grades["joyjo"][KEY] == maximum
    assert grades["kim"][f"{KEY} q2"] == "0"  # the commit before the deadline counts, not the later fix
    assert "hidden tests: private/hidden_tests (exercises 01," in done.stdout
    report = json.loads((tmp_path / "grades" / "report.json").read_text())
    assert report["sandbox"].startswith("bubblewrap")  # the authoritative score: every notebook sandboxed
    assert {r["sandbox"] for r in report["submissions"]} == {"bubblewrap"}


def test_the_authoritative_grading_refuses_to_run_without_the_sandbox(tmp_path):
    (tmp_path / "repos.txt").write_text("")
    done = run_grader([*COLLECT, "--no-sandbox"], tmp_path, timeout=120)
    assert done.returncode == 2
    assert "collect --grade grades the class authoritatively, in the sandbox: --no-sandbox is refused" in done.stderr
    assert not (tmp_path / "class").exists()
