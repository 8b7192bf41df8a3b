"""The command-line grader on real notebooks: full marks, zero, wrong answers and bad submissions, and the run
as a whole: what it writes and prints, without bubblewrap, killed half-way, a class graded in parallel.

Every submission here is built from the solution of exercise 01 by editing its cells, and all of them
are graded in one run of the grader (two at a time), as a teacher would grade a class. The attacks of a
determined student are in test_hostile.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from submissions import processes_with, require_sandbox

from linreg_course.grader.core import questions_for
from linreg_course.grader.execute import load_hidden
from tools.notebook_settings import ROOT

SOLUTION = ROOT / "solutions" / "01_linear_model.ipynb"
WORDS = {"q1": "def mse(", "q2": "def predict_matrix(", "q3": "def fit_lstsq(", "q4": "def best_constant(",
         "q5": "def fit_parabola("}


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
    "straight_line": (_replace_answer("q5", "import numpy as np\ndef fit_parabola(t, h):\n"
                                            "    return np.array([0.0, *np.polyfit(t, h, 1)])\n"), {"q5": 0}),
    "missing_cell": (_delete("q1"), {"q1": 0}),
    "raising_cell": (_insert("1 / 0"), {}),
    "endless_loop": (_insert("while True:\n    pass"), {}),
    "sys_exit": (_insert("import sys\nsys.exit(3)"), {}),
    "kernel_dies": (_insert("import os\nos._exit(1)"), {}),  # that cell is skipped, the rest is graded
    "huge_output": (_insert("for i in range(200):\n    print('x' * 10_000)"), {}),
    "writes_files": (_insert("import os\nopen('written.txt', 'w').write('x')\n"
                             "for name in os.listdir('.'):\n"
                             "    os.remove(name) if os.path.isfile(name) else None"), {}),
    "magics_and_figures": (_insert("%xmode Minimal\n%time x = 1\nimport matplotlib.pyplot as plt\n"
                                   "from linreg_course.plotting import use_course_style\nuse_course_style()\n"
                                   "plt.plot([0, 1], [1, 0])\nplt.show()"), {}),
    # torch's OpenMP threads busy in the notebook, then a fork per question: the children must not hang
    "threads_then_fork": (lambda nb: (_insert("import torch\n_ = (torch.randn(1500, 1500) @ torch.randn(1500, 1500))"
                                              ".sum()")(nb), _replace_answer("q1", (
        "import numpy as np\nimport torch\ndef mse(y_hat, y):\n    torch.randn(1500, 1500) @ torch.randn(1500, 1500)\n"
        "    if y_hat.shape != y.shape:\n        raise ValueError('shapes')\n"
        "    return float(np.mean((y_hat - y) ** 2))\n"))(nb)), {}),
    "cheats": (lambda nb: (_replace_answer("q1", "def mse(y_hat, y):\n    return 0.0\n")(nb), _insert(
        "import numpy as np\nimport linreg_course.grader.compare as c\nimport linreg_course.grader.core as core\n"
        "np.allclose = np.isclose = lambda *a, **k: True\nc.check_number = c.check_close = lambda *a, **k: None\n"
        "core.run_test = None\ndef check(name):\n    print(name, 'passed')\nChecker = check")(nb)), {"q1": 0}),
}


@pytest.fixture(autouse=True)
def _needs_bubblewrap(request):
    if request.node.name != "test_without_bubblewrap_the_grader_refuses_unless_told":
        require_sandbox()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Write every case as a notebook, grade them all in one run, return (report, junit root, directory)."""
    require_sandbox()
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
    assert by_name["kernel_dies"]["problems"][0].startswith("the kernel died in cell 5 (exit status 1); the grader "
                                                            "restarted it and ran the notebook again without that cell")
    huge = by_name["huge_output"]
    assert huge["score"] == by_name["full"]["score"]
    assert by_name["magics_and_figures"]["cell_errors"] == []  # IPython's magics and off-screen figures work


def test_each_report_says_how_it_was_graded(graded):
    result, report, by_name, junit, *_, tmp = graded
    assert report["complete"] and report["graded"] == report["expected"] == len(by_name)
    assert report["sandbox"].startswith("bubblewrap")
    for name, submission in by_name.items():
        assert submission["sandbox"] == "bubblewrap"
        want = "corrupt" if name in ("not_json", "not_a_notebook") else "graded"
        assert submission["status"] == want, (name, submission["problems"])
    files = sorted((tmp / "report" / "submissions").glob("*.json"))
    assert [json.loads(f.read_text())["submission"] for f in files] == [r["submission"] for r in report["submissions"]]
    assert "endless_loop" in by_name and any(e["error"].startswith("KeyboardInterrupt: the cell ran longer than 5 s")
                                             for e in by_name["endless_loop"]["cell_errors"])


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
    """In the grader's sandbox too, question 3 of exercise 04 is tested with a correct `descend` (a stand-in);
    and that stand-in cannot be read as one's own answer (the stand-in table is not in the sandbox)."""
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
    (tmp_path / "wrong").mkdir()
    nbformat.write(nb, tmp_path / "wrong" / "04_autograd.ipynb")
    _cell(nb, "def descend(").source = (  # the course's own descend, from the stand-in table the grader ships
        "import json, pathlib, linreg_course.grader as grader\n"
        "table = pathlib.Path(grader.__file__).parent / 'questions' / 'stand_ins.json'\n"
        "entry = json.loads(table.read_text())['exercises']['04_autograd']\n"
        "exec(next(f['source'] for f in entry['functions'] if f['name'] == 'descend'))\n")
    (tmp_path / "imported").mkdir()
    nbformat.write(nb, tmp_path / "imported" / "04_autograd.ipynb")
    subprocess.run([sys.executable, "-m", "linreg_course.grader", str(tmp_path / "wrong"), str(tmp_path / "imported"),
                    "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300, cwd=ROOT)
    for report in json.loads((tmp_path / "out" / "report.json").read_text())["submissions"]:
        points = _points(report)
        assert points["q2"] < _max(report)["q2"]
        assert {q: p for q, p in points.items() if q != "q2"} == {q: m for q, m in _max(report).items() if q != "q2"}
        if "imported" in report["submission"]:
            assert points["q2"] == 0
            assert "No such file or directory" in json.dumps(report["cell_errors"])


def test_without_bubblewrap_the_grader_refuses_unless_told(tmp_path):
    """No bwrap on the PATH: a loud refusal (exit 2) naming the package and the flag; with --no-sandbox the run
    goes on, and every report says it was graded without one."""
    nb = tmp_path / "01_linear_model.ipynb"
    nb.write_bytes(SOLUTION.read_bytes())
    (tmp_path / "tmpdir").mkdir()
    env = dict(os.environ, PATH=str(tmp_path / "no-such-folder"), TMPDIR=str(tmp_path / "tmpdir"))
    refused = subprocess.run([sys.executable, "-m", "linreg_course.grader", str(nb), "--out", str(tmp_path / "a")],
                             capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2 and not (tmp_path / "a" / "report.json").exists()
    assert "bubblewrap (bwrap) is not installed" in refused.stderr
    assert "sudo apt-get install bubblewrap" in refused.stderr and "--no-sandbox" in refused.stderr
    allowed = subprocess.run([sys.executable, "-m", "linreg_course.grader", str(nb), "--out", str(tmp_path / "b"),
                              "--no-sandbox"], capture_output=True, text=True, env=env, timeout=300)
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert "WARNING: --no-sandbox" in allowed.stderr
    summary = json.loads((tmp_path / "b" / "report.json").read_text())
    assert summary["sandbox"] == "none (--no-sandbox)"
    report = summary["submissions"][0]
    assert report["sandbox"] == "none" and report["score"] == report["max_score"]
    assert report["problems"][0].startswith("graded WITHOUT a sandbox (--no-sandbox)")
    assert not list((tmp_path / "tmpdir").iterdir())


def test_a_killed_grader_leaves_the_reports_of_what_it_did(tmp_path):
    """kill -9 of the grader half-way: the finished submissions' reports and an incomplete summary remain;
    every sandbox dies with it, and nothing is left in TMPDIR."""
    marker = f"linreg-killed-{uuid.uuid4().hex[:10]}"
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a_fast.ipynb").write_bytes(SOLUTION.read_bytes())
    for name in ("b_slow", "c_slow", "d_slow"):
        nb = nbformat.read(SOLUTION, as_version=4)
        _insert(f"import subprocess, time\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 120', '{marker}'])\n"
                "time.sleep(120)")(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")
    out, tmpdir = tmp_path / "out", tmp_path / "tmpdir"
    tmpdir.mkdir()
    grader = subprocess.Popen([sys.executable, "-m", "linreg_course.grader", str(folder), "--out", str(out),
                               "--exercise", "01_linear_model", "--jobs", "2", "--cell-timeout", "100"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, TMPDIR=str(tmpdir)))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (list(out.glob("submissions/*.json")) and processes_with(marker)):
        time.sleep(0.2)
    time.sleep(1.0)
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    summary = json.loads((out / "report.json").read_text())
    assert not summary["complete"] and summary["expected"] == 4 and summary["graded"] >= 1
    reports = [json.loads(f.read_text()) for f in (out / "submissions").glob("*.json")]
    assert [r["submission"] for r in reports] == [str(folder / "a_fast.ipynb")]
    assert reports[0]["score"] == reports[0]["max_score"] > 0
    for _ in range(50):
        if not processes_with(marker):
            break
        time.sleep(0.1)
    assert processes_with(marker) == []
    assert not list(tmpdir.iterdir())


def test_a_class_of_thirty_in_parallel(tmp_path):
    """Thirty notebooks, ten at a time: right, wrong, looping and forking ones each get their own report."""
    folder = tmp_path / "class"
    folder.mkdir()
    kinds = {"right": lambda nb: None, "wrong": _replace_answer("q1", "def mse(y_hat, y):\n    return 0.0\n"),
             "loop": _insert("while True:\n    pass"), "forks": _insert("import os\nfor _ in range(30):\n"
                                                                     "    if os.fork() == 0:\n        while True:\n"
                                                                     "            pass")}
    for i in range(30):
        kind = list(kinds)[i % 4]
        nb = nbformat.read(SOLUTION, as_version=4)
        kinds[kind](nb)
        nbformat.write(nb, folder / f"student{i:02d}_{kind}.ipynb")
    result = subprocess.run([sys.executable, "-m", "linreg_course.grader", str(folder), "--out", str(tmp_path / "out"),
                             "--exercise", "01_linear_model", "--jobs", "10", "--cell-timeout", "3"],
                            capture_output=True, text=True, timeout=600)
    summary = json.loads((tmp_path / "out" / "report.json").read_text())
    assert summary["complete"] and len(summary["submissions"]) == 30 and result.returncode == 1
    for report in summary["submissions"]:
        points = _points(report)
        if "_wrong" in report["submission"]:
            assert points.pop("q1") < _max(report)["q1"]
        assert all(p == _max(report)[q] for q, p in points.items()), (report["submission"], report["problems"])
