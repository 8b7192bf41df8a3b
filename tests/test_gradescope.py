"""The Gradescope autograder built from the course runs as Gradescope runs it, and its results.json is valid.

The schema below is Gradescope's documented results format ("Autograder Specifications", output format,
test case status and output string formatting), written out as JSON Schema with no extra keys allowed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import jsonschema
import pytest
from submissions import require_sandbox, with_answer

from linreg_course.grader.gradescope import results
from tools import gradescope_autograder
from tools.notebook_settings import ROOT

FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
TEST = {"type": "object", "additionalProperties": False, "properties": {
    "score": {"type": "number"}, "max_score": {"type": "number"}, "status": {"enum": ["passed", "failed"]},
    "name": {"type": "string"}, "name_format": {"enum": FORMATS}, "number": {"type": "string"},
    "output": {"type": "string"}, "output_format": {"enum": FORMATS},
    "tags": {"type": "array", "items": {"type": "string"}}, "visibility": {"enum": VISIBILITY},
    "extra_data": {"type": "object"}}}
RESULTS = {"type": "object", "additionalProperties": False, "properties": {
    "score": {"type": "number"}, "execution_time": {"type": "number"}, "output": {"type": "string"},
    "output_format": {"enum": FORMATS}, "test_output_format": {"enum": FORMATS}, "test_name_format": {"enum": FORMATS},
    "visibility": {"enum": VISIBILITY}, "stdout_visibility": {"enum": VISIBILITY}, "extra_data": {"type": "object"},
    "tests": {"type": "array", "items": TEST},
    "leaderboard": {"type": "array", "items": {"type": "object", "required": ["name", "value"], "properties": {
        "name": {"type": "string"}, "value": {"type": ["number", "string"]}, "order": {"enum": ["asc", "desc"]}}}}},
    # "score: optional, but required if not on each test case"
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}}]}

HIDDEN = ROOT / "tests" / "hidden_tests"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The autograder zip, unpacked where Gradescope puts it (AUTOGRADER_ROOT/source)."""
    require_sandbox()
    root = tmp_path_factory.mktemp("autograder")
    target = gradescope_autograder.build(root / "build", HIDDEN, ["--timeout", "240"])
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, modes[name])
    return root, names


def run_autograder(root, notebooks: dict[str, dict]):
    submission = root / "submission"
    submission.mkdir(exist_ok=True)
    for old in submission.iterdir():
        old.unlink()
    for name, nb in notebooks.items():
        (submission / name).write_text(json.dumps(nb), encoding="utf-8")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)
    return json.loads((root / "results" / "results.json").read_text()), done


def test_the_zip_has_what_gradescope_needs(autograder):
    root, names = autograder
    assert {"setup.sh", "run_autograder", "course/pyproject.toml", "course/requirements.txt",
            "course/constraints.txt", "course/linreg_course/grader/cli.py",
            "hidden_tests/ch01_linear_model.py"} <= set(names)
    for name in ("setup.sh", "run_autograder"):
        assert os.access(root / "source" / name, os.X_OK)
        assert subprocess.run(["bash", "-n", str(root / "source" / name)]).returncode == 0
    setup = (root / "source" / "setup.sh").read_text()
    assert "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in setup and "bubblewrap" in setup
    assert "pip install --no-deps -e /autograder/source/course" in setup  # the sandbox hides the question modules
    assert 'cd "$ROOT/source" ' in (root / "source" / "run_autograder").read_text()  # not the student's folder


def test_a_submission_graded_as_gradescope_runs_it(autograder):
    root, _ = autograder
    wrong = with_answer("def mse(",
                        "def mse(y_hat, y):\n    return float(((y_hat - y) ** 2).sum())\n")
    found, done = run_autograder(root, {"kimkira_1036_5036_01_linear_model.ipynb": wrong})
    jsonschema.validate(found, RESULTS)
    assert done.returncode == 0
    assert '"sandbox": "bubblewrap"' in done.stdout  # the instructors' log: the notebook ran in the sandbox
    by_name = {t["name"].split(":")[0]: t for t in found["tests"]}
    assert sorted(by_name) == [f"01_linear_model q{i}" for i in range(1, 6)]
    assert by_name["01_linear_model q1"]["status"] == "failed" and by_name["01_linear_model q2"]["status"] == "passed"
    assert "times too large" in by_name["01_linear_model q1"]["output"]
    assert found["score"] == sum(t["score"] for t in found["tests"]) < sum(t["max_score"] for t in found["tests"])
    assert "1 hidden test passed" in by_name["01_linear_model q2"]["output"]
    hidden_names = [line.strip().strip('"') for line in (HIDDEN / "ch01_linear_model.py").read_text().splitlines()
                    if line.strip().startswith('"""') and line.strip().endswith('"""') and len(line.strip()) > 6]
    text = json.dumps(found)
    assert hidden_names and not [n for n in hidden_names if n.strip('"') in text]  # no hidden test is named


def test_no_notebook_still_gives_valid_results(autograder):
    root, _ = autograder
    found, done = run_autograder(root, {})
    jsonschema.validate(found, RESULTS)
    assert found["score"] == 0 and "No notebook" in found["output"] and done.returncode == 0


def test_results_of_an_ungradable_notebook_are_valid():
    report = {"submission": "x.ipynb", "exercise": None, "status": "corrupt", "score": 0.0, "max_score": 0.0,
              "questions": [], "cell_errors": [], "problems": ["not a valid notebook: the file is not JSON"],
              "seconds": 0.1}
    found = results([report])
    jsonschema.validate(found, RESULTS)
    assert "not a valid notebook" in found["output"]
