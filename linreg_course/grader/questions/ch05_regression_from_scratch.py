"""Public tests of exercise 05, linear regression from scratch: the model as tensors, the shape-checked
loss, the five-step loop, a complete fit, the silent broadcast shapes, the broken training's limit, and
ridge regression by gradient descent against its closed form.

The references are written in NumPy with the gradients of chapter 2, independently of autograd. The
tensors handed to the student's functions are float64 and built from `ctx.rng`.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from linreg_course.grader.compare import (
    as_array,
    as_floats,
    as_items,
    as_number,
    as_tensor,
    check_close,
    check_precision,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.observers import Observe
from linreg_course.grader.problems import (
    descent,
    eigenvalues,
    hessian,
    lam_max,
    linear_data,
    ridge_solution,
    tensor,
    with_ones,
)

NB = "05_regression_from_scratch"

q1 = question(NB, "q1", "the model as tensors")
q2 = question(NB, "q2", "a loss that checks shapes")
q3 = question(NB, "q3", "the training loop")
q4 = question(NB, "q4", "a complete fit")
q5 = question(NB, "q5", "shapes that raise no error")
q6 = question(NB, "q6", "where the broken training ends", level="stretch")
q7 = question(NB, "q7", "ridge regression by gradient descent", level="stretch")


# ---------------------------------------------------------------- shared helpers

#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------- q1: predict


def _predict_case(ctx, square: bool):
    n = int(ctx.rng.integers(4, 12))
    d = int(ctx.rng.integers(2, 5))
    k = d if square else d + int(ctx.rng.integers(1, 3))
    return ctx.rng.normal(size=(n, d)), ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k)


def _check_predict(ctx, X, W, b, what: str) -> None:
    try:
        answer = ctx.call("predict", tensor(X), tensor(W, True), tensor(b, True))
    except StudentError as error:
        if "cannot be multiplied" in str(error) or "mat1 and mat2" in str(error):
            raise Fail(f"predict raised {error}: W has shape [k, d], so the product is X @ W.T") from None
        if "must match the size" in str(error):
            raise Fail(f"predict raised {error}: X @ W.T has shape [N, k] and b shape [k]; add b as it is, "
                       "broadcasting puts it on every row") from None
        raise
    got = as_tensor(answer, what)
    if answer.dtype != torch.float64:
        raise Fail(f"{what} has dtype {answer.dtype}; keep the inputs' float64 (no torch.tensor(..., float32))")
    want = X @ W.T + b
    if got.shape == want.T.shape != want.shape and _close(got, want.T):
        raise Fail(f"{what} has shape {list(got.shape)}, the transpose of [N, k] = {list(want.shape)}: one row per "
                   "example, so compute X @ W.T (not W @ X.T)")
    check_shape(got, want.shape, what)
    if W.shape[0] == W.shape[1] and not np.allclose(W, W.T) and _close(got, X @ W + b):
        raise Fail(f"{what} equals X @ W + b: W has shape [k, d] (one row per output), so use X @ W.T")
    if _close(got, X @ W.T):
        raise Fail(f"{what} leaves out the bias b: add it, broadcasting puts it on every row")
    check_close(got, want, what, rtol=1e-9)
    if not answer.requires_grad:
        raise Fail(f"{what} has the right values but does not require a gradient, although W and b do: the "
                   "computation left PyTorch (NumPy, .detach(), .item() or a new torch.tensor(...)), so autograd "
                   "cannot follow it back to W and b; compute X @ W.T + b on the tensors themselves")


@q1.test()
def predict_values(ctx):
    """returns X @ W.T + b, a float64 tensor of shape [N, k], on fresh data"""
    X, W, b = _predict_case(ctx, square=False)
    _check_predict(ctx, X, W, b, "predict(X, W, b)")


@q1.test()
def predict_square(ctx):
    """uses W.T, not W, when k = d (where X @ W would run without an error)"""
    X, W, b = _predict_case(ctx, square=True)
    _check_predict(ctx, X, W, b, "predict with k = d")


@q1.test()
def predict_column(ctx):
    """gives a column [N, 1] for one input and one output (W of shape [1, 1])"""
    n = int(ctx.rng.integers(5, 15))
    _check_predict(ctx, ctx.rng.normal(size=(n, 1)), ctx.rng.normal(size=(1, 1)), ctx.rng.normal(size=1),
                   "predict with d = k = 1")


# ---------------------------------------------------------------- q2: mse_checked


def _expect_value_error(ctx, y_hat: np.ndarray, y: np.ndarray, broadcast: str) -> None:
    """`Fail` unless mse_checked raises ValueError; say whether it broadcast or reshaped the inputs."""
    try:
        got = ctx.call("mse_checked", tensor(y_hat), tensor(y))
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"mse_checked should raise ValueError on shapes {list(y_hat.shape)} and {list(y.shape)}; "
                   f"it raised {error}") from None
    value = as_array(got, "mse_checked")
    shown = f"{float(value.reshape(-1)[0]):.4g}" if value.size == 1 else f"shape {list(value.shape)}"
    if value.size == 1 and np.isclose(float(value.reshape(())), np.mean((y_hat.reshape(-1) - y.reshape(-1)) ** 2)) \
            and not np.isclose(float(value.reshape(())), np.mean((y_hat - y) ** 2)):
        raise Fail(f"mse_checked accepted shapes {list(y_hat.shape)} and {list(y.shape)} by reshaping one of them: "
                   "a mismatch is a bug elsewhere, so raise ValueError instead of repairing it")
    raise Fail(f"mse_checked accepted shapes {list(y_hat.shape)} and {list(y.shape)} and returned {shown}: "
               f"the difference broadcasts to {broadcast}; compare the shapes first and raise ValueError")


@q2.test()
def mse_value(ctx):
    """returns the mean over all N·k entries as a 0-dimensional tensor"""
    n, k = int(ctx.rng.integers(4, 15)), int(ctx.rng.integers(2, 4))
    _check_mse(ctx, ctx.rng.normal(3, 2, (n, k)), ctx.rng.normal(3, 2, (n, k)), "mse_checked(y_hat, y)")


def _check_mse(ctx, y_hat: np.ndarray, y: np.ndarray, what: str) -> None:
    """mse_checked on two arrays of the same shape: a 0-dimensional tensor holding their mean squared error."""
    got = as_tensor(ctx.call("mse_checked", tensor(y_hat), tensor(y)), what)
    if got.shape != ():
        raise Fail(f"{what} returned a tensor of shape {list(got.shape)}; reduce it with .mean() to a "
                   "0-dimensional tensor")
    want = float(np.mean((y_hat - y) ** 2))
    entries, k = y.size, (y.shape[1] if y.ndim == 2 else 1)
    mistake = first_mistake(float(got), [
        (entries * want, f"{what} is {entries} times too large (N·k = {entries}): the sum, not the mean, of the "
                         "squares"),
        (k * want, f"{what} is {k} times too large: divide by N·k, the number of entries, not by N"),
        (np.sqrt(want), f"{what} is the root of the mean squared error; drop the square root"),
    ], match=np.isclose, right=want)
    if mistake:
        raise Fail(mistake)
    if not np.isclose(float(got), want, rtol=1e-9):
        raise Fail(f"{what} = {float(got):.6g} is wrong (expected {want:.6g})")


@q2.test()
def mse_refuses_vector_column(ctx):
    """raises ValueError for predictions [N] against targets [N, 1]"""
    n = int(ctx.rng.integers(5, 15))
    _expect_value_error(ctx, ctx.rng.normal(size=n), ctx.rng.normal(size=(n, 1)), f"[{n}, {n}]")


@q2.test()
def mse_refuses_row(ctx):
    """raises ValueError for a row [1, N] against [N, 1] and against [N]"""
    n = int(ctx.rng.integers(5, 15))
    row = ctx.rng.normal(size=(1, n))
    _expect_value_error(ctx, row, ctx.rng.normal(size=(n, 1)), f"[{n}, {n}]")
    _expect_value_error(ctx, row, ctx.rng.normal(size=n), f"[1, {n}] (right by luck, wrong the next time)")


# ---------------------------------------------------------------- q3: train


def _call_train(ctx, X, Y, W, b, lr, steps) -> tuple[np.ndarray, tuple]:
    """The losses train returns, and its arguments as the call left them (W and b must change in place)."""
    try:
        seen = ctx.observe(Observe(arguments=True), "train", tensor(X), tensor(Y), tensor(W, True), tensor(b, True),
                           lr, steps)
    except StudentError as error:
        text = str(error)
        if "leaf Variable" in text or "in-place operation" in text:
            raise Fail(f"train raised {error}: do the update inside `with torch.no_grad():`") from None
        if "does not require grad" in text:
            raise Fail(f"train raised {error}: `W = W - lr * W.grad` under no_grad makes a new tensor that autograd "
                       "does not track; update in place (`W -= lr * W.grad`)") from None
        if "NoneType" in text:
            raise Fail(f"train raised {error}: after `W = W - lr * W.grad` W is a new tensor whose .grad is "
                       "None; update in place (`W -= lr * W.grad`) inside torch.no_grad()") from None
        raise
    return as_floats(seen.result, "the losses train returned", steps), seen.arguments


def _check_in_place(arguments: tuple, X, Y, W, b, lr, steps) -> None:
    """`Fail` unless the W and b handed to train hold the trained values after the call (updated in place)."""
    _, W_ref, b_ref = descent(X, Y, W, b, lr, steps)
    W_after, b_after = (as_array(arguments[i], name) for i, name in ((2, "W"), (3, "b")))
    if _close(W_after, W_ref) and _close(b_after, b_ref):
        if not (arguments[2].requires_grad and arguments[3].requires_grad):
            raise Fail("after train, W or b no longer requires a gradient: keep them leaves, updated in place under "
                       "torch.no_grad()")
        return
    if _close(W_after, W) and _close(b_after, b):
        raise Fail("train returns the right losses, but the W and b it was given are unchanged: `W = W - lr * W.grad` "
                   "makes a new tensor and only rebinds the name W inside train, so the caller's tensors never move; "
                   "update them in place, `W -= lr * W.grad` (and b), inside torch.no_grad()")
    raise Fail("train returns the right losses, but W and b after the call are not the trained values: update the "
               "tensors you are given in place, W -= lr * W.grad and b -= lr * b.grad")


def _diagnose_train(got: np.ndarray, X, Y, W, b, lr, steps) -> None:
    """Compare with the reference loop; name the mistake whose loop the losses match."""
    n, k = Y.shape
    want, *_ = descent(X, Y, W, b, lr, steps)
    if _close(got, want):
        return
    if not np.all(np.isfinite(got)):
        raise Fail("the losses become NaN or infinite: the steps are far too large (is the loss a sum?)")
    mistakes = [
        ({"zero": False}, "the gradients are not zeroed after each step: backward() adds into .grad, so "
                          "every step uses the sum of all gradients so far"),
        ({"grad_scale": n * k, "loss_scale": n * k}, f"the loss is the sum of the squares, N·k = {n * k} "
                                                       "times the mean: the steps are that much too large"),
        ({"grad_scale": k, "loss_scale": k}, f"the loss is {k} times the mean: divide by N·k, not by N"),
        ({"sign": -1.0}, "the update has the wrong sign: step against the gradient, W -= lr * W.grad"),
        ({"update_b": False}, "b is never updated: subtract lr * b.grad from b too"),
    ]
    message = first_mistake(got, [(descent(X, Y, W, b, lr, steps, **keywords)[0], message)
                                  for keywords, message in mistakes], match=_close)
    if message:
        raise Fail(message)
    if _close(got[:-1], want[1:]):
        raise Fail("each loss is the one after the update: record the loss computed before backward()")
    if np.isclose(got[0], want[0], rtol=1e-7):
        raise Fail(f"the first loss is right but later ones differ (step 1: {got[1]:.6g}, expected "
                   f"{want[1]:.6g}): check the update")
    raise Fail(f"the losses differ from the reference loop (first: {got[0]:.6g}, expected {want[0]:.6g})")


def _train_case(ctx, k: int):
    n, d = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(2, 4))
    X, Y = linear_data(ctx.rng, n, d, k)
    W, b = ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k)
    return X, Y, W, b, 0.5 / lam_max(X, k)


def _check_train(ctx, X, Y, W, b, lr, steps) -> None:
    """The losses step by step, then W and b updated in place."""
    got, arguments = _call_train(ctx, X, Y, W, b, lr, steps)
    _diagnose_train(got, X, Y, W, b, lr, steps)
    _check_in_place(arguments, X, Y, W, b, lr, steps)


@q3.test()
def train_matches_reference(ctx):
    """gives the losses of the reference loop, step by step, and leaves W and b trained, on fresh data"""
    _check_train(ctx, *_train_case(ctx, 2), 8)


@q3.test()
def train_zeroes_gradients(ctx):
    """zeroes the gradients between steps (one output, three steps)"""
    _check_train(ctx, *_train_case(ctx, 1), 3)


@q3.test()
def train_decreases_loss(ctx):
    """lowers the loss at every step for a learning rate below 2/λ_max"""
    X, Y, W, b, _ = _train_case(ctx, 2)
    lr = 1.5 / lam_max(X, 2)
    got, arguments = _call_train(ctx, X, Y, W, b, lr, 30)
    if np.all(np.isfinite(got)) and np.all(np.diff(got) < 0):
        _diagnose_train(got, X, Y, W, b, lr, 30)
        _check_in_place(arguments, X, Y, W, b, lr, 30)
        return
    try:
        _diagnose_train(got, X, Y, W, b, lr, 30)
    except Fail as why:
        raise Fail(f"the loss rises at lr = 1.5/λ_max, below the stability limit 2/λ_max: {why}") from None
    raise Fail("the loss rises at lr = 1.5/λ_max, below the stability limit 2/λ_max")


# ---------------------------------------------------------------- q4: fit


def _call_fit(ctx, X, Y, steps) -> tuple[np.ndarray, np.ndarray]:
    answer = as_items(ctx.call("fit", tensor(X), tensor(Y), steps), 2, "fit", "a pair (W, b)")
    W, b = as_tensor(answer[0], "W"), as_tensor(answer[1], "b")
    check_precision(answer[0], "W")
    check_precision(answer[1], "b")
    k, d = Y.shape[1], X.shape[1]
    if W.shape == (d, k) and (d, k) != (k, d):
        raise Fail(f"W has shape {list(W.shape)}; the course stores W as [k, d] = {[k, d]} (one row per output)")
    check_shape(W, (k, d), "W")
    check_shape(b, (k,), "b")
    return W, b


def _diagnose_fit(X, Y, steps, W, b) -> None:
    k = Y.shape[1]
    d = X.shape[1]
    zeros_W, zeros_b = np.zeros((k, d)), np.zeros(k)
    lam = lam_max(X, k)
    _, W_ref, b_ref = descent(X, Y, zeros_W, zeros_b, 1 / lam, steps)
    if _close(W, W_ref) and _close(b, b_ref):
        return
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise Fail("W or b contains NaN or infinity: training diverged, so the learning rate is above 2/λ_max "
                   "(eigvalsh sorts eigenvalues in ascending order: λ_max is the last one)")
    wrong_rates = [
        (1 / lam_max(X, 1), f"the learning rate is {k} times too small: the Hessian of the mean over all N·k "
                            "entries is 2/(N·k) X̃ᵀX̃, not 2/N X̃ᵀX̃"),
        (1 / eigenvalues(X, k)[0], "the learning rate is 1/λ_min, far above the stability limit 2/λ_max: "
                                   "eigvalsh sorts the eigenvalues in ascending order, so λ_max is the last one"),
        (1 / lam_max(X, k, bias=False), "the learning rate comes from X alone: λ_max is an eigenvalue of the "
                                        "Hessian of X̃ = [X 1], with the column of ones for the bias"),
        (2 / lam, "the learning rate is 2/λ_max, the stability limit itself, where the loop oscillates (is the "
                  "factor 2 of the Hessian missing?); use 1/λ_max"),
    ]
    if np.max(np.abs(W)) > 1e3 * (1 + np.max(np.abs(W_ref))):
        raise Fail("W has grown huge: training diverged, so the learning rate is above 2/λ_max (eigvalsh sorts "
                   "eigenvalues in ascending order: λ_max is the last one)")

    def same(got, run) -> bool:
        return _close(got[0], run[1]) and _close(got[1], run[2])

    one_short = f"W and b are those after {steps - 1} steps, not {steps}: one step is missing"
    message = first_mistake((W, b), [
        *[(descent(X, Y, zeros_W, zeros_b, lr, steps), why) for lr, why in wrong_rates],
        *[(descent(X, Y, zeros_W, zeros_b, lr, steps - 1), one_short)
          for lr in [1 / lam, *(rate for rate, _ in wrong_rates)]],
        (descent(X, Y, zeros_W, zeros_b, 1 / lam, steps, zero=False),
         "the gradients are not zeroed after each step: backward() adds into .grad"),
    ], match=same)
    if message:
        raise Fail(message)
    if _close(W, W_ref) and not _close(b, b_ref):
        raise Fail(f"W is right but b is not (largest difference {np.max(np.abs(b - b_ref)):.4g}): check b's "
                   "start (zeros) and its update")
    raise Fail(f"W and b differ from {steps} steps of gradient descent from zeros at lr = 1/λ_max (largest "
               f"difference {max(np.max(np.abs(W - W_ref)), np.max(np.abs(b - b_ref))):.4g}); check the start "
               "(zeros), the learning rate and the loop")


@q4.test()
def fit_matches_reference(ctx):
    """matches gradient descent from zeros at lr = 1/λ_max after a few steps, on fresh data"""
    n, d, k, steps = int(ctx.rng.integers(10, 25)), int(ctx.rng.integers(2, 4)), 2, 25
    X, Y = linear_data(ctx.rng, n, d, k)
    W, b = _call_fit(ctx, X, Y, steps)
    _diagnose_fit(X, Y, steps, W, b)


@q4.test()
def fit_reaches_lstsq(ctx):
    """reaches the least-squares optimum on well-conditioned fresh data"""
    n, d, k = int(ctx.rng.integers(40, 80)), int(ctx.rng.integers(1, 4)), int(ctx.rng.integers(1, 3))
    X, Y = linear_data(ctx.rng, n, d, k)
    X = X - X.mean(axis=0)  # centred inputs: κ is small and 600 steps are plenty
    theta, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(n)]), Y, rcond=None)
    W, b = _call_fit(ctx, X, Y, 600)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise Fail("W or b contains NaN or infinity: training diverged, so the learning rate is above 2/λ_max "
                   "(eigvalsh sorts eigenvalues in ascending order: λ_max is the last one)")
    if not (_close(W, theta[:-1].T, rtol=1e-6, atol=1e-8) and _close(b, theta[-1], rtol=1e-6, atol=1e-8)):
        _diagnose_fit(X, Y, 600, W, b)
        raise Fail("W and b are not the least-squares optimum after 600 steps")


# ---------------------------------------------------------------- q5: shapes


def _shape(name: str, value) -> tuple[int, ...]:
    if isinstance(value, torch.Size):
        return tuple(value)
    if not isinstance(value, (tuple, list)) or not all(isinstance(v, (int, np.integer)) for v in value):
        raise Fail(f"{name} should be a tuple of ints such as (30, 1), not {value!r}")
    return tuple(int(v) for v in value)


def _check_shape_answer(ctx, name: str, want: tuple[int, int]) -> None:
    got = _shape(name, ctx.value(name))
    if got == want:
        return
    hints = {
        (30,): "a [30] vector times a [1, 1] weight is not a vector: broadcasting first reads [30] as [1, 30]",
        (30, 1): "that is the shape the model should have; broadcasting reads the vector [30] as a row [1, 30]",
        (1, 30): "the row [1, 30] meets the column [30, 1]: both are stretched, to every pair (i, j)",
    }
    raise Fail(f"{name} = {got} is not right. " + hints.get(got, "Line the shapes up from the right; a missing "
                                                             "dimension counts as 1, and 1 stretches to fit."))


@q5.test()
def shape_of_predictions(ctx):
    """the shape of x * W + b for x of shape [30] and W of shape [1, 1]"""
    _check_shape_answer(ctx, "shape_pred", (1, 30))


@q5.test()
def shape_of_residuals(ctx):
    """the shapes of the residuals against a vector and against a column"""
    _check_shape_answer(ctx, "shape_vs_vector", (1, 30))
    _check_shape_answer(ctx, "shape_vs_column", (30, 30))


# ---------------------------------------------------------------- q6: broken_limit


def _call_broken(ctx, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    answer = as_items(ctx.call("broken_limit", tensor(x), tensor(y)), 3, "broken_limit", "a tuple (w, b, loss)")
    w, b, loss = (as_number(v, name) for v, name in zip(answer, ("w", "b", "loss"), strict=True))
    return w, b, loss


def _broken_case(ctx, n: int):
    x = ctx.rng.uniform(0, 15, n)
    y = float(ctx.rng.uniform(0.5, 3)) * x + float(ctx.rng.normal(30, 10)) + ctx.rng.normal(0, 2, n)
    return x, y


def _check_broken_params(x: np.ndarray, y: np.ndarray, w: float, b: float) -> None:
    slope, intercept = np.polyfit(x, y, 1)
    if np.isclose(w, slope) and np.isclose(b, intercept):
        raise Fail("that is the least-squares line, which the right shapes train to; the [N, N] loss pairs every "
                   "prediction with every target and rewards another line")
    if not np.isclose(w, 0.0, atol=1e-9):
        raise Fail(f"w = {w:.6g}: the broken loss is smallest when every prediction equals one number, so the "
                   "slope goes to 0")
    lower_median = np.sort(y)[(len(y) - 1) // 2]  # torch.median's choice for an even N
    if (np.isclose(b, np.median(y)) or np.isclose(b, lower_median)) and not np.isclose(b, np.mean(y)):
        raise Fail("b is the median of y; the squared error of a constant is smallest at another statistic")
    if not np.isclose(b, np.mean(y), rtol=1e-9):
        raise Fail(f"b = {b:.6g} is not right: which constant c minimises the mean of (c - y_j)²?")


def _check_broken_loss(x: np.ndarray, y: np.ndarray, loss: float) -> None:
    var = float(np.var(y))
    slope, intercept = np.polyfit(x, y, 1)
    if np.isclose(loss, np.mean((slope * x + intercept - y) ** 2)):
        raise Fail("loss is the MSE of the least-squares line, what the right shapes train to; the [N, N] loss "
                   "ends higher")
    if np.isclose(loss, np.var(y, ddof=1)):
        raise Fail("loss is the unbiased variance (divided by N - 1, torch.var's default); the broken loss is a "
                   "mean over N², which leaves a division by N (unbiased=False or correction=0)")
    if np.isclose(loss, np.sqrt(var)):
        raise Fail("loss is the standard deviation of y; the loss is in squared units")
    if np.isclose(loss, 0.0, atol=1e-9):
        raise Fail("loss = 0: the flat line does not go through the targets; what is left is their spread")
    if not np.isclose(loss, var, rtol=1e-9):
        raise Fail(f"loss = {loss:.6g} is not right: write the broken loss as the MSE against ȳ plus a term that "
                   "does not depend on (w, b)")


@q6.test()
def broken_parameters(ctx):
    """the slope and bias the broken training converges to, on fresh data"""
    x, y = _broken_case(ctx, int(ctx.rng.integers(8, 30)))
    w, b, _ = _call_broken(ctx, x, y)
    _check_broken_params(x, y, w, b)


@q6.test()
def broken_loss(ctx):
    """the value the broken loss converges to, on fresh data"""
    x, y = _broken_case(ctx, int(ctx.rng.integers(8, 30)))
    _, _, loss = _call_broken(ctx, x, y)
    _check_broken_loss(x, y, loss)


# ---------------------------------------------------------------- q7: ridge_descent


def _ridge_hessian(X: np.ndarray, k: int, lam: float) -> np.ndarray:
    """The Hessian of the ridge loss: the mean squared error's plus 2λD, D = diag(1, …, 1, 0) (the bias is not
    penalised)."""
    D = np.eye(X.shape[1] + 1)
    D[-1, -1] = 0.0
    return hessian(X, k) + 2 * lam * D


def _ridge_reference(X: np.ndarray, Y: np.ndarray, lam: float, lr: float, steps: int, factor: float = 2.0,
                     bias_penalty: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) after `steps` steps from zeros on MSE + λ‖W‖²; `factor` is the penalty gradient's factor (2: right),
    `bias_penalty` penalises b too: two classic mistakes."""
    n, k = Y.shape
    Xt = with_ones(X)
    mask = np.ones((Xt.shape[1], 1))
    mask[-1] = 1.0 if bias_penalty else 0.0
    theta = np.zeros((Xt.shape[1], k))
    with np.errstate(all="ignore"):
        for _ in range(steps):
            grad = 2 / (n * k) * Xt.T @ (Xt @ theta - Y) + factor * lam * mask * theta
            theta = theta - lr * grad
    return theta[:-1].T, theta[-1]


def _call_ridge(ctx, X: np.ndarray, Y: np.ndarray, lam: float, lr: float, steps: int):
    answer = as_items(ctx.call("ridge_descent", tensor(X), tensor(Y), lam, lr, steps), 2, "ridge_descent",
                      "a pair (W, b)")
    W, b = as_array(answer[0], "W"), as_array(answer[1], "b")
    check_precision(answer[0], "W")
    check_precision(answer[1], "b")
    k, d = Y.shape[1], X.shape[1]
    check_shape(W, (k, d), "W")
    check_shape(b, (k,), "b")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise Fail("W or b contains NaN or infinity: training diverged (is the penalty's gradient far too large, "
                   "or the loss a sum?)")
    return W, b


def _diagnose_ridge(X: np.ndarray, Y: np.ndarray, lam: float, lr: float, steps: int, W, b) -> None:
    W_ref, b_ref = _ridge_reference(X, Y, lam, lr, steps)
    if _close(W, W_ref) and _close(b, b_ref):
        return
    k, d = Y.shape[1], X.shape[1]

    def same(got, run) -> bool:
        return _close(got[0], run[0]) and _close(got[1], run[1])

    message = first_mistake((W, b), [
        (_ridge_reference(X, Y, lam, lr, steps, bias_penalty=True), "the bias is penalised too: the penalty is "
         "λ‖W‖², on the weights only (a bias pulled to 0 would move the whole fit)"),
        (_ridge_reference(X, Y, 0.0, lr, steps), "W and b are those of plain least squares: the penalty λ‖W‖² is "
         "missing from the loss (or from the gradient)"),
        (_ridge_reference(X, Y, lam, lr, steps, factor=1.0), "the penalty's gradient is λW, half the right one: "
         "the derivative of λ‖W‖² is 2λW (is the loss λ/2 ‖W‖²?)"),
        (_ridge_reference(X, Y, lam, lr, steps, factor=2.0 / (k * d)), f"the penalty is λ times the mean of the "
         f"squared weights, {k * d} times too small: λ‖W‖² is the sum of the squares of all k·d weights"),
        (_ridge_reference(X, Y, lam, lr, steps - 1), f"W and b are those after {steps - 1} steps, not {steps}"),
    ], match=same)
    if message:
        raise Fail(message)
    raise Fail(f"W and b differ from {steps} steps of gradient descent from zeros on MSE + λ‖W‖² (largest "
               f"difference {max(np.max(np.abs(W - W_ref)), np.max(np.abs(b - b_ref))):.4g})")


def _ridge_case(ctx, n: int, centred: bool, k: int | None = None):
    k = int(ctx.rng.integers(1, 3)) if k is None else k
    d = 3 if k == 1 else int(ctx.rng.integers(2, 4))  # k·d ≥ 3: a mean of the squares is not half the sum
    X, Y = linear_data(ctx.rng, n, d, k)
    if centred:
        X = X - X.mean(axis=0)
    lam = float(ctx.rng.uniform(0.05, 0.5))
    lr = 1 / float(np.linalg.eigvalsh(_ridge_hessian(X, k, lam))[-1])
    return X, Y, lam, lr


@q7.test()
def ridge_steps(ctx):
    """matches a few steps of gradient descent on MSE + λ‖W‖² from zeros, on fresh data"""
    X, Y, lam, lr = _ridge_case(ctx, int(ctx.rng.integers(10, 25)), centred=False)
    W, b = _call_ridge(ctx, X, Y, lam, lr, 12)
    _diagnose_ridge(X, Y, lam, lr, 12, W, b)


@q7.test()
def ridge_reaches_closed_form(ctx):
    """reaches the closed form, (X̃ᵀX̃/(N·k) + λD) θ = X̃ᵀY/(N·k), after enough steps"""
    X, Y, lam, lr = _ridge_case(ctx, int(ctx.rng.integers(30, 60)), centred=True)
    W, b = _call_ridge(ctx, X, Y, lam, lr, 500)
    W_star, b_star = ridge_solution(X, Y, lam)
    if _close(W, W_star, rtol=1e-6, atol=1e-8) and _close(b, b_star, rtol=1e-6, atol=1e-8):
        return
    _diagnose_ridge(X, Y, lam, lr, 500, W, b)
    raise Fail("after 500 steps W and b are not the ridge optimum of the closed form")
