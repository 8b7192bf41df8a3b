"""How the tests read an answer and compare it with a reference, naming the likely mistake.

Reading follows one policy for every exercise (stated for students in book/exercises.md):

- a number may be a Python number, a NumPy number, or an array or tensor holding one number; text
  (`"1"`) and `True`/`False` are not numbers. Where a plain float is asked for (a loss, a metric, an
  entry of a history: `as_float`, `as_floats`), a tensor that still requires a gradient is refused,
  since it carries its whole computation graph with it;
- arrays and tensors are interchangeable, except where a question asks for a tensor (`as_tensor`),
  because autograd must follow it;
- a pair or a triple may be a tuple or a list (`as_items`); a choice is a letter in a string, whatever
  its case, spaces or parentheses (`as_choice`);
- comparisons run in float64; an answer that is right only to float32's precision is told so.

The comparisons (`check_*`) raise `Fail` with a message that names the classic mistakes when they
recognise one: a gradient N times too large (a sum instead of a mean), of the wrong sign or off by the
factor 2; a missing bias gradient; a shape that broadcast; float32 rounding. `first_mistake` is the one
way the tests match an answer against a list of known wrong answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from linreg_course.grader.core import Fail

#: Dtypes whose rounding error (relative 1e-7 for float32) is far above the float64 tolerances.
LOW_PRECISION = ("float16", "bfloat16", "float32")


# ---------------------------------------------------------------- reading an answer


def _is_tensor(value: Any) -> bool:
    """A torch tensor, recognised without importing torch."""
    return hasattr(value, "detach") and hasattr(value, "requires_grad") and hasattr(value, "dtype")


def _is_text(value: Any) -> bool:
    return isinstance(value, str | bytes) or (isinstance(value, np.ndarray) and value.dtype.kind in "USO")


def low_precision(value: Any) -> str | None:
    """The dtype ("float32", ...) of an answer held in a low precision, looking inside lists and tuples."""
    if isinstance(value, list | tuple):
        return next((found for v in value if (found := low_precision(v))), None)
    dtype = getattr(value, "dtype", None)
    name = str(dtype).removeprefix("torch.") if dtype is not None else ""
    return name if name in LOW_PRECISION else None


def as_array(value: Any, what: str) -> np.ndarray:
    """The answer as a float64 NumPy array (tensors are detached); `Fail` if it is not numbers."""
    if _is_text(value):
        raise Fail(f"{what} should be numbers, not text ({str(value)[:40]!r}): return the number itself, not a "
                   "string")
    if isinstance(value, bool | np.bool_):
        raise Fail(f"{what} should be numbers, not {value}")
    if value is None:
        raise Fail(f"{what} should be numbers, not None (a `return` missing?)")
    if _is_tensor(value):
        value = value.detach().cpu().numpy() if str(value.dtype) != "torch.bfloat16" else value.detach().float().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise Fail(f"{what} should be numbers (an array or a tensor), not a {type(value).__name__}") from None
    return array


def as_number(value: Any, what: str) -> float:
    """The answer as a Python float; `Fail` if it is not exactly one number."""
    array = as_array(value, what)
    if array.size != 1:
        raise Fail(f"{what} should be a single number, but it has shape {list(array.shape)}")
    return float(array.reshape(()))


def _no_graph(value: Any, what: str, hint: str) -> None:
    if _is_tensor(value) and value.requires_grad:
        raise Fail(f"{what} is a tensor that still requires a gradient: it carries its whole computation graph "
                   f"(and the memory of it) along, where a plain number is asked for; {hint}")


def as_float(value: Any, what: str, hint: str = "take .item()") -> float:
    """A plain number (a loss, a metric): any numeric form, but not a tensor still attached to a graph."""
    _no_graph(value, what, hint)
    return as_number(value, what)


def as_floats(value: Any, what: str, n: int | None = None, hint: str = "append loss.item()") -> np.ndarray:
    """A list (or tuple, or 1-D array or tensor) of plain numbers, `n` of them if given."""
    _no_graph(value, what, hint)
    if isinstance(value, list | tuple):
        for item in value:
            _no_graph(item, f"each entry of {what}", hint)
        got = np.array([as_number(v, f"each entry of {what}") for v in value], dtype=np.float64)
    elif isinstance(value, np.ndarray) or _is_tensor(value):
        got = as_array(value, what)
        if got.ndim != 1:
            raise Fail(f"{what} should be a flat list of numbers, but it has shape {list(got.shape)}")
    else:
        raise Fail(f"{what} should be a list of numbers, not a {type(value).__name__}")
    if n is not None and got.shape != (n,):
        raise Fail(f"{what} should hold {n} numbers (one per step), but it holds {got.size}")
    return got


def as_items(value: Any, n: int, what: str, names: str) -> tuple:
    """The parts of a returned pair or triple: a tuple or a list (an array or tensor is split along its first
    dimension, so a pair of numbers may be an array of two)."""
    if (isinstance(value, np.ndarray) or _is_tensor(value)) and value.ndim >= 1 and value.shape[0] == n:
        value = tuple(value)
    if not isinstance(value, tuple | list) or len(value) != n:
        kind = f"a {type(value).__name__}" + (f" of {len(value)}" if isinstance(value, tuple | list) else "")
        raise Fail(f"{what} should return {names}, not {kind}")
    return tuple(value)


def as_tensor(value: Any, what: str, why: str = "stay in PyTorch (no NumPy, no .item()) so that autograd can "
                                                 "follow the computation") -> np.ndarray:
    """The answer as an array; `Fail` unless it is a torch tensor (where the question asks for one)."""
    if not _is_tensor(value):
        raise Fail(f"{what} should be a torch tensor, not a {type(value).__name__}: {why}")
    return as_array(value, what)


def check_precision(value: Any, what: str) -> None:
    """`Fail` if an answer computed from float64 inputs comes back in a lower precision (float32, ...)."""
    dtype = low_precision(value)
    if dtype:
        raise Fail(f"{what} is {dtype}, whose rounding error (about 1e-7 relative for float32) is far above the "
                   "tolerance; the inputs are float64: keep them float64 (no .float(), and dtype=torch.float64 or "
                   "dtype=X.dtype for new tensors, whose default is float32)")


def as_choice(value: Any, name: str, options: Iterable[str]) -> str:
    """A multiple-choice answer: one of the letters `options`, in a string; case, spaces and () ignored."""
    letters = list(options)
    letter = value.strip().strip("().").strip().lower() if isinstance(value, str) else None
    if letter not in letters:
        shown = ", ".join(f'"{option}"' for option in letters)
        raise Fail(f"{name} should be one of the strings {shown}, not {value!r}")
    return letter


# ---------------------------------------------------------------- comparing


def close(got: Any, want: Any, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    """Same shape, every entry finite, and equal within the tolerances (both read as float64 arrays)."""
    got_a, want_a = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return (got_a.shape == want_a.shape and bool(np.all(np.isfinite(got_a)))
            and np.allclose(got_a, want_a, rtol=rtol, atol=atol))


def first_mistake(got: Any, mistakes: Iterable[tuple[Any, str]], match: Callable[[Any, Any], bool] = close,
                  right: Any = None) -> str | None:
    """The message of the first known mistake whose value `got` matches, or None.

    `mistakes` lists (what that mistake returns, its message), the likeliest first: a test names one
    mistake, never several at once; where two mistakes give the same value, its data must tell them apart.
    With `right`, the reference answer, a mistake that happens to give the right value on the test's data
    is passed over (a right answer is never called a mistake).
    """
    for value, message in mistakes:
        if match(got, value) and (right is None or not match(right, value)):
            return message
    return None


def check_shape(got: np.ndarray, want_shape: tuple[int, ...], what: str) -> None:
    """`Fail` unless `got` has the expected shape, naming the broadcast mistakes the course warns about."""
    want_shape = tuple(want_shape)
    if got.shape == want_shape:
        return
    message = f"{what} has shape {list(got.shape)}, expected {list(want_shape)}"
    n = want_shape[0] if want_shape else 0
    if n > 1 and len(want_shape) <= 2 and want_shape[1:] in ((), (1,)) and got.shape == (n, n):
        message += (": an [N] array met an [N, 1] array and broadcast to [N, N]; make both the same shape "
                    "(e.g. `y.reshape(-1)` or `y_hat.reshape(-1, 1)`)")
    elif n > 1 and want_shape == (n, 1) and got.shape == (1, n):
        message += ": it came out as one row [1, N]; did you multiply an [N] input by a [1, 1] weight?"
    elif got.size == math.prod(want_shape) and [s for s in got.shape if s != 1] == [s for s in want_shape if s != 1]:
        message += (" (the right numbers with a dimension of size 1 too many or too few: keepdim=True, [:, None] "
                    "or a reshape?)")
    elif got.size == math.prod(want_shape):
        message += " (the same number of entries in another layout: check your reshape or transpose)"
    raise Fail(message)


def _relative_error(got: np.ndarray, want: np.ndarray) -> float:
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    return float(np.max(np.abs(got - want))) / scale if scale > 0 else math.inf


def _precision_note(value: Any, got: np.ndarray, want: np.ndarray, rtol: float) -> str:
    """Why an answer close to the reference but outside a tight tolerance fails: float32, if it looks like it."""
    if rtol >= 1e-5 or got.shape != want.shape or not np.all(np.isfinite(got)):
        return ""
    error = _relative_error(got, want)
    if not error < 1e-4:
        return ""
    dtype = low_precision(value)
    if dtype:
        return (f": it is {dtype}, whose rounding error (about 1e-7 relative) is far above the tolerance; keep the "
                "inputs' float64 (no float32 conversion, and dtype=torch.float64 for new tensors)")
    if error < 1e-5:
        return (f": it is off by a relative {error:.1g}, the size of float32's rounding error; was it computed in "
                "float32? Keep the inputs' float64")
    return ""


def check_close(got: Any, want: Any, what: str, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """`Fail` unless `got` equals the reference `want` within the tolerances (shape first)."""
    got_a, want_a = as_array(got, what), as_array(want, "the reference")
    check_shape(got_a, want_a.shape, what)
    if not np.all(np.isfinite(got_a)):
        raise Fail(f"{what} contains NaN or infinity")
    if not close(got_a, want_a, rtol, atol):
        worst = float(np.max(np.abs(got_a - want_a)))
        note = _precision_note(got, got_a, want_a, rtol)
        raise Fail(f"{what} is wrong: largest difference from the reference {worst:.4g}{note}")


def check_gradient(got: Any, want: Any, what: str, n: int | None = None, rtol: float = 1e-6,
                   atol: float = 1e-8) -> None:
    """Compare a gradient with the reference and name the classic mistakes.

    `n` is the number the mean divides by (N, or N·k); a gradient that many times too large is a sum.
    """
    got_a, want_a = as_array(got, what), as_array(want, "the reference")
    check_shape(got_a, want_a.shape, what)
    if close(got_a, want_a, rtol, atol):
        return
    if not np.all(np.isfinite(got_a)):
        raise Fail(f"{what} contains NaN or infinity")
    if not np.allclose(want_a, 0, atol=atol) and np.allclose(got_a, 0, atol=atol):
        raise Fail(f"{what} is zero everywhere; is the gradient missing (e.g. the bias gradient never computed)?")
    mistakes = []
    if n:
        mistakes += [(n * want_a, f"{what} is {n} times too large (N = {n}): did you sum the squared errors instead "
                                  "of averaging them? That silently multiplies the learning rate by N."),
                     (want_a / n, f"{what} is {n} times too small: did you divide by N twice?")]
    mistakes += [(-want_a, f"{what} has the wrong sign: the residual is prediction minus target, ŷ − y (a step "
                           "along your gradient would climb the loss)."),
                 (want_a / 2, f"{what} is half the right value: the derivative of e² is 2e, did you drop the 2?"),
                 (2 * want_a, f"{what} is twice the right value: is the factor 2 there twice?")]
    message = first_mistake(got_a, mistakes, lambda g, w: close(g, w, rtol, atol))
    if message:
        raise Fail(message)
    worst = float(np.max(np.abs(got_a - want_a)))
    raise Fail(f"{what} is wrong: largest difference from the reference {worst:.4g}"
               + _precision_note(got, got_a, want_a, rtol))


def check_number(got: Any, want: float, what: str, rtol: float = 1e-3, atol: float = 0.0) -> None:
    """`Fail` unless a numeric answer is within a relative tolerance of the reference."""
    value = as_number(got, what)
    if not math.isfinite(value):
        raise Fail(f"{what} is {value}, not a finite number")
    if not math.isclose(value, want, rel_tol=rtol, abs_tol=atol):
        note = _precision_note(got, np.array(value), np.array(float(want)), rtol)
        raise Fail(f"{what} = {value:.6g} is not right (allowed relative error {rtol:g}){note}")
