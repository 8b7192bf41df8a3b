"""Hidden tests of exercise 02: run by the command-line grader only, never by `check` in the notebook.

Loss functions for `numerical_gradient` come from the public module, whose classes travel to the sandbox
as the gradient-free fixtures of `linreg_course.grader.fixtures`; this file never reaches it.
"""

import numpy as np

from linreg_course.grader.compare import as_array, check_shape
from linreg_course.grader.core import Fail
from linreg_course.grader.questions.ch02_gradients_by_hand import (
    LeastSquaresLoss,
    _check_1d,
    _check_matrix,
    _check_numerical,
    _matrix_case,
    _relerr,
    check_ridge,
    q1,
    q2,
    q3,
    q4,
    q6,
)


@q1.test(hidden=True)
def gradient_1d_single_example(ctx):
    """works on a single example"""
    x, y = ctx.rng.normal(3.0, 1.0, 1), ctx.rng.normal(10.0, 2.0, 1)
    _check_1d(ctx, float(ctx.rng.normal()), float(ctx.rng.normal()), x, y)


@q1.test(hidden=True)
def gradient_1d_many_examples(ctx):
    """matches the reference on 5000 examples"""
    x = ctx.rng.uniform(-20.0, 20.0, 5000)
    y = 0.3 * x - 4.0 + ctx.rng.normal(0.0, 3.0, 5000)
    _check_1d(ctx, 1.0, 2.0, x, y)


@q2.test(hidden=True)
def gradient_matrix_square_weights(ctx):
    """is not transposed when d = k"""
    n = int(ctx.rng.integers(7, 12))
    X, Y = _matrix_case(ctx, n, 2, 2)
    _check_matrix(ctx, ctx.rng.normal(size=(2, 2)), ctx.rng.normal(size=2), X, Y)


@q2.test(hidden=True)
def gradient_matrix_one_input_three_outputs(ctx):
    """works with one input and three outputs"""
    X, Y = _matrix_case(ctx, 9, 1, 3)
    _check_matrix(ctx, ctx.rng.normal(size=(3, 1)), ctx.rng.normal(size=3), X, Y)


@q3.test(hidden=True)
def numerical_gradient_integer_list(ctx):
    """accepts theta as a list of integers"""
    p = 4
    loss = LeastSquaresLoss(ctx.rng.normal(size=(10, p)), ctx.rng.normal(0.0, 3.0, 10))
    theta = [int(v) for v in ctx.rng.integers(-3, 4, p)]
    got = as_array(ctx.call("numerical_gradient", loss, theta), "numerical_gradient")
    check_shape(got, (p,), "numerical_gradient")
    if not np.all(np.isfinite(got)) or np.allclose(got, 0):
        raise Fail("numerical_gradient fails on a list of integers: convert theta with "
                   "np.array(theta, dtype=np.float64) before adding h")
    exact = np.asarray(theta, dtype=np.float64)
    _check_numerical(got, loss.gradient(exact), 1e-7, loss, exact, 1e-5)


@q4.test(hidden=True)
def relative_error_scale_free(ctx):
    """does not depend on the scale of the vectors (1e-9 and 1e9)"""
    a, b = ctx.rng.normal(size=6), ctx.rng.normal(size=6)
    want = np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))
    got = _relerr(ctx, a, b)
    if not np.isclose(got, want, rtol=1e-9):
        raise Fail(f"relative_error(a, b) = {got:.6g}, expected ||a − b|| / max(||a||, ||b||) = {want:.6g}")
    for scale in (1e-9, 1e9):
        got = _relerr(ctx, scale * a, scale * b)
        if not np.isclose(got, want, rtol=1e-9):
            raise Fail(f"relative_error of two vectors scaled by {scale:g} is {got:.6g}, but {want:.6g} unscaled: it "
                       "should not depend on the scale (no fixed epsilon in the denominator)")


@q6.test(hidden=True)
def ridge_one_input_large_penalty(ctx):
    """works with one input, one output and a large penalty"""
    X, Y = ctx.rng.normal(5.0, 2.0, (8, 1)), ctx.rng.normal(10.0, 3.0, (8, 1))
    check_ridge(ctx, ctx.rng.normal(size=(1, 1)), ctx.rng.normal(size=1), X, Y, 50.0)
