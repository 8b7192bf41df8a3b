"""A class as LMSs hand it over, graded once and in 4 shards with the course's workflow: one gradebook, the same.

The class folder mixes the layouts a teacher gets: a Canvas download (one late resubmission), a Moodle
download, a folder per student, a browser-renamed `Last, First - ex01 (1).ipynb`, and a GitHub Classroom
`gh classroom clone` folder; a roster (Canvas's gradebook export with a GitHub column) names everyone,
including a student who handed in nothing. The hidden tests are the test fixture set, as a teacher's
private folder would be.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from submissions import require_sandbox, run_grader, solution, with_answer, write
from workflow_steps import job_outputs, load, run_job

from linreg_course.grader.core import questions_for
from linreg_course.grader.execute import load_hidden
from tools.notebook_settings import ROOT

KEY = "01_linear_model"
HIDDEN = ROOT / "tests" / "hidden_tests"
WORKFLOW = ROOT / ".github" / "workflows" / "grade-class.yml"
#: The worked example of book/teaching.md, "Grading a class" (tests/test_teaching_page.py checks the page).
SINGLE_RUN = ["class", "--hidden", "private/hidden_tests", "--roster", "private/roster.csv", "--out", "grading-report"]
ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,GitHub
"Kim, Kira",1036,S1,kira,A,kimk
"Lee, Jo",1040,S2,jo,A,leej
"Müller, Anna",1037,S3,anna,B,annam
"Brown, Bob",1041,S4,bob,B,bobb
"Chen, Carol",1042,S5,carol,B,carol
"Diaz, Dan",1043,S6,dan,A,dand
"""


def make_class(repo: Path) -> None:
    """The teacher's private repository: class/ as downloaded, private/ with hidden tests and roster."""
    no_bias = with_answer("def predict_matrix(", "def predict_matrix(X, W, b):\n    return X @ W.T\n")
    median = with_answer("def best_constant(",
                         "import numpy as np\ndef best_constant(y):\n    return float(np.median(y))\n")
    summed = with_answer("def mse(", "def mse(y_hat, y):\n    if y_hat.shape != y.shape:\n        raise "
                                    "ValueError()\n    return float(((y_hat - y) ** 2).sum())\n")
    c = repo / "class"
    write(solution(KEY), c / "canvas" / f"kimkira_1036_5036_{KEY}.ipynb")
    write(no_bias, c / "canvas" / f"leejo_LATE_1040_5040_{KEY}-1.ipynb")
    write(median, c / "moodle" / "Anna Müller_4711_assignsubmission_file_" / f"{KEY}.ipynb")
    write(solution(KEY), c / "Müller, Anna - ex01 (1).ipynb")
    (c / "bob").mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / f"{KEY}.ipynb", c / "bob")
    write(summed, c / "linreg-ex01-submissions" / "linreg-ex01-carol" / "work" / f"{KEY}.ipynb")
    (repo / "private").mkdir()
    shutil.copytree(HIDDEN, repo / "private" / "hidden_tests")
    (repo / "private" / "roster.csv").write_text(ROSTER, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("class")
    repo = tmp / "private-course"
    make_class(repo)
    single = run_grader(SINGLE_RUN, repo, timeout=900)
    assert single.returncode == 1, single.stderr  # some tests fail: a verdict, not an error

    workflow, artifacts = load(WORKFLOW), tmp / "artifacts"
    inputs = {"submissions": "class", "hidden": "private/hidden_tests", "roster": "private/roster.csv", "shards": "4"}

    def checkout(_, context, workspace):
        shutil.copytree(repo, workspace, ignore=shutil.ignore_patterns("grading-report"), dirs_exist_ok=True)

    def upload(given, context, workspace):
        shutil.copytree(workspace / given["path"], artifacts / given["name"])

    def download(given, context, workspace):
        for found in sorted(artifacts.glob(given["pattern"])):
            shutil.copytree(found, workspace / given["path"] / found.name)

    actions = {"actions/checkout": checkout, "actions/setup-python": lambda *a: None,
               "actions/upload-artifact": upload, "actions/download-artifact": download}
    skip = ("Install the course", "Install the sandbox", "Install the course's grader (no notebook is run here)")
    plan = run_job(workflow, "plan", tmp / "plan", actions, inputs=inputs)
    shards = json.loads(job_outputs(workflow, "plan", plan)["shards"])
    jobs = [run_job(workflow, "grade", tmp / f"runner-{shard}", actions, matrix={"shard": shard}, inputs=inputs,
                    needs={"plan": {"shards": json.dumps(shards)}}, skip=skip) for shard in shards]
    merge = run_job(workflow, "merge", tmp / "merge", actions, inputs=inputs, skip=skip)
    return repo / "grading-report", artifacts / "gradebook", shards, jobs, merge, single


def rows(folder: Path) -> dict[str, dict[str, str]]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO((folder / "grades.csv").read_text()))}


def test_four_shards_then_merge_give_exactly_the_single_run(graded):
    single, merged, shards, jobs, merge, _ = graded
    assert shards == [1, 2, 3, 4]
    assert all(not job.failed for job in jobs) and not merge.failed, [j.logs for j in jobs] + [merge.logs]
    assert (merged / "grades.csv").read_bytes() == (single / "grades.csv").read_bytes()
    assert (merged / "canvas.csv").read_bytes() == (single / "canvas.csv").read_bytes()
    for name in ("report.json",):
        one, many = (json.loads((f / name).read_text()) for f in (single, merged))
        strip = [[(r["submission"], r["score"], r["max_score"], [(t["name"], t["status"], t["points"])
                  for q in r["questions"] for t in q["tests"]]) for r in x["submissions"]] for x in (one, many)]
        assert strip[0] == strip[1]  # bit for bit: the same floats, in the same order
        assert (one["score"], one["passed"], one["failed"]) == (many["score"], many["passed"], many["failed"])
    feedback = sorted(p.name for p in (single / "feedback").iterdir())
    assert feedback == sorted(p.name for p in (merged / "feedback").iterdir())
    for name in feedback:
        assert (single / "feedback" / name).read_text() == (merged / "feedback" / name).read_text()


def test_grades_name_every_student_with_points_per_question(graded):
    single = graded[0]
    found = rows(single)
    assert list(found) == ["(maximum)", "Brown, Bob", "Chen, Carol", "Diaz, Dan", "Kim, Kira", "Lee, Jo",
                           "Müller, Anna"]
    maximum = found["(maximum)"]
    full = {q: maximum[f"{KEY} {q}"] for q in ("q1", "q2", "q3", "q4", "q5")}
    assert {q: found["Kim, Kira"][f"{KEY} {q}"] for q in full} == full
    assert found["Lee, Jo"][f"{KEY} q2"] == "0" and found["Lee, Jo"]["late"] == KEY
    assert found["Müller, Anna"][KEY] == maximum[KEY]  # the better of her two submissions counts
    assert "2 submissions of 01_linear_model; the best counts" in found["Müller, Anna"]["notes"]
    assert found["Brown, Bob"][KEY] == "0"
    assert float(found["Chen, Carol"][f"{KEY} q1"]) < float(maximum[f"{KEY} q1"])
    assert found["Chen, Carol"][f"{KEY} q2"] == maximum[f"{KEY} q2"]
    assert found["Diaz, Dan"][KEY] == "" and found["Diaz, Dan"]["notes"] == "no submission"
    load_hidden(HIDDEN, KEY)
    questions = questions_for(KEY).values()
    assert float(maximum[KEY]) == sum(q.max_points(hidden=True) for q in questions)  # public and hidden
    assert sum(q.max_points(hidden=True) for q in questions) > sum(q.max_points(hidden=False) for q in questions)


def test_feedback_files_give_every_message_but_no_hidden_test(graded):
    single = graded[0]
    files = {p.stem: p.read_text() for p in (single / "feedback").iterdir()}
    assert sorted(files) == ["brown_bob", "chen_carol", "diaz_dan", "kim_kira", "lee_jo", "muller_anna"]
    assert "leaves out the bias" in files["lee_jo"] and "handed in late" in files["lee_jo"]
    assert "times too large" in files["chen_carol"]
    assert "1 hidden test passed" in files["kim_kira"]
    docstrings = [line.strip().strip('"') for line in (HIDDEN / f"ch{KEY}.py").read_text().splitlines()
                  if line.strip().startswith('"""') and line.strip().endswith('"""')][1:]
    assert docstrings and not [d for text in files.values() for d in docstrings if d in text]


def test_lms_files(graded):
    single = graded[0]
    canvas = list(csv.reader(io.StringIO((single / "canvas.csv").read_text())))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", KEY]
    assert canvas[1][0] == "Points Possible"
    assert ["Kim, Kira", "1036", "S1", "kira", "A"] == canvas[[r[0] for r in canvas].index("Kim, Kira")][:5]
    moodle = list(csv.DictReader(io.StringIO((single / "moodle" / f"{KEY}.csv").read_text())))
    assert [(r["Identifier"], r["Full name"]) for r in moodle] == [("Participant 4711", "Müller, Anna")]
