"""The command-line grader on real notebooks: full marks, zero, wrong answers and bad submissions.

Every submission here is built from the solution of exercise 01 by editing its cells, and all of them
are graded in one run of the grader (two at a time), as a teacher would grade a class.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest

from linreg_course.grader.core import questions_for
from linreg_course.grader.execute import load_hidden
from tools.notebook_settings import ROOT

SOLUTION = ROOT / "solutions" / "01_linear_model.ipynb"
WORDS = {"q1": "def mse(", "q2": "def predict_matrix(", "q3": "def fit_lstsq(", "q4": "def best_constant(",
         "q5": "repeat_factor ="}


def _cell(nb, text):
    return next(c for c in nb.cells if c.cell_type == "code" and text in c.source)


def _replace_answer(question: str, body: str):
    """A submission where question's answer cell is replaced by `body`."""
    def edit(nb):
        _cell(nb, WORDS[question]).source = body
    return edit


def _insert(code: str, where: str = "after imports"):
    def edit(nb):
        index = next(i for i, c in enumerate(nb.cells) if "Checker(" in c.source) + 1
        nb.cells.insert(index, nbformat.v4.new_code_cell(code))
    return edit


def _delete(question):
    def edit(nb):
        nb.cells.remove(_cell(nb, WORDS[question]))
    return edit


# name -> (how the solution is edited, {question: expected points or None for "fewer than max"})
CASES = {
    "full": (lambda nb: None, {}),
    "mse_sum": (_replace_answer("q1", "def mse(y_hat, y):\n    if y_hat.shape != y.shape:\n        raise ValueError()\n"
                                      "    return float(((y_hat - y) ** 2).sum())\n"), {"q1": None}),
    "no_bias": (_replace_answer("q2", "def predict_matrix(X, W, b):\n    return X @ W.T\n"), {"q2": 0}),
    "transposed_W": (_replace_answer("q3", "import numpy as np\ndef fit_lstsq(X, Y):\n"
                                           "    A = np.column_stack([X, np.ones(len(X))])\n"
                                           "    t = np.linalg.lstsq(A, Y, rcond=None)[0]\n    return t[:-1], t[-1]\n"),
                     {"q3": None}),
    "median": (_replace_answer("q4", "import numpy as np\ndef best_constant(y):\n    return float(np.median(y))\n"),
               {"q4": 0}),
    "hard_coded": (_replace_answer("q4", "def best_constant(y):\n    return 68.0\n"), {"q4": 0}),
    "sum_factor": (_replace_answer("q5", "repeat_factor = 2\n"), {"q5": 0}),
    "missing_cell": (_delete("q1"), {"q1": 0}),
    "raising_cell": (_insert("1 / 0"), {}),
    "endless_loop": (_insert("while True:\n    pass"), {}),
    "sys_exit": (_insert("import sys\nsys.exit(3)"), {}),
    "kernel_dies": (_insert("import os\nos._exit(1)"), {q: 0 for q in WORDS}),
    "huge_output": (_insert("for i in range(200):\n    print('x' * 10_000)"), {}),
    "writes_files": (_insert("import os\nopen('written.txt', 'w').write('x')\n"
                             "for name in os.listdir('.'):\n"
                             "    os.remove(name) if os.path.isfile(name) else None"), {}),
    "cheats": (lambda nb: (_replace_answer("q1", "def mse(y_hat, y):\n    return 0.0\n")(nb), _insert(
        "import numpy as np\nimport linreg_course.grader.compare as c\nimport linreg_course.grader.core as core\n"
        "np.allclose = np.isclose = lambda *a, **k: True\nc.check_number = c.check_close = lambda *a, **k: None\n"
        "core.run_test = None\ndef check(name):\n    print(name, 'passed')\nChecker = check")(nb)), {"q1": 0}),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Write every case as a notebook, grade them all in one run, return (report, junit root, directory)."""
    tmp = tmp_path_factory.mktemp("submissions")
    folder = tmp / "class"
    folder.mkdir()
    for name, (edit, _) in CASES.items():
        nb = nbformat.read(SOLUTION, as_version=4)
        edit(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "not_json.ipynb").write_text("{ this is not a notebook", encoding="utf-8")
    (folder / "not_a_notebook.ipynb").write_text(json.dumps({"cells": 3}), encoding="utf-8")
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = tmp / "report"
    result = subprocess.run([sys.executable, "-m", "linreg_course.grader", str(folder), "--out", str(out),
                             "--exercise", "01_linear_model", "--cell-timeout", "5", "--jobs", "2"],
                            capture_output=True, text=True, cwd=tmp, timeout=600)
    report = json.loads((out / "report.json").read_text())
    by_name = {Path(r["submission"]).stem: r for r in report["submissions"]}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    return result, report, by_name, ET.parse(out / "junit.xml").getroot(), digests, after, tmp


def _points(report):
    return {q["name"]: q["points"] for q in report["questions"]}


def _max(report):
    return {q["name"]: q["max_points"] for q in report["questions"]}


def test_every_submission_has_a_report(graded):
    result, report, by_name, junit, *_ = graded
    assert set(by_name) == set(CASES) | {"not_json", "not_a_notebook"}
    assert result.returncode == 1, "some submissions fail, so the exit status must be 1"
    passed, failed = report["passed"], report["failed"]
    assert result.stdout.strip().splitlines()[-1] == f"{passed} passed, {failed} failed"
    assert len(junit.findall("testsuite")) == len(by_name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_points_lost_only_where_wrong(graded, name):
    _, _, by_name, *_ = graded
    report = by_name[name]
    expected = CASES[name][1]
    maxima = _max(report)
    for question, points in _points(report).items():
        if question not in expected:
            assert points == maxima[question], f"{name}: {question} should keep its {maxima[question]} points"
        elif expected[question] is None:
            assert points < maxima[question], f"{name}: {question} should lose points"
        else:
            assert points == expected[question], f"{name}: {question} has {points}, expected {expected[question]}"


def test_messages_name_the_mistake(graded):
    by_name = graded[2]

    def messages(name, question):
        q = next(q for q in by_name[name]["questions"] if q["name"] == question)
        return " ".join(t["message"] for t in q["tests"])

    assert "times too large" in messages("mse_sum", "q1")
    assert "leaves out the bias" in messages("no_bias", "q2")
    assert "transpose" in messages("transposed_W", "q3")
    assert "median" in messages("median", "q4")
    assert "not defined" in messages("missing_cell", "q1")


def test_bad_notebooks_are_reported_not_crashed(graded):
    by_name = graded[2]
    for name in ("not_json", "not_a_notebook"):
        report = by_name[name]
        assert report["score"] == 0 and report["max_score"] == by_name["full"]["max_score"]
        assert "not a valid notebook" in report["problems"][0]
    assert by_name["raising_cell"]["cell_errors"][0]["error"].startswith("ZeroDivisionError")
    assert any("Timeout" in e["error"] or "Interrupt" in e["error"] for e in by_name["endless_loop"]["cell_errors"])
    assert by_name["sys_exit"]["cell_errors"][0]["error"].startswith("SystemExit")
    assert "kernel died" in by_name["kernel_dies"]["problems"][0]
    huge = by_name["huge_output"]
    assert huge["score"] == by_name["full"]["score"]


def test_submissions_are_never_modified_and_files_stay_in_the_sandbox(graded):
    *_, digests, after, tmp = graded
    assert digests == after
    assert not list(tmp.rglob("written.txt"))


def test_total_timeout_and_threshold(tmp_path):
    nb = nbformat.read(SOLUTION, as_version=4)
    _insert("import time\ntime.sleep(30)")(nb)
    nbformat.write(nb, tmp_path / "01_linear_model.ipynb")
    result = subprocess.run([sys.executable, "-m", "linreg_course.grader", str(tmp_path / "01_linear_model.ipynb"),
                             "--out", str(tmp_path / "out"), "--timeout", "8", "--threshold", "0.5",
                             "--hidden", str(ROOT / "tests" / "hidden_tests")],
                            capture_output=True, text=True, timeout=120)
    report = json.loads((tmp_path / "out" / "report.json").read_text())["submissions"][0]
    assert "total limit of 8 s" in report["problems"][0] and report["score"] == 0
    questions = questions_for("01_linear_model")
    load_hidden(ROOT / "tests" / "hidden_tests", "01_linear_model")
    with_hidden = sum(q.max_points(hidden=True) for q in questions.values())
    assert with_hidden > sum(q.max_points(hidden=False) for q in questions.values())
    assert report["max_score"] == with_hidden  # hidden tests count in the maximum even when grading was cut off
    assert result.returncode == 1


def test_a_wrong_function_used_by_a_later_answer_costs_points_once(tmp_path):
    """In the grader's kernel too, question 3 of exercise 04 is tested with a correct `descend` (a stand-in)."""
    nb = nbformat.read(ROOT / "solutions" / "04_autograd.ipynb", as_version=4)
    _cell(nb, "def descend(").source = (
        "def descend(w, b, x, y, lr, steps):\n"
        "    history = []\n"
        "    for _ in range(steps):\n"
        "        loss = ((w * x + b - y) ** 2).sum()  # a sum: N times the gradient\n"
        "        history.append(loss.item())\n"
        "        loss.backward()\n"
        "        with torch.no_grad():\n"
        "            w -= lr * w.grad\n"
        "            b -= lr * b.grad\n"
        "        w.grad.zero_()\n"
        "        b.grad.zero_()\n"
        "    return w, b, history\n")
    assert "return descend(" in _cell(nb, "def train(").source  # q3's answer calls q2's function
    nbformat.write(nb, tmp_path / "04_autograd.ipynb")
    subprocess.run([sys.executable, "-m", "linreg_course.grader", str(tmp_path / "04_autograd.ipynb"), "--out",
                    str(tmp_path / "out")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    report = json.loads((tmp_path / "out" / "report.json").read_text())["submissions"][0]
    points = _points(report)
    assert points["q2"] < _max(report)["q2"]
    assert {q: p for q, p in points.items() if q != "q2"} == {q: m for q, m in _max(report).items() if q != "q2"}
