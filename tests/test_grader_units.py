"""Unit tests of the grader that need no kernel: the generator, the comparisons and `check`."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from linreg_course.grader import Checker
from linreg_course.grader.compare import (
    as_choice,
    as_float,
    as_floats,
    as_items,
    as_number,
    check_close,
    check_gradient,
    check_number,
    check_precision,
    check_shape,
    first_mistake,
)
from linreg_course.grader.core import Fail, NamespaceCaller, questions_for, run_question
from linreg_course.grader.execute import grade
from linreg_course.grader.generate import PLACEHOLDER_CALL, SolutionMarkupError, strip_solutions
from linreg_course.grader.kernel import STAND_IN_MODULE
from linreg_course.grader.reports import count_tests
from tools.notebook_settings import ROOT


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
    assert seen and all(f.__module__ == STAND_IN_MODULE and f.__name__ == "descend" for f in seen)
    assert namespace["descend"] is wrong_descend and "dataset_loss" not in namespace
    # q2's own tests see the student's function
    result = run_question(questions["q2"], NamespaceCaller(namespace))
    assert result.points == 0 and "must not run" in result.tests[0].message


# ---------------------------------------------------------------- the type policy (book/exercises.md)


def test_a_number_is_any_single_number_but_not_text_nor_a_bool():
    for value in (2.5, np.float32(2.5), np.array([[2.5]]), torch.tensor(2.5), torch.tensor([2.5], dtype=torch.float64)):
        assert as_number(value, "x") == 2.5
    for value, words in (("1", "not text"), (b"1", "not text"), (True, "not True"), (np.array(["1"]), "not text"),
                         (None, "not None"), (np.ones(3), "single number")):
        with pytest.raises(Fail, match=words):
            as_number(value, "x")


def test_a_plain_float_refuses_only_a_tensor_still_in_a_graph():
    w = torch.tensor(3.0, requires_grad=True)
    assert as_float(torch.tensor(1.5), "loss") == 1.5 and as_float(np.float64(1.5), "loss") == 1.5
    with pytest.raises(Fail, match="still requires a gradient"):
        as_float(w * 2, "loss")
    assert list(as_floats([1.0, torch.tensor(2.0), np.float32(3.0)], "history", 3)) == [1.0, 2.0, 3.0]
    assert list(as_floats(torch.tensor([1.0, 2.0]), "history", 2)) == [1.0, 2.0]
    with pytest.raises(Fail, match="still requires a gradient"):
        as_floats([w * 2], "history", 1)
    with pytest.raises(Fail, match="should hold 3 numbers"):
        as_floats([1.0, 2.0], "history", 3)


def test_pairs_may_be_tuples_or_lists_and_choices_any_case():
    assert as_items([1, 2], 2, "f", "a pair (W, b)") == (1, 2) == as_items((1, 2), 2, "f", "a pair (W, b)")
    assert as_items(np.array([1.0, 2.0]), 2, "f", "a pair") == (1.0, 2.0)
    with pytest.raises(Fail, match=r"should return a pair \(W, b\), not a list of 3"):
        as_items([1, 2, 3], 2, "f", "a pair (W, b)")
    assert as_choice(" (B) ", "answer", "abc") == "b" == as_choice("b", "answer", "abc")
    with pytest.raises(Fail, match='one of the strings "a", "b", "c"'):
        as_choice(2, "answer", "abc")


def test_float32_is_named_when_it_is_the_only_difference():
    want = np.array([1.0, 2.0, 3.0]) / 7
    with pytest.raises(Fail, match="it is float32"):
        check_close(want.astype(np.float32), want, "theta", rtol=1e-9)
    with pytest.raises(Fail, match="float32's rounding error"):
        check_number(float(np.float32(want[0])), float(want[0]), "mse", rtol=1e-9)
    with pytest.raises(Fail, match="not right") as failure:
        check_number(1.1 * want[0], float(want[0]), "mse", rtol=1e-9)
    assert "float32" not in str(failure.value)
    with pytest.raises(Fail, match="is float32"):
        check_precision(torch.zeros(2), "W")
    check_precision(torch.zeros(2, dtype=torch.float64), "W")


def test_shapes_name_an_extra_dimension_without_blaming_predictions():
    with pytest.raises(Fail, match=r"dimension of size 1 too many or too few") as failure:
        check_shape(np.zeros((1, 3)), (3,), "mu")
    assert "prediction" not in str(failure.value) and "weight" not in str(failure.value)


def test_first_mistake_names_one_mistake_and_never_the_right_answer():
    assert first_mistake(2.0, [(1.0, "one"), (2.0, "two"), (2.0, "also two")], match=np.isclose) == "two"
    assert first_mistake(2.0, [(2.0, "coincides with the answer")], match=np.isclose, right=2.0) is None


def test_a_corrupt_notebook_is_reported_as_corrupt_and_counts_as_failed(tmp_path):
    """A truncated notebook named as exercise 01: status corrupt, zero out of the exercise's maximum, one failed
    test in the counts that the summary line, report.json and junit.xml share."""
    path = tmp_path / "01_linear_model.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "x = 1"', encoding="utf-8")
    report = grade(path)
    assert report["status"] == "corrupt" and report["exercise"] == "01_linear_model"
    assert report["score"] == 0 < report["max_score"]
    assert count_tests(report) == (0, sum(len(q["tests"]) for q in report["questions"])) != (0, 0)


def test_the_check_output_shown_to_students_is_what_check_prints(capsys):
    """book/exercises.md shows what `check` prints for an mse that sums: it must be the real output."""
    def mse(y_hat, y):
        if y_hat.shape != y.shape:
            raise ValueError("shapes differ")
        return float(np.sum((y_hat - y) ** 2))

    Checker("01_linear_model")("q1", namespace={"mse": mse})
    page = (ROOT / "book" / "exercises.md").read_text(encoding="utf-8")
    shown = page.split("```text\n", 1)[1].split("```", 1)[0]
    assert capsys.readouterr().out == shown


def test_a_question_is_core_or_stretch_and_check_says_which():
    from linreg_course.grader.core import LEVELS, REGISTRY, question
    from linreg_course.grader.notebook import format_result

    with pytest.raises(ValueError, match="level"):
        question("99_levels", "q1", "a made-up question", level="hard")
    stretch = question("99_levels", "q2", "a made-up question", level="stretch")

    @stretch.test()
    def passes(ctx):
        """passes"""

    result = run_question(stretch, NamespaceCaller({}))
    assert result.level == "stretch" and result.to_dict()["level"] == "stretch"
    assert format_result(result).startswith("q2 (a made-up question, stretch): 1/1 points")
    core = format_result(run_question(question("99_levels", "q3", "another"), NamespaceCaller({})))
    assert core.startswith("q3 (another): ")
    del REGISTRY["99_levels"]
    for key in sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        assert {q.level for q in questions_for(key).values()} <= set(LEVELS)
