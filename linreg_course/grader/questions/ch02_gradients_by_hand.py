"""Public tests of exercise 02, gradients by hand: the two gradient formulas, the gradient check, the
summed loss's limit on the data size.

The loss functions handed to the student's `numerical_gradient` are the classes of
`linreg_course.grader.fixtures` (importable in the sandbox); the subclasses below add the exact
gradients the references need, and are pickled as their gradient-free base classes.
"""

from __future__ import annotations

import functools

import numpy as np

from linreg_course.grader import fixtures
from linreg_course.grader.compare import (
    as_array,
    as_items,
    as_number,
    check_gradient,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, question
from linreg_course.grader.problems import ridge_solution

NB = "02_gradients_by_hand"

q1 = question(NB, "q1", "the gradient for one input")
q2 = question(NB, "q2", "the gradient in matrix form")
q3 = question(NB, "q3", "a numerical gradient")
q4 = question(NB, "q4", "the relative error of two gradients")
q5 = question(NB, "q5", "how much data the summed loss can take", level="stretch")
q6 = question(NB, "q6", "the gradient of the ridge loss", level="stretch")


# ---------------------------------------------------------------- shared helpers

#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-6, atol=1e-8)


def _pair(answer, what: str, names: tuple[str, str]) -> tuple:
    """The two parts of a returned pair; `Fail` if it is not a pair or a part is missing."""
    first, second = as_items(answer, 2, what, f"a pair ({names[0]}, {names[1]})")
    for part, name in ((first, names[0]), (second, names[1])):
        if part is None:
            raise Fail(f"{name} is None: compute it and return it in the pair")
    return first, second


def _named_factors(got: np.ndarray, want: np.ndarray, what: str, factors: dict[float, str]) -> None:
    """`Fail` with a message if `got` is `want` times one of the factors (a recognised mistake)."""
    if _close(got, want):
        return
    mistake = first_mistake(got, [(factor * want, f"{what} is {factor:g} times the right value: {why}")
                                  for factor, why in factors.items()], match=_close)
    if mistake:
        raise Fail(mistake)


# ---------------------------------------------------------------- q1: gradient_1d


def _ref_1d(w: float, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    e = w * x + b - y
    return np.array([2 * np.mean(e * x), 2 * np.mean(e)])


def _call_1d(ctx, w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    dw, db = _pair(ctx.call("gradient_1d", w, b, x, y), "gradient_1d", ("dL/dw", "dL/db"))
    return as_number(dw, "dL/dw"), as_number(db, "dL/db")


def _check_1d(ctx, w: float, b: float, x: np.ndarray, y: np.ndarray) -> None:
    dw, db = _call_1d(ctx, w, b, x, y)
    want = _ref_1d(w, b, x, y)
    got = np.array([dw, db])
    n = len(x)
    if _close(got, want):
        return
    if _close(got, want[::-1]):
        raise Fail("the two derivatives are swapped: return (dL/dw, dL/db) in that order")
    if n > 1 and _close(got, n * want):
        raise Fail(f"both derivatives are {n} times too large (N = {n}): that is the gradient of the summed "
                   "squared error; the loss is the mean, so divide by N")
    if np.isclose(dw, want[0]) and db == 0 and want[1] != 0:
        raise Fail("dL/dw is right but dL/db is zero: the bias gradient is missing")
    check_gradient(dw, want[0], "dL/dw", n=n if n > 1 else None)
    check_gradient(db, want[1], "dL/db", n=n if n > 1 else None)


@q1.test()
def gradient_1d_fresh(ctx):
    """matches the derivatives of the mean squared error on fresh data"""
    n = int(ctx.rng.integers(8, 40))
    x = ctx.rng.normal(10.0, 4.0, n)
    y = 1.8 * x + 32.0 + ctx.rng.normal(0.0, 2.0, n)
    w, b = float(ctx.rng.uniform(-1.0, 4.0)), float(ctx.rng.uniform(-10.0, 50.0))
    _check_1d(ctx, w, b, x, y)


@q1.test()
def gradient_1d_shifted_line(ctx):
    """gives dL/db = 2c and dL/dw = 2c·mean(x) when every residual equals c"""
    n = int(ctx.rng.integers(5, 25))
    x = ctx.rng.uniform(-5.0, 15.0, n)
    w, b, c = float(ctx.rng.uniform(0.5, 3.0)), float(ctx.rng.uniform(-5.0, 5.0)), float(ctx.rng.uniform(2, 9))
    if ctx.rng.random() < 0.5:
        c = -c
    y = w * x + b - c  # so every residual w x + b - y is exactly c
    dw, db = _call_1d(ctx, w, b, x, y)
    if np.isclose(db, -2 * c) and np.isclose(dw, -2 * c * np.mean(x)):
        raise Fail(f"with every residual ŷ − y = {c:.4f}, you return dL/db = {db:.4f} instead of {2 * c:.4f}: the "
                   "sign is flipped (the residual is prediction minus target)")
    if np.isclose(db, c) and np.isclose(dw, c * np.mean(x)):
        raise Fail(f"with every residual equal to c = {c:.4f}, dL/db should be 2c = {2 * c:.4f}: the factor 2 "
                   "from the derivative of e² is missing")
    _check_1d(ctx, w, b, x, y)


@q1.test()
def gradient_1d_optimum(ctx):
    """vanishes at the least-squares line"""
    n = int(ctx.rng.integers(6, 30))
    x = ctx.rng.normal(0.0, 10.0, n)
    y = -0.7 * x + 3.0 + ctx.rng.normal(0.0, 1.0, n)
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones(n)]), y, rcond=None)
    dw, db = _call_1d(ctx, float(w), float(b), x, y)
    scale = np.linalg.norm(_ref_1d(0.0, 0.0, x, y))
    if np.hypot(dw, db) > 1e-8 * scale:
        raise Fail(f"at the least-squares line the gradient should be zero (up to round-off), but you return "
                   f"({dw:.4g}, {db:.4g}); compare your formula with the chapter's derivation")


# ---------------------------------------------------------------- q2: gradient_matrix


def _ref_matrix(W, b, X, Y) -> tuple[np.ndarray, np.ndarray]:
    E = X @ W.T + b - Y
    return 2 / E.size * E.T @ X, 2 / E.size * E.sum(axis=0)


def _call_matrix(ctx, W, b, X, Y) -> tuple[np.ndarray, np.ndarray]:
    dW, db = _pair(ctx.call("gradient_matrix", W, b, X, Y), "gradient_matrix", ("dL/dW", "dL/db"))
    return as_array(dW, "dL/dW"), as_array(db, "dL/db")


def _matrix_factors(n: int, k: int) -> dict[float, str]:
    factors = {float(n * k): f"the gradient of the summed squared error (N·k = {n}·{k}); the loss is the mean over "
                             "all N·k entries, so multiply by 2 / (N·k), e.g. 2 / E.size"}
    if k > 1:
        factors[float(k)] = (f"you divided by N = {n} only; the mean runs over all N·k = {n * k} entries of the "
                             "residual matrix (use E.size)")
    return factors


def _check_matrix(ctx, W, b, X, Y) -> None:
    n, k, d = X.shape[0], W.shape[0], W.shape[1]
    dW, db = _call_matrix(ctx, W, b, X, Y)
    dW_ref, db_ref = _ref_matrix(W, b, X, Y)
    if dW.shape == (d, k) and dW.shape != (k, d):
        raise Fail(f"dL/dW has shape {list(dW.shape)} = [d, k]; it must have the shape of W, [k, d] = {[k, d]}: "
                   "use E.T @ X, not X.T @ E")
    if dW.shape == (k, d) and k == d and not _close(dW, dW_ref) and _close(dW, dW_ref.T):
        raise Fail("dL/dW is transposed: its row j belongs to output j, so it is E.T @ X, not X.T @ E")
    check_shape(dW, (k, d), "dL/dW")
    if db.shape == (n,) and n != k:
        raise Fail(f"dL/db has shape [{n}] = [N]: you summed the residuals over the outputs (axis 1); the bias "
                   "gradient sums over the examples, axis 0, one entry per output")
    if db.shape == () and k > 1:
        raise Fail(f"dL/db is a single number; it needs one entry per output, shape [{k}]: sum E over the "
                   "examples only (axis 0)")
    check_shape(db, (k,), "dL/db")
    factors = _matrix_factors(n, k)
    _named_factors(dW, dW_ref, "dL/dW", factors)
    _named_factors(db, db_ref, "dL/db", factors)
    check_gradient(dW, dW_ref, "dL/dW", n=n * k)
    check_gradient(db, db_ref, "dL/db", n=n * k)


def _matrix_case(ctx, n: int, d: int, k: int):
    X = ctx.rng.normal(5.0, 3.0, (n, d))
    W_true, b_true = ctx.rng.normal(size=(k, d)), ctx.rng.normal(0.0, 3.0, k)
    Y = X @ W_true.T + b_true + ctx.rng.normal(0.0, 0.5, (n, k))
    return X, Y


@q2.test()
def gradient_matrix_fresh(ctx):
    """matches (2/Nk)·EᵀX and (2/Nk)·Eᵀ1 with shapes [k, d] and [k] on fresh data"""
    d, k = int(ctx.rng.integers(2, 5)), 0
    while k in (0, d):
        k = int(ctx.rng.integers(2, 4))
    n = int(ctx.rng.integers(6, 15))
    X, Y = _matrix_case(ctx, n, d, k)
    W, b = ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k)
    _check_matrix(ctx, W, b, X, Y)


@q2.test()
def gradient_matrix_one_input_one_output(ctx):
    """with d = k = 1 gives the one-input formulas (X of shape [N, 1], Y of shape [N, 1])"""
    n = int(ctx.rng.integers(5, 20))
    x = ctx.rng.normal(10.0, 4.0, n)
    y = 1.8 * x + 32.0 + ctx.rng.normal(0.0, 2.0, n)
    w, b = float(ctx.rng.uniform(0.0, 4.0)), float(ctx.rng.uniform(0.0, 50.0))
    dW, db = _call_matrix(ctx, np.array([[w]]), np.array([b]), x[:, None], y[:, None])
    check_shape(dW, (1, 1), "dL/dW")
    check_shape(db, (1,), "dL/db")
    want = _ref_1d(w, b, x, y)
    check_gradient(dW[0, 0], want[0], "dL/dW", n=n)
    check_gradient(db[0], want[1], "dL/db", n=n)


@q2.test()
def gradient_matrix_optimum(ctx):
    """vanishes at the least-squares optimum"""
    n, d, k = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(1, 4)), int(ctx.rng.integers(2, 4))
    X, Y = _matrix_case(ctx, n, d, k)
    theta, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(n)]), Y, rcond=None)
    W, b = theta[:d].T.copy(), theta[d].copy()
    dW, db = _call_matrix(ctx, W, b, X, Y)
    check_shape(dW, (k, d), "dL/dW")
    check_shape(db, (k,), "dL/db")
    scale = np.linalg.norm(np.concatenate([g.ravel() for g in _ref_matrix(np.zeros((k, d)), np.zeros(k), X, Y)]))
    size = np.linalg.norm(np.concatenate([dW.ravel(), db.ravel()]))
    if not size <= 1e-8 * scale:
        raise Fail(f"at the least-squares optimum the gradient should vanish (the normal equations), but its norm "
                   f"is {size:.4g}, against {scale:.4g} at W = 0, b = 0")


# ---------------------------------------------------------------- q3: numerical_gradient


class LeastSquaresLoss(fixtures.LeastSquaresLoss):
    """θ ↦ mean((Aθ − c)²), with its exact gradient for the reference (the kernel gets the gradient-free base)."""

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return 2 / len(self.c) * self.A.T @ (self.A @ theta - self.c)

    def __reduce__(self):  # noqa: ANN204 (pickled as the fixture: the sandbox cannot import this module)
        return fixtures.LeastSquaresLoss, (self.A, self.c)


class WavyLoss(fixtures.WavyLoss):
    """θ ↦ Σ a_i sin(θ_i) + exp(v·θ) + ½ Σ s_i θ_i², with its exact gradient for the reference."""

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return self.a * np.cos(theta) + np.exp(self.v @ theta) * self.v + self.s * theta

    def __reduce__(self):  # noqa: ANN204 (pickled as the fixture: the sandbox cannot import this module)
        return fixtures.WavyLoss, (self.a, self.v, self.s)


def differences(f, theta: np.ndarray, h: float, kind: str) -> np.ndarray:
    """Reference finite differences: "central", "forward", "backward", or "drifting" (central differences
    that leave each parameter at θ_i − h instead of restoring it, a classic slip)."""
    theta = np.array(theta, dtype=np.float64)
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        if kind == "drifting":
            grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
            theta = theta - step
        elif kind == "central":
            grad[i] = (f(theta + step) - f(theta - step)) / (2 * h)
        elif kind == "forward":
            grad[i] = (f(theta + step) - f(theta)) / h
        else:
            grad[i] = (f(theta) - f(theta - step)) / h
    return grad


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def _wavy(ctx, p: int) -> tuple[WavyLoss, np.ndarray]:
    loss = WavyLoss(ctx.rng.uniform(1.0, 3.0, p), ctx.rng.uniform(-0.6, 0.6, p), ctx.rng.uniform(0.5, 2.0, p))
    return loss, ctx.rng.uniform(-1.5, 1.5, p)


def _numerical(ctx, f, theta: np.ndarray, *h: float) -> np.ndarray:
    got = as_array(ctx.call("numerical_gradient", f, theta, *h), "numerical_gradient")
    if got.shape == (1, theta.size) or got.shape == (theta.size, 1):
        raise Fail(f"numerical_gradient returned shape {list(got.shape)}; return a flat array of shape "
                   f"{list(theta.shape)}, like theta")
    check_shape(got, theta.shape, "numerical_gradient")
    if not np.all(np.isfinite(got)):
        raise Fail("numerical_gradient contains NaN or infinity: is the step h zero, e.g. added to an integer "
                   "array?")
    return got


def _check_numerical(got: np.ndarray, want: np.ndarray, tol: float, f, theta: np.ndarray, h: float) -> None:
    """Compare with the reference `want` (relative error below `tol`), naming the classic slips."""
    if _rel(got, want) < tol:
        return
    if _rel(got, 2 * want) < tol:
        raise Fail("numerical_gradient is twice the right value: the two points θ ± h·u_i are 2h apart, so divide "
                   "by 2h, not by h")
    if _rel(got, want / 2) < tol:
        raise Fail("numerical_gradient is half the right value: divide the difference by 2h, not by 4h")
    if _rel(got, -want) < tol:
        raise Fail("numerical_gradient has the wrong sign: it is L(θ + h·u_i) − L(θ − h·u_i), in that order")
    if np.allclose(got, 0):
        raise Fail("numerical_gradient is zero: does the step reach the loss (a float64 copy of theta, plus h·u_i)?")
    for kind in ("forward", "backward"):
        if _rel(got, differences(f, theta, h, kind)) < 1e-9:
            raise Fail(f"that is a {kind} difference, whose error is proportional to h; use the central difference "
                       "(L(θ + h·u_i) − L(θ − h·u_i)) / 2h, whose error is proportional to h²")
    if _rel(got, differences(f, theta, h, "drifting")) < 1e-9:
        raise Fail("each parameter is left at θ_i − h after its difference, so the later ones are taken at a "
                   "moved point: restore theta[i], or step from an unchanged copy of theta")
    if h != 1e-5 and _rel(got, differences(f, theta, 1e-5, "central")) < 1e-9:
        raise Fail(f"your result is the central difference with h = 1e-5, but the test passed h = {h:g}: "
                   "numerical_gradient ignores its argument h; use it as the step")
    raise Fail(f"numerical_gradient is wrong: relative error {_rel(got, want):.3g} against the reference")


@q3.test()
def numerical_gradient_quadratic(ctx):
    """matches the exact gradient of a fresh least-squares loss (default h)"""
    p, m = int(ctx.rng.integers(3, 7)), int(ctx.rng.integers(8, 15))
    loss = LeastSquaresLoss(ctx.rng.normal(size=(m, p)), ctx.rng.normal(0.0, 3.0, m))
    theta = ctx.rng.normal(0.0, 2.0, p)
    got = _numerical(ctx, loss, theta)
    _check_numerical(got, loss.gradient(theta), 1e-7, loss, theta, 1e-5)


@q3.test()
def numerical_gradient_central(ctx):
    """uses central differences: with h = 1e-3, accurate on a fresh non-quadratic loss"""
    loss, theta = _wavy(ctx, int(ctx.rng.integers(3, 7)))
    h = 1e-3
    got = _numerical(ctx, loss, theta, h)
    # a central difference is off by ~h²/6·L''' ≈ 1e-7 here, a forward or backward one by ~h/2·L'' ≈ 1e-3
    _check_numerical(got, differences(loss, theta, h, "central"), 1e-9, loss, theta, h)


@q3.test()
def numerical_gradient_uses_h(ctx):
    """uses the step h it is given (h = 0.1 on a fresh non-quadratic loss)"""
    loss, theta = _wavy(ctx, int(ctx.rng.integers(2, 6)))
    h = 0.1
    got = _numerical(ctx, loss, theta, h)
    want = differences(loss, theta, h, "central")
    if _rel(got, want) >= 1e-9 and _rel(got, loss.gradient(theta)) < 1e-6:
        raise Fail("with h = 0.1 your result is as accurate as a tiny step would give: numerical_gradient ignores "
                   "its argument h; use it as the step")
    _check_numerical(got, want, 1e-9, loss, theta, h)


# ---------------------------------------------------------------- q4: relative_error


def _relerr(ctx, a: np.ndarray, b: np.ndarray) -> float:
    return as_number(ctx.call("relative_error", a, b), "relative_error(a, b)")


@q4.test()
def relative_error_fresh(ctx):
    """equals ||a − b|| / max(||a||, ||b||) on fresh vectors"""
    p = int(ctx.rng.integers(4, 12))
    a = ctx.rng.normal(0.0, 3.0, p)
    b = float(ctx.rng.uniform(0.3, 0.7)) * a + ctx.rng.normal(0.0, 0.5, p)  # ||b|| clearly below ||a||
    if ctx.rng.random() < 0.5:
        a, b = b, a
    na, nb, nd = np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(a - b)
    want = nd / max(na, nb)
    got = _relerr(ctx, a, b)
    if np.isclose(got, want, rtol=1e-9):
        return
    wrong = {
        "it divides by the smaller norm; divide by the larger, max(||a||, ||b||)": nd / min(na, nb),
        "it divides by the sum of the norms; divide by the larger one, max(||a||, ||b||)": nd / (na + nb),
        "it is the absolute error ||a − b||; divide by max(||a||, ||b||)": nd,
        "it divides squared norms; take the norms themselves (np.linalg.norm)": nd**2 / max(na, nb) ** 2,
        "it is a mean absolute difference; use the Euclidean norm, np.linalg.norm": np.mean(np.abs(a - b)),
        "it compares the largest entries (the max norm); use the Euclidean norm, np.linalg.norm":
            np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b))),
        "it is the largest entry-wise relative difference; use norms of the whole vectors":
            np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))),
    }
    why = first_mistake(got, [(value, why) for why, value in wrong.items()],
                        match=lambda g, v: np.isclose(g, v, rtol=1e-9))
    if why:
        raise Fail(f"relative_error(a, b) = {got:.6g} instead of {want:.6g}: {why}")
    raise Fail(f"relative_error(a, b) = {got:.6g} instead of {want:.6g}")


@q4.test()
def relative_error_telltales(ctx):
    """is symmetric: 2 for opposite vectors, 0.5 for half a vector, whichever comes first"""
    g = ctx.rng.normal(0.0, 5.0, int(ctx.rng.integers(3, 10)))
    cases = [("relative_error(g, −g)", g, -g, 2.0), ("relative_error(g / 2, g)", g / 2, g, 0.5),
             ("relative_error(g, g / 2)", g, g / 2, 0.5)]
    for what, a, b, want in cases:
        got = _relerr(ctx, a, b)
        if not np.isclose(got, want, rtol=1e-9):
            hint = ""
            if np.isclose(got, 1.0) or np.isclose(got, 0.25):
                hint = ": it depends on the order of the arguments; divide by max(||a||, ||b||), not by one norm"
            raise Fail(f"{what} = {got:.6g}, expected {want:g}{hint}")


@q4.test()
def relative_error_zero(ctx):
    """returns 0.0 for two zero vectors and 1.0 against a zero vector"""
    p = int(ctx.rng.integers(2, 8))
    zero, g = np.zeros(p), ctx.rng.normal(size=p)
    got = _relerr(ctx, zero, zero.copy())
    if not got == 0.0:
        raise Fail(f"relative_error of two zero vectors is {got}: 0 / 0 must be caught and give 0.0")
    for a, b in ((g, zero), (zero, g)):
        got = _relerr(ctx, a, b)
        if not np.isclose(got, 1.0, rtol=1e-9):
            raise Fail(f"relative_error of a vector and the zero vector is {got:.6g}, expected 1 (||g|| / ||g||)")


# ---------------------------------------------------------------- q5: largest_n


def _summed_descent(n: int, lr: float = 0.01, steps: int = 400) -> float:
    """|w − 2| after gradient descent on the summed squared error of w·x for y = 2x, x = 1..n, from w = 0."""
    x = np.arange(1.0, n + 1)
    w = 0.0
    for _ in range(steps):
        w -= lr * 2 * np.sum((w * x - 2 * x) * x)
        if abs(w) > 1e12:
            break
    return abs(w - 2)


def _largest_n(lr: float = 0.01) -> int:
    """The largest N with lr · 2 Σ x² < 2, the summed loss's curvature against the stability limit."""
    n = 1
    while lr * 2 * np.sum(np.arange(1.0, n + 2) ** 2) < 2:
        n += 1
    return n


def _whole_number(ctx) -> int:
    value = as_number(ctx.value("largest_n"), "largest_n")
    if not np.isfinite(value) or value != round(value):
        raise Fail(f"largest_n = {value:g} should be a whole number of examples")
    return int(round(value))


@q5.test()
def largest_n_value(ctx):
    """is the largest N for which descent on the summed loss converges"""
    got, want = _whole_number(ctx), _largest_n()
    if got == want:
        return
    mean_n = max(n for n in range(1, 200) if 0.01 * 2 * np.mean(np.arange(1.0, n + 1) ** 2) < 2)
    no_two = max(n for n in range(1, 200) if 0.01 * np.sum(np.arange(1.0, n + 1) ** 2) < 2)
    monotone = max(n for n in range(1, 200) if 0.01 * 2 * np.sum(np.arange(1.0, n + 1) ** 2) < 1)
    if got == mean_n:
        raise Fail(f"{got} is the limit for the mean squared error; the question is about the summed one, whose "
                   "curvature is N times larger")
    if got == no_two:
        raise Fail(f"{got} is what you get without the factor 2: the curvature of Σ(w x_i − y_i)² is 2 Σ x_i²")
    if got == monotone:
        raise Fail(f"{got} is the largest N where w approaches 2 without overshooting (factor between 0 and 1); "
                   "a negative factor above −1 still converges, with alternating signs")
    if got == 8:
        raise Fail("8 is where the chapter saw the summed loss diverge; the question asks for the largest N that "
                   "still converges")
    raise Fail(f"largest_n = {got} is not right: find the N where the factor 1 − η·L''(w) crosses −1")


@q5.test()
def largest_n_simulated(ctx):
    """descent converges at N = largest_n and diverges at N = largest_n + 1 (simulated)"""
    got = _whole_number(ctx)
    if not 1 <= got <= 1000:
        raise Fail(f"largest_n = {got} is outside the range 1 to 1000 this test simulates")
    if _summed_descent(got) > 1e-6:
        raise Fail(f"with N = {got} gradient descent on the summed loss does not converge (it ends "
                   f"{_summed_descent(got):.3g} away from w = 2): largest_n is too large")
    if _summed_descent(got + 1) < 1e-6:
        raise Fail(f"with N = {got + 1} gradient descent on the summed loss still converges: largest_n is too small")


# ---------------------------------------------------------------- q6: ridge_gradient


def ridge_reference(W, b, X, Y, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of mean((X Wᵀ + b − Y)²) + λ‖W‖²: the MSE's, plus 2λW for the weights only."""
    E = X @ W.T + b - Y
    return 2 / E.size * E.T @ X + 2 * lam * W, 2 / E.size * E.sum(axis=0)


def check_ridge(ctx, W, b, X, Y, lam: float) -> None:
    """Call ridge_gradient and compare with the reference, naming the penalty's classic slips."""
    answer = as_items(ctx.call("ridge_gradient", W, b, X, Y, lam), 2, "ridge_gradient", "a pair (dL/dW, dL/db)")
    dW, db = as_array(answer[0], "dL/dW"), as_array(answer[1], "dL/db")
    check_shape(dW, W.shape, "dL/dW")
    check_shape(db, b.shape, "dL/db")
    dW_ref, db_ref = ridge_reference(W, b, X, Y, lam)
    dW_mse, db_mse = ridge_reference(W, b, X, Y, 0.0)
    mistake = first_mistake((dW, db), [
        ((dW_mse, db_mse), "this is the gradient of the mean squared error alone: the penalty λ‖W‖² is missing, "
                           "and it adds a term to dL/dW"),
        ((dW_mse + lam * W, db_mse), "the penalty's term in dL/dW is half the right size: the derivative of λw² "
                                     "is 2λw"),
        ((dW_mse - 2 * lam * W, db_mse), "the penalty's term in dL/dW has the wrong sign: λ‖W‖² grows with |W|, "
                                         "so its gradient points away from zero, +2λW"),
        ((dW_ref, db_mse + 2 * lam * b), "dL/db has a penalty term, but the bias is not penalised: λ‖W‖² does not "
                                         "involve b, so dL/db is that of the mean squared error"),
    ], match=lambda got, want: close(got[0], want[0], 1e-6, 1e-8) and close(got[1], want[1], 1e-6, 1e-8),
        right=(dW_ref, db_ref))
    if mistake:
        raise Fail(mistake)
    check_gradient(dW, dW_ref, "dL/dW", n=Y.size)
    check_gradient(db, db_ref, "dL/db", n=Y.size)


def _ridge_data(ctx, n: int, d: int, k: int):
    X = ctx.rng.normal(2.0, 3.0, (n, d))
    Y = X @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(0.0, 2.0, k) + ctx.rng.normal(0.0, 0.5, (n, k))
    return X, Y


@q6.test()
def ridge_fresh(ctx):
    """matches (2/Nk)·EᵀX + 2λW and (2/Nk)·Eᵀ1 on fresh data with two or three outputs"""
    n, d, k = int(ctx.rng.integers(6, 15)), int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(2, 4))
    X, Y = _ridge_data(ctx, n, d, k)
    check_ridge(ctx, ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k), X, Y, float(ctx.rng.uniform(0.2, 3.0)))


@q6.test()
def ridge_vanishes_at_its_optimum(ctx):
    """vanishes at the ridge optimum, the solution of (X̃ᵀX̃/N + λD) θ = X̃ᵀy/N with D = diag(1, …, 1, 0)"""
    n, d = int(ctx.rng.integers(10, 25)), int(ctx.rng.integers(1, 4))
    X, Y = _ridge_data(ctx, n, d, 1)
    lam = float(ctx.rng.uniform(0.5, 5.0))
    W, b = ridge_solution(X, Y, lam)
    check_ridge(ctx, W.copy(), b.copy(), X, Y, lam)
