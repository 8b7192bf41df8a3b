"""Hidden tests of exercise 10: run by the command-line grader only, never by `check` in the notebook."""

import numpy as np
import torch

from linreg_course.grader.compare import check_close
from linreg_course.grader.questions.ch10_closed_form_and_optimisers import (
    _check_adam,
    _check_cosine,
    _check_momentum,
    q1,
    q2,
    q3,
    q4,
)


@q1.test(hidden=True)
def lstsq_exact_law_float32(ctx):
    """recovers an exact law in float32 from crop-like inputs"""
    X = ctx.rng.uniform(30, 110, (15, 3))
    W_true, b_true = np.array([[0.5, 0.2, -0.3], [0.1, 0.6, 0.4]]), np.array([12.0, -4.0])
    Y = X @ W_true.T + b_true
    W, b = ctx.call("lstsq_fit", torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32))
    check_close(W, W_true, "W", rtol=1e-3, atol=1e-3)
    check_close(b, b_true, "b", rtol=1e-3, atol=5e-2)


def _separable(ctx):
    """A vector of 2 to 5 parameters, each with a quadratic loss of its own curvature: θ and the gradient."""
    n = int(ctx.rng.integers(2, 6))
    curvature, centre = ctx.rng.uniform(0.2, 1.5, n), ctx.rng.normal(0, 2, n)
    return ctx.rng.normal(size=n), lambda theta: curvature * (theta - centre)


@q2.test(hidden=True)
def momentum_long_run_vector(ctx):
    """follows torch.optim.SGD(momentum=0.99) for 30 steps on a 1-D parameter vector"""
    theta, grad_of = _separable(ctx)
    _check_momentum(ctx, grad_of, theta, 0.1, 0.99, False, 30)


@q3.test(hidden=True)
def adam_long_run_vector(ctx):
    """follows torch.optim.Adam(betas=(0.8, 0.9)) for 40 steps on a 1-D parameter vector"""
    theta, grad_of = _separable(ctx)
    _check_adam(ctx, grad_of, theta, 0.05, {"beta1": 0.8, "beta2": 0.9, "eps": 1e-8}, 40)


@q4.test(hidden=True)
def cosine_t_max_one(ctx):
    """with T_max = 1 the rate alternates between η₀ and eta_min, as in PyTorch"""
    lr0 = float(ctx.rng.uniform(0.1, 1.0))
    _check_cosine(ctx, lr0, 1, lr0 / 10, 6)
