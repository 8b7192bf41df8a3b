"""Comparisons that turn a student's answer into a verdict with a helpful message.

Every helper raises `Fail` with a message naming the likely mistake when it recognises one: a gradient N
times too large (a sum instead of a mean), of the wrong sign or off by the factor 2; a missing bias
gradient; a prediction of a broadcast shape; a learning rate above the stability limit 2/λ_max.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from linreg_course.grader.core import Fail


def as_array(value: Any, what: str) -> np.ndarray:
    """The answer as a float64 NumPy array (tensors are detached); `Fail` if it is not numeric."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Fail(f"{what} should be numbers (an array or a tensor), not a {type(value).__name__}") from None
    return array


def as_number(value: Any, what: str) -> float:
    """The answer as a Python float; `Fail` if it is not one number."""
    array = as_array(value, what)
    if array.size != 1:
        raise Fail(f"{what} should be a single number, but it has shape {list(array.shape)}")
    return float(array.reshape(()))


def all_close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape, every entry finite, and equal within the tolerances."""
    return got.shape == want.shape and bool(np.all(np.isfinite(got))) and np.allclose(got, want, rtol=rtol, atol=atol)


def check_shape(got: np.ndarray, want_shape: tuple[int, ...], what: str) -> None:
    """`Fail` unless `got` has the expected shape, naming the broadcast mistakes the course warns about."""
    if got.shape == tuple(want_shape):
        return
    message = f"{what} has shape {list(got.shape)}, expected {list(want_shape)}"
    if len(want_shape) >= 1 and got.ndim == 2 and got.shape[0] == got.shape[1] == want_shape[0]:
        message += (": an [N] array met an [N, 1] array and broadcast to [N, N]; make both the same shape "
                    "(e.g. `y.reshape(-1)` or `y_hat.reshape(-1, 1)`)")
    elif got.ndim == 2 and got.shape[0] == 1 and want_shape and got.shape[1] == want_shape[0]:
        message += ": predictions came out as one row [1, N]; did you multiply an [N] input by a [1, 1] weight?"
    elif got.size == int(np.prod(want_shape)):
        message += " (same numbers, wrong layout: check your reshape or transpose)"
    raise Fail(message)


def check_close(got: Any, want: Any, what: str, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """`Fail` unless `got` equals the reference `want` within the tolerances (shape first)."""
    got_a, want_a = as_array(got, what), as_array(want, "the reference")
    check_shape(got_a, want_a.shape, what)
    if not np.all(np.isfinite(got_a)):
        raise Fail(f"{what} contains NaN or infinity")
    if not all_close(got_a, want_a, rtol, atol):
        worst = float(np.max(np.abs(got_a - want_a)))
        raise Fail(f"{what} is wrong: largest difference from the reference {worst:.4g}")


def check_gradient(got: Any, want: Any, what: str, n: int | None = None, rtol: float = 1e-6,
                   atol: float = 1e-8) -> None:
    """Compare a gradient with the reference and name the classic mistakes.

    `n` is the number the mean divides by (N, or N·k); a gradient that many times too large is a sum.
    """
    got_a, want_a = as_array(got, what), as_array(want, "the reference")
    check_shape(got_a, want_a.shape, what)
    if all_close(got_a, want_a, rtol, atol):
        return
    if not np.all(np.isfinite(got_a)):
        raise Fail(f"{what} contains NaN or infinity")
    if not np.allclose(want_a, 0, atol=atol) and np.allclose(got_a, 0, atol=atol):
        raise Fail(f"{what} is zero everywhere; is the gradient missing (e.g. the bias gradient never computed)?")
    if n and all_close(got_a, n * want_a, rtol, atol):
        raise Fail(f"{what} is {n} times too large (N = {n}): did you sum the squared errors instead of "
                   "averaging them? That silently multiplies the learning rate by N.")
    if n and all_close(got_a, want_a / n, rtol, atol):
        raise Fail(f"{what} is {n} times too small: did you divide by N twice?")
    if all_close(got_a, -want_a, rtol, atol):
        raise Fail(f"{what} has the wrong sign: the residual is prediction minus target, ŷ − y "
                   "(a step along your gradient would climb the loss).")
    if all_close(got_a, want_a / 2, rtol, atol):
        raise Fail(f"{what} is half the right value: the derivative of e² is 2e, did you drop the 2?")
    if all_close(got_a, 2 * want_a, rtol, atol):
        raise Fail(f"{what} is twice the right value: is the factor 2 there twice?")
    worst = float(np.max(np.abs(got_a - want_a)))
    raise Fail(f"{what} is wrong: largest difference from the reference {worst:.4g}")


def check_number(got: Any, want: float, what: str, rtol: float = 1e-3, atol: float = 0.0) -> None:
    """`Fail` unless a numeric answer is within a relative tolerance of the reference."""
    value = as_number(got, what)
    if not math.isfinite(value):
        raise Fail(f"{what} is {value}, not a finite number")
    if not math.isclose(value, want, rel_tol=rtol, abs_tol=atol):
        raise Fail(f"{what} = {value:.6g} is not right (allowed relative error {rtol:g})")
