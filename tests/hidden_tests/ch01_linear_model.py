"""Hidden tests of exercise 01: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.compare import as_number, check_close, check_number
from linreg_course.grader.questions.ch01_linear_model import (
    _check_parabola,
    _parabola_case,
    _predict,
    q1,
    q2,
    q3,
    q4,
    q5,
)


@q1.test(hidden=True)
def mse_single_example(ctx):
    """works on a single example"""
    y_hat, y = ctx.rng.normal(size=1), ctx.rng.normal(size=1)
    check_number(ctx.call("mse", y_hat, y), float((y_hat - y)[0] ** 2), "mse on one example", rtol=1e-9)


@q2.test(hidden=True)
def predict_one_input(ctx):
    """works with one input and three outputs"""
    X, W, b = ctx.rng.normal(size=(6, 1)), ctx.rng.normal(size=(3, 1)), ctx.rng.normal(size=3)
    _predict(ctx, X, W, b, "predict_matrix with one input")


@q3.test(hidden=True)
def lstsq_recovers_exact_law(ctx):
    """recovers the exact law from noise-free data"""
    X = ctx.rng.uniform(0.5, 13.3, (12, 1))
    W, b = ctx.call("fit_lstsq", X, 1.8 * X + 32.0)
    check_close(W, np.array([[1.8]]), "W", rtol=1e-8)
    check_close(b, np.array([32.0]), "b", rtol=1e-8)


@q4.test(hidden=True)
def best_constant_negative(ctx):
    """handles negative targets"""
    y = ctx.rng.normal(-40.0, 3.0, 9)
    check_number(as_number(ctx.call("best_constant", y), "best_constant"), float(np.mean(y)), "best_constant",
                 rtol=1e-9)


@q5.test(hidden=True)
def parabola_negative_times(ctx):
    """works with times on both sides of zero"""
    t, h, want = _parabola_case(ctx, -2.0, 2.0, 0.5)
    _check_parabola(ctx, t, h, want, "fit_parabola")
