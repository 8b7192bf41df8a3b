"""Hidden tests of exercise 11: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.compare import as_array, check_close, check_number
from linreg_course.grader.core import Fail
from linreg_course.grader.questions.ch11_evaluation import (
    _STANDARDISE,
    _call_metrics,
    _call_predict,
    _call_split,
    _check_curve,
    _check_kfold,
    _curve_case,
    _kfold_case,
    _metrics_case,
    _predict_case,
    _reference_split,
    q1,
    q2,
    q3,
    q5,
    q6,
    q7,
)


@q1.test(hidden=True)
def split_extremes(ctx):
    """handles one validation row, and a split of two rows"""
    n = int(ctx.rng.integers(30, 80))
    seed = int(ctx.rng.integers(0, 10_000))
    for size, n_train in ((n, n - 1), (2, 1)):
        train, val = _call_split(ctx, size, n_train, seed)
        want_train, want_val = _reference_split(size, n_train, seed)
        if sorted(train) != sorted(want_train) or sorted(val) != sorted(want_val):
            raise Fail(f"split_indices({size}, {n_train}, {seed}) differs from the seeded reference split")


@q2.test(hidden=True)
def standardise_single_validation_row(ctx):
    """standardises a single validation row with the training statistics"""
    _STANDARDISE.check_maps(ctx, d=3, m=1)


@q3.test(hidden=True)
def metrics_scale_of_r2(ctx):
    """gives R² = 1 for perfect predictions, 0 for the mean and below 0 for another constant"""
    _, y = _metrics_case(ctx)
    perfect = _call_metrics(ctx, y.copy(), y)
    check_number(perfect["r2"], 1.0, "r2 of perfect predictions", rtol=1e-12)
    check_number(perfect["mse"], 0.0, "mse of perfect predictions", atol=1e-12)
    check_number(_call_metrics(ctx, np.full_like(y, y.mean()), y)["r2"], 0.0, "r2 of the targets' mean",
                 atol=1e-9)
    c = y.mean() + 3.0
    want = -len(y) * 9.0 / float(np.sum((y - y.mean()) ** 2))
    check_number(_call_metrics(ctx, np.full_like(y, c), y)["r2"], want, "r2 of a constant 3 above the mean",
                 rtol=1e-8)


@q5.test(hidden=True)
def curve_single_degree(ctx):
    """works for a single high degree and for small validation sets"""
    x_train, y_train, x_val, y_val = _curve_case(ctx, n=15, m=3)
    _check_curve(ctx, x_train, y_train, x_val, y_val, [5])


@q6.test(hidden=True)
def predict_single_input(ctx):
    """predicts for a single new input"""
    x, w, b, s = _predict_case(ctx, n=1)
    got = as_array(_call_predict(ctx, x, w, b, s), "the prediction").reshape(-1)  # the shape is tested publicly
    want = s["mu_y"] + s["sigma_y"] * (w * (x - s["mu_x"]) / s["sigma_x"] + b)
    check_close(got, want, "the prediction for one input", rtol=1e-9)


@q7.test(hidden=True)
def kfold_two_folds_constant(ctx):
    """two folds and a constant model (degree 0)"""
    x, y, _, _ = _kfold_case(ctx)
    _check_kfold(ctx, x, y, 0, 2)
