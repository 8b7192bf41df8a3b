"""Hidden tests of exercise 12: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.core import Fail
from linreg_course.grader.questions.ch12_capstone import (
    _call_r2,
    _call_split,
    _call_units,
    _check_r2,
    _check_ranges,
    _check_wide,
    _ranges_case,
    _reference_split,
    q1,
    q2,
    q3,
    q4,
    q6,
)


@q1.test(hidden=True)
def split_chapter_sizes(ctx):
    """on the 442 patients with seed 0, gives the chapter's 89 test patients and the 353 others"""
    train, test = _call_split(ctx, 442, 0.2, 0)
    want_train, want_test = _reference_split(442, 0.2, 0)
    if (len(train), len(test)) != (353, 89):
        raise Fail(f"442 patients with test_fraction 0.2 should give 353 and 89 rows, not {len(train)} and {len(test)}")
    if sorted(train) != sorted(want_train) or sorted(test) != sorted(want_test):
        raise Fail("the split of the 442 patients with seed 0 differs from the shuffle of the chapter, "
                   "torch.randperm(442, generator=torch.Generator().manual_seed(0)), the first 353 for training")


@q2.test(hidden=True)
def units_exact_law(ctx):
    """recovers an exact law in Fahrenheit from a model fitted in standard units"""
    celsius = ctx.rng.uniform(-10, 35, 20)
    fahrenheit = 1.8 * celsius + 32
    mu_x, sigma_x = np.array([celsius.mean()]), np.array([celsius.std()])
    mu_y, sigma_y = float(fahrenheit.mean()), float(fahrenheit.std())
    w, b = _call_units(ctx, np.array([1.0]), 0.0, mu_x, sigma_x, mu_y, sigma_y)
    if not (np.allclose(w, [1.8], rtol=1e-9) and np.isclose(b, 32.0, rtol=1e-9)):
        raise Fail(f"a perfect standardised fit (w̃ = 1, b̃ = 0) of °F on °C should give w = 1.8 and b = 32, not "
                   f"w = {w[0]:.6g} and b = {b:.6g}")


@q3.test(hidden=True)
def r2_reference_points(ctx):
    """gives 1 for perfect predictions and 0 for predicting the mean"""
    y = ctx.rng.normal(100, 25, 15)
    if not np.isclose(_call_r2(ctx, y.copy(), y), 1.0, atol=1e-12):
        raise Fail("perfect predictions should give R² = 1")
    _check_r2(ctx, np.full_like(y, y.mean()), y, "r2_score of the mean prediction")


@q4.test(hidden=True)
def ranges_bootstrap_resamples(ctx):
    """works with subsets that repeat rows (bootstrap resamples) and a strong penalty"""
    A, y, subsets = _ranges_case(ctx, repeats=True)
    _check_ranges(ctx, A, y, subsets, float(ctx.rng.uniform(100, 300)))


@q6.test(hidden=True)
def wide_third_data_set(ctx):
    """predicts the new rows of a third fresh wide data set well enough"""
    _check_wide(ctx)
