"""Hidden tests of exercise 09: run by the command-line grader only, never by `check` in the notebook."""

import math

import numpy as np

from linreg_course.grader.compare import as_array, as_number, check_close, check_number
from linreg_course.grader.core import Fail
from linreg_course.grader.questions.ch09_conditioning import _check_fast, q1, q2, q3, q4, q7


@q1.test(hidden=True)
def hessian_one_input_one_output(ctx):
    """hessian and condition_number work with one input and one output"""
    x = ctx.rng.uniform(20, 40, (int(ctx.rng.integers(4, 9)), 1))
    X_tilde = np.column_stack([x, np.ones(len(x))])
    want = 2 / len(x) * X_tilde.T @ X_tilde
    check_close(ctx.call("hessian", x, 1), want, "hessian(x, 1)", rtol=1e-9)
    lam = np.linalg.eigvalsh(want)
    check_number(ctx.call("condition_number", want), lam[-1] / lam[0], "condition_number", rtol=1e-6)


@q2.test(hidden=True)
def standardise_single_other_row(ctx):
    """standardises a single new example with the training statistics"""
    X_train = ctx.rng.normal(ctx.rng.uniform(10, 50, 3), ctx.rng.uniform(1, 5, 3), (12, 3))
    x_new = ctx.rng.normal(30, 10, (1, 3))
    answer = ctx.call("standardise", X_train, x_new)
    if not isinstance(answer, tuple | list) or len(answer) != 4:
        raise Fail("standardise should return four things: (Z_train, Z_other, mu, sigma)")
    got = as_array(answer[1], "Z_other")
    if not np.all(np.isfinite(got)):
        raise Fail("Z_other of a single example contains NaN or infinity: its own std is 0; use the training "
                   "mu and sigma")
    check_close(got, (x_new - X_train.mean(axis=0)) / X_train.std(axis=0), "Z_other of one example", rtol=1e-9)


@q3.test(hidden=True)
def unstandardise_one_output(ctx):
    """maps back a model with one input and one output (the temperature law)"""
    x = ctx.rng.uniform(0.5, 13.3, 10)
    y = 1.8 * x + 32.0
    mu_x, sigma_x, mu_y, sigma_y = np.array([x.mean()]), np.array([x.std()]), np.array([y.mean()]), np.array([y.std()])
    W, b = ctx.call("unstandardise_params", np.array([[1.0]]), np.array([0.0]), mu_x, sigma_x, mu_y, sigma_y)
    check_close(W, np.array([[1.8]]), "W", rtol=1e-9)
    check_close(b, np.array([32.0]), "b", rtol=1e-9)


@q4.test(hidden=True)
def steps_single_eigenvalue(ctx):
    """counts the steps for a single eigenvalue"""
    lam = np.array([float(ctx.rng.uniform(1, 10))])
    lr = 0.5 / lam[0]
    want = math.ceil(math.log(1e-4) / math.log(0.5))
    check_number(as_number(ctx.call("steps_to_shrink", lam, lr, 1e-4), "steps_to_shrink"), want,
                 "steps_to_shrink with one eigenvalue", rtol=0)


@q7.test(hidden=True)
def fast_three_outputs_tight_budget(ctx):
    """reaches within 1 % of L* in 60 steps on fresh badly scaled data with five inputs and three outputs"""
    _check_fast(ctx, n=int(ctx.rng.integers(100, 300)), d=5, k=3, steps=60)
