"""Hidden tests of exercise 04: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.core import Fail
from linreg_course.grader.problems import lam_max, tensor
from linreg_course.grader.questions.ch04_autograd import (
    _check_autograd,
    _check_descend,
    _check_train,
    _line_data,
    _matrix_data,
    _run,
    check_momentum,
    q1,
    q2,
    q3,
    q6,
)


@q1.test(hidden=True)
def autograd_inputs_require_grad(ctx):
    """works when W and b already require a gradient, with d = k = 3"""
    X, Y = _matrix_data(ctx, 12, 3, 3)
    _check_autograd(ctx, X, Y, ctx.rng.normal(size=(3, 3)), ctx.rng.normal(size=3), requires_grad=True)


@q1.test(hidden=True)
def autograd_single_example(ctx):
    """works on a single example with two outputs"""
    X, Y = _matrix_data(ctx, 1, 2, 2)
    _check_autograd(ctx, X, Y, ctx.rng.normal(size=(2, 2)), ctx.rng.normal(size=2))


@q2.test(hidden=True)
def descend_zero_steps(ctx):
    """with steps = 0 returns the starting values and an empty history"""
    x, y = _line_data(ctx, 8, 1.0, 2.0)
    w, b, history, _ = _run(ctx, "descend", tensor(1.5, True), tensor(-2.0, True), tensor(x), tensor(y),
                            0.01, 0)
    if len(history) != 0 or not np.allclose([w, b], [1.5, -2.0], rtol=0, atol=0):
        raise Fail(f"with steps = 0 descend should change nothing; it returned w = {w:.6g}, b = {b:.6g} and "
                   f"{len(history)} losses")


@q2.test(hidden=True)
def descend_large_data(ctx):
    """matches the reference on 2000 examples (25 steps)"""
    x, y = _line_data(ctx, 2000, -10.0, 6.0)
    _check_descend(ctx, x, y, 1.0, 1.0, float(0.7 / lam_max(x[:, None])), 25)


@q3.test(hidden=True)
def train_negative_inputs(ctx):
    """matches the reference with three large negative inputs"""
    x = ctx.rng.uniform(-300.0, -100.0, 3)
    _check_train(ctx, x, -0.5 * x + 7.0 + ctx.rng.normal(0.0, 1.0, 3), 12)


@q6.test(hidden=True)
def momentum_many_steps(ctx):
    """60 steps with beta = 0.95 near the stability limit match torch.optim.SGD"""
    x, y = _line_data(ctx, int(ctx.rng.integers(10, 40)), -2.0, 5.0)
    check_momentum(ctx, x, y, 0.0, 0.0, float(0.9 / lam_max(x[:, None])), 0.95, 60)
