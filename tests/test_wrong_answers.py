"""Wrong answers lose points on their own question, and only there.

`tests/wrong_answers/NN_topic.py` holds wrong answers to exercise NN, written from the exercise and its
chapter only, without reading the grader's tests. Each case replaces one question's answer cell in the
solution notebook; the notebook then runs top to bottom in this process (a fresh namespace per case, a
cell that raises does not stop the rest, as in the command-line grader) and is graded with the public and
the hidden tests. The kernel-based path of the command-line grader is tested in test_grader_cli.py.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import runpy
import signal

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from linreg_course.grader.core import NamespaceCaller, questions_for, run_question
from linreg_course.grader.execute import load_hidden
from linreg_course.grader.generate import BEGIN
from tools.notebook_settings import ROOT

CASE_DIR = ROOT / "tests" / "wrong_answers"
CHECK_CALL = re.compile(r'^check\("(q\d+)"\)$')
SECONDS_PER_CASE = 60


def _cases() -> dict[str, dict[str, tuple[str, str]]]:
    return {path.stem: runpy.run_path(str(path))["CASES"] for path in sorted(CASE_DIR.glob("[0-9][0-9]_*.py"))}


CASES = _cases()
PARAMS = [(key, name) for key, cases in CASES.items() for name in cases]


@functools.cache
def solution_cells(key: str) -> tuple[list[str], dict[str, int]]:
    """The solution's code cells as Python (IPython syntax transformed), and each question's answer cell."""
    nb = nbformat.read(ROOT / "solutions" / f"{key}.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    answers, pending = {}, None
    for index, source in enumerate(sources):
        match = CHECK_CALL.match(source.strip())
        if match:
            assert pending is not None, f"{key}: {match.group(1)} has no answer cell before its check"
            answers[match.group(1)] = pending
            pending = None
        elif BEGIN in source:
            assert pending is None, f"{key}: two answer cells before one check"
            pending = index
    return sources, answers


def run_notebook(sources: list[str]) -> dict:
    """Execute the cells in one fresh namespace, skipping `check` cells; errors are the student's, not ours."""
    transformer = TransformerManager()
    namespace: dict = {"__name__": "__main__"}
    for source in sources:
        if CHECK_CALL.match(source.strip()):
            continue
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(compile(transformer.transform_cell(source), "<cell>", "exec"), namespace)  # noqa: S102
            except Exception:  # a wrong answer may raise where it is defined or used; the grader carries on
                pass
    return namespace


def grade(key: str, namespace: dict) -> dict[str, tuple[float, float]]:
    """Points and maximum per question, public and hidden tests together."""
    load_hidden(ROOT / "tests" / "hidden_tests", key)
    caller = NamespaceCaller(namespace)
    results = [run_question(q, caller, hidden=True) for q in questions_for(key).values()]
    return {r.name: (r.points, r.max_points) for r in results}


def _timeout(signum, frame):  # noqa: ANN001
    raise TimeoutError(f"a case took longer than {SECONDS_PER_CASE} s")


@pytest.mark.parametrize(("key", "case"), PARAMS, ids=[f"{k}-{c}" for k, c in PARAMS])
def test_wrong_answer_loses_points_on_its_question_only(key, case):
    question, wrong_source = CASES[key][case]
    sources, answers = solution_cells(key)
    assert question in answers, f"{key}: no question {question}"
    edited = list(sources)
    edited[answers[question]] = wrong_source
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(SECONDS_PER_CASE)
    try:
        scores = grade(key, run_notebook(edited))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    points, maximum = scores[question]
    assert points < maximum, f"{key} {case}: the wrong answer to {question} kept all its {maximum:g} points"
    others = {q: s for q, s in scores.items() if q != question and s[0] < s[1]}
    assert not others, f"{key} {case}: a wrong {question} also cost points on {others}"


def test_the_unchanged_solutions_score_full_marks_in_process():
    """The harness itself: with no answer replaced, every question keeps its points."""
    for key in CASES:
        scores = grade(key, run_notebook(solution_cells(key)[0]))
        assert all(p == m > 0 for p, m in scores.values()), (key, scores)


def test_every_exercise_has_wrong_answers_for_every_question():
    solutions = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(CASES) == solutions, "every exercise needs tests/wrong_answers/<its name>.py"
    for key, cases in CASES.items():
        covered = {question for question, _ in cases.values()}
        assert covered == set(questions_for(key)), f"{key}: no wrong answer for {set(questions_for(key)) - covered}"
        assert len(cases) >= 5, f"{key}: only {len(cases)} wrong answers"
