"""Wrong answers lose points on their own question, and only there, with a message that names the mistake.

`tests/wrong_answers/NN_topic.py` holds wrong answers to exercise NN, written from the exercise and its
chapter only, without reading the grader's tests. Each case is (question, a fragment of the message the
student must read, the source of that question's answer cell as the student wrote it). `CALLING`, where
an exercise has one, holds correct answers to later questions written to call the earlier answers, as
the exercise allows: they replace the solution's answers in every case, so a wrong earlier answer is
graded with later answers that depend on it, and must still cost points on its own question only.

Each case's notebook runs top to bottom in this process (a fresh namespace per case; a cell that raises
does not stop the rest, as in the command-line grader) and is graded with the public and the hidden
tests. The sandboxed path of the command-line grader is tested in test_grader_cli.py.
"""

from __future__ import annotations

import contextlib
import functools
import io
import runpy
import signal

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from linreg_course.grader.core import NamespaceCaller, QuestionResult, questions_for, run_question
from linreg_course.grader.execute import load_hidden
from linreg_course.grader.stand_ins import CHECK_CALL, answer_cells
from tools.notebook_settings import ROOT

CASE_DIR = ROOT / "tests" / "wrong_answers"
HIDDEN = ROOT / "tests" / "hidden_tests"
SECONDS_PER_CASE = 60


def _corpus() -> dict[str, dict]:
    return {path.stem: runpy.run_path(str(path)) for path in sorted(CASE_DIR.glob("[0-9][0-9]_*.py"))}


CORPUS = _corpus()
CASES = {key: module["CASES"] for key, module in CORPUS.items()}
CALLING = {key: module.get("CALLING", {}) for key, module in CORPUS.items()}
PARAMS = [(key, name) for key, cases in CASES.items() for name in cases]


@functools.cache
def solution_cells(key: str) -> tuple[list[str], dict[str, int]]:
    """The solution's code cells, and which of them answers each question."""
    nb = nbformat.read(ROOT / "solutions" / f"{key}.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    return sources, answer_cells(sources)


def student_notebook(key: str, answers: dict[str, str], calling: bool = True) -> list[str]:
    """The solution's cells with `answers` (question -> cell source) in place, and the exercise's calling
    answers for the other questions (unless `calling` is False)."""
    sources, cells = solution_cells(key)
    edited = list(sources)
    for question, source in {**(CALLING[key] if calling else {}), **answers}.items():
        edited[cells[question]] = source
    return edited


def run_notebook(sources: list[str], namespace: dict | None = None) -> dict:
    """Execute the cells in one namespace (a fresh one unless given), skipping `check` cells; errors are the
    student's, not ours."""
    transformer = TransformerManager()
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    for source in sources:
        if CHECK_CALL.match(source.strip()):
            continue
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(compile(transformer.transform_cell(source), "<cell>", "exec"), namespace)  # noqa: S102
            except Exception:  # a wrong answer may raise where it is defined or used; the grader carries on
                pass
    return namespace


def grade(key: str, namespace: dict) -> dict[str, QuestionResult]:
    """Each question's result, public and hidden tests together."""
    load_hidden(HIDDEN, key)
    caller = NamespaceCaller(namespace)
    return {q.name: run_question(q, caller, hidden=True) for q in questions_for(key).values()}


def _timeout(signum, frame):  # noqa: ANN001
    raise TimeoutError(f"a case took longer than {SECONDS_PER_CASE} s")


@contextlib.contextmanager
def time_limit():
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(SECONDS_PER_CASE)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("key", "case"), PARAMS, ids=[f"{k}-{c}" for k, c in PARAMS])
def test_wrong_answer_loses_points_on_its_question_only(key, case):
    question, says, source = CASES[key][case]
    with time_limit():
        results = grade(key, run_notebook(student_notebook(key, {question: source})))
    result = results[question]
    assert result.points < result.max_points, f"{key} {case}: the wrong answer to {question} kept all its points"
    messages = [t.message for t in result.tests if t.status != "passed"]
    assert any(says in m for m in messages), f"{key} {case}: no message says {says!r}; the student reads {messages}"
    assert not any(" Or: " in m for m in messages), f"{key} {case}: a message names two mistakes at once"
    others = {q: (r.points, r.max_points) for q, r in results.items() if q != question and r.points < r.max_points}
    assert not others, f"{key} {case}: a wrong {question} also cost points on {others}"


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_unchanged_solutions_score_full_marks_in_process(key):
    """The harness itself: the solution, and the solution with the calling answers, keep every point."""
    for calling in (False, True):
        with time_limit():
            results = grade(key, run_notebook(student_notebook(key, {}, calling)))
        assert all(r.points == r.max_points > 0 for r in results.values()), (key, calling, results)


def test_every_exercise_has_wrong_answers_for_every_question():
    solutions = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(CASES) == solutions, "every exercise needs tests/wrong_answers/<its name>.py"
    for key, cases in CASES.items():
        covered = {question for question, _, _ in cases.values()}
        assert covered == set(questions_for(key)), f"{key}: no wrong answer for {set(questions_for(key)) - covered}"
        assert len(cases) >= 5, f"{key}: only {len(cases)} wrong answers"
        assert all(len(says) >= 5 for _, says, _ in cases.values()), f"{key}: a case names no message to read"
        assert set(CALLING[key]) <= set(questions_for(key)), f"{key}: calling answers to unknown questions"
