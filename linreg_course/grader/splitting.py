"""Verdicts on a seeded split of row indices into a training set and another one, shared by exercises 10
(training and validation) and 11 (training and test).

The convention of both chapters: one permutation `torch.randperm(n, generator=torch.Generator().manual_seed(seed))`,
its first `n_train` indices for training and the rest for the other set. The mistakes named: the two sets
swapped or of the wrong size, rows in both sets or missing, no shuffle, a split that ignores the seed or
draws from the global generator, and the wrong end of the permutation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from linreg_course.grader.compare import as_array, as_items
from linreg_course.grader.core import Fail

Split = tuple[list[int], list[int]]


def as_indices(answer: Any, function: str, names: tuple[str, str]) -> Split:
    """The student's pair of index tensors as two lists of ints; `Fail` if it is not a pair of 1-D integer arrays."""
    parts = []
    for part, what in zip(as_items(answer, 2, function, f"a pair ({names[0]}, {names[1]})"), names, strict=True):
        array = as_array(part, what)
        if array.ndim != 1:
            raise Fail(f"{what} has shape {list(array.shape)}; it should be a 1-D tensor of row indices")
        if not np.all(array == np.round(array)):
            raise Fail(f"{what} holds non-integer numbers; it should hold row indices (torch.randperm gives them)")
        parts.append([int(i) for i in array])
    return parts[0], parts[1]


def reference_split(n: int, n_train: int, seed: int) -> Split:
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    return perm[:n_train], perm[n_train:]


def check_partition(split: Split, n: int, n_train: int, names: tuple[str, str], other: str, sizes: str,
                    size_hint: Callable[[int, int], str] = lambda n_got, m_got: "") -> None:
    """Every row exactly once, n_train of them for training. `sizes` names the arguments for the messages."""
    train, rest = split
    if len(train) == n - n_train and len(rest) == n_train and n_train != n - n_train:
        raise Fail(f"{names[0]} has {len(train)} rows and {names[1]} {len(rest)} {sizes}: the two are swapped; the "
                   "first n_train shuffled indices are the training rows")
    if len(train) != n_train or len(rest) != n - n_train:
        raise Fail(f"{names[0]} has {len(train)} rows and {names[1]} {len(rest)}; expected {n_train} and "
                   f"{n - n_train} {sizes}" + size_hint(len(train), len(rest)))
    both = train + rest
    if len(set(both)) < n:
        if set(train) & set(rest):
            raise Fail(f"rows {sorted(set(train) & set(rest))[:5]} are in both sets: a {other} row must never be "
                       "trained on; cut one permutation in two")
        raise Fail("some rows appear twice and others never: draw the indices without replacement, as one "
                   "permutation (torch.randperm)")
    if sorted(both) != list(range(n)):
        raise Fail(f"the indices should be the rows 0 to {n - 1}, each once")


def check_shuffled_and_seeded(split_with_seed: Callable[[int], Split], seed: int, why_shuffle: str) -> None:
    """The rows are shuffled, the same seed gives the same split and the next seed another one."""
    train, rest = split_with_seed(seed)
    if sorted(train) == list(range(len(train))):
        raise Fail(f"the training rows are the first rows of the data: shuffle first ({why_shuffle})")
    again = split_with_seed(seed)
    if (sorted(again[0]), sorted(again[1])) != (sorted(train), sorted(rest)):
        raise Fail(f"two calls with seed {seed} gave different splits: the split is not reproducible; draw the "
                   "permutation from torch.Generator().manual_seed(seed), not from the global generator")
    if sorted(split_with_seed(seed + 1)[0]) == sorted(train):
        raise Fail(f"seeds {seed} and {seed + 1} give the same split: the argument `seed` is not used")


def check_reference(split: Split, n: int, n_train: int, seed: int, cut: str) -> None:
    """The split is the chapter's: one seeded permutation, its first n_train indices for training."""
    train, rest = split
    want_train, want_rest = reference_split(n, n_train, seed)
    if sorted(train) == sorted(want_train) and sorted(rest) == sorted(want_rest):
        return
    perm = want_train + want_rest
    if len(train) == n_train and sorted(train) == sorted(perm[n - n_train:]):
        raise Fail("the training rows are the last n_train indices of the permutation; the chapter's convention "
                   "gives the first n_train to training (perm[:n_train])")
    raise Fail("the split differs from torch.randperm(n, generator=torch.Generator().manual_seed(seed)) cut after "
               f"{cut}: use exactly that generator and that cut")
