"""Hidden tests of exercise 08: run by the command-line grader only, never by `check` in the notebook."""

from torch import nn

from linreg_course.grader.questions.ch08_training_with_optim import (
    _check_dataset_loss,
    _check_fast,
    _check_fit_loss,
    _check_limit,
    _check_momentum,
    _check_steps,
    _fast_case,
    _fit_case,
    _loss_case,
    _momentum_case,
    _step_case,
    q1,
    q2,
    q3,
    q4,
    q6,
    q7,
)


@q1.test(hidden=True)
def steps_one_output_one_step(ctx):
    """one step, then ten, with one output"""
    model, opt, loss_fn, xb, yb = _step_case(ctx, 1, 0.9)
    _check_steps(ctx, model, opt, loss_fn, xb, yb, steps=1)
    _check_steps(ctx, model, opt, loss_fn, xb, yb, steps=10)


@q2.test(hidden=True)
def loss_batch_of_one_and_all(ctx):
    """works with batches of one row and with a single batch holding every row"""
    model, loader = _loss_case(ctx, 7, 1, k=1)
    _check_dataset_loss(ctx, model, loader, nn.MSELoss())
    model, loader = _loss_case(ctx, 11, 64, k=3)
    _check_dataset_loss(ctx, model, loader, nn.MSELoss())


@q3.test(hidden=True)
def fit_three_outputs_shuffled(ctx):
    """matches the reference with three outputs and a shuffled loader, plain SGD"""
    _check_fit_loss(ctx, _fit_case(ctx, shuffle=True, k=3), epochs=4)


@q4.test(hidden=True)
def limit_one_input(ctx):
    """works with one input, one output and inputs far from zero"""
    n = int(ctx.rng.integers(6, 20))
    _check_limit(ctx, ctx.rng.uniform(100, 120, (n, 1)), 1)


@q6.test(hidden=True)
def momentum_zero_is_plain_descent(ctx):
    """with momentum 0 gives plain gradient descent, and with momentum 0.95 one step then many"""
    X, Y, lr = _momentum_case(ctx, 3)
    _check_momentum(ctx, X, Y, lr, 0.0, 6)
    _check_momentum(ctx, X, Y, lr, 0.95, 1)
    _check_momentum(ctx, X, Y, lr, 0.95, 40)


@q7.test(hidden=True)
def fast_two_outputs(ctx):
    """reaches within 1 % of L* with two outputs and inputs in smaller units"""
    _check_fast(ctx, *_fast_case(ctx, scale=0.5, k=2))
