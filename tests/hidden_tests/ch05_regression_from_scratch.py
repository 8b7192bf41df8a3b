"""Hidden tests of exercise 05: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.core import Fail
from linreg_course.grader.problems import lam_max, linear_data
from linreg_course.grader.questions.ch05_regression_from_scratch import (
    _call_broken,
    _call_fit,
    _call_ridge,
    _check_broken_loss,
    _check_broken_params,
    _check_mse,
    _check_predict,
    _check_train,
    _diagnose_fit,
    _diagnose_ridge,
    _ridge_case,
    q1,
    q2,
    q3,
    q4,
    q6,
    q7,
)


@q1.test(hidden=True)
def predict_single_example(ctx):
    """works on a single example with three outputs"""
    _check_predict(ctx, ctx.rng.normal(size=(1, 2)), ctx.rng.normal(size=(3, 2)), ctx.rng.normal(size=3),
                   "predict on one example")


@q2.test(hidden=True)
def mse_vectors_and_columns(ctx):
    """accepts two vectors [N] and two columns [N, 1] of the same shape"""
    n = int(ctx.rng.integers(3, 12))
    y_hat, y = ctx.rng.normal(size=n), ctx.rng.normal(size=n)
    _check_mse(ctx, y_hat, y, "mse_checked on [N] vectors")
    _check_mse(ctx, y_hat[:, None], y[:, None], "mse_checked on [N, 1] columns")


@q3.test(hidden=True)
def train_one_step_three_outputs(ctx):
    """one step and then five steps with one input and three outputs"""
    n = int(ctx.rng.integers(6, 15))
    X, Y = linear_data(ctx.rng, n, 1, 3)
    W, b, lr = ctx.rng.normal(size=(3, 1)), ctx.rng.normal(size=3), 0.9 / lam_max(X, 3)
    _check_train(ctx, X, Y, W, b, lr, 1)
    _check_train(ctx, X, Y, W, b, lr, 5)


@q4.test(hidden=True)
def fit_one_input_one_output(ctx):
    """matches the reference with one input and one output"""
    n = int(ctx.rng.integers(10, 30))
    X, Y = linear_data(ctx.rng, n, 1, 1)
    W, b = _call_fit(ctx, X, Y, 15)
    _diagnose_fit(X, Y, 15, W, b)


@q6.test(hidden=True)
def broken_large_offset(ctx):
    """handles targets far from zero and decreasing with x"""
    n = int(ctx.rng.integers(5, 12))
    x = ctx.rng.uniform(-5, 5, n)
    y = -3.0 * x + 1000.0 + ctx.rng.normal(0, 1, n)
    w, b, loss = _call_broken(ctx, x, y)
    _check_broken_params(x, y, w, b)
    _check_broken_loss(x, y, loss)
    if not np.isfinite(loss):
        raise Fail("loss is not finite")


@q7.test(hidden=True)
def ridge_three_outputs_one_step(ctx):
    """one step, then thirty, with three outputs and inputs away from zero"""
    X, Y, lam, lr = _ridge_case(ctx, int(ctx.rng.integers(8, 20)), centred=False, k=3)
    for steps in (1, 30):
        W, b = _call_ridge(ctx, X, Y, lam, lr, steps)
        _diagnose_ridge(X, Y, lam, lr, steps, W, b)
