"""Public tests of exercise 04, autograd: gradients from backward(), a gradient-descent loop on leaf
tensors, a learning rate from the data, accumulating gradients, a tolerance for float16, and momentum
written by hand, checked against torch.optim.SGD.

Arguments are float64 tensors (copies, built from `ctx.rng` numbers). The student's results may come
back through pickling (the command-line grader), which keeps a tensor's values and `requires_grad` but
not its `.grad` or its graph, so the tests judge values and types only.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from linreg_course.grader.compare import (
    as_array,
    as_choice,
    as_floats,
    as_items,
    as_number,
    check_gradient,
    check_precision,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import lam_max, tensor

NB = "04_autograd"

q1 = question(NB, "q1", "the gradient from backward()")
q2 = question(NB, "q2", "gradient descent with autograd")
q3 = question(NB, "q3", "a learning rate from the data")
q4 = question(NB, "q4", "gradients add up")
q5 = question(NB, "q5", "comparing float16 with float64")
q6 = question(NB, "q6", "momentum by hand", level="stretch")


# ---------------------------------------------------------------- shared helpers


#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-8, atol=1e-10)


#: Pieces of PyTorch's error messages, and what they usually mean in this exercise.
_HINTS = [
    ("a leaf Variable that requires grad is being used in an in-place operation",
     "an in-place update of w or b outside `with torch.no_grad():`; autograd refuses to change a leaf it "
     "records, so do the update inside that block"),
    ("does not require grad and does not have a grad_fn",
     "the loss does not depend on any tensor that requires a gradient: give the parameters "
     "requires_grad=True, and do not detach or replace them in the update (update in place under "
     "torch.no_grad())"),
    ("backward through the graph a second time",
     "backward() ran twice on the same graph: compute a fresh loss (a new forward pass) at every step"),
    ("'NoneType' object has no attribute 'zero_'",
     "a .grad is still None when you zero it: zero the gradients after backward() and the update"),
    ("NoneType",
     "a .grad is None: after an update written as `w = w - lr * w.grad`, w is a new non-leaf tensor whose "
     ".grad stays None; update in place (`w -= lr * w.grad`) inside torch.no_grad()"),
]


def _call(ctx, name: str, *args):
    """Call the student's function; an exception PyTorch raises for a classic mistake gets a hint."""
    try:
        return ctx.call(name, *args)
    except StudentError as error:
        hint = first_mistake(str(error), _HINTS, match=lambda text, piece: piece in text)
        if hint:
            raise Fail(f"your code raised {error}. Likely cause: {hint}") from None
        raise


# ---------------------------------------------------------------- q1: autograd_gradients


def _ref_grad(X, Y, W, b) -> tuple[np.ndarray, np.ndarray]:
    E = X @ W.T + b - Y
    return 2 / E.size * E.T @ X, 2 / E.size * E.sum(axis=0)


def _grad_pair(ctx, X, Y, W, b, requires_grad: bool = False) -> tuple[np.ndarray, np.ndarray]:
    args = (tensor(X), tensor(Y), tensor(W, requires_grad), tensor(b, requires_grad))
    dW, db = as_items(_call(ctx, "autograd_gradients", *args), 2, "autograd_gradients", "a pair (dL/dW, dL/db)")
    if dW is None:
        raise Fail("dL/dW is None: W.grad stays None unless the copy of W has requires_grad=True before the "
                   "forward pass and backward() runs on the loss")
    if db is None:
        raise Fail("dL/db is None: the bias gradient is missing; give the copy of b requires_grad=True as well")
    for label, g in (("dL/dW", dW), ("dL/db", db)):
        if isinstance(g, torch.Tensor) and g.dtype != torch.float64:
            raise Fail(f"{label} is a {g.dtype} tensor, so it carries that precision's rounding error; the arguments "
                       "are float64: keep them float64 (PyTorch's default dtype, float32, is only for tensors "
                       "made from Python numbers)")
    return as_array(dW, "dL/dW"), as_array(db, "dL/db")


def _check_shapes(dW: np.ndarray, db: np.ndarray, k: int, d: int) -> None:
    if dW.shape == (d, k) and k != d:
        raise Fail(f"dL/dW has shape {list(dW.shape)} = [d, k]; it must have the shape of W, [k, d] = {[k, d]}")
    check_shape(dW, (k, d), "dL/dW")
    check_shape(db, (k,), "dL/db")


def _check_autograd(ctx, X, Y, W, b, requires_grad: bool = False) -> None:
    n, k, d = X.shape[0], W.shape[0], W.shape[1]
    dW, db = _grad_pair(ctx, X, Y, W, b, requires_grad)
    dW_ref, db_ref = _ref_grad(X, Y, W, b)
    _check_shapes(dW, db, k, d)
    factors = {}  # later entries win when two factors coincide (k = 1 or N = 1)
    factors[n] = (f"the loss averages over the k outputs but sums over the N = {n} examples; take the mean over "
                  "all N·k entries")
    factors[k] = (f"the loss sums the squares over the k = {k} outputs and averages over the examples only; take "
                  "the mean over all N·k entries (torch.mean of the whole matrix)")
    factors[n * k] = (f"the loss is the sum of the squared errors, N·k = {n}·{k} times the mean; use torch.mean "
                      "over all entries")
    def both(got, want) -> bool:
        return _close(got[0], want[0], rtol=1e-6) and _close(got[1], want[1], rtol=1e-6)

    message = first_mistake((dW, db), [((factor * dW_ref, factor * db_ref), f"both gradients are {factor} times too "
                                        f"large: {why}") for factor, why in factors.items() if factor > 1], match=both)
    if message:
        raise Fail(message)
    check_gradient(dW, dW_ref, "dL/dW", n=n * k)
    check_gradient(db, db_ref, "dL/db", n=n * k)


def _matrix_data(ctx, n: int, d: int, k: int):
    X = ctx.rng.normal(4.0, 3.0, (n, d))
    Y = X @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(0.0, 3.0, k) + ctx.rng.normal(0.0, 0.5, (n, k))
    return X, Y


@q1.test()
def autograd_fresh(ctx):
    """matches (2/Nk)·EᵀX and (2/Nk)·Eᵀ1, with the shapes of W and b, on fresh data"""
    d, k = int(ctx.rng.integers(2, 5)), 0
    while k in (0, d):
        k = int(ctx.rng.integers(2, 4))
    n = int(ctx.rng.integers(6, 15))
    X, Y = _matrix_data(ctx, n, d, k)
    _check_autograd(ctx, X, Y, ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k))


@q1.test()
def autograd_one_output(ctx):
    """works with one input and one output (X and Y of shape [N, 1])"""
    n = int(ctx.rng.integers(5, 20))
    X, Y = _matrix_data(ctx, n, 1, 1)
    W, b = ctx.rng.normal(size=(1, 1)), ctx.rng.normal(size=1)
    dW, db = _grad_pair(ctx, X, Y, W, b)
    # the classic slip: predictions of shape [N] against targets [N, 1] broadcast to an [N, N] residual
    Wt, bt = tensor(W, True), tensor(b, True)
    torch.mean(((tensor(X) @ Wt.T + bt).reshape(-1) - tensor(Y)) ** 2).backward()
    if dW.size == 1 and db.size == 1 and _close(dW.ravel(), Wt.grad.numpy().ravel(), rtol=1e-6) \
            and _close(db.ravel(), bt.grad.numpy().ravel(), rtol=1e-6):
        raise Fail(f"your gradient is that of a loss whose residual broadcast to [{n}, {n}]: predictions of shape "
                   f"[N] met targets of shape [N, 1]; keep both [N, 1] (do not flatten one of them)")
    _check_autograd(ctx, X, Y, W, b)


@q1.test()
def autograd_optimum(ctx):
    """vanishes at the least-squares optimum"""
    n, d, k = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(1, 4)), int(ctx.rng.integers(2, 4))
    X, Y = _matrix_data(ctx, n, d, k)
    theta, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(n)]), Y, rcond=None)
    dW, db = _grad_pair(ctx, X, Y, theta[:d].T.copy(), theta[d].copy())
    _check_shapes(dW, db, k, d)
    scale = np.linalg.norm(np.concatenate([g.ravel() for g in _ref_grad(X, Y, np.zeros((k, d)), np.zeros(k))]))
    size = np.linalg.norm(np.concatenate([dW.ravel(), db.ravel()]))
    if not size <= 1e-8 * scale:
        raise Fail(f"at the least-squares optimum the gradient should vanish, but its norm is {size:.4g} (against "
                   f"{scale:.4g} at W = 0, b = 0): is the loss the mean squared error of X @ W.T + b?")


# ---------------------------------------------------------------- q2: descend


def _ref_descend(w: float, b: float, x: np.ndarray, y: np.ndarray, lr: float, steps: int,
                 mistake: str | None = None) -> tuple[float, float, np.ndarray]:
    """Reference gradient descent on the MSE of w x + b; `mistake` replays a classic slip."""
    n = len(x)
    acc_w = acc_b = 0.0
    history = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            e = w * x + b - y
            loss, gw, gb = np.mean(e**2), 2 * np.mean(e * x), 2 * np.mean(e)
            if mistake == "sum":
                loss, gw, gb = n * loss, n * gw, n * gb
            if mistake in ("accumulate", "accumulate w"):
                acc_w += gw
                gw = acc_w
            if mistake in ("accumulate", "accumulate b"):
                acc_b += gb
                gb = acc_b
            if mistake == "sign":
                gw, gb = -gw, -gb
            if mistake == "no bias":
                gb = 0.0
            w, b = w - lr * gw, b - lr * gb
            if mistake == "log after":
                loss = np.mean((w * x + b - y) ** 2)
            history.append(loss)
    return w, b, np.array(history)


_MISTAKES = {
    "accumulate": "it matches gradient descent whose gradients are never zeroed: backward() adds into .grad, "
                  "so each step followed the sum of all gradients so far; zero both gradients after each "
                  "update (w.grad.zero_() or w.grad = None)",
    "accumulate w": "it matches a loop that zeroes b.grad but not w.grad: backward() adds into .grad, so zero "
                    "both gradients after each update",
    "accumulate b": "it matches a loop that zeroes w.grad but not b.grad: backward() adds into .grad, so zero "
                    "both gradients after each update",
    "sum": "the losses are N times the mean squared error: the loss is the sum of the squares, which also "
           "makes the gradient N times too large; use torch.mean",
    "sign": "the loss grows: the steps go up the gradient; subtract lr times the gradient",
    "no bias": "b is never updated: update b in the same way as w",
    "log after": "history holds the loss after each update; append the loss the step starts from (computed "
                 "before backward())",
}


def _run(ctx, name: str, *args) -> tuple:
    """The student's (w, b, history) with numbers for values (types are judged by a separate test)."""
    answer = as_items(_call(ctx, name, *args), 3, name, "a triple (w, b, history)")
    w, b, history = answer
    if isinstance(history, list | tuple):  # the values here; whether they are plain floats is descend_types's
        values = np.array([as_number(v, "each entry of history") for v in history])
    else:
        values = as_floats(history, "history")
    for label, t in (("w", w), ("b", b)):
        check_precision(t, f"the returned {label}")
    return as_number(w, "w"), as_number(b, "b"), values, answer


def _compare_run(got: tuple, want: tuple, what: str) -> str | None:
    """None if the runs agree; otherwise what differs."""
    w, b, history = got[:3]
    w_ref, b_ref, h_ref = want
    if len(history) != len(h_ref):
        return f"history has {len(history)} entries; {what} runs {len(h_ref)} steps, one loss per step"
    if not _close(history, h_ref):
        bad = int(np.argmax(~np.isclose(history, h_ref, rtol=1e-8, atol=1e-10)))
        return f"history[{bad}] = {history[bad]:.6g}, expected {h_ref[bad]:.6g}"
    if not _close([w, b], [w_ref, b_ref]):
        return f"after the last step (w, b) = ({w:.6g}, {b:.6g}), expected ({w_ref:.6g}, {b_ref:.6g})"
    return None


def _name_mistake(got: tuple, start: tuple, x, y, lr: float, steps: int) -> None:
    """`Fail` naming the classic slip the student's run reproduces, if any."""
    replays = [(_ref_descend(*start, x, y, lr, steps, mistake), why) for mistake, why in _MISTAKES.items()
               if steps >= 2 or not mistake.startswith("accumulate")]
    why = first_mistake(got, replays, match=lambda run, replay: _compare_run(run, replay, "it") is None)
    if why:
        raise Fail(f"your run is wrong: {why}")


def _check_descend(ctx, x, y, w0: float, b0: float, lr: float, steps: int) -> None:
    args = (tensor(w0, True), tensor(b0, True), tensor(x), tensor(y), lr, steps)
    got = _run(ctx, "descend", *args)
    problem = _compare_run(got, _ref_descend(w0, b0, x, y, lr, steps), "descend")
    if problem is None:
        return
    _name_mistake(got, (w0, b0), x, y, lr, steps)
    raise Fail(f"descend does not match the reference loop: {problem}")


def _line_data(ctx, n: int, loc: float, scale: float):
    x = ctx.rng.normal(loc, scale, n)
    y = float(ctx.rng.uniform(-3.0, 3.0)) * x + float(ctx.rng.uniform(-20.0, 20.0)) + ctx.rng.normal(0.0, 1.0, n)
    return x, y


@q2.test()
def descend_fresh(ctx):
    """matches the reference loop on fresh data (up to 10 steps)"""
    x, y = _line_data(ctx, int(ctx.rng.integers(8, 30)), 5.0, 3.0)
    lr = float(0.5 / lam_max(x[:, None]))
    _check_descend(ctx, x, y, float(ctx.rng.normal(0, 2)), float(ctx.rng.normal(0, 5)), lr,
                   int(ctx.rng.integers(5, 11)))


@q2.test()
def descend_one_step(ctx):
    """one step moves w and b by −η times the gradient and logs the starting loss"""
    x, y = _line_data(ctx, int(ctx.rng.integers(5, 20)), 0.0, 4.0)
    lr = float(ctx.rng.uniform(0.01, 0.05))
    _check_descend(ctx, x, y, float(ctx.rng.normal(0, 2)), float(ctx.rng.normal(0, 5)), lr, 1)


@q2.test()
def descend_many_steps(ctx):
    """40 steps at a learning rate near the limit match the loop that zeroes its gradients"""
    x, y = _line_data(ctx, int(ctx.rng.integers(10, 40)), -2.0, 5.0)
    lr = float(0.9 / lam_max(x[:, None]))
    _check_descend(ctx, x, y, 0.0, 0.0, lr, 40)


def _check_types(answer: tuple, steps: int, name: str) -> None:
    w, b, history = answer
    for label, t in (("w", w), ("b", b)):
        if not isinstance(t, torch.Tensor):
            raise Fail(f"{label} should be returned as the tensor itself, not a {type(t).__name__}")
        if not t.requires_grad:
            raise Fail(f"the returned {label} no longer requires a gradient: it was detached or replaced by a new "
                       "tensor; update the leaf in place inside torch.no_grad() so it stays the same tensor")
    as_floats(history, "history", steps, "append loss.item(), a Python float (a tensor per step keeps every "
              "step's graph alive: a memory leak in a long run)")


@q2.test()
def descend_types(ctx):
    """returns the tensors w and b (still requiring a gradient) and a list of Python floats"""
    x, y = _line_data(ctx, int(ctx.rng.integers(6, 20)), 3.0, 2.0)
    steps = int(ctx.rng.integers(3, 7))
    lr = float(0.5 / lam_max(x[:, None]))
    got = _run(ctx, "descend", tensor(0.5, True), tensor(-1.0, True), tensor(x), tensor(y), lr, steps)
    _check_types(got[3], steps, "descend")


# ---------------------------------------------------------------- q3: train


def _ref_train(x, y, steps: int, lr: float | None = None):
    return _ref_descend(0.0, 0.0, x, y, 1 / lam_max(x[:, None]) if lr is None else lr, steps)


def _first_loss(h0: float, x: np.ndarray, y: np.ndarray) -> None:
    """`Fail` unless the first logged loss is the loss at w = b = 0, mean(y²), naming the likely slip."""
    start = float(np.mean(y**2))
    if np.isclose(h0, start, rtol=1e-8):
        return
    if np.isclose(h0, len(x) * start, rtol=1e-8):
        raise Fail(f"the first loss is {h0:.6g}, N = {len(x)} times the mean squared error at w = b = 0: the loss "
                   "is the sum of the squares; use torch.mean")
    after = _ref_train(x, y, 1)
    if np.isclose(h0, np.mean((after[0] * x + after[1] - y) ** 2), rtol=1e-8):
        raise Fail(f"the first loss is {h0:.6g}, the loss after the first update: log the loss before the update")
    raise Fail(f"the first loss is {h0:.6g}, but at w = b = 0 it is mean(y²) = {start:.6g}: start from w = b = 0 "
               "and log the loss before the first update")


def _diagnose_train(ctx, x, y, got: tuple, steps: int) -> None:
    """`Fail` naming what is wrong in `train`, from the learning rate its first step reveals."""
    lam = lam_max(x[:, None])
    limit, want = 2 / lam, 1 / lam
    _name_mistake(got, (0.0, 0.0), x, y, want, steps)
    w1, b1, h1, _ = _run(ctx, "train", tensor(x), tensor(y), 1)
    if len(h1) != 1:
        raise Fail(f"train(x, y, 1) returned {len(h1)} losses; log one loss per step")
    _first_loss(h1[0], x, y)
    gw, gb = -2 * np.mean(x * y), -2 * np.mean(y)
    eta_w, eta_b = -w1 / gw, -b1 / gb
    if np.isclose(eta_w, eta_b, rtol=1e-6):
        eta = eta_w
        diverged = "" if np.all(np.isfinite(got[2])) and got[2][-1] < got[2][0] else \
            f" (your loss went from {got[2][0]:.4g} to {got[2][-1]:.4g})"
        if np.isclose(eta, 0.01, rtol=1e-6) and not np.isclose(want, 0.01, rtol=1e-3):
            if eta > limit:
                raise Fail(f"you used the chapter's learning rate 0.01, but on these data 2/λ_max = {limit:.4g}, "
                           f"so gradient descent diverges{diverged}; compute η = 1/λ_max from x")
            raise Fail(f"you used the chapter's learning rate 0.01; the question asks for η = 1/λ_max computed "
                       f"from x, here {want:.4g} (on other data 0.01 is above the limit 2/λ_max and diverges)")
        if np.isclose(eta, limit, rtol=1e-6):
            raise Fail(f"your learning rate is 2/λ_max = {limit:.4g}, the stability limit itself, where descent "
                       "no longer converges: is the 2 of H = (2/N) X̃ᵀX̃ missing? The question asks for 1/λ_max")
        if eta > limit:
            raise Fail(f"your learning rate η = {eta:.4g} is above the stability limit 2/λ_max = {limit:.4g}, so "
                       f"gradient descent diverges{diverged}; use η = 1/λ_max = {want:.4g}")
        if np.isclose(eta, 2 / (len(x) * lam), rtol=1e-6):
            raise Fail(f"your learning rate is N/2 = {len(x) / 2:g} times too small: λ_max is the largest "
                       "eigenvalue of H = (2/N) X̃ᵀX̃, not of X̃ᵀX̃")
        if not np.isclose(eta, want, rtol=1e-6):
            raise Fail(f"your learning rate is η = {eta:.4g}; the question asks for 1/λ_max = {want:.4g}, with "
                       "λ_max the largest eigenvalue of H = (2/N) X̃ᵀX̃, X̃ = [x, 1]")


def _check_train(ctx, x, y, steps: int) -> tuple:
    got = _run(ctx, "train", tensor(x), tensor(y), steps)
    problem = _compare_run(got, _ref_train(x, y, steps), "train")
    if problem is not None:
        _diagnose_train(ctx, x, y, got, steps)
        raise Fail(f"train does not match gradient descent from w = b = 0 with η = 1/λ_max: {problem}")
    return got


@q3.test()
def train_large_inputs(ctx):
    """matches the reference on fresh data with large inputs (x from 20 to 80, λ_max in the thousands)"""
    n = int(ctx.rng.integers(10, 25))
    x = ctx.rng.uniform(20.0, 80.0, n)
    y = 1.5 * x - 20.0 + ctx.rng.normal(0.0, 3.0, n)
    _check_train(ctx, x, y, 15)


@q3.test()
def train_reaches_lstsq(ctx):
    """reaches the least-squares line on well-conditioned data (200 steps)"""
    x, y = _line_data(ctx, int(ctx.rng.integers(20, 50)), 0.0, 1.0)
    w, b, history, _ = _check_train(ctx, x, y, 200)
    theta, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    if not _close([w, b], theta, rtol=1e-6, atol=1e-8):
        raise Fail(f"after 200 steps (w, b) = ({w:.6g}, {b:.6g}), but the least-squares line is "
                   f"({theta[0]:.6g}, {theta[1]:.6g})")


@q3.test()
def train_types(ctx):
    """returns the tensors w and b and a list of Python floats, starting at the loss mean(y²)"""
    x, y = _line_data(ctx, int(ctx.rng.integers(6, 20)), 10.0, 4.0)
    steps = int(ctx.rng.integers(3, 7))
    got = _run(ctx, "train", tensor(x), tensor(y), steps)
    _check_types(got[3], steps, "train")
    _first_loss(got[2][0], x, y)


# ---------------------------------------------------------------- q4: factor


def _three_backwards(ctx) -> tuple[float, float, float, float]:
    """Run the question's code on fresh data: (w.grad, b.grad, dL/dw, dL/db)."""
    n = int(ctx.rng.integers(5, 15))
    x, y = _line_data(ctx, n, 2.0, 3.0)
    w, b = tensor(ctx.rng.normal(), True), tensor(ctx.rng.normal(), True)
    loss = torch.mean((w * tensor(x) + b - tensor(y)) ** 2)
    loss.backward(retain_graph=True)
    loss.backward(retain_graph=True)
    (2 * loss).backward()
    e = w.item() * x + b.item() - y
    return w.grad.item(), b.grad.item(), 2 * np.mean(e * x), 2 * np.mean(e)


def _factor(ctx) -> float:
    got = as_number(ctx.value("factor"), "factor")
    wrong = {1.0: "backward() does not overwrite .grad: every call adds its gradient to what is there",
             2.0: "backward() does not overwrite .grad with the last call's gradient (that of 2·loss): it adds",
             3.0: "there are three calls, but the last one differentiates 2·loss, so it adds 2·dL/dw"}
    if got in wrong:
        raise Fail(f"factor = {got:g} is not right: {wrong[got]}")
    return got


@q4.test()
def factor_value(ctx):
    """is the multiple of dL/dw that w.grad holds after the three backward() calls"""
    got = _factor(ctx)
    w_grad, _, dw, _ = _three_backwards(ctx)
    if not np.isclose(got, w_grad / dw, rtol=1e-9):
        raise Fail(f"factor = {got:g} is not right: add up what each backward() call contributes")


@q4.test()
def factor_predicts(ctx):
    """predicts both w.grad and b.grad on fresh data (simulated)"""
    got = _factor(ctx)
    w_grad, b_grad, dw, db = _three_backwards(ctx)
    if not (np.isclose(got * dw, w_grad, rtol=1e-9) and np.isclose(got * db, b_grad, rtol=1e-9)):
        raise Fail(f"on fresh data w.grad = {w_grad:.6g} and b.grad = {b_grad:.6g}, but factor × gradient gives "
                   f"{got * dw:.6g} and {got * db:.6g}")


# ---------------------------------------------------------------- q5: answer


_OPTIONS = {
    "a": lambda g16, g64: torch.allclose(g16.double(), g64),
    "b": lambda g16, g64: torch.allclose(g16.double(), g64, rtol=1e-2),
    "c": lambda g16, g64: torch.allclose(g16.double(), g64, rtol=0.5),
}


def _choice(ctx) -> str:
    return as_choice(ctx.value("answer"), "answer", _OPTIONS)


@q5.test()
def answer_choice(ctx):
    """is the check that suits float16"""
    got = _choice(ctx)
    if got == "a":
        raise Fail("the default rtol=1e-5 suits float32's 7 digits; float16 keeps about 3 (its epsilon is about "
                   "1e-3), so a correct float16 gradient fails it")
    if got == "c":
        raise Fail("rtol=0.5 accepts anything within 50 %, so it would let a gradient 10 % off pass: the kind of "
                   "slip the check is there to catch")


@q5.test()
def answer_demo(ctx):
    """accepts a correct float16 gradient and rejects one 10 % off (fresh data, simulated)"""
    got = _choice(ctx)
    # temperatures and readings that all have the same sign of residual at the start: no cancellation in the
    # sums, so a correct float16 gradient stays within a few float16 epsilons (at most 1.3e-3 over 3000 draws)
    n = int(ctx.rng.integers(10, 30))
    x = ctx.rng.uniform(0.5, 13.3, n)
    y = 1.8 * x + 32.0 + ctx.rng.normal(0.0, 2.0, n)
    start = np.array([ctx.rng.uniform(0.0, 1.0), ctx.rng.uniform(0.0, 10.0)])
    grads = {}
    for dtype in (torch.float64, torch.float16):
        theta = torch.tensor(start, dtype=dtype, requires_grad=True)
        xt, yt = torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)
        torch.mean((theta[0] * xt + theta[1] - yt) ** 2).backward()
        grads[dtype] = theta.grad
    g64, g16 = grads[torch.float64], grads[torch.float16]
    wrong = g16 * 1.1  # 10 % off, from a slip such as one example in ten counted twice
    error = ((g16.double() - g64).abs() / g64.abs()).max().item()
    if not _OPTIONS[got](g16, g64):
        raise Fail(f"on fresh data your check ({got}) rejects a correct float16 gradient, whose largest relative "
                   f"error is {error:.1e}")
    if _OPTIONS[got](wrong, g64):
        raise Fail(f"on fresh data your check ({got}) accepts a gradient that is 10 % off")


# ---------------------------------------------------------------- q6: descend_momentum


def optim_momentum(w0: float, b0: float, x: np.ndarray, y: np.ndarray, lr: float, beta: float,
                   steps: int) -> tuple[float, float, np.ndarray]:
    """The reference: torch.optim.SGD with momentum beta on the MSE of w x + b, logging the loss before each step."""
    w, b = tensor(w0, True), tensor(b0, True)
    xt, yt = tensor(x), tensor(y)
    optimizer = torch.optim.SGD([w, b], lr=lr, momentum=beta)
    history = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = torch.mean((w * xt + b - yt) ** 2)
        history.append(loss.item())
        loss.backward()
        optimizer.step()
    return w.item(), b.item(), np.array(history)


def _replay_momentum(w: float, b: float, x: np.ndarray, y: np.ndarray, lr: float, beta: float, steps: int,
                     mistake: str) -> tuple[float, float, np.ndarray]:
    """Momentum with a classic slip, in NumPy."""
    v_w = v_b = acc_w = acc_b = 0.0
    history = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            e = w * x + b - y
            history.append(np.mean(e**2))
            g_w, g_b = 2 * np.mean(e * x), 2 * np.mean(e)
            if mistake == "accumulate":
                acc_w, acc_b = acc_w + g_w, acc_b + g_b
                g_w, g_b = acc_w, acc_b
            if mistake == "old velocity":
                w, b = w - lr * v_w, b - lr * v_b
            if mistake == "average":
                v_w, v_b = beta * v_w + (1 - beta) * g_w, beta * v_b + (1 - beta) * g_b
            elif mistake == "no carry":
                v_w, v_b = g_w, g_b
            else:
                v_w, v_b = beta * v_w + g_w, beta * v_b + g_b
            if mistake != "old velocity":
                w, b = w - lr * v_w, b - lr * v_b
    return w, b, np.array(history)


_MOMENTUM_MISTAKES = {
    "average": "the velocity is an average, v ← βv + (1 − β)·gradient, which shrinks every step by 1 − β; the "
               "rule (and torch.optim.SGD's) adds the whole gradient, v ← βv + gradient",
    "no carry": "it is plain gradient descent: the velocity starts from zero again at every step; create it once, "
                "before the loop, and carry it from step to step",
    "old velocity": "each update moved the parameters with the velocity of the step before: first v ← βv + "
                    "gradient, then p ← p − η·v with the new v",
    "accumulate": "the gradients are never zeroed: backward() adds into .grad, so the velocity piled up the sum of "
                  "all gradients so far; zero both gradients after each update",
}


def check_momentum(ctx, x: np.ndarray, y: np.ndarray, w0: float, b0: float, lr: float, beta: float,
                   steps: int) -> tuple:
    """Run descend_momentum and compare with torch.optim.SGD(momentum=beta), naming the slip it reproduces."""
    got = _run(ctx, "descend_momentum", tensor(w0, True), tensor(b0, True), tensor(x), tensor(y), lr, beta, steps)
    problem = _compare_run(got, optim_momentum(w0, b0, x, y, lr, beta, steps), "torch.optim.SGD")
    if problem is None:
        return got
    replays = [(_replay_momentum(w0, b0, x, y, lr, beta, steps, mistake), why)
               for mistake, why in _MOMENTUM_MISTAKES.items()]
    why = first_mistake(got, replays, match=lambda run, replay: _compare_run(run, replay, "it") is None)
    if why:
        raise Fail(f"your run is wrong: {why}")
    _name_mistake(got, (w0, b0), x, y, lr, steps)
    raise Fail(f"descend_momentum does not match torch.optim.SGD(momentum={beta:.3g}): {problem}")


@q6.test()
def momentum_matches_torch_optim(ctx):
    """matches torch.optim.SGD with momentum on fresh data (up to 15 steps)"""
    x, y = _line_data(ctx, int(ctx.rng.integers(8, 30)), 3.0, 2.0)
    lr = float(0.3 / lam_max(x[:, None]))
    check_momentum(ctx, x, y, float(ctx.rng.normal(0, 2)), float(ctx.rng.normal(0, 5)), lr,
                   float(ctx.rng.uniform(0.5, 0.9)), int(ctx.rng.integers(8, 16)))


@q6.test()
def momentum_without_beta_is_descent(ctx):
    """with beta = 0 it is plain gradient descent"""
    x, y = _line_data(ctx, int(ctx.rng.integers(8, 20)), 1.0, 3.0)
    check_momentum(ctx, x, y, 0.0, 0.0, float(0.5 / lam_max(x[:, None])), 0.0, 6)


@q6.test()
def momentum_types(ctx):
    """returns the tensors w and b (still requiring a gradient) and a list of Python floats"""
    x, y = _line_data(ctx, int(ctx.rng.integers(6, 20)), 3.0, 2.0)
    got = check_momentum(ctx, x, y, 0.5, -1.0, float(0.3 / lam_max(x[:, None])), 0.8, 4)
    _check_types(got[3], 4, "descend_momentum")
