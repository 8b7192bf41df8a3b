"""Cheats earn nothing: an answer hard-coded to one right value fails on the tests' other, fresh inputs.

For every answer function that a solution notebook calls on its own data, the first value it returns there
is recorded; then every such function is replaced by one that returns that value whatever it is given (as a
student would paste `lr_ceiling = lambda X: 0.01482`). Every question with such a function must lose points.
Then the same for every answer function, one at a time, with the value the solution returns on the first
input its own question's tests give it: no constant passes all of a question's tests, so every test's
fresh inputs matter. Questions that ask for a value (a letter, a number about the chapter's data) have one
right answer by design, and are not concerned.
"""

from __future__ import annotations

import copy

import pytest
from test_wrong_answers import grade, run_notebook, solution_cells, time_limit

from linreg_course.grader.core import NamespaceCaller, questions_for, run_question
from linreg_course.grader.stand_ins import CHECK_CALL, functions_by_question
from tools.notebook_settings import ROOT

EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


class Recorder:
    """Stands for an answer function in the solution notebook and keeps the first value it returns."""

    def __init__(self, func):
        self.func, self.returned, self.called = func, None, False

    def __call__(self, *args, **kwargs):
        result = self.func(*args, **kwargs)
        if not self.called:
            self.called, self.returned = True, frozen(result)
        return result


def frozen(value):
    """A copy of a returned value (a tensor inside a graph becomes a leaf with the same values and flag)."""
    if hasattr(value, "detach") and hasattr(value, "requires_grad"):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, tuple | list):
        return type(value)(frozen(v) for v in value)
    return copy.deepcopy(value)


def notebook_values(key: str) -> dict:
    """What each answer function first returned while the solution notebook ran on its own data."""
    sources, answers = solution_cells(key)
    names = [n for functions in functions_by_question(key).values() for n in functions]
    answer_cells = set(answers.values())
    recorders: dict[str, Recorder] = {}
    namespace: dict = {"__name__": "__main__"}
    for index, source in enumerate(sources):
        if CHECK_CALL.match(source.strip()):
            continue
        run_notebook([source], namespace)
        if index in answer_cells:
            for name in names:
                if name in namespace and name not in recorders:
                    recorders[name] = namespace[name] = Recorder(namespace[name])
    return {name: r.returned for name, r in recorders.items() if r.called}


def hard_coded(value):
    def answer(*args, **kwargs):
        return frozen(value)
    return answer


@pytest.mark.parametrize("key", EXERCISES)
def test_answers_hard_coded_to_the_notebook_fail(key):
    with time_limit():
        values = notebook_values(key)
        namespace = run_notebook(solution_cells(key)[0])
        namespace.update({name: hard_coded(value) for name, value in values.items()})
        results = grade(key, namespace)
    cheated = {q for q, names in functions_by_question(key).items() if any(n in values for n in names)}
    kept = {q: results[q].points for q in cheated if results[q].points == results[q].max_points}
    assert not kept, f"{key}: answers hard-coded to the notebook's values keep all their points on {kept}"


@pytest.mark.parametrize("key", EXERCISES)
def test_answers_hard_coded_to_a_tests_value_fail(key):
    with time_limit():
        solved = run_notebook(solution_cells(key)[0])
        grade(key, {})  # loads the hidden tests
        kept = {}
        for question, names in functions_by_question(key).items():
            for name in names:
                namespace = dict(solved)
                namespace[name] = recorder = Recorder(solved[name])
                run_question(questions_for(key)[question], NamespaceCaller(namespace))
                assert recorder.called, f"{key}: the tests of {question} never call {name}"
                namespace[name] = hard_coded(recorder.returned)
                result = run_question(questions_for(key)[question], NamespaceCaller(namespace), hidden=True)
                if result.points == result.max_points:
                    kept[name] = question
    assert not kept, f"{key}: a constant answer keeps all the points of {kept}"


def test_most_answer_functions_are_used_in_their_notebook():
    """The check above covers the functions a notebook calls; most are (the others print nothing to copy)."""
    called = total = 0
    for key in EXERCISES:
        names = [n for functions in functions_by_question(key).values() for n in functions]
        values = notebook_values(key)
        called += sum(n in values for n in names)
        total += len(names)
    assert called >= 0.6 * total, f"only {called} of {total} answer functions are called in their notebooks"
