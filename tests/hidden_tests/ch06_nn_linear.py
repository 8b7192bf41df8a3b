"""Hidden tests of exercise 06: run by the command-line grader only, never by `check` in the notebook."""

from linreg_course.grader.problems import lam_max
from linreg_course.grader.questions.ch06_nn_linear import (
    _call_make_model,
    _call_train,
    _check_bound,
    _check_count,
    _check_model,
    _check_mse,
    _check_poly,
    _check_sum_lr,
    _diagnose_train,
    _problem,
    q1,
    q2,
    q3,
    q4,
    q5,
    q6,
)


@q1.test(hidden=True)
def make_model_many_inputs(ctx):
    """works for many inputs and one output, with large parameters"""
    d = int(ctx.rng.integers(10, 30))
    W, b = ctx.rng.normal(0, 100, (1, d)), ctx.rng.normal(-500, 50, 1)
    _check_model(ctx, _call_make_model(ctx, W, b), W, b, "make_model with k = 1")


@q2.test(hidden=True)
def mse_single_example(ctx):
    """works on a single example with three outputs"""
    X, Y, W, b = _problem(ctx, 1, 2, 3, noise=2.0)
    _check_mse(ctx, W, b, X, Y, "linear_mse on one example")


@q3.test(hidden=True)
def train_one_step_three_outputs(ctx):
    """one step and then five steps with one input and three outputs"""
    n = int(ctx.rng.integers(6, 15))
    X, Y, W, b = _problem(ctx, n, 1, 3)
    lr = 0.9 / lam_max(X, 3)
    _diagnose_train(_call_train(ctx, X, Y, W, b, lr, 1), X, Y, W, b, lr, 1)
    _diagnose_train(_call_train(ctx, X, Y, W, b, lr, 5), X, Y, W, b, lr, 5)


@q4.test(hidden=True)
def count_and_bound_small(ctx):
    """one input and one output: 2 parameters, bound 1"""
    _check_count(ctx, 1, 1)
    _check_bound(ctx, 1, 1)
    _check_count(ctx, 1, 7)
    _check_bound(ctx, 4, 1)


@q5.test(hidden=True)
def sum_lr_one_output(ctx):
    """one output and a single example"""
    _check_sum_lr(ctx, 0.01, 1, 1)
    _check_sum_lr(ctx, float(ctx.rng.uniform(1e-4, 1e-2)), int(ctx.rng.integers(10, 1000)), 1)


@q6.test(hidden=True)
def poly_quadratic_wide_inputs(ctx):
    """a parabola on inputs from -5 to 5, one of them repeated"""
    x = ctx.rng.uniform(-5, 5, int(ctx.rng.integers(5, 12)))
    x[-1] = x[0]
    _check_poly(ctx, 2, x)
