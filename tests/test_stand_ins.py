"""Stand-ins: every answer function of every exercise stands in, correctly, for itself while the later
questions are tested, and never while its own question or an earlier one is.

The stand-ins are the solutions' own functions, written into `questions/stand_ins.json` by `make exercises`
(`linreg_course.grader.stand_ins`). Answers that call each other, graded question by question, are in
test_wrong_answers.py (`CALLING`); the sandboxed path is in test_grader_cli.py.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from test_wrong_answers import grade, run_notebook, solution_cells, student_notebook, time_limit

from linreg_course.grader.core import NamespaceCaller, StandIns, questions_for, run_question
from linreg_course.grader.kernel import STAND_IN_MODULE, load_stand_ins
from linreg_course.grader.stand_ins import (
    TABLE,
    StandInError,
    exercise_entry,
    functions_by_question,
    render_table,
    stand_ins_before,
)
from tools.notebook_settings import ROOT

EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_the_table_is_what_the_solutions_give():
    assert TABLE.read_text(encoding="utf-8") == render_table(ROOT / "solutions"), "run `make exercises`"


def test_every_answer_function_of_every_solution_is_in_the_table():
    for key in EXERCISES:
        sources, answers = solution_cells(key)
        defined = sorted(line.split("(")[0][4:] for q, cell in answers.items() for line in sources[cell].splitlines()
                         if line.startswith("def "))
        assert sorted(n for names in functions_by_question(key).values() for n in names) == defined, key
        assert list(functions_by_question(key)) == list(questions_for(key)), key


class RecordingCaller(NamespaceCaller):
    """Calls the notebook's functions and writes down, at every call, which answer functions are the student's."""

    def __init__(self, namespace: dict, students: dict):
        super().__init__(namespace)
        self.students, self.question, self.seen = students, None, {}

    def _record(self) -> None:
        snapshot = {name: self.namespace.get(name) is own for name, own in self.students.items()}
        self.seen.setdefault(self.question, []).append(snapshot)

    def call(self, name, args, kwargs, observe=None):
        self._record()
        return super().call(name, args, kwargs, observe)

    def value(self, name):
        self._record()
        return super().value(name)


@pytest.mark.parametrize("key", EXERCISES)
def test_each_function_stands_in_correctly_for_the_later_questions_only(key):
    """The student's answers here are the stand-ins' own code: every question must score full marks on it (each
    stand-in is a correct answer by the grader's own tests, public and hidden), and while question i is tested,
    every function of the questions before i must be a stand-in, every other one the student's."""
    by_question = functions_by_question(key)
    everything = stand_ins_before(key, None)
    assert sorted(everything.names) == sorted(n for names in by_question.values() for n in names)
    with time_limit():
        namespace = run_notebook(solution_cells(key)[0])
        students = load_stand_ins(everything.source, everything.names)
        namespace.update(students)
        caller = RecordingCaller(namespace, students)
        grade(key, {})  # loads the hidden tests
        order = list(questions_for(key))
        for question in questions_for(key).values():
            caller.question = question.name
            result = run_question(question, caller, hidden=True)
            assert result.points == result.max_points > 0, (key, question.name, result.tests)
    for question, snapshots in caller.seen.items():
        earlier = {n for q in order[:order.index(question)] for n in by_question[q]}
        for snapshot in snapshots:
            assert {n for n, own in snapshot.items() if not own} == earlier, (key, question, snapshot)
    assert set(caller.seen) == set(order), f"{key}: a question's tests never reached the notebook"


@pytest.mark.parametrize("key", EXERCISES)
def test_stand_ins_run_on_their_own(key):
    """Each question's stand-ins are a module of their own: the notebook's imports they use, no grader module."""
    for question in questions_for(key):
        stand_ins = stand_ins_before(key, question)
        assert "linreg_course" not in stand_ins.source
        functions = load_stand_ins(stand_ins.source, stand_ins.names) if stand_ins.names else {}
        assert all(f.__module__ == STAND_IN_MODULE for f in functions.values())
    assert stand_ins_before(key, "q1") == StandIns()


def test_an_answer_gets_no_reference_of_a_later_question():
    """A `gd_step` that calls `gradient_descent`, left unanswered, scores nothing: the course's gradient_descent
    is there only after question 1 has been graded (and then it is of no use to question 1)."""
    cheat = ('def gd_step(theta, X_tilde, y, lr):\n'
             '    return gradient_descent(X_tilde, y, theta, lr, 1)[0]\n')
    placeholder = ('def gradient_descent(X_tilde, y, theta0, lr, max_steps, tol=0.0):\n'
                   '    raise NotImplementedError("write your code here")\n')
    results = grade("03_gradient_descent", run_notebook(student_notebook("03_gradient_descent",
                                                                          {"q1": cheat, "q2": placeholder})))
    assert results["q1"].points == 0 and results["q1"].status == "not answered"
    assert results["q3"].points == results["q3"].max_points


def test_a_wrong_step_costs_points_once_when_the_loop_calls_it():
    """The example of the issue: exercise 03's gradient_descent calling a gd_step that uses 1/N."""
    wrong = ('def gd_step(theta, X_tilde, y, lr):\n'
             '    return theta - lr * (1 / len(y)) * X_tilde.T @ (X_tilde @ theta - y)\n')
    calling = ('def gradient_descent(X_tilde, y, theta0, lr, max_steps, tol=0.0):\n'
               '    theta = np.array(theta0, dtype=np.float64)\n'
               '    losses = []\n'
               '    for step in range(max_steps + 1):\n'
               '        losses.append(float(np.mean((X_tilde @ theta - y) ** 2)))\n'
               '        grad = 2 / len(y) * X_tilde.T @ (X_tilde @ theta - y)\n'
               '        if np.linalg.norm(grad) < tol or step == max_steps or not np.isfinite(losses[-1]):\n'
               '            break\n'
               '        theta = gd_step(theta, X_tilde, y, lr)\n'
               '    return theta, losses\n')
    results = grade("03_gradient_descent", run_notebook(student_notebook("03_gradient_descent",
                                                                          {"q1": wrong, "q2": calling})))
    assert results["q1"].points < results["q1"].max_points
    assert any("half the right size" in t.message for t in results["q1"].tests)
    assert all(r.points == r.max_points for q, r in results.items() if q != "q1")


def _notebook(tmp_path, *cells: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in ("import numpy as np\nfrom linreg_course.grader import Checker",
                                                       *cells)]
    path = tmp_path / "99_made_up.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_generator_refuses_stand_ins_that_could_not_run(tmp_path):
    answer = "def {name}(x):\n    # BEGIN SOLUTION\n    return {body}\n    # END SOLUTION\n"
    fine = _notebook(tmp_path, answer.format(name="f", body="np.sum(x)"), 'check("q1")',
                     answer.format(name="g", body="f(x) + 1"), 'check("q2")')
    entry = exercise_entry(fine)
    assert [(f["name"], f["question"], f["uses"]) for f in entry["functions"]] == [("f", "q1", ["np"]),
                                                                                  ("g", "q2", ["f"])]
    assert json.loads(json.dumps(entry)) == entry
    later = _notebook(tmp_path, answer.format(name="f", body="g(x)"), 'check("q1")',
                      answer.format(name="g", body="x"), 'check("q2")')
    with pytest.raises(StandInError, match="calls g, the answer to a later question"):
        exercise_entry(later)
    unknown = _notebook(tmp_path, "SCALE = 3", answer.format(name="f", body="SCALE * x"), 'check("q1")')
    with pytest.raises(StandInError, match="uses SCALE, which is neither imported"):
        exercise_entry(unknown)
