"""Verdicts on standardising with the training statistics, shared by exercises 09, 11 and 12.

The mistakes are the same in all three: statistics of the whole data set (the other split leaks into the
preprocessing), the sample standard deviation (`torch.std`'s default), the other split's own statistics,
one number for all the columns, statistics kept as a row [1, d] (`keepdim=True`), and a map that centres
without scaling or scales without centring. The messages name the arrays as the exercise does (`Words`).
Each exercise describes its question with a `Standardising`, which draws the tests' data and calls the
student's function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linreg_course.grader.compare import as_array, as_items, check_close, check_shape, close
from linreg_course.grader.core import Fail
from linreg_course.grader.problems import tensor


@dataclass(frozen=True)
class Words:
    """How an exercise names the two splits, their standardised versions and the population std."""

    other: str  # the other split, as in "the test rows"
    x_train: str  # "X_train"
    z_train: str  # "Z_train"
    z_other: str  # "Z_test"
    population_std: str  # the call that gives the population std, e.g. "X_train.std(dim=0, correction=0)"


def _close(got: np.ndarray, want: np.ndarray, rtol: float) -> bool:
    return close(got, want, rtol, atol=1e-10)


@dataclass(frozen=True)
class Standardising:
    """An exercise's standardising question: the function it asks for, its words, and the data its tests draw.

    The training rows [n, d] and the other rows [m, d] come from different distributions (the other ones
    shifted by 1 to 3 standard deviations and `widen` times as spread out, column by column), so that the
    statistics of the training rows, of the other rows and of both together all differ.
    """

    function: str
    words: Words
    tensors: bool  # whether the function takes tensors (or NumPy arrays)
    d: tuple[int, int] = (2, 5)  # the ranges the sizes are drawn from
    n: tuple[int, int] = (8, 25)
    m: tuple[int, int] = (4, 10)
    loc: tuple[float, float] = (-20.0, 80.0)
    scale: tuple[float, float] = (0.5, 10.0)
    widen: float = 1.7
    rtol: float = 1e-7

    def case(self, ctx: Any, d: int | None = None, m: int | None = None,
             n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fresh training and other rows (sizes drawn unless given)."""
        rng = ctx.rng
        d, m, n = (int(rng.integers(*self.d)) if d is None else d, int(rng.integers(*self.m)) if m is None else m,
                   int(rng.integers(*self.n)) if n is None else n)
        centre, spread = rng.uniform(*self.loc, d), rng.uniform(*self.scale, d)
        x_train = rng.normal(centre, spread, (n, d))
        return x_train, rng.normal(centre + rng.uniform(1, 3, d) * spread, self.widen * spread, (m, d))

    def call(self, ctx: Any, x_train: np.ndarray, x_other: np.ndarray) -> tuple[np.ndarray, ...]:
        """The student's (z_train, z_other, mu, sigma) as arrays."""
        w = self.words
        args = (tensor(x_train), tensor(x_other)) if self.tensors else (x_train, x_other)
        answer = as_items(ctx.call(self.function, *args), 4, self.function,
                          f"four things: ({w.z_train}, {w.z_other}, mu, sigma)")
        return tuple(as_array(a, name) for a, name in zip(answer, (w.z_train, w.z_other, "mu", "sigma"), strict=True))

    def check_statistics(self, ctx: Any, **sizes: int) -> None:
        """mu and sigma are the training columns' means and population stds, on fresh rows."""
        x_train, x_other = self.case(ctx, **sizes)
        _, _, mu, sigma = self.call(ctx, x_train, x_other)
        check_statistics(mu, sigma, x_train, x_other, self.words, self.rtol)

    def check_maps(self, ctx: Any, **sizes: int) -> None:
        """Both splits go through the map of the training statistics, on fresh rows."""
        x_train, x_other = self.case(ctx, **sizes)
        z_train, z_other, _, _ = self.call(ctx, x_train, x_other)
        check_mapped(z_train, z_other, x_train, x_other, self.words, self.rtol)


def statistics_mistakes(x_train: np.ndarray, x_other: np.ndarray, w: Words) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(mu, sigma, message) of the usual wrong statistics."""
    both = np.concatenate([x_train, x_other])
    return [
        (both.mean(axis=0), both.std(axis=0),
         f"mu and sigma come from the whole data set (the training and the {w.other} rows together), so the "
         f"{w.other} rows leak into the preprocessing; take mu and sigma from {w.x_train} alone"),
        (x_train.mean(axis=0), x_train.std(axis=0, ddof=1),
         f"sigma divides by n − 1 (the sample standard deviation, torch.std's default); use the population "
         f"standard deviation, {w.population_std}"),
        (both.mean(axis=0), both.std(axis=0, ddof=1),
         f"mu and sigma come from the whole data set (the training and the {w.other} rows together), and sigma "
         f"divides by n − 1; take both from {w.x_train} alone, with the population standard deviation"),
        (x_other.mean(axis=0), x_other.std(axis=0),
         f"mu and sigma come from the {w.other} rows; they must come from the training rows"),
        (x_train.mean(), x_train.std(),
         f"mu and sigma are taken over all the entries of {w.x_train} at once; each column has its own"),
    ]


def check_statistics(mu: np.ndarray, sigma: np.ndarray, x_train: np.ndarray, x_other: np.ndarray, w: Words,
                     rtol: float = 1e-7) -> None:
    """`Fail` unless mu and sigma (shape [d]) are the training columns' means and population stds."""
    d = x_train.shape[1]
    if mu.shape == (1, d) or sigma.shape == (1, d):
        raise Fail(f"mu and sigma have shape {list(mu.shape)} and {list(sigma.shape)}: keepdim=True keeps the "
                   f"reduced dimension as a row [1, {d}]; the question asks for one number per column, shape [{d}], "
                   "so reduce without keepdim")
    if d > 1 and (mu.size == 1 or sigma.size == 1):
        raise Fail(f"mu or sigma is a single number; with d = {d} columns each should have shape [{d}]: reduce over "
                   "the rows only, one mean and one std per column")
    want_mu, want_sigma = x_train.mean(axis=0), x_train.std(axis=0)
    check_shape(mu, want_mu.shape, "mu")
    check_shape(sigma, want_sigma.shape, "sigma")
    if _close(mu, want_mu, rtol) and _close(sigma, want_sigma, rtol):
        return
    for mu_wrong, sigma_wrong, message in statistics_mistakes(x_train, x_other, w):
        if _close(mu, np.broadcast_to(mu_wrong, want_mu.shape), rtol) and \
                _close(sigma, np.broadcast_to(sigma_wrong, want_mu.shape), rtol):
            raise Fail(f"mu and sigma are wrong: {message}")
    check_close(mu, want_mu, "mu", rtol=rtol)
    check_close(sigma, want_sigma, "sigma", rtol=rtol)


def check_mapped(z_train: np.ndarray, z_other: np.ndarray, x_train: np.ndarray, x_other: np.ndarray, w: Words,
                 rtol: float = 1e-7) -> None:
    """`Fail` unless both splits went through the same map, (x − mu) / sigma with the training statistics."""
    mu, sigma = x_train.mean(axis=0), x_train.std(axis=0)
    want_train, want_other = (x_train - mu) / sigma, (x_other - mu) / sigma
    check_shape(z_train, want_train.shape, w.z_train)
    check_shape(z_other, want_other.shape, w.z_other)
    if _close(z_train, want_train, rtol) and _close(z_other, want_other, rtol):
        return
    # diagnostics only: a split of one row has a zero std, and the guesses below may divide by it
    with np.errstate(divide="ignore", invalid="ignore"):
        own_other = (x_other - x_other.mean(axis=0)) / x_other.std(axis=0)
        if _close(z_train, want_train, rtol) and _close(z_other, own_other, rtol):
            raise Fail(f"{w.z_other} is standardised with the {w.other} rows' own mean and standard deviation: the "
                       f"{w.other} rows must go through the same fixed map as the training rows, with the training "
                       "mu and sigma (the model only ever learned the training scale)")
        if _close(z_other, x_other, rtol):
            raise Fail(f"{w.z_other} is the {w.other} data unchanged: standardise it too, with the training mu and "
                       "sigma")
        for mu_wrong, sigma_wrong, message in statistics_mistakes(x_train, x_other, w):
            if _close(z_other, (x_other - mu_wrong) / sigma_wrong, rtol):
                raise Fail(f"{w.z_other} is wrong: {message}")
            if _close(z_train, (x_train - mu_wrong) / sigma_wrong, rtol):
                raise Fail(f"{w.z_train} is wrong: {message}")
        if _close(z_train, x_train - mu, rtol) or _close(z_other, x_other - mu, rtol):
            raise Fail("the columns are centred but not divided by sigma")
        if _close(z_train, x_train / sigma, rtol) or _close(z_other, x_other / sigma, rtol):
            raise Fail("the columns are divided by sigma but not centred: subtract mu first")
        check_close(z_train, want_train, w.z_train, rtol=rtol)
        check_close(z_other, want_other, w.z_other, rtol=rtol)
