"""Public tests of exercise 01, the linear model: MSE, the matrix-form prediction, least squares, and
least squares carried to a curve (a parabola, linear in its coefficients)."""

from __future__ import annotations

import numpy as np

from linreg_course.grader.compare import (
    as_array,
    as_items,
    as_number,
    check_close,
    check_number,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import linear_data, with_ones

NB = "01_linear_model"

q1 = question(NB, "q1", "the mean squared error")
q2 = question(NB, "q2", "predictions in matrix form")
q3 = question(NB, "q3", "least squares with a bias")
q4 = question(NB, "q4", "the best constant prediction")
q5 = question(NB, "q5", "a parabola by least squares", level="stretch")


@q1.test()
def mse_vectors(ctx):
    """equals the mean of squared residuals on fresh vectors"""
    n = int(ctx.rng.integers(5, 40))
    y, y_hat = ctx.rng.normal(50, 20, n), ctx.rng.normal(50, 20, n)
    want = np.mean((y_hat - y) ** 2)
    answer = ctx.call("mse", y_hat, y)
    mistake = first_mistake(as_number(answer, "mse(y_hat, y)"), [
        (n * want, f"mse is {n} times too large (N = {n}): it should be the mean, not the sum, of the squares"),
        (np.sqrt(want), "mse returned the root of the mean squared error (the RMSE); drop the square root"),
        (np.mean(np.abs(y_hat - y)), "mse returned the mean absolute error; square the residuals instead"),
    ], match=np.isclose)
    if mistake:
        raise Fail(mistake)
    check_number(answer, want, "mse(y_hat, y)", rtol=1e-9)


@q1.test()
def mse_matrices(ctx):
    """averages over all N·k entries of [N, k] arrays"""
    n, k = int(ctx.rng.integers(4, 12)), int(ctx.rng.integers(2, 4))
    y, y_hat = ctx.rng.normal(0, 5, (n, k)), ctx.rng.normal(0, 5, (n, k))
    want = np.mean((y_hat - y) ** 2)
    answer = ctx.call("mse", y_hat, y)
    mistake = first_mistake(as_number(answer, "mse on [N, k] arrays"), [
        (n * k * want, f"mse on [N, k] arrays is N·k = {n * k} times too large: it should be the mean, not the sum, "
                       "of the squares"),
        (k * want, f"mse on [N, k] arrays is {k} times too large: divide by N·k, the number of entries, not by N"),
    ], match=np.isclose)
    if mistake:
        raise Fail(mistake)
    check_number(answer, want, "mse on [N, k] arrays", rtol=1e-9)


@q1.test()
def mse_refuses_broadcast(ctx):
    """refuses predictions [N] against targets [N, 1] with a ValueError"""
    n = int(ctx.rng.integers(5, 15))
    y_hat, y = ctx.rng.normal(size=n), ctx.rng.normal(size=(n, 1))
    try:
        got = ctx.call("mse", y_hat, y)
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"mse should raise ValueError on shapes [N] and [N, 1]; it raised {error}") from None
    raise Fail(f"mse accepted shapes [{n}] and [{n}, 1] and returned {as_number(got, 'mse'):.4g}: the difference "
               f"broadcasts to [{n}, {n}]; compare the shapes and raise ValueError")


def _matrix_case(ctx, square: bool = False):
    """X [N, d], W [k, d], b [k] with N ≠ k (so that a bias added as a column [k, 1] cannot fit), or N = k."""
    d, k = int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(2, 4))
    n = k if square else k + int(ctx.rng.integers(2, 8))
    return ctx.rng.normal(size=(n, d)), ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k)


def _predict(ctx, X, W, b, what: str) -> None:
    """Call predict_matrix and compare with X·Wᵀ + b, naming the product and bias mistakes."""
    try:
        got = as_array(ctx.call("predict_matrix", X, W, b), what)
    except StudentError as error:
        text = str(error)
        if "broadcast" in text:
            raise Fail(f"predict_matrix raised {error}: X @ W.T has shape [N, k] and b shape [k]; add b as it is, "
                       "broadcasting puts it on every row (a column such as b[:, None] or b.reshape(-1, 1) only "
                       "fits when N = k, and then adds the wrong numbers)") from None
        if "matmul" in text or "aligned" in text or "core dimension" in text:
            raise Fail(f"predict_matrix raised {error}: W has shape [k, d], so the product is X @ W.T") from None
        raise
    check_shape(got, (X.shape[0], W.shape[0]), what)
    mistakes = [(X @ W.T, "predict_matrix leaves out the bias b: add it to every row")]
    if W.shape[0] == W.shape[1]:
        mistakes.append((X @ W + b, "predict_matrix computes X @ W + b: W has shape [k, d], one row per output, so the "
                                    "product is X @ W.T (with k = d both run, but only one is right)"))
    if X.shape[0] == W.shape[0]:
        mistakes.append((X @ W.T + b[:, None], "predict_matrix adds b as a column (b[:, None] or b.reshape(-1, 1)): "
                                               "with N = k the shapes fit, but example i gets the bias of output i; "
                                               "add b as it is, a row that broadcasting puts on every example"))
    mistake = first_mistake(got, mistakes, match=lambda g, v: np.allclose(g, v))
    if mistake:
        raise Fail(mistake)
    check_close(got, X @ W.T + b, what, rtol=1e-9)


@q2.test()
def predict_values(ctx):
    """returns X·Wᵀ + b with shape [N, k]"""
    _predict(ctx, *_matrix_case(ctx), "predict_matrix(X, W, b)")


@q2.test()
def predict_square(ctx):
    """adds b to every row when there are as many examples as outputs (N = k)"""
    _predict(ctx, *_matrix_case(ctx, square=True), "predict_matrix with N = k")


@q2.test()
def predict_one_output(ctx):
    """works for one output (W of shape [1, d], b of shape [1])"""
    X, W, b = _matrix_case(ctx)
    _predict(ctx, X, W[:1], b[:1], "predict_matrix with k = 1")


def _lstsq_case(ctx, k):
    X, Y = linear_data(ctx.rng, int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(1, 4)), k, loc=10.0, scale=3.0,
                       bias=5.0, noise=0.5)
    theta, *_ = np.linalg.lstsq(with_ones(X), Y, rcond=None)
    return X, Y, theta[:-1].T, theta[-1]


def _check_fit(ctx, k):
    X, Y, W_ref, b_ref = _lstsq_case(ctx, k)
    answer = as_items(ctx.call("fit_lstsq", X, Y), 2, "fit_lstsq", "a pair (W, b)")
    W, b = as_array(answer[0], "W"), as_array(answer[1], "b")
    if W.shape == W_ref.T.shape and W.shape != W_ref.shape:
        raise Fail(f"W has shape {list(W.shape)}; the course stores W as [k, d] = {list(W_ref.shape)} (transpose it)")
    check_shape(W, W_ref.shape, "W")
    check_shape(b, b_ref.shape, "b")
    if np.allclose(b, 0):
        raise Fail("b is zero: did you forget the column of ones that turns the bias into a weight?")
    check_close(W, W_ref, "W", rtol=1e-6)
    check_close(b, b_ref, "b", rtol=1e-6)


@q3.test()
def lstsq_two_outputs(ctx):
    """matches least squares with a bias on fresh data with two outputs"""
    _check_fit(ctx, 2)


@q3.test()
def lstsq_one_output(ctx):
    """matches least squares with a bias on fresh data with one output"""
    _check_fit(ctx, 1)


@q4.test()
def best_constant(ctx):
    """returns the constant with the lowest MSE on fresh data"""
    y = ctx.rng.exponential(10.0, int(ctx.rng.integers(6, 30)))
    answer = ctx.call("best_constant", y)
    if np.isclose(as_number(answer, "best_constant(y)"), np.median(y)):
        raise Fail("that is the median, which minimises the mean absolute error; the MSE wants another statistic")
    check_number(answer, float(np.mean(y)), "best_constant(y)", rtol=1e-9)


def _parabola_case(ctx, t_low: float, t_high: float, noise: float):
    """Times [N] in [t_low, t_high], heights from a random parabola plus noise, and the least-squares [a, b, c]."""
    n = int(ctx.rng.integers(12, 30))
    t = np.sort(ctx.rng.uniform(t_low, t_high, n))
    a, b, c = -4.9 * ctx.rng.uniform(0.5, 1.5), ctx.rng.uniform(5.0, 20.0), ctx.rng.uniform(0.5, 10.0)
    h = a * t**2 + b * t + c + ctx.rng.normal(0.0, noise, n)
    coefficients, *_ = np.linalg.lstsq(np.column_stack([t**2, t, np.ones(n)]), h, rcond=None)
    return t, h, coefficients


def _check_parabola(ctx, t: np.ndarray, h: np.ndarray, want: np.ndarray, what: str) -> None:
    """Call fit_parabola and compare with the least-squares [a, b, c], naming the likely slip."""
    got = as_array(ctx.call("fit_parabola", t, h), what)
    if got.size == 2:
        raise Fail(f"{what} returned 2 numbers; a parabola has three coefficients [a, b, c], and its constant c "
                   "needs a column of ones, as the bias did in question 3")
    check_shape(got, (3,), what)
    ones = np.ones(len(t))
    line, *_ = np.linalg.lstsq(np.column_stack([t, ones]), h, rcond=None)
    through_zero, *_ = np.linalg.lstsq(np.column_stack([t**2, t]), h, rcond=None)
    mistake = first_mistake(got, [
        (want[::-1], f"{what} holds the right coefficients in reverse order: return [a, b, c], the coefficient of "
                     "t² first"),
        (want[[1, 0, 2]], f"{what} has a and b swapped: return [a, b, c], the coefficient of t² first, then that "
                          "of t"),
        (np.append(through_zero, 0.0), f"{what} has c = 0, the best parabola through h = 0 at t = 0: add a column "
                                       "of ones for the constant c"),
        (np.concatenate([[0.0], line]), f"{what} has a = 0: that is the best straight line; the model needs a "
                                        "column t² as well"),
    ], match=lambda g, v: close(g, v, rtol=1e-6, atol=1e-8), right=want)
    if mistake:
        raise Fail(mistake)
    check_close(got, want, what, rtol=1e-6)


@q5.test()
def parabola_fresh(ctx):
    """matches least squares on h ≈ a t² + b t + c for fresh noisy heights"""
    t, h, want = _parabola_case(ctx, 0.0, 3.0, 0.2)
    _check_parabola(ctx, t, h, want, "fit_parabola(t, h)")


@q5.test()
def parabola_exact(ctx):
    """recovers the exact coefficients from noise-free heights at times far from zero"""
    t, h, want = _parabola_case(ctx, 10.0, 13.0, 0.0)
    _check_parabola(ctx, t, h, want, "fit_parabola on exact heights")
