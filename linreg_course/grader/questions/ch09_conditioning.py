"""Public tests of exercise 09, conditioning: why scaling works: the Hessian and its condition number,
standardising with the training statistics, mapping parameters back to the original units, the step count
the eigenvalues predict, the stability limit on the crop data, the steps the contraction ρ predicts, and (open-ended)
a fast gradient descent on badly scaled data, graded by the loss it reaches.

The references are written here in NumPy float64; the inputs are fresh and built from `ctx.rng`.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from linreg_course.grader.compare import (
    as_array,
    as_choice,
    as_items,
    as_number,
    check_close,
    check_number,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import eigenvalues, hessian, lam_max, offset_inputs, with_ones
from linreg_course.grader.standardising import Standardising, Words, check_statistics

NB = "09_conditioning"

q1 = question(NB, "q1", "the Hessian and its condition number")
q2 = question(NB, "q2", "standardising with the training statistics")
q3 = question(NB, "q3", "back to the original units")
q4 = question(NB, "q4", "how many steps the eigenvalues predict")
q5 = question(NB, "q5", "the largest stable learning rate, before and after standardising")
q6 = question(NB, "q6", "a step count you can predict")
q7 = question(NB, "q7", "train fast on badly scaled data", level="stretch")


#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-9, atol=1e-12)


def _pair(answer, what: str, names: str = "(W, b)"):
    return as_items(answer, 2, what, f"a pair {names}")


# ---------------------------------------------------------------- q1: hessian, condition_number


def _check_hessian(ctx, n: int, d: int, k: int, what: str) -> None:
    X = offset_inputs(ctx.rng, n, d)
    got = as_array(ctx.call("hessian", X, k), what)
    want = hessian(X, k)
    if got.shape == (d, d):
        raise Fail(f"{what} has shape [{d}, {d}]: append the column of ones to X first, so that the bias is a "
                   f"parameter too and H has shape [d+1, d+1] = [{d + 1}, {d + 1}]")
    check_shape(got, want.shape, what)
    if _close(got, want):
        return
    X_first = np.column_stack([np.ones(n), X])
    scale = 2 / (n * k)
    if _close(got, scale * X_first.T @ X_first):
        raise Fail(f"{what} has the column of ones first; put it last, so that the bias is the last parameter")
    mistakes = [
        (want * n * k / 2, "is X̃ᵀX̃ without the factor 2/(Nk)"),
        (want * k / 2, "is X̃ᵀX̃/N: the loss averages N·k squared errors and the second derivative of e² is 2, "
                       "so H = 2/(N·k)·X̃ᵀX̃"),
        (want / 2, "is half the right value: the second derivative of e² is 2, keep the factor 2"),
        (want * k, f"is k = {k} times too large: divide by N·k, the number of squared errors, not by N"),
        (want * n, f"is N = {n} times too large: the loss is a mean, so divide by N·k"),
        (want / k, f"is k = {k} times too small: divide by N·k once"),
    ]
    if k == 1:
        mistakes = [m for m in mistakes if "k =" not in m[1]]
    if k == 2:
        mistakes = [m for m in mistakes if "X̃ᵀX̃/N" not in m[1]]
    message = first_mistake(got, mistakes, match=_close)
    if message:
        raise Fail(f"{what} {message}")
    check_close(got, want, what, rtol=1e-9)


@q1.test()
def hessian_fresh(ctx):
    """hessian returns 2/(N·k)·X̃ᵀX̃ with the ones column last, on fresh data with two outputs"""
    _check_hessian(ctx, int(ctx.rng.integers(6, 20)), int(ctx.rng.integers(2, 5)), 2, "hessian(X, 2)")


@q1.test()
def hessian_three_outputs(ctx):
    """hessian divides by N·k (fresh data with three outputs)"""
    _check_hessian(ctx, int(ctx.rng.integers(6, 20)), int(ctx.rng.integers(1, 4)), 3, "hessian(X, 3)")


def _spd(ctx, d: int) -> tuple[np.ndarray, np.ndarray]:
    """A random symmetric positive definite matrix with known, spread-out eigenvalues."""
    Q, _ = np.linalg.qr(ctx.rng.normal(size=(d, d)))
    lam = np.sort(10.0 ** ctx.rng.uniform(-2, 3, d))
    return (Q * lam) @ Q.T, lam


@q1.test()
def condition_fresh(ctx):
    """condition_number returns λ_max/λ_min of a fresh symmetric positive definite matrix"""
    H, lam = _spd(ctx, int(ctx.rng.integers(3, 6)))
    got = as_number(ctx.call("condition_number", H), "condition_number(H)")
    want = lam[-1] / lam[0]
    if math.isclose(got, 1 / want, rel_tol=1e-6):
        raise Fail("condition_number returned λ_min/λ_max, the reciprocal: eigvalsh sorts in increasing order, "
                   "so λ_max is the last eigenvalue")
    if math.isclose(got, math.sqrt(want), rel_tol=1e-6):
        raise Fail("condition_number returned the square root of κ (the condition number of X̃, not of H)")
    if math.isclose(got, want**2, rel_tol=1e-6):
        raise Fail("condition_number returned κ²: use the eigenvalues of H itself, not of HᵀH")
    check_number(got, want, "condition_number(H)", rtol=1e-6)


# ---------------------------------------------------------------- q2: standardise


_STANDARDISE = Standardising("standardise", Words(other="other", x_train="X_train", z_train="Z_train",
                                                  z_other="Z_other",
                                                  population_std="X_train.std(axis=0), np.std's default ddof=0"),
                             tensors=False, rtol=1e-9)


@q2.test()
def standardise_training_statistics(ctx):
    """uses the training split's mean and population std, on fresh data whose other split differs"""
    _STANDARDISE.check_statistics(ctx, n=int(ctx.rng.integers(8, 20)), m=int(ctx.rng.integers(5, 12)))
    _STANDARDISE.check_maps(ctx, n=int(ctx.rng.integers(8, 20)), m=int(ctx.rng.integers(5, 12)))


@q2.test()
def standardise_other_split(ctx):
    """transforms the other split with the training statistics, never its own or the combined ones"""
    _STANDARDISE.check_maps(ctx, n=int(ctx.rng.integers(6, 12)), m=int(ctx.rng.integers(20, 40)),
                            d=int(ctx.rng.integers(1, 4)))


@q2.test()
def standardise_properties(ctx):
    """the standardised training columns have mean 0 and (population) std 1"""
    X_train, X_other = _STANDARDISE.case(ctx, n=int(ctx.rng.integers(10, 30)), m=5)
    Z_train, _, mu, sigma = _STANDARDISE.call(ctx, X_train, X_other)
    check_shape(Z_train, X_train.shape, "Z_train")
    check_statistics(mu, sigma, X_train, X_other, _STANDARDISE.words, rtol=1e-9)
    if not np.allclose(Z_train.mean(axis=0), 0, atol=1e-9):
        raise Fail("the columns of Z_train do not have mean 0: subtract each column's training mean (axis=0)")
    if np.allclose(Z_train.std(axis=0, ddof=1), 1, rtol=1e-9):
        raise Fail("Z_train has sample std 1 (ddof=1): the chapter divides by the population std (ddof=0, "
                   "np.std's default), so that Z_train.std(axis=0) is 1")
    if not np.allclose(Z_train.std(axis=0), 1, rtol=1e-9):
        raise Fail("the columns of Z_train do not have std 1: divide by each column's std (axis=0)")


# ---------------------------------------------------------------- q3: unstandardise_params


def _unstd_case(ctx, k: int, d: int):
    Wz, bz = ctx.rng.normal(size=(k, d)), ctx.rng.normal(0, 0.5, k)
    mu_x, sigma_x = ctx.rng.uniform(20, 90, d), ctx.rng.uniform(2, 20, d)
    mu_y, sigma_y = ctx.rng.uniform(30, 120, k), ctx.rng.uniform(5, 30, k)
    return Wz, bz, mu_x, sigma_x, mu_y, sigma_y


def _check_unstandardise(ctx, k: int, d: int) -> None:
    Wz, bz, mu_x, sigma_x, mu_y, sigma_y = case = _unstd_case(ctx, k, d)
    try:
        W, b = _pair(ctx.call("unstandardise_params", *case), "unstandardise_params")
    except StudentError as error:
        if "broadcast" in str(error):
            raise Fail(f"unstandardise_params raised {error}: σ_y has one entry per output (the rows of Wz), so "
                       "write sigma_y[:, None] * Wz / sigma_x") from None
        raise
    W, b = as_array(W, "W"), as_array(b, "b")
    W_ref = sigma_y[:, None] * Wz / sigma_x[None, :]
    b_ref = mu_y + sigma_y * bz - W_ref @ mu_x
    if W.shape == W_ref.T.shape and W.shape != W_ref.shape:
        raise Fail(f"W has shape {list(W.shape)}; it should be [k, d] = {list(W_ref.shape)} like Wz")
    check_shape(W, W_ref.shape, "W")
    check_shape(b, b_ref.shape, "b")
    # the predictions on fresh raw inputs are what matters
    X = ctx.rng.normal(mu_x, sigma_x, (7, d))
    want = mu_y + sigma_y * (((X - mu_x) / sigma_x) @ Wz.T + bz)
    if _close(X @ W.T + b, want, rtol=1e-9, atol=1e-9):
        return
    W_wrong = {
        "no_sigma_y": Wz / sigma_x[None, :],
        "inverted": Wz * sigma_x[None, :] / sigma_y[:, None],
        "times_sigma_x": sigma_y[:, None] * Wz * sigma_x[None, :],
        "unscaled": Wz,
    }
    if _close(W, W_wrong["no_sigma_y"]):
        raise Fail("W is Wz/σ_x: you undid the input scaling but forgot the target scaling, multiply row j "
                   "by σ_y[j]")
    if _close(W, W_wrong["inverted"]):
        raise Fail("W is Wz·σ_x/σ_y, the ratio upside down: W[j, m] = σ_y[j]/σ_x[m]·Wz[j, m]")
    if _close(W, W_wrong["times_sigma_x"]):
        raise Fail("W multiplies by σ_x: the inputs were divided by σ_x, so divide Wz by σ_x[m]")
    if _close(W, W_wrong["unscaled"]):
        raise Fail("W equals Wz: scale it, W[j, m] = σ_y[j]/σ_x[m]·Wz[j, m]")
    if k == d and (_close(W, sigma_y[None, :] * Wz / sigma_x[:, None])
                   or _close(W, sigma_y[None, :] * Wz / sigma_x[None, :])):
        raise Fail("W has σ_y on the wrong axis: `Wz * sigma_y` broadcasts σ_y along the columns (inputs); "
                   "it belongs to the rows (outputs): sigma_y[:, None] * Wz / sigma_x")
    if not _close(W, W_ref):
        check_close(W, W_ref, "W", rtol=1e-9)
    b_wrong = [
        (mu_y + sigma_y * bz, "b leaves out the correction −W·μ_x: the inputs were centred, so subtract "
                              "Σ_m W[j, m]·μ_x[m]"),
        (mu_y - W_ref @ mu_x, "b leaves out σ_y·b_z: b_z is zero only at the optimum, keep the term"),
        (mu_y + bz - W_ref @ mu_x, "b adds b_z without the target scaling: use σ_y·b_z"),
        (sigma_y * bz - W_ref @ mu_x, "b leaves out μ_y: the targets were centred too"),
        (mu_y + sigma_y * bz + W_ref @ mu_x, "b adds W·μ_x: it should be subtracted"),
        (mu_y + sigma_y * bz - Wz @ mu_x, "b subtracts Wz·μ_x: use the unstandardised W"),
        (mu_y + sigma_y * bz - (Wz / sigma_x) @ mu_x, "b subtracts (Wz/σ_x)·μ_x: use the full W, "
                                                       "including σ_y"),
    ]
    message = first_mistake(b, b_wrong, match=_close)
    if message:
        raise Fail(message)
    check_close(b, b_ref, "b", rtol=1e-9)


@q3.test()
def unstandardise_predictions(ctx):
    """gives the same predictions as the standardised model, on fresh raw inputs (k ≠ d)"""
    d = int(ctx.rng.integers(2, 5))
    _check_unstandardise(ctx, d + int(ctx.rng.integers(1, 3)), d)


@q3.test()
def unstandardise_square(ctx):
    """puts σ_y on the outputs and σ_x on the inputs when k = d (no shape error to help)"""
    d = int(ctx.rng.integers(2, 4))
    _check_unstandardise(ctx, d, d)


@q3.test()
def unstandardise_round_trip(ctx):
    """maps the least-squares fit on standardised fresh data exactly onto the raw fit"""
    n, d, k = int(ctx.rng.integers(12, 30)), int(ctx.rng.integers(2, 4)), int(ctx.rng.integers(1, 3))
    X = offset_inputs(ctx.rng, n, d) * 10
    Y = X @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(50, 10, k) + ctx.rng.normal(0, 2, (n, k))
    mu_x, sigma_x, mu_y, sigma_y = X.mean(0), X.std(0), Y.mean(0), Y.std(0)
    Zx, Zy = (X - mu_x) / sigma_x, (Y - mu_y) / sigma_y
    theta_z, *_ = np.linalg.lstsq(with_ones(Zx), Zy, rcond=None)
    theta, *_ = np.linalg.lstsq(with_ones(X), Y, rcond=None)
    W, b = _pair(ctx.call("unstandardise_params", theta_z[:d].T, theta_z[d], mu_x, sigma_x, mu_y, sigma_y),
                 "unstandardise_params")
    check_close(W, theta[:d].T, "W of the mapped-back fit", rtol=1e-7, atol=1e-9)
    check_close(b, theta[d], "b of the mapped-back fit", rtol=1e-7, atol=1e-7)


# ---------------------------------------------------------------- q4: steps_to_shrink


def _ref_steps(lam: np.ndarray, lr: float, shrink: float) -> int:
    rho = float(np.max(np.abs(1 - lr * lam)))
    return max(0, math.ceil(math.log(shrink) / math.log(rho)))


def _steps_case(ctx, lr_fraction: float):
    """Eigenvalues in random order and a step lr = lr_fraction · 2/λ_max, with a t away from integers.

    The eigenvalue whose factor |1 − lr·λ| is the worst sits neither first nor last, so that an answer
    that reads only the ends of the array (as if it were sorted) fails."""
    while True:
        lam = 10.0 ** ctx.rng.uniform(-1, 2, int(ctx.rng.integers(3, 6)))
        lr = lr_fraction * 2 / lam.max()
        shrink = 10.0 ** -ctx.rng.uniform(2, 6)
        rho = float(np.max(np.abs(1 - lr * lam)))
        exact = math.log(shrink) / math.log(rho)
        if 0.05 < exact - math.floor(exact) < 0.95:
            lam = ctx.rng.permutation(lam)
            worst = int(np.argmax(np.abs(1 - lr * lam)))
            middle = int(ctx.rng.integers(1, len(lam) - 1))
            lam[[worst, middle]] = lam[[middle, worst]]
            return lam, lr, shrink


def _check_steps(ctx, lam, lr, shrink) -> None:
    try:
        got = as_number(ctx.call("steps_to_shrink", lam, lr, shrink), "steps_to_shrink")
    except StudentError as error:
        if str(error).startswith("ValueError"):
            raise Fail(f"steps_to_shrink raised ValueError, but lr = {lr:.4g} is below 2/λ_max = "
                       f"{2 / lam.max():.4g}: take the largest |1 − lr·λ_i| over all eigenvalues") from None
        raise
    want = _ref_steps(lam, lr, shrink)
    if got == want:
        return
    if got == want - 1:
        raise Fail(f"steps_to_shrink returned {got:.0f}, one too few: after {got:.0f} steps ρ^t is still above "
                   "the target; round log(shrink)/log(ρ) up (ceil), not down")
    only_min = math.ceil(math.log(shrink) / math.log(abs(1 - lr * lam.min())))
    if got == only_min:
        raise Fail(f"steps_to_shrink returned {got:.0f}, the count for λ_min alone; at lr = {lr:.4g} the steep "
                   "direction's factor |1 − lr·λ_max| is the worst one: use ρ = max_i |1 − lr·λ_i|")
    sorted_pos = [math.ceil(math.log(shrink) / math.log(abs(1 - lr * v))) if abs(1 - lr * v) < 1 else None
                  for v in (lam[0], lam[-1])]
    if got in sorted_pos:
        raise Fail(f"steps_to_shrink returned {got:.0f}, the count for the first or last eigenvalue of the "
                   "array: the eigenvalues come in any order, take the maximum of |1 − lr·λ_i| over all of them")
    if math.isclose(got, math.log(1 / shrink) / (lr * lam.min()), rel_tol=0.02, abs_tol=1.5):
        raise Fail("steps_to_shrink uses the approximation ln(1/shrink)/(lr·λ_min); compute the exact count "
                   "from ρ = max_i |1 − lr·λ_i|")
    raise Fail(f"steps_to_shrink returned {got:.6g}; the smallest integer t with ρ^t ≤ shrink is {want}")


@q4.test()
def steps_small_lr(ctx):
    """counts the steps for a small learning rate (λ_min decides), eigenvalues in random order"""
    _check_steps(ctx, *_steps_case(ctx, 0.3))


@q4.test()
def steps_large_lr(ctx):
    """counts the steps near the stability limit, where the steep direction is the slowest"""
    _check_steps(ctx, *_steps_case(ctx, 0.97))


@q4.test()
def steps_unstable(ctx):
    """raises ValueError for a learning rate above 2/λ_max"""
    lam = ctx.rng.permutation(10.0 ** ctx.rng.uniform(-1, 2, 4))
    lr = 1.1 * 2 / lam.max()
    try:
        got = ctx.call("steps_to_shrink", lam, lr, 1e-3)
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"steps_to_shrink should raise ValueError for lr above 2/λ_max; it raised {error}") from None
    raise Fail(f"steps_to_shrink returned {got!r} for lr = 1.1·2/λ_max: there the steep direction's factor "
               "|1 − lr·λ_max| exceeds 1 and gradient descent diverges; raise ValueError")


# ---------------------------------------------------------------- q5: stability_limits


def _crop():
    from linreg_course.data import crop_yields

    return crop_yields(15)


def _limit_mistakes(X: np.ndarray, k: int, what: str, got: float) -> None:
    n = len(X)
    lam = eigenvalues(X, k)
    want = 2 / lam[-1]
    if math.isclose(got, want, rel_tol=1e-6):
        return
    if got > want * (1 + 1e-3):
        hint = first_mistake(got, [
            (2 / lam[0], "that is 2/λ_min: eigvalsh sorts in increasing order, so λ_max is the last one"),
            (2 / eigenvalues(X, k, bias=False)[-1], "that is without the column of ones"),
        ], match=lambda g, v: math.isclose(g, v, rel_tol=1e-3))
        if hint:
            raise Fail(f"{what} = {got:.4g} is above the stability limit 2/λ_max = {want:.4g}, so gradient "
                       f"descent diverges (NaN): {hint}")
        for factor in sorted({2, k}):
            if math.isclose(got, want * factor, rel_tol=1e-3):
                raise Fail(f"{what} = {got:.4g} is {factor} times 2/λ_max, so gradient descent diverges: check that "
                           "the Hessian has both the factor 2 and the division by N·k, H = 2/(N·k)·X̃ᵀX̃ "
                           "(question 1)")
        raise Fail(f"{what} = {got:.4g} is above the stability limit 2/λ_max = {want:.4g}: gradient descent "
                   "would diverge")
    if k == 2:  # 1/λ_max and a Hessian without 1/k give the same number: say what it is, not why
        below = [(want / 2, f"{what} = {got:.4g} is half of 2/λ_max: the limit is 2/λ_max, with λ_max the largest "
                            "eigenvalue of H = 2/(N·k)·X̃ᵀX̃ (question 1's hessian)")]
    else:
        below = [(want / 2, f"{what} = {got:.4g} is 1/λ_max, half the limit: the limit is 2/λ_max"),
                 (want / k, f"{what} = {got:.4g} is k = {k} times too small: the Hessian lacks the division by k, "
                            "H = 2/(N·k)·X̃ᵀX̃ (question 1)")]
    below += [(value, f"{what} = {got:.4g}: use λ_max of H = 2/(Nk)·X̃ᵀX̃, not of X̃ᵀX̃")
              for value in (want * n * k / 2, want / (n * k / 2))]
    below.append((2 / (lam[-1] + lam[0]), f"{what} = {got:.4g} is 2/(λ_max + λ_min), the best constant step, which "
                                          "is below the limit; the stability limit is 2/λ_max"))
    message = first_mistake(got, below, match=lambda g, v: math.isclose(g, v, rel_tol=1e-3), right=want)
    if message:
        raise Fail(message)


def _call_limits(ctx, X: np.ndarray, k: int) -> tuple[float, float]:
    answer = as_items(ctx.call("stability_limits", X, k), 2, "stability_limits", "a pair (lr_max_raw, lr_max_std)")
    return as_number(answer[0], "lr_max_raw"), as_number(answer[1], "lr_max_std")


def _check_limits(ctx, X: np.ndarray, k: int) -> None:
    lr_max_raw, lr_max_std = _call_limits(ctx, X, k)
    _limit_mistakes(X, k, "lr_max_raw", lr_max_raw)
    check_number(lr_max_raw, 2 / lam_max(X, k), "lr_max_raw", rtol=1e-6)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    Z1 = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    want = 2 / lam_max(Z, k)
    mistake = first_mistake(lr_max_std, [
        (2 / lam_max(Z1, k), f"lr_max_std = {lr_max_std:.4g} comes from inputs divided by the sample std (ddof=1); "
                             "the chapter standardises with the population std (ddof=0)"),
        (lr_max_raw, "lr_max_std equals the raw limit: compute the Hessian on the standardised inputs"),
    ], match=lambda g, v: math.isclose(g, v, rel_tol=1e-6), right=want)
    if mistake:
        raise Fail(mistake)
    _limit_mistakes(Z, k, "lr_max_std", lr_max_std)
    check_number(lr_max_std, want, "lr_max_std", rtol=1e-6)


@q5.test()
def limits_fresh(ctx):
    """gives 2/λ_max before and after standardising, on fresh inputs far from zero with four outputs"""
    n, d = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(2, 5))
    _check_limits(ctx, offset_inputs(ctx.rng, n, d), 4)


@q5.test()
def limits_three_outputs(ctx):
    """divides by N·k: fresh inputs and three outputs"""
    n, d = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(1, 4))
    _check_limits(ctx, offset_inputs(ctx.rng, n, d), 3)


@q5.test()
def limits_crop(ctx):
    """gives the limits of the chapter on the crop data"""
    X, Y = _crop()
    _check_limits(ctx, X, Y.shape[1])


# ---------------------------------------------------------------- q6: steps_choice


@q6.test(points=2)
def steps_choice(ctx):
    """is the number of steps that the worst factor ρ predicts"""
    got = as_choice(ctx.value("steps_choice"), "steps_choice", "abcd")
    if got == "a":
        raise Fail("κ is not a number of steps: each step multiplies the error by at most ρ = (κ − 1)/(κ + 1) "
                   "= 0.75, so it takes t steps with 0.75^t ≤ 10⁻⁶, t = ln(10⁻⁶)/ln(0.75)")
    if got == "c":
        raise Fail("ten times too many: with ρ = 0.75 the error falls by a factor 10 in about 8 steps "
                   "(0.75⁸ ≈ 0.1), so a factor 10⁶ takes about 6 · 8 steps")
    if got == "d":
        raise Fail("the step count grows like κ times the logarithm of the shrink factor, not like the factor "
                   "itself: t ≈ (κ/2) · ln(10⁶) ≈ 3.5 · 13.8 ≈ 48")


# ---------------------------------------------------------------- q7: train_fast (open-ended)

#: How far above L* the loss of train_fast's answer may be, relatively.
FAST_GAP = 0.01


def _fast_case(ctx, n: int, d: int, k: int, spread: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs whose column scales run from hundredths to thousands (correlated through a shared factor, `spread`),
    on offsets, and targets from a linear law plus noise; also the column scales."""
    scales = 10.0 ** np.sort(ctx.rng.uniform(-2, 3.3, d))
    scales[0], scales[-1] = 10.0 ** ctx.rng.uniform(-2, -1.5), 10.0 ** ctx.rng.uniform(2.8, 3.3)
    shared = ctx.rng.normal(size=(n, 1))
    raw = spread * shared + np.sqrt(1 - spread**2) * ctx.rng.normal(size=(n, d))
    X = ctx.rng.uniform(-3, 3, d) * scales + raw * scales
    W = ctx.rng.normal(0, 1, (k, d)) / scales
    Y = X @ W.T + ctx.rng.uniform(-20, 20, k) + ctx.rng.normal(0, 0.5, (n, k))
    return X, Y, scales


def _fast_gap(X: np.ndarray, Y: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    """(L - L*)/L* of the predictor X Wᵀ + b."""
    theta, *_ = np.linalg.lstsq(with_ones(X), Y, rcond=None)
    loss_star = float(np.mean((with_ones(X) @ theta - Y) ** 2))
    with np.errstate(all="ignore"):
        return float(np.mean((X @ W.T + b - Y) ** 2)) / loss_star - 1


def _check_fast(ctx, n: int, d: int, k: int, steps: int) -> None:
    X, Y, scales = _fast_case(ctx, n, d, k)
    W, b = _pair(ctx.call("train_fast", X, Y, steps), "train_fast")
    W, b = as_array(W, "W"), as_array(b, "b")
    if W.size == k * d and b.size == k:
        W, b = W.reshape(k, d), b.reshape(k)
    check_shape(W, (k, d), "W")
    check_shape(b, (k,), "b")
    measured = (f"on fresh data (N = {n}, d = {d}, k = {k}, column scales from {scales.min():.2g} to "
                f"{scales.max():.4g}) with steps = {steps}")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise Fail(f"W or b holds NaN or infinity {measured}: gradient descent diverged. The step must stay below "
                   "2/λ_max of the Hessian of the inputs you descend on; compute that bound rather than guess it")
    gap = _fast_gap(X, Y, W, b)
    if gap <= FAST_GAP:
        return
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    if _fast_gap(Z, Y, W, b) <= FAST_GAP:
        raise Fail(f"your (W, b) fit the standardised inputs, not the raw ones ({measured}): map them back to the "
                   "raw units before returning them (question 3 does that)")
    if not np.isfinite(gap) or gap > 1e6:
        raise Fail(f"the loss of your (W, b) is {gap + 1:.3g} times L* {measured}: gradient descent diverged or "
                   "went the wrong way. The step must stay below 2/λ_max of the Hessian of the inputs you descend on")
    kappa = float(np.linalg.cond(hessian(X, k)))
    raise Fail(f"the loss of your (W, b) is {gap:.2%} above L* {measured}; the target is at most {FAST_GAP:.0%}. "
               f"Hint: on these raw inputs the Hessian's condition number is about {kappa:.0e}; how many steps does "
               "that predict (question 4), and what does the chapter do to bring it down?")


@q7.test(points=2)
def fast_one_output(ctx):
    """reaches within 1 % of L* in 100 steps on fresh badly scaled data with one output"""
    _check_fast(ctx, n=int(ctx.rng.integers(150, 250)), d=4, k=1, steps=100)


@q7.test()
def fast_two_outputs(ctx):
    """reaches within 1 % of L* in 100 steps on fresh badly scaled data with two outputs"""
    _check_fast(ctx, n=int(ctx.rng.integers(150, 250)), d=3, k=2, steps=100)


@q7.test()
def fast_respects_the_budget(ctx):
    """takes no step when steps = 0: the answer is its starting point, not the optimum"""
    X, Y, _ = _fast_case(ctx, n=int(ctx.rng.integers(150, 250)), d=3, k=1)
    W, b = _pair(ctx.call("train_fast", X, Y, 0), "train_fast")
    W, b = as_array(W, "W").reshape(1, -1), as_array(b, "b").reshape(-1)
    if W.shape == (1, 3) and b.shape == (1,) and _fast_gap(X, Y, W, b) <= FAST_GAP:
        raise Fail("with steps = 0, train_fast(X, Y, 0) already returns the optimum: that is a closed form (lstsq, "
                   "solve or an inverse), not gradient descent; the question asks for at most `steps` gradient "
                   "steps, from a start that does not use the solution")
