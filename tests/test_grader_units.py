"""Unit tests of the grader that need no kernel: the generator, the comparisons and `check`."""

from __future__ import annotations

import numpy as np
import pytest

from linreg_course.grader import Checker
from linreg_course.grader.compare import check_gradient, check_shape
from linreg_course.grader.core import Fail, NamespaceCaller, questions_for, run_question
from linreg_course.grader.generate import PLACEHOLDER_CALL, SolutionMarkupError, strip_solutions
from linreg_course.grader.kernel import STAND_IN_MODULE


def test_strip_keeps_signature_and_docstring():
    source = 'def f(x):\n    """Doc."""\n    # BEGIN SOLUTION\n    y = x + 1\n    return y\n    # END SOLUTION\n'
    assert strip_solutions(source) == f'def f(x):\n    """Doc."""\n    {PLACEHOLDER_CALL}'


def test_strip_top_level_assignments_become_ellipsis():
    source = "a = 1\n# BEGIN SOLUTION\nlr_max = 2 / 135.0\nsteps: int = 10\nprint(lr_max)\n# END SOLUTION\n"
    stripped = strip_solutions(source)
    assert stripped.splitlines() == ["a = 1", "lr_max = ...  # write your answer here",
                                     "steps = ...  # write your answer here"]


@pytest.mark.parametrize("source", ["# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n",
                                    "# END SOLUTION\n", "x = 1\n# BEGIN SOLUTION\nx = 2\n"])
def test_strip_rejects_bad_markup(source):
    with pytest.raises(SolutionMarkupError):
        strip_solutions(source)


def test_gradient_mistakes_are_named():
    want = np.array([[1.5, -2.0, 0.25]])
    check_gradient(want.copy(), want, "dW", n=8)  # the right answer passes
    for wrong, words in [(8 * want, "8 times too large"), (-want, "wrong sign"), (want / 2, "drop the 2"),
                         (np.zeros_like(want), "zero everywhere")]:
        with pytest.raises(Fail, match=words):
            check_gradient(wrong, want, "dW", n=8)


def test_broadcast_shapes_are_named():
    with pytest.raises(Fail, match=r"broadcast to \[N, N\]"):
        check_shape(np.zeros((5, 5)), (5,), "y_hat")
    with pytest.raises(Fail, match=r"one row \[1, N\]"):
        check_shape(np.zeros((1, 5)), (5, 1), "y_hat")


def _mse_right(y_hat, y):
    if y_hat.shape != y.shape:
        raise ValueError("shapes")
    return float(np.mean((y_hat - y) ** 2))


def _mse_sum(y_hat, y):
    if y_hat.shape != y.shape:
        raise ValueError("shapes")
    return float(np.sum((y_hat - y) ** 2))


def test_question_scores_right_and_wrong_answers_in_process():
    q1 = questions_for("01_linear_model")["q1"]
    right = run_question(q1, NamespaceCaller({"mse": _mse_right}))
    assert right.status == "passed" and right.points == right.max_points == 3
    wrong = run_question(q1, NamespaceCaller({"mse": _mse_sum}))
    assert wrong.status == "partial" and wrong.points == 1  # still refuses mismatched shapes
    assert any("times too large" in t.message for t in wrong.tests)
    missing = run_question(q1, NamespaceCaller({}))
    assert missing.points == 0 and {t.status for t in missing.tests} == {"missing"}


def test_check_prints_and_never_raises(capsys):
    check = Checker("01_linear_model")

    def mse(y_hat, y):
        raise RuntimeError("boom")

    check("q1", namespace={"mse": mse})
    check("q9", namespace={})
    Checker("99_nothing")("q1", namespace={})
    out = capsys.readouterr().out
    assert "q1 (the mean squared error): 0/3 points" in out and "RuntimeError: boom" in out
    assert "no such question" in out and "could not run" in out


def test_stand_ins_replace_other_questions_functions_and_come_back():
    """While q3 of exercise 04 is tested, q2's `descend` is the course's; afterwards the student's is back."""
    questions = questions_for("04_autograd")
    seen = []

    def wrong_descend(*args):
        raise AssertionError("the student's descend must not run while q3 is tested")

    def train(x, y, steps):
        seen.append(namespace["descend"])
        raise RuntimeError("stop here")

    namespace = {"descend": wrong_descend, "train": train}
    run_question(questions["q3"], NamespaceCaller(namespace))
    # the stand-in travels as source code and is executed apart from the question module
    assert seen and all(f.__module__ == STAND_IN_MODULE and f.__name__ == "descend_stand_in" for f in seen)
    assert namespace["descend"] is wrong_descend and "dataset_loss" not in namespace
    # q2's own tests see the student's function
    result = run_question(questions["q2"], NamespaceCaller(namespace))
    assert result.points == 0 and "must not run" in result.tests[0].message
