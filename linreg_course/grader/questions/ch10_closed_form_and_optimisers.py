"""Public tests of exercise 10, the closed form and faster optimisers: a least-squares fit that survives
float32, and three updates of torch.optim written by hand: a step of SGD with momentum (heavy ball and
Nesterov), a step of Adam and the rates of a cosine learning-rate schedule with a floor; and the diagnosis
of four broken runs from a table of their losses.

Question 1's reference is NumPy's float64 least squares. Those of questions 2 to 4 are torch.optim.SGD,
torch.optim.Adam and torch.optim.lr_scheduler.CosineAnnealingLR themselves, run here in float64 on fresh
parameters, gradients and settings drawn from `ctx.rng`; the student's updates are chained from their own
state, step after step, and compared with PyTorch's at every step.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable

import numpy as np
import torch

from linreg_course.grader.compare import (
    as_array,
    as_choice,
    as_items,
    check_close,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import least_squares, offset_inputs

NB = "10_closed_form_and_optimisers"

q1 = question(NB, "q1", "a closed form that survives float32")
q2 = question(NB, "q2", "a momentum step by hand")
q3 = question(NB, "q3", "an Adam step by hand")
q4 = question(NB, "q4", "a cosine schedule with a floor", level="stretch")
q5 = question(NB, "q5", "diagnose four broken runs", level="stretch")


#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-9, atol=1e-12)


def _pair(answer, what: str, names: str = "(W, b)"):
    return as_items(answer, 2, what, f"a pair {names}")


# ---------------------------------------------------------------- q1: lstsq_fit


def _call_fit(ctx, X: np.ndarray, Y: np.ndarray, dtype: torch.dtype, what: str):
    X_t, Y_t = torch.tensor(X, dtype=dtype), torch.tensor(Y, dtype=dtype)
    try:
        answer = ctx.call("lstsq_fit", X_t, Y_t)
    except StudentError as error:
        if "singular" in str(error).lower():
            raise Fail(f"lstsq_fit raised {error}: X̃ᵀX̃ is singular here; solve with torch.linalg.lstsq on X̃ "
                       "itself instead of inverting X̃ᵀX̃") from None
        raise
    W, b = _pair(answer, "lstsq_fit")
    for value, name in ((W, "W"), (b, "b")):
        if not isinstance(value, torch.Tensor):
            raise Fail(f"{name} should be a torch tensor, not a {type(value).__name__}")
        if value.dtype != dtype:
            raise Fail(f"{what}: {name} has dtype {value.dtype} for {dtype} inputs; compute in the inputs' dtype "
                       "(no .double() or float64 conversion)")
    W, b = as_array(W, "W"), as_array(b, "b")
    d, k = X.shape[1], Y.shape[1]
    if W.shape == (d, k) and d != k:
        raise Fail(f"W has shape {list(W.shape)}; the course stores W as [k, d] = {[k, d]} (transpose it)")
    check_shape(W, (k, d), "W")
    check_shape(b, (k,), "b")
    if np.allclose(b, 0):
        raise Fail("b is zero: did you forget the column of ones that turns the bias into a weight?")
    return W, b


@q1.test()
def lstsq_float64(ctx):
    """matches least squares with a bias on fresh float64 data"""
    n, d, k = int(ctx.rng.integers(8, 25)), int(ctx.rng.integers(1, 4)), int(ctx.rng.integers(1, 3))
    X = offset_inputs(ctx.rng, n, d)
    Y = X @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(5, 2, k) + ctx.rng.normal(0, 0.5, (n, k))
    W, b = _call_fit(ctx, X, Y, torch.float64, "float64 data")
    W_ref, b_ref = least_squares(X, Y)
    check_close(W, W_ref, "W", rtol=1e-7, atol=1e-9)
    check_close(b, b_ref, "b", rtol=1e-7, atol=1e-9)


def _near_duplicate_case(ctx):
    """Crop-like inputs (large, positive) plus a second copy of the first column with a tiny error.

    Rounded to float32 first, so that the float64 reference solves exactly the problem the student sees.
    Over 500 draws: float32 lstsq (gelsd or gelsy) stays below 1e-5 of relative excess loss; the float32
    inverse of X̃ᵀX̃ is above 1e-2.
    """
    n, d, k = int(ctx.rng.integers(15, 30)), int(ctx.rng.integers(2, 4)), int(ctx.rng.integers(1, 3))
    X = ctx.rng.normal(ctx.rng.uniform(40, 90, d), ctx.rng.uniform(5, 15, d), (n, d))
    X = np.column_stack([X, X[:, 0] + ctx.rng.normal(0, 0.01, n)])
    Y = X @ ctx.rng.normal(0, 0.5, (k, d + 1)).T + ctx.rng.normal(0, 5, k) + ctx.rng.normal(0, 1.0, (n, k))
    return X.astype(np.float32).astype(np.float64), Y.astype(np.float32).astype(np.float64)


@q1.test()
def lstsq_float32_near_duplicate(ctx):
    """keeps the loss optimal in float32 with two nearly identical input columns"""
    X, Y = _near_duplicate_case(ctx)
    W, b = _call_fit(ctx, X, Y, torch.float32, "float32 data")
    W_ref, b_ref = least_squares(X, Y)
    loss_ref = np.mean((X @ W_ref.T + b_ref - Y) ** 2)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise Fail("W or b contains NaN or infinity: X̃ᵀX̃ is nearly singular in float32; use "
                   "torch.linalg.lstsq on X̃ itself")
    excess = np.mean((X @ W.T + b - Y) ** 2) / loss_ref - 1
    if excess > 1e-4:
        raise Fail(f"the loss of your float32 fit is {excess:.3g} times L* above the optimum L*: the normal "
                   "equations (inv or solve of X̃ᵀX̃) square the condition number and lose the digits in float32; "
                   "solve with torch.linalg.lstsq on X̃")


@q1.test()
def lstsq_duplicated_column(ctx):
    """gives optimal predictions when one input column is an exact copy of another (float64)"""
    n, d, k = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(2, 4)), int(ctx.rng.integers(1, 3))
    X = offset_inputs(ctx.rng, n, d)
    X = np.column_stack([X, X[:, 0]])
    Y = X[:, :d] @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(5, 2, k) + ctx.rng.normal(0, 0.5, (n, k))
    W, b = _call_fit(ctx, X, Y, torch.float64, "duplicated column")
    W_ref, b_ref = least_squares(X, Y)
    want = X @ W_ref.T + b_ref
    got = X @ W.T + b
    if not np.all(np.isfinite(got)):
        raise Fail("W or b contains NaN or infinity: X̃ᵀX̃ is singular with a duplicated column; use "
                   "torch.linalg.lstsq on X̃")
    if not _close(got, want, rtol=1e-7, atol=1e-7):
        raise Fail("the predictions are not the least-squares ones with a duplicated column: X̃ᵀX̃ is singular, "
                   "so do not invert it; and the default driver of torch.linalg.lstsq ('gelsy') can misjudge "
                   "the rank here: pass driver='gelsd' (SVD), as the chapter does")


# ---------------------------------------------------------------- shared by q2 and q3


def _quadratic(ctx, shape: tuple[int, ...]) -> Callable[[np.ndarray], np.ndarray]:
    """The gradient of a fresh convex quadratic ½(θ − c)ᵀA(θ − c) on parameters of any shape."""
    n = math.prod(shape)
    Q, _ = np.linalg.qr(ctx.rng.normal(size=(n, n)))
    A = (Q * ctx.rng.uniform(0.1, 2.0, n)) @ Q.T
    centre = ctx.rng.normal(0.0, 3.0, n)
    return lambda theta: (A @ (np.ravel(theta) - centre)).reshape(shape)


def _shape(ctx) -> tuple[int, int]:
    """A parameter matrix like the course's θ = [Wᵀ; bᵀ]: [d + 1, k]."""
    return int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(1, 3))


def _differences(names: tuple[str, ...], got: tuple, want: tuple) -> str:
    return ", ".join(f"{name} by {float(np.max(np.abs(g - w))):.3g}"
                     for name, g, w in zip(names, got, want, strict=True) if g.shape == w.shape)


def _first_match(got: tuple, variants: list[tuple], step: int) -> None:
    """`Fail` with the message of the first classic mistake whose arrays `got` reproduces."""
    message = first_mistake(got, [(tuple(arrays), message) for *arrays, message in variants],
                            match=lambda g, v: all(close(a, b) for a, b in zip(g, v, strict=True)))
    if message:
        raise Fail(f"at step {step}: {message}")


def _arrays(answer: tuple, names: tuple[str, ...], shape: tuple[int, ...]) -> tuple:
    arrays = tuple(as_array(a, name) for a, name in zip(answer, names, strict=True))
    for array, name in zip(arrays, names, strict=True):
        check_shape(array, shape, name)
        if not np.all(np.isfinite(array)):
            raise Fail(f"{name} contains NaN or infinity")
    return arrays


# ---------------------------------------------------------------- q2: momentum_step


def _torch_sgd(theta0: np.ndarray, grad_of: Callable, lr: float, beta: float, nesterov: bool,
               steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """θ and the momentum buffer after each step of torch.optim.SGD, the gradient taken at its own θ."""
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=beta, nesterov=nesterov)
    states = []
    for _ in range(steps):
        p.grad = torch.from_numpy(grad_of(p.detach().numpy().copy()))
        opt.step()
        states.append((p.detach().numpy().copy(), opt.state[p]["momentum_buffer"].numpy().copy()))
    return states


def _momentum_variants(theta, v, g, lr: float, beta: float, nesterov: bool) -> list[tuple]:
    """(theta_new, velocity_new, message) of each classic mistake, from the inputs of one step."""

    def step(v_new: np.ndarray, ahead: bool) -> np.ndarray:
        return theta - lr * (g + beta * v_new if ahead else v_new)

    right = beta * v + g
    averaged, swapped = beta * v + (1 - beta) * g, v + beta * g
    look = ("without nesterov the step is θ − ηv with the new velocity; θ − η(g + βv) is nesterov=True's"
            if not nesterov else
            "with nesterov=True the step is θ − η(g + βv), the gradient plus β times the new velocity, "
            "not θ − ηv")
    return [
        (step(averaged, nesterov), averaged, "the velocity is a running average, v ← βv + (1 − β)g, like "
         "Adam's m (SGD's dampening=β); torch.optim.SGD adds the whole gradient: v ← βv + g"),
        (step(swapped, nesterov), swapped, "β multiplies the gradient instead of the old velocity; the "
         "velocity is v ← βv + g"),
        (step(right, not nesterov), right, look),
        (theta - lr * v, right, "θ moved with the old velocity: update v first (v ← βv + g), then step "
         "with the new one"),
        (step(right, nesterov), lr * right, "velocity_new is η times PyTorch's: torch.optim.SGD keeps "
         "v ← βv + g and multiplies by η only in the step (the same steps while η stays constant, but "
         "another state: the next call, or a change of η, goes wrong)"),
        (step(right, nesterov), -right, "velocity_new has the wrong sign: PyTorch keeps v ← βv + g and "
         "steps θ − ηv"),
    ]


def _check_momentum(ctx, grad_of: Callable, theta: np.ndarray, lr: float, beta: float, nesterov: bool,
                    steps: int) -> None:
    """Chain `steps` calls of the student's momentum_step from v = 0; compare with torch.optim.SGD."""
    velocity = np.zeros_like(theta)
    names = ("theta_new", "velocity_new")
    for t, want in enumerate(_torch_sgd(theta, grad_of, lr, beta, nesterov, steps), start=1):
        grad = grad_of(theta)
        args = (theta, velocity, grad, lr, beta)
        answer = ctx.call("momentum_step", *args, nesterov=True) if nesterov else \
            ctx.call("momentum_step", *args)
        got = _arrays(_pair(answer, "momentum_step", "(theta_new, velocity_new)"), names, theta.shape)
        if not all(_close(g, w) for g, w in zip(got, want, strict=True)):
            _first_match(got, _momentum_variants(theta, velocity, grad, lr, beta, nesterov), t)
            raise Fail(f"at step {t} momentum_step differs from torch.optim.SGD(lr={lr:.4g}, "
                       f"momentum={beta:.4g}{', nesterov=True' if nesterov else ''}): "
                       + _differences(names, got, want))
        theta, velocity = got


def _momentum_case(ctx, steps: int, nesterov: bool) -> None:
    shape = _shape(ctx)
    grad_of = _quadratic(ctx, shape)
    lr, beta = float(ctx.rng.uniform(0.05, 0.5)), float(ctx.rng.uniform(0.5, 0.95))
    _check_momentum(ctx, grad_of, ctx.rng.normal(size=shape), lr, beta, nesterov, steps)


@q2.test()
def momentum_first_step(ctx):
    """the first step, from v = 0, is a gradient step θ − ηg and leaves the velocity v = g"""
    _momentum_case(ctx, 1, nesterov=False)


@q2.test()
def momentum_steps(ctx):
    """matches torch.optim.SGD(momentum=β), parameters and velocity, over 6 steps on fresh values"""
    _momentum_case(ctx, 6, nesterov=False)


@q2.test()
def momentum_nesterov(ctx):
    """matches torch.optim.SGD(momentum=β, nesterov=True) over 6 steps on fresh values"""
    _momentum_case(ctx, 6, nesterov=True)


# ---------------------------------------------------------------- q3: adam_step


def _torch_adam(theta0: np.ndarray, grad_of: Callable, lr: float, settings: dict,
                steps: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """θ, exp_avg and exp_avg_sq after each step of torch.optim.Adam, the gradient taken at its own θ."""
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=lr, betas=(settings["beta1"], settings["beta2"]), eps=settings["eps"])
    states = []
    for _ in range(steps):
        p.grad = torch.from_numpy(grad_of(p.detach().numpy().copy()))
        opt.step()
        state = opt.state[p]
        states.append((p.detach().numpy().copy(), state["exp_avg"].numpy().copy(),
                       state["exp_avg_sq"].numpy().copy()))
    return states


def _adam_variants(theta, m, s, g, t: int, lr: float, beta1: float, beta2: float, eps: float) -> list[tuple]:
    """(theta_new, m_new, s_new, message) of each classic mistake, from the inputs of step t."""
    m1, s1 = beta1 * m + (1 - beta1) * g, beta2 * s + (1 - beta2) * g**2
    m_hat, s_hat = m1 / (1 - beta1**t), s1 / (1 - beta2**t)

    def step(m_: np.ndarray, s_: np.ndarray, at: int = t) -> np.ndarray:
        return theta - lr * (m_ / (1 - beta1**at)) / (np.sqrt(s_ / (1 - beta2**at)) + eps)

    m_swap, s_swap = (1 - beta1) * m + beta1 * g, (1 - beta2) * s + beta2 * g**2
    return [
        (theta - lr * m1 / (np.sqrt(s1) + eps), m1, s1, "the bias correction is missing: divide m by "
         "1 − β₁ᵗ and s by 1 − β₂ᵗ before the step (early on they are far smaller than the gradient and its "
         "square, because they start at zero)"),
        (theta - lr * m1 / (np.sqrt(s_hat) + eps), m1, s1, "only s is bias-corrected: correct m too, "
         "m / (1 − β₁ᵗ)"),
        (theta - lr * m_hat / (np.sqrt(s1) + eps), m1, s1, "only m is bias-corrected: correct s too, "
         "s / (1 − β₂ᵗ)"),
        (theta - lr * m_hat / (s_hat + eps), m1, s1, "the square root is missing: divide by √ŝ + ε, the root "
         "of the average squared gradient, so that each step is about η in size"),
        (theta - lr * m_hat / np.sqrt(s_hat + eps), m1, s1, "ε is inside the square root: PyTorch adds it "
         "after the root, √ŝ + ε"),
        (step(m1, s1), m_hat, s_hat, "m_new and s_new are the bias-corrected averages; return m and s "
         "themselves, as PyTorch stores them: the correction is applied afresh at every step, with that "
         "step's t"),
        (step(m_swap, s_swap), m_swap, s_swap, "β is applied to the wrong term: the averages keep β of the "
         "old value and add (1 − β) of the new one, m ← β₁m + (1 − β₁)g, s ← β₂s + (1 − β₂)g²"),
        (step(m_swap, s1), m_swap, s1, "β₁ is applied to the wrong term: m ← β₁m + (1 − β₁)g"),
        (step(m1, s1, t + 1), m1, s1, "the bias correction uses t + 1: t is already the number of this step, "
         "counting from 1"),
        (theta - lr * m1 / (1 - beta1**t) / (np.sqrt(s1) / (1 - beta2**t) + eps), m1, s1,
         "s is corrected outside the root, √s / (1 − β₂ᵗ): correct it inside, √(s / (1 − β₂ᵗ))"),
    ]


DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _check_adam(ctx, grad_of: Callable, theta: np.ndarray, lr: float, settings: dict | None,
                steps: int) -> None:
    """Chain `steps` calls of the student's adam_step from m = s = 0; compare with torch.optim.Adam.

    With `settings` None the call leaves beta1, beta2 and eps at the student's defaults.
    """
    m, s = np.zeros_like(theta), np.zeros_like(theta)
    names = ("theta_new", "m_new", "s_new")
    used = settings or DEFAULTS
    for t, want in enumerate(_torch_adam(theta, grad_of, lr, used, steps), start=1):
        grad = grad_of(theta)
        answer = ctx.call("adam_step", theta, m, s, grad, t, lr, **(settings or {}))
        got = as_items(answer, 3, "adam_step", "a triple (theta_new, m_new, s_new)")
        got = tuple(as_array(a, name) for a, name in zip(got, names, strict=True))
        for array, name in zip(got, names, strict=True):
            check_shape(array, theta.shape, name)
        if not all(np.all(np.isfinite(a)) for a in got):
            raise Fail(f"at step {t} adam_step returned NaN or infinity: is t the number of the step, counting "
                       "from 1? (1 − β⁰ = 0 would divide by zero)")
        if not all(_close(g, w) for g, w in zip(got, want, strict=True)):
            _first_match(got, _adam_variants(theta, m, s, grad, t, lr, **used), t)
            raise Fail(f"at step {t} adam_step differs from torch.optim.Adam(lr={lr:.4g}, betas=("
                       f"{used['beta1']:.4g}, {used['beta2']:.4g}), eps={used['eps']:.3g}): "
                       + _differences(names, got, want))
        theta, m, s = got


def _adam_case(ctx, steps: int, defaults: bool, grad_scale: float = 1.0) -> None:
    shape = _shape(ctx)
    grad_of = _quadratic(ctx, shape)
    lr = float(ctx.rng.uniform(0.01, 0.3))
    settings = None if defaults else {
        "beta1": float(ctx.rng.uniform(0.5, 0.85)), "beta2": float(ctx.rng.uniform(0.9, 0.99)),
        "eps": float(10 ** ctx.rng.uniform(-2, -1))}
    theta = ctx.rng.normal(size=shape)
    _check_adam(ctx, lambda th: grad_scale * grad_of(th), theta, lr, settings, steps)


@q3.test()
def adam_default_settings(ctx):
    """matches torch.optim.Adam with its default settings over 6 steps on fresh values"""
    _adam_case(ctx, 6, defaults=True)


@q3.test()
def adam_other_settings(ctx):
    """matches torch.optim.Adam(betas=(β₁, β₂), eps=ε) for fresh settings other than the defaults"""
    _adam_case(ctx, 6, defaults=False)


@q3.test()
def adam_scale_free_first_step(ctx):
    """takes a first step of about η per parameter, whatever the size of the gradient (gradients × 1000)"""
    _adam_case(ctx, 1, defaults=True, grad_scale=1000.0)


# ---------------------------------------------------------------- q4: cosine_rates


def _torch_cosine(lr0: float, T_max: int, eta_min: float, epochs: int) -> np.ndarray:
    """The rate of each epoch under CosineAnnealingLR, one scheduler.step() at the end of every epoch."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min)
    rates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(epochs):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            scheduler.step()
    return np.array(rates)


def _cosine(lr0: float, T_max: int, eta_min: float, epochs: np.ndarray, period: float = 1.0) -> np.ndarray:
    return eta_min + (lr0 - eta_min) * (1 + np.cos(period * np.pi * epochs / T_max)) / 2


def _check_cosine(ctx, lr0: float, T_max: int, eta_min: float, epochs: int) -> None:
    got = as_array(ctx.call("cosine_rates", lr0, T_max, eta_min, epochs), "cosine_rates")
    want = _torch_cosine(lr0, T_max, eta_min, epochs)
    call = f"cosine_rates({lr0:.4g}, {T_max}, {eta_min:.4g}, {epochs})"
    if got.ndim != 1 or len(got) != epochs:
        raise Fail(f"{call} returned {got.size} numbers; return one rate per epoch, {epochs} of them")
    if _close(got, want):
        return
    e = np.arange(epochs)
    mistakes = [
        (lr0 / 2 * (1 + np.cos(np.pi * e / T_max)), "is the chapter's schedule without the floor: the half "
         "cosine runs from η₀ down to eta_min, η_min + (η₀ − η_min)(1 + cos(πe/T_max))/2"),
        (eta_min + lr0 / 2 * (1 + np.cos(np.pi * e / T_max)), "adds eta_min on top of the chapter's schedule, "
         "so it starts above η₀: scale the cosine by η₀ − η_min, not by η₀"),
        (_cosine(lr0, T_max, eta_min, e + 1), "is shifted by one epoch: epoch 0 trains at η₀, since "
         "scheduler.step() is called at the end of each epoch"),
        (_cosine(lr0, T_max, eta_min, np.minimum(e, T_max)), "stops at eta_min after T_max epochs, but "
         "PyTorch's cosine carries on and climbs back towards η₀"),
        (_cosine(lr0, T_max, eta_min, e, period=2.0), "runs a whole cosine over T_max epochs; the rate falls "
         "along half a cosine, cos(πe/T_max), reaching eta_min at e = T_max"),
        (_cosine(lr0, T_max, eta_min, e - 1), "lags one epoch behind PyTorch's: epoch e trains at the rate "
         "after e calls of scheduler.step()"),
    ]
    message = first_mistake(got, mistakes, match=_close)
    if message:
        raise Fail(f"{call} {message}")
    worst = int(np.argmax(np.abs(got - want)))
    raise Fail(f"{call} differs from CosineAnnealingLR's rates: epoch {worst} trains at {want[worst]:.6g}, "
               f"yours says {got[worst]:.6g}")


def _schedule(ctx) -> tuple[float, int]:
    return float(ctx.rng.uniform(0.05, 1.0)), int(ctx.rng.integers(5, 40))


@q4.test()
def cosine_with_floor(ctx):
    """gives CosineAnnealingLR's rate for every epoch up to T_max, for fresh η₀, T_max and eta_min"""
    lr0, T_max = _schedule(ctx)
    _check_cosine(ctx, lr0, T_max, float(lr0 * ctx.rng.uniform(0.05, 0.5)), T_max + 1)


@q4.test()
def cosine_without_floor(ctx):
    """with eta_min = 0 gives the chapter's schedule, for fresh η₀ and T_max"""
    lr0, T_max = _schedule(ctx)
    _check_cosine(ctx, lr0, T_max, 0.0, int(ctx.rng.integers(2, T_max + 2)))


@q4.test()
def cosine_past_t_max(ctx):
    """carries on past T_max as PyTorch does: the cosine climbs back towards η₀"""
    lr0, T_max = _schedule(ctx)
    _check_cosine(ctx, lr0, T_max, float(lr0 * ctx.rng.uniform(0.05, 0.5)), int(2.5 * T_max))


# ---------------------------------------------------------------- q5: diagnose four broken runs

#: What each run's curve shows, and why each wrong cause does not fit it (the right cause is not named).
_RUNS = (
    ("b", {
        "a": "run 1 does not blow up: its loss falls, climbs back and falls again, in waves that die out slowly; a "
             "step above the limit makes the loss grow without end",
        "c": "run 1 falls from 8311 to 231 in 30 steps, then climbs back: too small a step falls slowly and "
             "steadily, and never climbs",
        "d": "run 1 does not settle on a plateau, it climbs back up: which setting carries a step on after the "
             "gradient has turned?",
    }),
    ("d", {
        "a": "run 2 never grows: a step above the limit makes the loss grow without end",
        "b": "run 2 settles at once, without a single wave, far above L* (7121 against 0.9094): what can stop "
             "gradient descent above the optimum?",
        "c": "run 2 stops falling, at 7121, far above L*, whereas too small a step keeps falling slowly at every "
             "step: what can stop gradient descent above the optimum?",
    }),
    ("a", {
        "b": "too much momentum makes waves that still shrink over time; run 3's loss grows by a constant large "
             "factor every ten steps",
        "c": "a small step never makes the loss grow; run 3's grows by a constant large factor every ten steps",
        "d": "a parameter never updated stops the loss on a plateau; run 3's grows without end",
    }),
    ("c", {
        "a": "run 4 falls at every step: a step above the limit makes the loss grow",
        "b": "run 4 falls smoothly, with no waves: too much momentum overshoots and climbs back",
        "d": "run 4 has not stopped: it still falls by about 6 % every ten steps; a parameter never updated gives "
             "a plateau that the loss does not leave",
    }),
)


def _check_run(ctx, run: int) -> None:
    answer = as_items(ctx.value("diagnoses"), 4, "diagnoses", "a list of four letters, one per run")
    letter = as_choice(answer[run], f"diagnoses[{run}]", "abcd")
    right, wrong = _RUNS[run]
    if letter != right:
        raise Fail(f"diagnoses[{run}] = {answer[run]!r} (run {run + 1}): {wrong[letter]}")


@q5.test(points=0.5)
def diagnose_run_1(ctx):
    """the cause of run 1"""
    _check_run(ctx, 0)


@q5.test(points=0.5)
def diagnose_run_2(ctx):
    """the cause of run 2"""
    _check_run(ctx, 1)


@q5.test(points=0.5)
def diagnose_run_3(ctx):
    """the cause of run 3"""
    _check_run(ctx, 2)


@q5.test(points=0.5)
def diagnose_run_4(ctx):
    """the cause of run 4"""
    _check_run(ctx, 3)
