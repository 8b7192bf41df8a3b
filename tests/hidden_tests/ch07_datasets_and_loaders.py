"""Hidden tests of exercise 07: run by the command-line grader only, never by `check` in the notebook."""

from linreg_course.grader.core import Fail
from linreg_course.grader.problems import linear_data
from linreg_course.grader.questions.ch07_datasets_and_loaders import (
    _call_epoch_gradient,
    _call_loader,
    _check_cover,
    _check_lagged,
    _check_randperm,
    _check_steps,
    _diagnose_epoch_gradient,
    _gradient_case,
    _loader_epoch,
    _randperm_case,
    _reference_orders,
    _series,
    q1,
    q2,
    q3,
    q5,
    q6,
)


@q1.test(hidden=True)
def loader_batch_larger_than_data(ctx):
    """gives one shuffled batch of all rows when batch_size exceeds N"""
    n = int(ctx.rng.integers(12, 20))
    X, Y = linear_data(ctx.rng, n, 2, 3, noise=0.5)
    seed = int(ctx.rng.integers(0, 10_000))
    loader = _call_loader(ctx, X, Y, n + 5, seed)
    epoch = _loader_epoch(loader, X, Y)
    _check_cover(epoch, n, n + 5, "the loader")
    if epoch != _reference_orders(n, n + 5, seed, 1)[0]:
        raise Fail("with one batch of all rows, the order differs from the seeded reference loader")


@q2.test(hidden=True)
def steps_edge_cases(ctx):
    """handles batches of one row and batches larger than the data"""
    n = int(ctx.rng.integers(5, 40))
    for batch_size in (1, n, n + int(ctx.rng.integers(1, 10))):
        for drop_last in (False, True):
            _check_steps(ctx, n, batch_size, drop_last)


@q3.test(hidden=True)
def gradient_unshuffled_single_rows(ctx):
    """equals the full gradient for an unshuffled loader with batches of one row, then of N - 1 rows"""
    n = int(ctx.rng.integers(5, 9))
    X, Y, W, b, seed = _gradient_case(ctx, n, 2, 2)
    for batch_size in (1, n - 1):
        gW, gb = _call_epoch_gradient(ctx, X, Y, W, b, batch_size, seed, False)
        _diagnose_epoch_gradient(gW, gb, X, Y, W, b, batch_size, seed, False)


@q5.test(hidden=True)
def randperm_single_batch(ctx):
    """handles batch_size N (one batch), 1 (single rows) and N - 1 (a last batch of one row)"""
    n = int(ctx.rng.integers(8, 15))
    X, Y, seed = _randperm_case(ctx, n, k=3)
    for batch_size in (n, 1, n - 1):
        _check_randperm(ctx, X, Y, batch_size, seed)


@q6.test(hidden=True)
def lagged_many_lags(ctx):
    """works with many lags on a long series and batches of one"""
    series = _series(ctx, int(ctx.rng.integers(30, 50)))
    _check_lagged(ctx, series, 10, 1)
    _check_lagged(ctx, series, 7, 8)
