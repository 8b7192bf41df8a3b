"""Hidden tests of exercise 03: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np

from linreg_course.grader.core import Fail, StudentError
from linreg_course.grader.questions.ch03_gradient_descent import (
    _check_ceiling,
    _check_hessian,
    _check_step,
    _check_steps,
    _compare_run,
    _design,
    _regression,
    check_fast,
    fast_problem,
    q1,
    q2,
    q3,
    q4,
    q6,
    q7,
    ref_lr_ceiling,
)


@q1.test(hidden=True)
def gd_step_single_example(ctx):
    """works on a single example and on 2000 examples"""
    X_tilde, y = _regression(ctx, 1, 2)
    _check_step(ctx, ctx.rng.normal(size=3), X_tilde, y, 0.01)
    X_tilde, y = _regression(ctx, 2000, 3, 1.0, 2.0)
    _check_step(ctx, ctx.rng.normal(size=4), X_tilde, y, 0.005)


@q2.test(hidden=True)
def gd_integer_start(ctx):
    """accepts an integer theta0 and does not change it"""
    X_tilde, y = _regression(ctx, 12, 1, 0.0, 1.0)
    theta0 = np.array([1, -2])
    lr = 0.5 * ref_lr_ceiling(X_tilde)
    try:
        _compare_run(ctx, X_tilde, y, theta0, lr, 40, 0.0, "from an integer theta0")
    except StudentError as error:
        raise Fail(f"with theta0 = np.array([1, -2]) (integers) your code raised {error}: convert theta0 with "
                   "np.array(theta0, dtype=np.float64) first") from None


@q2.test(hidden=True)
def gd_already_converged(ctx):
    """takes no step when theta0 is already the optimum"""
    X_tilde, y = _regression(ctx, 15, 2, 1.0, 1.0)
    theta_star, *_ = np.linalg.lstsq(X_tilde, y, rcond=None)
    _compare_run(ctx, X_tilde, y, theta_star, 0.01, 100, 1e-6, "starting at the optimum")


@q2.test(hidden=True)
def gd_zero_steps(ctx):
    """with max_steps = 0 returns theta0 and one loss"""
    X_tilde, y = _regression(ctx, 10, 1)
    theta0 = ctx.rng.normal(size=2)
    _compare_run(ctx, X_tilde, y, theta0, 0.01, 0, 0.0, "with max_steps = 0")


@q3.test(hidden=True)
def hessian_one_input_many_outputs(ctx):
    """works with one input and k = 5"""
    _check_hessian(ctx, _design(ctx, 7, 1, 3.0, 1.0), 5)


@q4.test(hidden=True)
def ceiling_badly_conditioned(ctx):
    """is right on badly conditioned data (inputs far from zero)"""
    _check_ceiling(ctx, _design(ctx, 25, 2, 50.0, 5.0))


@q6.test(hidden=True)
def steps_large_kappa(ctx):
    """handles κ = 10⁴ and a factor 10¹²"""
    lam_min = float(ctx.rng.uniform(0.1, 1.0))
    _check_steps(ctx, lam_min * 1e4, lam_min, 1e12)


@q7.test(hidden=True)
def fast_tight_budget(ctx):
    """within 1 % of L* in 25 steps, with input scales 10⁴ apart"""
    X, y, loss_star = fast_problem(ctx, 50, np.array([2.0, 300.0]), np.array([0.01, 100.0]))
    check_fast(ctx, X, y, loss_star, 25)
