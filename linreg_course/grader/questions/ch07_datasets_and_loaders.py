"""Public tests of exercise 07, datasets and data loaders: a reproducible shuffled loader, steps per epoch,
the full gradient from mini-batch gradients, the spread of a mini-batch gradient, batches by randperm, and
a data set of new data: the lagged windows of a time series.

Rows are recognised by their values: the inputs are fresh normal numbers, so every row of X is distinct,
and each batch a student's code delivers is turned back into the list of row indices it holds. The
reference orders come from loaders and permutations seeded exactly as the questions ask; the reference
gradients are written in NumPy with the formula of chapter 2, independently of autograd.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from linreg_course.grader.compare import (
    as_array,
    as_items,
    as_number,
    check_gradient,
    check_number,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.observers import LoaderView, Observe, Raised
from linreg_course.grader.problems import layer, linear_data, tensor

NB = "07_datasets_and_loaders"

q1 = question(NB, "q1", "a shuffled loader you can reproduce")
q2 = question(NB, "q2", "steps per epoch")
q3 = question(NB, "q3", "the full gradient from mini-batches")
q4 = question(NB, "q4", "how the noise shrinks with the batch size")
q5 = question(NB, "q5", "batches without a loader", level="stretch")
q6 = question(NB, "q6", "a time series as a data set", level="stretch")


# ---------------------------------------------------------------- shared helpers


#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-9, atol=1e-11)


def _sizes(n: int, batch_size: int) -> list[int]:
    return [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])


def _read_epoch(batches, X: np.ndarray, Y: np.ndarray, what: str) -> list[list[int]]:
    """The row indices of each batch; `Fail` unless every batch is a pair (xb, yb) of rows of X and Y."""
    where = {row.tobytes(): i for i, row in enumerate(X)}
    epoch = []
    for j, batch in enumerate(batches):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise Fail(f"batch {j} of {what} is a {type(batch).__name__}, not a pair (xb, yb)")
        xb, yb = as_array(batch[0], f"xb of batch {j}"), as_array(batch[1], f"yb of batch {j}")
        if xb.ndim != 2 or xb.shape[1] != X.shape[1] or yb.shape != (len(xb), Y.shape[1]):
            raise Fail(f"batch {j} of {what} has xb of shape {list(xb.shape)} and yb of shape {list(yb.shape)}; "
                       f"expected [B, {X.shape[1]}] and [B, {Y.shape[1]}], one row per example")
        rows = [where.get(np.ascontiguousarray(x).tobytes()) for x in xb]
        if None in rows:
            raise Fail(f"batch {j} of {what} holds inputs that are not rows of X: index X itself, unchanged")
        if not np.array_equal(yb, Y[rows]):
            raise Fail(f"in batch {j} of {what} the targets do not belong to the inputs: X and Y must be indexed "
                       "with the same indices, so that every row keeps its own target")
        epoch.append(rows)
    return epoch


def _check_cover(epoch: list[list[int]], n: int, batch_size: int, what: str, shuffled: bool = True) -> None:
    """`Fail` unless the epoch is batches of `batch_size` (the last shorter) holding every row exactly once,
    and (if `shuffled`) not in the stored order."""
    sizes = [len(rows) for rows in epoch]
    seen = [i for rows in epoch for i in rows]
    if n % batch_size and sizes == [batch_size] * (n // batch_size):
        plural = "es" if len(sizes) != 1 else ""
        raise Fail(f"{what} has {len(sizes)} batch{plural} of {batch_size} and leaves out the last {n % batch_size} "
                   f"rows (N = {n}): keep the last, shorter batch (drop_last=False, or a loop that reaches the end)")
    if len(set(seen)) < len(seen):
        raise Fail(f"in one epoch of {what} some rows appear more than once and {n - len(set(seen))} never: "
                   "the rows must be drawn without replacement, as a permutation (torch.randperm)")
    if sorted(seen) != list(range(n)):
        raise Fail(f"one epoch of {what} holds {len(seen)} of the {n} rows: every row should appear exactly once")
    if sizes != _sizes(n, batch_size):
        raise Fail(f"{what} gives batches of sizes {sizes}; expected {_sizes(n, batch_size)} "
                   f"(N = {n}, batch_size = {batch_size})")
    if shuffled and seen == list(range(n)):
        raise Fail(f"{what} keeps the rows in their stored order: it does not shuffle")


# ---------------------------------------------------------------- q1: make_loader


def _loader_case(ctx) -> tuple[np.ndarray, np.ndarray, int, int]:
    batch_size = int(ctx.rng.integers(3, 7))
    n = int(ctx.rng.integers(5, 9)) * batch_size + int(ctx.rng.integers(1, batch_size))
    X, Y = linear_data(ctx.rng, n, int(ctx.rng.integers(2, 4)), int(ctx.rng.integers(1, 3)), noise=0.5)
    return X, Y, batch_size, int(ctx.rng.integers(0, 10_000))


class _ObservedLoader:
    """The epochs a student's loader gave in the kernel (`LoaderView`), handed out in order, as iterating it would."""

    def __init__(self, view: LoaderView):
        self._epochs = iter(view.epochs)

    def next_epoch(self) -> list | Raised:
        return next(self._epochs)


def _call_loader(ctx, X, Y, batch_size: int, seed: int) -> _ObservedLoader:
    loader = ctx.observe(Observe(epochs=2), "make_loader", tensor(X), tensor(Y), batch_size, seed).result
    if not isinstance(loader, LoaderView):
        raise Fail(f"make_loader should return a DataLoader, not a {type(loader).__name__}")
    return _ObservedLoader(loader)


def _loader_epoch(loader: _ObservedLoader, X, Y) -> list[list[int]]:
    batches = loader.next_epoch()
    if isinstance(batches, Raised):  # the returned loader misbehaves when iterated
        raise Fail(f"iterating over the loader raised {batches.error}")
    return _read_epoch(batches, X, Y, "the loader")


def _reference_orders(n: int, batch_size: int, seed: int, epochs: int) -> list[list[list[int]]]:
    reference = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size, shuffle=True,
                           generator=torch.Generator().manual_seed(seed))
    return [[batch.tolist() for (batch,) in reference] for _ in range(epochs)]


@q1.test()
def loader_batches(ctx):
    """gives batches of batch_size rows, the last one shorter, with every row once per epoch"""
    X, Y, batch_size, seed = _loader_case(ctx)
    loader = _call_loader(ctx, X, Y, batch_size, seed)
    for _ in range(2):
        _check_cover(_loader_epoch(loader, X, Y), len(X), batch_size, "the loader", shuffled=False)


@q1.test()
def loader_shuffles(ctx):
    """shuffles the rows, with a new order at every epoch"""
    X, Y, batch_size, seed = _loader_case(ctx)
    loader = _call_loader(ctx, X, Y, batch_size, seed)
    first, second = _loader_epoch(loader, X, Y), _loader_epoch(loader, X, Y)
    if [i for rows in first for i in rows] == list(range(len(X))):
        raise Fail("the loader keeps the rows in their stored order: pass shuffle=True")
    if first == second:
        raise Fail("the loader gives the same order at every epoch: shuffling the rows once, before making the "
                   "loader, is not enough; let the loader shuffle (shuffle=True) so that every epoch is new")


@q1.test()
def loader_reproducible(ctx):
    """two loaders with the same seed give the same batches; another seed gives others"""
    X, Y, batch_size, seed = _loader_case(ctx)
    one, two = _call_loader(ctx, X, Y, batch_size, seed), _call_loader(ctx, X, Y, batch_size, seed)
    if [i for rows in _loader_epoch(_call_loader(ctx, X, Y, batch_size, seed), X, Y) for i in rows] == list(
            range(len(X))):
        raise Fail("the loader keeps the rows in their stored order, so the seed changes nothing: pass shuffle=True "
                   "and a generator seeded with `seed`")
    for epoch in (1, 2):
        if _loader_epoch(one, X, Y) != _loader_epoch(two, X, Y):
            raise Fail(f"two loaders made with the same seed gave different batches in epoch {epoch}: the order "
                       "comes from PyTorch's global generator (torch.manual_seed does not pin it down); give the "
                       "loader its own, generator=torch.Generator().manual_seed(seed)")
    other = _call_loader(ctx, X, Y, batch_size, seed + 1)
    again = _call_loader(ctx, X, Y, batch_size, seed)
    if _loader_epoch(other, X, Y) == _loader_epoch(again, X, Y):
        raise Fail(f"seeds {seed} and {seed + 1} give the same batches: the argument `seed` is not used; seed the "
                   "generator with it")


@q1.test()
def loader_reference_order(ctx):
    """draws the same orders as a DataLoader with generator=torch.Generator().manual_seed(seed)"""
    X, Y, batch_size, seed = _loader_case(ctx)
    loader = _call_loader(ctx, X, Y, batch_size, seed)
    got = [_loader_epoch(loader, X, Y) for _ in range(2)]
    if got == _reference_orders(len(X), batch_size, seed, 2):
        return
    for epoch in got:
        _check_cover(epoch, len(X), batch_size, "the loader")
    raise Fail("the loader shuffles, but not in the order of DataLoader(TensorDataset(X, Y), batch_size=batch_size, "
               "shuffle=True, generator=torch.Generator().manual_seed(seed)): use exactly that generator")


# ---------------------------------------------------------------- q2: steps_per_epoch


def _steps(ctx, n: int, batch_size: int, drop_last: bool) -> float:
    what = f"steps_per_epoch({n}, {batch_size}, drop_last={drop_last})"
    got = as_number(ctx.call("steps_per_epoch", n, batch_size, drop_last), what)
    if not float(got).is_integer():
        raise Fail(f"{what} = {got:.6g} is not a whole number: a step is one batch, so round n / batch_size "
                   "(math.ceil or //)")
    return got


def _steps_cases(ctx) -> list[tuple[int, int]]:
    """Pairs (n, batch_size): a short last batch (under half a batch), a long one, and none."""
    batch_size = int(ctx.rng.integers(4, 65))
    m = int(ctx.rng.integers(2, 50))
    short = int(ctx.rng.integers(1, batch_size // 2))
    long = int(ctx.rng.integers(batch_size // 2 + 1, batch_size))
    return [(m * batch_size + short, batch_size), (m * batch_size + long, batch_size), (m * batch_size, batch_size)]


def _check_steps(ctx, n: int, batch_size: int, drop_last: bool) -> None:
    got = _steps(ctx, n, batch_size, drop_last)
    want = n // batch_size if drop_last else math.ceil(n / batch_size)
    if got == want:
        return
    case = f"n = {n}, batch_size = {batch_size}, drop_last={drop_last}"
    if not drop_last and n % batch_size and got == n // batch_size:
        raise Fail(f"{case}: {got:.0f} rounds down, but the last, shorter batch of {n % batch_size} rows is a "
                   "step too: round up (math.ceil)")
    if not drop_last and n % batch_size == 0 and got == n // batch_size + 1:
        raise Fail(f"{case}: {got:.0f} counts a last batch that does not exist (batch_size divides n): n // "
                   "batch_size + 1 is wrong here; round up with math.ceil instead")
    if drop_last and got == math.ceil(n / batch_size):
        raise Fail(f"{case}: {got:.0f} counts the incomplete last batch, which drop_last=True throws away: "
                   "round down")
    if got == round(n / batch_size):
        raise Fail(f"{case}: {got:.0f} rounds n / batch_size to the nearest whole number; a last batch of "
                   f"{n % batch_size} rows is " + ("thrown away whatever its size: round down" if drop_last else
                                                   "a step whatever its size: round up"))
    raise Fail(f"{case}: {got:.0f} steps is not right, expected {want}")


@q2.test()
def steps_keep_last(ctx):
    """rounds N / B up without drop_last, whether or not B divides N"""
    for n, batch_size in _steps_cases(ctx):
        _check_steps(ctx, n, batch_size, False)


@q2.test()
def steps_drop_last(ctx):
    """rounds N / B down with drop_last=True, whether or not B divides N"""
    for n, batch_size in _steps_cases(ctx):
        _check_steps(ctx, n, batch_size, True)


# ---------------------------------------------------------------- q3: epoch_gradient


def _gradient_loader(X, Y, batch_size: int, seed: int, shuffle: bool) -> DataLoader:
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(tensor(X), tensor(Y)), batch_size=batch_size, shuffle=shuffle, generator=generator)


def _batch_gradients(X, Y, W, b, epoch: list[list[int]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(dL/dW, dL/db) of the MSE on each batch, by the formula 2/(B k) Eᵀ X."""
    grads = []
    for rows in epoch:
        Xb, Yb = X[rows], Y[rows]
        E = Xb @ W.T + b - Yb
        scale = 2 / E.size
        grads.append((scale * E.T @ Xb, scale * E.sum(axis=0)))
    return grads


def _call_epoch_gradient(ctx, X, Y, W, b, batch_size: int, seed: int, shuffle: bool):
    answer = as_items(ctx.call("epoch_gradient", layer(W, b), _gradient_loader(X, Y, batch_size, seed, shuffle)), 2,
                      "epoch_gradient", "a pair (grad_weight, grad_bias)")
    gW, gb = as_array(answer[0], "grad_weight"), as_array(answer[1], "grad_bias")
    k, d = W.shape
    if gW.shape == (d, k) and d != k:
        raise Fail(f"grad_weight has shape {list(gW.shape)}; it should have the shape of model.weight, [k, d] = "
                   f"{[k, d]}")
    check_shape(gW, (k, d), "grad_weight")
    check_shape(gb, (k,), "grad_bias")
    return gW, gb


def _diagnose_epoch_gradient(gW, gb, X, Y, W, b, batch_size: int, seed: int, shuffle: bool) -> None:
    n, k = Y.shape
    if shuffle:
        epoch = _reference_orders(n, batch_size, seed, 1)[0]
    else:
        epoch = [list(range(i, min(i + batch_size, n))) for i in range(0, n, batch_size)]
    grads = _batch_gradients(X, Y, W, b, epoch)
    sizes = np.array([len(rows) for rows in epoch], dtype=float)
    gWs, gbs = np.array([g[0] for g in grads]), np.array([g[1] for g in grads])
    want_W, want_b = np.tensordot(sizes, gWs, axes=1) / n, sizes @ gbs / n
    if _close(gW, want_W) and _close(gb, want_b):
        return
    cum_W, cum_b = np.cumsum(gWs, axis=0), np.cumsum(gbs, axis=0)
    n_batches = len(epoch)
    mistakes = [
        (gWs.mean(axis=0), gbs.mean(axis=0),
         f"that is the plain mean of the batch gradients; the batches have sizes {sizes.astype(int).tolist()}, so "
         "the rows of the short batch weigh more: weight each batch gradient by its size and divide by N"),
        (np.tensordot(sizes, cum_W, axes=1) / n, sizes @ cum_b / n,
         "the gradients are not zeroed between batches: backward() adds into .grad, so each batch's gradient "
         "includes all the earlier ones; call model.zero_grad() before every backward()"),
        (cum_W.mean(axis=0), cum_b.mean(axis=0),
         "the gradients are not zeroed between batches (backward() adds into .grad), and the batch gradients "
         "are not weighted by their sizes"),
        (gWs[-1], gbs[-1],
         "that is the gradient of the last batch only: the epoch's gradient combines every batch, not the last one"),
        (gWs.sum(axis=0), gbs.sum(axis=0),
         f"that is the sum of the {n_batches} batch gradients: weight each by its batch size and divide by N"),
        (n * want_W, n * want_b,
         f"{n} times too large (N = {n}): you weighted each batch gradient by its size but did not divide by N"),
        (n * want_W / n_batches, n * want_b / n_batches,
         f"you divided the size-weighted sum by the number of batches ({n_batches}); divide by the number of rows, "
         f"N = {n}"),
        (n * want_W / (n_batches * batch_size), n * want_b / (n_batches * batch_size),
         f"you divided by batch_size × number of batches = {n_batches * batch_size}, but the epoch has N = {n} rows "
         "(the last batch is shorter)"),
        (k * want_W, k * want_b,
         f"{k} times too large (k = {k} outputs): a batch loss summed over its B·k entries and divided by the "
         "batch's B rows (or a sum over the batches divided by N) counts every output once too often; use "
         "F.mse_loss, the mean over all B·k entries, and weight by the batch sizes"),
    ]
    message = first_mistake((gW, gb), [((mW, mb), message) for mW, mb, message in mistakes],
                            match=lambda got, m: _close(got[0], m[0]) and _close(got[1], m[1]))
    if message:
        raise Fail(message)
    if gW.shape == want_W.T.shape and _close(gW, want_W.T):
        raise Fail("grad_weight is transposed: it should have the shape of model.weight, [k, d]")
    if _close(gW, want_W) and not _close(gb, want_b):
        check_gradient(gb, want_b, "grad_bias")
    check_gradient(gW, want_W, "grad_weight")
    check_gradient(gb, want_b, "grad_bias")


def _gradient_case(ctx, n: int, d: int, k: int):
    X, Y = linear_data(ctx.rng, n, d, k, noise=0.5)
    return X, Y, ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k), int(ctx.rng.integers(0, 10_000))


@q3.test()
def gradient_unequal_batches(ctx):
    """equals the gradient on all rows when the last batch is shorter, on fresh data"""
    batch_size = int(ctx.rng.integers(4, 7))
    n = int(ctx.rng.integers(3, 6)) * batch_size + int(ctx.rng.integers(1, 3))
    X, Y, W, b, seed = _gradient_case(ctx, n, int(ctx.rng.integers(2, 4)), 2)
    gW, gb = _call_epoch_gradient(ctx, X, Y, W, b, batch_size, seed, True)
    _diagnose_epoch_gradient(gW, gb, X, Y, W, b, batch_size, seed, True)


@q3.test()
def gradient_equal_batches(ctx):
    """equals the gradient on all rows for batches of equal size and one output"""
    batch_size = int(ctx.rng.integers(2, 5))
    n = int(ctx.rng.integers(3, 6)) * batch_size
    X, Y, W, b, seed = _gradient_case(ctx, n, int(ctx.rng.integers(1, 4)), 1)
    gW, gb = _call_epoch_gradient(ctx, X, Y, W, b, batch_size, seed, True)
    _diagnose_epoch_gradient(gW, gb, X, Y, W, b, batch_size, seed, True)


# ---------------------------------------------------------------- q4: the spread ratios


def _spread(n: float, batch_size: float) -> float:
    """The relative spread s(B) up to a constant factor: sqrt((N - B) / (B (N - 1)))."""
    return math.sqrt((n - batch_size) / (batch_size * (n - 1)))


def _check_ratio(ctx, name: str, n: float, old: int, new: int) -> None:
    got = as_number(ctx.value(name), name)
    want = _spread(n, new) / _spread(n, old)
    if not math.isfinite(got):
        raise Fail(f"{name} is {got}, not a finite number")
    if math.isclose(got, want, rel_tol=1e-3):
        return
    independent = math.sqrt(old / new)
    if math.isclose(got, 1 / want, rel_tol=1e-3):
        raise Fail(f"{name} = {got:.4g} is the old spread over the new one; the question asks for new / old, and the "
                   "spread shrinks as the batch grows")
    if math.isclose(got, want**2, rel_tol=1e-3):
        raise Fail(f"{name} = {got:.4g} is the ratio of the variances (mean squared errors); the spread s(B) is "
                   "their square root")
    if not math.isclose(want, independent, rel_tol=1e-3) and math.isclose(got, independent, rel_tol=1e-3):
        raise Fail(f"{name} = {got:.4g} is the 1/√B rule for independent draws (or the correction factor alone); "
                   f"with N = {n:.0f} both factors change, 1/B and (N − B)/(N − 1)")
    check_number(got, want, name, rtol=1e-3)


@q4.test()
def ratio_huge_data(ctx):
    """the spread ratio from B = 32 to B = 128 on 10⁹ rows"""
    _check_ratio(ctx, "ratio_huge", 1e9, 32, 128)


@q4.test()
def ratio_crop_data(ctx):
    """the spread ratio from B = 3 to B = 12 on the 15 crop regions"""
    _check_ratio(ctx, "ratio_crop", 15, 3, 12)


# ---------------------------------------------------------------- q5: randperm_batches


def _randperm_case(ctx, n: int, k: int = 2):
    X, Y = linear_data(ctx.rng, n, int(ctx.rng.integers(2, 4)), k, noise=0.5)
    return X, Y, int(ctx.rng.integers(0, 10_000))


def _check_randperm(ctx, X, Y, batch_size: int, seed: int) -> None:
    answer = ctx.call("randperm_batches", tensor(X), tensor(Y), batch_size, torch.Generator().manual_seed(seed))
    if not isinstance(answer, (list, tuple)):
        raise Fail(f"randperm_batches should return a list of pairs (xb, yb), not a {type(answer).__name__}: "
                   "collect the batches in a list (a Python generator cannot be sent back to the grader)")
    n = len(X)
    got = _read_epoch(answer, X, Y, "randperm_batches")
    want = [chunk.tolist() for chunk in torch.randperm(n, generator=torch.Generator().manual_seed(seed))
            .split(batch_size)]
    if got == want:
        return
    _check_cover(got, n, batch_size, "randperm_batches")
    raise Fail("every row appears once, but not in the order of torch.randperm(N, generator=generator): draw the "
               "permutation from the generator you are given (torch.randperm(N) alone uses the global generator), "
               "once, and cut it into consecutive chunks")


@q5.test()
def randperm_partial_batch(ctx):
    """matches randperm(N, generator=generator) cut into chunks, the last one shorter"""
    batch_size = int(ctx.rng.integers(3, 8))
    n = int(ctx.rng.integers(4, 9)) * batch_size + int(ctx.rng.integers(1, batch_size))
    X, Y, seed = _randperm_case(ctx, n)
    _check_randperm(ctx, X, Y, batch_size, seed)


@q5.test()
def randperm_equal_batches(ctx):
    """matches the reference when batch_size divides N (one output)"""
    batch_size = int(ctx.rng.integers(2, 6))
    n = int(ctx.rng.integers(4, 9)) * batch_size
    X, Y, seed = _randperm_case(ctx, n, k=1)
    _check_randperm(ctx, X, Y, batch_size, seed)


# ---------------------------------------------------------------- q6: lagged_loader


def _lagged(series: np.ndarray, lags: int, first: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs [T − lags, lags] (windows s_i … s_{i+lags−1}, shifted by `first`) and targets [T − lags, 1]."""
    n = len(series) - lags
    X = np.stack([series[i + first:i + first + lags] for i in range(n)])
    return X, series[lags:, None]


def _check_lagged(ctx, series: np.ndarray, lags: int, batch_size: int) -> None:
    what = f"lagged_loader(series, {lags}, {batch_size})"
    try:
        loader = ctx.observe(Observe(epochs=1), "lagged_loader", tensor(series), lags, batch_size).result
    except StudentError as error:
        if "Size mismatch" in str(error):
            raise Fail(f"{what} raised {error}: inputs and targets must have the same number of rows, one per "
                       f"target s_lags … s_(T−1), so T − lags = {len(series) - lags} of each") from None
        raise
    if not isinstance(loader, LoaderView):
        raise Fail(f"lagged_loader should return a DataLoader, not a {type(loader).__name__}")
    epoch = loader.epochs[0] if loader.epochs else []
    if isinstance(epoch, Raised):
        raise Fail(f"iterating {what} raised {epoch.error}: inputs and targets must have the same number of rows, "
                   "T − lags")
    X_want, y_want = _lagged(series, lags)
    n = len(y_want)
    xs, ys = [], []
    for j, batch in enumerate(epoch):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise Fail(f"batch {j} of {what} is a {type(batch).__name__}, not a pair (xb, yb)")
        xb, yb = as_array(batch[0], f"xb of batch {j}"), as_array(batch[1], f"yb of batch {j}")
        if xb.ndim != 2 or xb.shape[1] != lags:
            raise Fail(f"batch {j} of {what} has inputs of shape {list(xb.shape)}; expected [B, {lags}], one window "
                       "of the last `lags` values per row")
        if yb.shape == (len(xb),):
            raise Fail(f"batch {j} of {what} has targets of shape [{len(xb)}]: keep them a column [B, 1], as Y is "
                       "[N, k] with k = 1 (a vector against the model's [B, 1] output broadcasts to [B, B])")
        if yb.shape != (len(xb), 1):
            raise Fail(f"batch {j} of {what} has targets of shape {list(yb.shape)}; expected [{len(xb)}, 1]")
        xs.append(xb)
        ys.append(yb)
    got_X = np.concatenate(xs) if xs else np.zeros((0, lags))
    got_y = np.concatenate(ys) if ys else np.zeros((0, 1))
    sizes = [len(x) for x in xs]
    if loader.drop_last is True and n % batch_size:
        raise Fail(f"{what} leaves out the last {n % batch_size} examples (drop_last=True): keep the last, shorter "
                   "batch")
    if len(got_X) in (n - 1, n + 1):
        raise Fail(f"{what} gives {len(got_X)} examples for T = {len(series)} values and {lags} lags; there are "
                   f"T − lags = {n}: the first target is s_{lags}, after {lags} inputs, and the last is "
                   f"s_{len(series) - 1}")
    if len(got_X) != n:
        raise Fail(f"{what} gives {len(got_X)} examples for T = {len(series)} values and {lags} lags; expected "
                   f"T − lags = {n}")
    if sizes != _sizes(n, batch_size):
        raise Fail(f"{what} gives batches of sizes {sizes}; expected {_sizes(n, batch_size)}")
    if _close(got_y, y_want) and not _close(got_X, X_want):
        if _close(got_X, _lagged(series, lags, first=1)[0]):
            raise Fail("each window ends with its own target: the inputs of example i are s_i … s_{i+lags−1}, "
                       "the values before the target s_{i+lags}")
        if _close(got_X, X_want[:, ::-1]):
            raise Fail("each window is reversed: keep the values in time order, s_i … s_{i+lags−1}")
    rows = {x.tobytes(): i for i, x in enumerate(X_want)}
    order = [rows.get(np.ascontiguousarray(x).tobytes()) for x in got_X]
    if None not in order and sorted(order) == list(range(n)) and order != list(range(n)):
        raise Fail(f"{what} gives the windows in another order: keep them in time order (no shuffling)")
    if not _close(got_X, X_want):
        raise Fail(f"the inputs of {what} are not the windows s_i … s_{{i+lags−1}} (row 0 should be the first "
                   f"{lags} values of the series)")
    if not _close(got_y, y_want):
        raise Fail(f"the targets of {what} are not the values s_{{i+lags}} that follow each window")


def _series(ctx, t: int) -> np.ndarray:
    """A fresh AR(2) series: the next value a linear function of the two before, plus noise."""
    s = list(ctx.rng.normal(size=2))
    for _ in range(t - 2):
        s.append(1.2 * s[-1] - 0.5 * s[-2] + float(ctx.rng.normal(0, 0.5)))
    return np.array(s)


@q6.test()
def lagged_windows(ctx):
    """gives the windows and their next values, in time order, in batches (the last shorter), on a fresh series"""
    lags, batch_size = int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(4, 7))
    t = lags + batch_size * int(ctx.rng.integers(3, 6)) + int(ctx.rng.integers(1, batch_size))
    _check_lagged(ctx, _series(ctx, t), lags, batch_size)


@q6.test()
def lagged_one_lag_one_batch(ctx):
    """works with one lag, and with one batch holding every example"""
    series = _series(ctx, int(ctx.rng.integers(8, 15)))
    _check_lagged(ctx, series, 1, 3)
    _check_lagged(ctx, series, 3, 64)
