"""Public tests of exercise 12, the capstone on the diabetes data: a seeded train/test split,
coefficients mapped back to the original units, the R² score; then (stretch) the ranges of ridge
weights refitted on subsets of the rows, the reading of such a table on another data set, and
(open-ended) a model for a wide data set, graded by its error on new rows.

Every reference is computed here on fresh inputs from `ctx.rng`; where a typical mistake gives a
recognisable answer (a training size rounded up, a coefficient
multiplied instead of divided by sigma, an R² with the wrong denominator, a broadcast [N] against [N, 1],
a penalised bias...), the reference of the mistake is computed as well and the message names it.
"""

from __future__ import annotations

import numpy as np

from linreg_course.grader.compare import (
    as_array,
    as_choice,
    as_float,
    as_items,
    as_number,
    check_close,
    check_number,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import tensor, with_ones
from linreg_course.grader.splitting import (
    Split,
    as_indices,
    check_partition,
    check_reference,
    check_shuffled_and_seeded,
    reference_split,
)

NB = "12_capstone"

q1 = question(NB, "q1", "a seeded train/test split")
q2 = question(NB, "q2", "coefficients in the original units")
q3 = question(NB, "q3", "the R² score")
q4 = question(NB, "q4", "does ridge steady the serum weights?", level="stretch")
q5 = question(NB, "q5", "reading a table of ranges", level="stretch")
q6 = question(NB, "q6", "a model for a wide data set", level="stretch")

FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


# ---------------------------------------------------------------- q1: train_test_split_idx


def _n_train(n: int, test_fraction: float) -> int:
    return int((1 - test_fraction) * n)


_NAMES = ("train_idx", "test_idx")


def _call_split(ctx, n: int, test_fraction: float, seed: int) -> Split:
    return as_indices(ctx.call("train_test_split_idx", n, test_fraction, seed), "train_test_split_idx", _NAMES)


def _reference_split(n: int, test_fraction: float, seed: int) -> Split:
    return reference_split(n, _n_train(n, test_fraction), seed)


def _split_case(ctx) -> tuple[int, float, int]:
    """A size and a fraction for which int((1 - f) n) differs from n - int(f n) and from round((1 - f) n), so the
    rule matters."""
    while True:
        n = int(ctx.rng.integers(20, 90))
        test_fraction = float(ctx.rng.choice([0.15, 0.2, 0.25, 0.3, 0.35]))
        if _n_train(n, test_fraction) not in (n - int(test_fraction * n), round((1 - test_fraction) * n)):
            return n, test_fraction, int(ctx.rng.integers(0, 10_000))


@q1.test()
def split_partition(ctx):
    """gives every row exactly once, int((1 - test_fraction) * n) of them to training"""
    n, test_fraction, seed = _split_case(ctx)

    check_partition(_call_split(ctx, n, test_fraction, seed), n, _n_train(n, test_fraction), _NAMES, "test",
                    f"(n = {n}, test_fraction = {test_fraction})", _rounding(n, test_fraction))


def _rounding(n: int, test_fraction: float):
    """The hint when the training size is rounded up: round(...) and n - int(f n) both do that here."""
    def hint(n_got: int, m_got: int) -> str:
        if n_got == _n_train(n, test_fraction) + 1:
            return (": the training size is rounded up; the question rounds it down, n_train = int((1 - test_fraction)"
                    " * n) (neither round(...) nor n - int(test_fraction * n), which round it up here)")
        return ""
    return hint


@q1.test()
def split_shuffled_and_seeded(ctx):
    """shuffles the rows, gives the same split for the same seed and another one for another seed"""
    n, test_fraction, seed = _split_case(ctx)
    check_shuffled_and_seeded(lambda s: _call_split(ctx, n, test_fraction, s), seed,
                              "a data file may be sorted, say by age or by date of the visit")


@q1.test()
def split_reference(ctx):
    """matches torch.randperm(n, generator=torch.Generator().manual_seed(seed)), the first n_train for training"""
    n, test_fraction, seed = _split_case(ctx)
    split = _call_split(ctx, n, test_fraction, seed)
    check_partition(split, n, _n_train(n, test_fraction), _NAMES, "test", f"(n = {n}, test_fraction = "
                    f"{test_fraction})", _rounding(n, test_fraction))
    check_reference(split, n, _n_train(n, test_fraction), seed, "the first int((1 - test_fraction) * n) indices")


# ---------------------------------------------------------------- q2: to_original_units


def _units_case(ctx, n: int | None = None, d: int | None = None, standardise_y: bool = True):
    """Raw data on very different scales; the least-squares fit on standardised data, and on the raw data."""
    n = int(ctx.rng.integers(25, 60)) if n is None else n
    d = int(ctx.rng.integers(2, 6)) if d is None else d
    loc, scale = ctx.rng.uniform(-50, 200, d), np.exp(ctx.rng.uniform(-2, 3.5, d))
    x = ctx.rng.normal(loc, scale, (n, d))
    w_true = ctx.rng.normal(0, 1, d) / scale * 20
    y = x @ w_true + ctx.rng.uniform(50, 150) + ctx.rng.normal(0, 5, n)
    mu_x, sigma_x = x.mean(axis=0), x.std(axis=0)
    mu_y, sigma_y = (float(y.mean()), float(y.std())) if standardise_y else (0.0, 1.0)
    z, y_z = (x - mu_x) / sigma_x, (y - mu_y) / sigma_y
    theta_z, *_ = np.linalg.lstsq(with_ones(z), y_z, rcond=None)
    theta, *_ = np.linalg.lstsq(with_ones(x), y, rcond=None)
    return x, (theta_z[:d], float(theta_z[d])), (mu_x, sigma_x, mu_y, sigma_y), (theta[:d], float(theta[d]))


def _call_units(ctx, w_z, b_z, mu_x, sigma_x, mu_y, sigma_y) -> tuple[np.ndarray, float]:
    answer = as_items(ctx.call("to_original_units", tensor(w_z), b_z, tensor(mu_x), tensor(sigma_x), mu_y, sigma_y),
                      2, "to_original_units", "a pair (w, b)")
    w, b = as_array(answer[0], "w"), as_float(answer[1], "b")
    if w.size == w_z.size:
        w = w.reshape(-1)
    check_shape(w, w_z.shape, "w")
    return w, b


def _units_mistakes(w_z, b_z, mu_x, sigma_x, mu_y, sigma_y):
    """(w, b, message) of the usual wrong mappings."""
    shift = float(np.sum(w_z * mu_x / sigma_x))
    w = sigma_y * w_z / sigma_x
    return [
        (sigma_y * w_z * sigma_x, None,
         "w is multiplied by sigma_x; a weight per original unit is the standardised weight divided by sigma_x "
         "(one standard deviation of x_j is sigma_j units)"),
        (w_z / sigma_x, None,
         "w is missing the factor sigma_y: the model predicts the standardised target, and one unit of y_z is "
         "sigma_y units of y"),
        (w, mu_y + sigma_y * b_z,
         "b is missing the shift −Σ w̃_j μ_j/σ_j: the standardised model subtracts μ from every input, and that "
         "constant moves into the bias"),
        (w, mu_y + sigma_y * (b_z + shift),
         "the shift Σ w̃_j μ_j/σ_j enters b with the wrong sign: x − μ subtracts it"),
        (w, sigma_y * (b_z - shift),
         "b is missing the target's mean mu_y: ŷ = μ_y + σ_y ŷ_z"),
        (w, mu_y + sigma_y * b_z - shift,
         "only b̃ is multiplied by sigma_y: the whole standardised prediction, shift included, is scaled, "
         "b = μ_y + σ_y (b̃ − Σ w̃_j μ_j/σ_j)"),
        (w, mu_y + b_z - sigma_y * shift,
         "b̃ is not multiplied by sigma_y: b = μ_y + σ_y (b̃ − Σ w̃_j μ_j/σ_j)"),
    ]


def _matches_mistake(w, b, w_m, b_m, w_right) -> bool:
    """Whether (w, b) is the mistake (w_m, b_m); b_m None: any b. A mistake that gives the right w in this
    case (sigma_y = 1, sigma_x = 1) cannot be told apart by w, so it is judged by b alone or skipped."""
    if b_m is None and close(w_m, w_right, rtol=1e-9):
        return False
    return close(w, w_m, rtol=1e-6) and (b_m is None or bool(np.isclose(b, b_m, rtol=1e-6)))


def _check_units(ctx, standardise_y: bool) -> None:
    x, (w_z, b_z), stats, (w_raw, b_raw) = _units_case(ctx, standardise_y=standardise_y)
    w, b = _call_units(ctx, w_z, b_z, *stats)
    if close(w, w_raw, rtol=1e-6) and np.isclose(b, b_raw, rtol=1e-6, atol=1e-6):
        return
    message = first_mistake((w, b), [((w_m, b_m), message) for w_m, b_m, message in _units_mistakes(w_z, b_z, *stats)],
                            match=lambda got, m: _matches_mistake(*got, *m, stats[3] * w_z / stats[1]))
    if message:
        raise Fail(message)
    check_close(w, w_raw, "w (compared with least squares on the raw data)", rtol=1e-6)
    check_number(b, b_raw, "b (compared with least squares on the raw data)", rtol=1e-6, atol=1e-6)


@q2.test()
def units_match_raw_lstsq(ctx):
    """with a standardised target too, (w, b) equal least squares on the raw data"""
    _check_units(ctx, standardise_y=True)


@q2.test()
def units_chapter_case(ctx):
    """the case of the chapter's θ* (target in its own units, mu_y = 0, sigma_y = 1) equals raw least squares"""
    _check_units(ctx, standardise_y=False)


@q2.test()
def units_same_predictions(ctx):
    """gives the same predictions from raw inputs as the standardised model, on fresh rows"""
    _, _, (mu_x, sigma_x, _, _), _ = _units_case(ctx)
    d = len(mu_x)
    w_z, b_z = ctx.rng.normal(0, 2, d), float(ctx.rng.normal(0, 1))
    mu_y, sigma_y = float(ctx.rng.uniform(-100, 100)), float(ctx.rng.uniform(0.5, 40))
    w, b = _call_units(ctx, w_z, b_z, mu_x, sigma_x, mu_y, sigma_y)
    x_new = ctx.rng.normal(mu_x, 2 * sigma_x, (7, d))
    want = mu_y + sigma_y * (((x_new - mu_x) / sigma_x) @ w_z + b_z)
    got = x_new @ w + b
    if close(got, want, rtol=1e-8, atol=1e-8):
        return
    message = first_mistake((w, b), [((w_m, b_m), message) for w_m, b_m, message
                                     in _units_mistakes(w_z, b_z, mu_x, sigma_x, mu_y, sigma_y)],
                            match=lambda got, m: _matches_mistake(*got, *m, sigma_y * w_z / sigma_x))
    if message:
        raise Fail(message)
    check_close(got, want, "x @ w + b on fresh rows (against the standardised model's predictions)", rtol=1e-8)


# ---------------------------------------------------------------- q3: r2_score


def _r2_case(ctx, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Targets away from zero and predictions that are not a least-squares fit (biased and noisy)."""
    n = int(ctx.rng.integers(8, 40)) if n is None else n
    y = ctx.rng.normal(150, 60, n)
    y_hat = 0.6 * y + 60 + ctx.rng.uniform(-15, 15) + ctx.rng.normal(0, 30, n)
    return y_hat, y


def _r2(y_hat: np.ndarray, y: np.ndarray) -> float:
    return float(1 - np.sum((y_hat - y) ** 2) / np.sum((y - y.mean()) ** 2))


def _call_r2(ctx, y_hat, y, what: str = "r2_score(y_hat, y)") -> float:
    return as_float(ctx.call("r2_score", tensor(y_hat), tensor(y)), what)


def _r2_mistakes(y_hat: np.ndarray, y: np.ndarray):
    sse, sst, n = np.sum((y_hat - y) ** 2), np.sum((y - y.mean()) ** 2), y.size
    return [
        (sse / sst, "that is SSE/SST, the share of variance NOT explained; R² is 1 − SSE/SST"),
        (1 - sse / np.sum(y**2), "SST is taken around 0 (the sum of y²); take it around the mean of the targets, "
                                 "Σ(y − ȳ)²"),
        (1 - sse / np.sum((y - y_hat.mean()) ** 2),
         "SST is taken around the mean of the predictions; take it around the mean of the targets being scored"),
        (1 - sse / np.sum((y_hat - y_hat.mean()) ** 2),
         "the denominator is the spread of the predictions; it is the spread of the targets, Σ(y − ȳ)²"),
        (1 - (sse / n) / sst,
         "the numerator is the mean (SSE/N) but the denominator a sum: use two sums (or two means)"),
        (1 - sse / (sst / n),
         "the denominator is the mean (SST/N) but the numerator a sum: use two sums (or two means)"),
        (1 - (sse / n) / (sst / (n - 1)),
         "MSE is divided by the variance with n − 1 (torch.var's default): divide SSE by SST, or use correction=0"),
        (np.corrcoef(y_hat.reshape(-1), y.reshape(-1))[0, 1] ** 2,
         "that is the squared correlation of ŷ and y, which equals R² only for a least-squares fit with a bias on "
         "the same data; compute 1 − SSE/SST"),
    ]


def _check_r2(ctx, y_hat, y, what: str) -> None:
    got = _call_r2(ctx, y_hat, y, what)
    want = _r2(y_hat, y)
    if np.isclose(got, want, rtol=1e-9, atol=1e-12):
        return
    message = first_mistake(got, _r2_mistakes(y_hat, y), match=lambda g, v: np.isclose(g, v, rtol=1e-9, atol=1e-12))
    if message:
        raise Fail(f"{what} = {got:.6g}, expected {want:.6g}: {message}")
    check_number(got, want, what, rtol=1e-9)


@q3.test()
def r2_column_targets(ctx):
    """equals 1 − SSE/SST on fresh predictions and targets of shape [N, 1]"""
    y_hat, y = _r2_case(ctx)
    _check_r2(ctx, y_hat.reshape(-1, 1), y.reshape(-1, 1), "r2_score on [N, 1] tensors")


@q3.test()
def r2_vector_targets(ctx):
    """equals 1 − SSE/SST on fresh vectors of shape [N], as a plain number"""
    y_hat, y = _r2_case(ctx)
    _check_r2(ctx, y_hat, y, "r2_score on [N] tensors")


@q3.test()
def r2_refuses_broadcast(ctx):
    """refuses predictions [N] against targets [N, 1] with a ValueError"""
    y_hat, y = _r2_case(ctx)
    n = y.size
    try:
        got = ctx.call("r2_score", tensor(y_hat), tensor(y.reshape(-1, 1)))
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"r2_score should raise ValueError on shapes [N] and [N, 1]; it raised {error}") from None
    value = as_number(got, "r2_score") if as_array(got, "r2_score").size == 1 else float("nan")
    raise Fail(f"r2_score accepted shapes [{n}] and [{n}, 1] and returned {value:.4g}: ŷ − y broadcast to "
               f"[{n}, {n}], a comparison of every prediction with every target; compare the shapes and raise "
               "ValueError")


# ---------------------------------------------------------------- q4: ridge_ranges


def _ranges_case(ctx, n: int | None = None, d: int | None = None, repeats: bool = False):
    """A standardised design [Z, 1] with two nearly collinear features (like the serum ones) among independent
    ones, targets from a linear law, and subsets of 70 to 85 % of the rows (drawn with repeats if asked)."""
    n = int(ctx.rng.integers(50, 120)) if n is None else n
    d = int(ctx.rng.integers(4, 7)) if d is None else d
    x = ctx.rng.normal(size=(n, d))
    x[:, 1] = x[:, 0] + ctx.rng.uniform(0.05, 0.2) * ctx.rng.normal(size=n)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    y = z @ ctx.rng.normal(0, 10, d) + ctx.rng.uniform(100, 200) + ctx.rng.normal(0, 15, n)
    size = int(ctx.rng.uniform(0.7, 0.85) * n)
    count = int(ctx.rng.integers(8, 16))
    subsets = [ctx.rng.integers(0, n, n) if repeats else ctx.rng.permutation(n)[:size] for _ in range(count)]
    return with_ones(z), y, subsets


def _ridge_refits(A: np.ndarray, y: np.ndarray, subsets, lam: float, penalise_bias: bool = False,
                  rows: bool = True) -> np.ndarray:
    """The ridge parameters of each refit, [S, p]; `penalise_bias` and `rows` False replay two mistakes."""
    D = np.eye(A.shape[1])
    if not penalise_bias:
        D[-1, -1] = 0.0
    fits = []
    for subset in subsets:
        a, t = (A[subset], y[subset]) if rows else (A, y)
        fits.append(np.linalg.solve(a.T @ a + lam * D, a.T @ t))
    return np.array(fits)


def _call_ranges(ctx, A, y, subsets, lam: float) -> tuple[np.ndarray, np.ndarray]:
    import torch

    index = [torch.tensor(np.asarray(s), dtype=torch.int64) for s in subsets]
    low, high = as_items(ctx.call("ridge_ranges", tensor(A), tensor(y), index, lam), 2, "ridge_ranges",
                         "a pair (low, high)")
    return as_array(low, "low"), as_array(high, "high")


def _check_ranges(ctx, A, y, subsets, lam: float) -> None:
    low, high = _call_ranges(ctx, A, y, subsets, lam)
    p = A.shape[1]
    for got, what in ((low, "low"), (high, "high")):
        if got.shape == (p,):
            raise Fail(f"{what} has shape [{p}], the weights and the bias: return the ranges of the {p - 1} weights "
                       "only, without the last entry of θ (the bias)")
        check_shape(got, (p - 1,), what)
    refits = _ridge_refits(A, y, subsets, lam)
    want = (refits[:, :-1].min(axis=0), refits[:, :-1].max(axis=0))
    if close(low, want[0], rtol=1e-8) and close(high, want[1], rtol=1e-8):
        return
    mistakes = []
    for fits, message in (
            (_ridge_refits(A, y, subsets, lam, penalise_bias=True),
             "the bias is penalised too (D = I): chapter 11 leaves the bias free, D = diag(1, …, 1, 0), so that the "
             "penalty shrinks the weights and not the level of the predictions"),
            (_ridge_refits(A, y, subsets, 0.0),
             "these are the ranges of plain least squares: λ' = lam is not used (the matrix is AᵀA + λ'D)"),
            (_ridge_refits(A, y, subsets, lam, rows=False),
             "every refit gives the same weights: fit each one on its subset's rows only, A[rows] and y[rows], "
             "not on all of A")):
        mistakes.append(((fits[:, :-1].min(axis=0), fits[:, :-1].max(axis=0)), message))
    mistakes.append(((want[1], want[0]), "low and high are swapped: return (smallest, largest)"))
    message = first_mistake((low, high), mistakes, match=lambda got, m: close(got[0], m[0], rtol=1e-8)
                            and close(got[1], m[1], rtol=1e-8))
    if message:
        raise Fail(message)
    check_close(low, want[0], "low (compared with the ridge refits)", rtol=1e-8)
    check_close(high, want[1], "high (compared with the ridge refits)", rtol=1e-8)


@q4.test()
def ranges_ridge_fresh(ctx):
    """gives the smallest and largest ridge weights over refits on the subsets, on fresh correlated data"""
    A, y, subsets = _ranges_case(ctx)
    _check_ranges(ctx, A, y, subsets, float(ctx.rng.uniform(5, 50)))


@q4.test()
def ranges_least_squares(ctx):
    """with lam = 0, gives the ranges of the least-squares refits (the chapter's table)"""
    A, y, subsets = _ranges_case(ctx)
    _check_ranges(ctx, A, y, subsets, 0.0)


# ---------------------------------------------------------------- q5: reading a table of ranges


@q5.test(points=2)
def ranges_reading(ctx):
    """the reading of the table of ranges that chapter 12 supports"""
    answer = as_choice(ctx.value("ranges_reading"), "ranges_reading", "abcd")
    if answer == "b":
        return
    raise Fail({
        "a": "a weight that swings from −15 to 31 from one subset to the next has no size to read on its own; "
             "look at which weights stay put across the subsets and which swing together",
        "c": "a weight whose sign changes from one subset to the next does not say which way the feature goes; "
             "rooms and bedrooms swing in opposite directions: what does that say about the pair?",
        "d": "narrower ranges say that the weights are steadier, not that its predictions are better: that is "
             "what a validation error measures",
    }[answer])


# ---------------------------------------------------------------- q6: fit_predict (open-ended)

#: fit_predict's RMSE on new rows may be at most this share of plain least squares'.
WIDE_RATIO = 0.75


def _wide_case(ctx, n: int = 60, d: int = 50, m: int = 2000):
    """A wide data set: raw features on scales from 0.1 to 100, half of them far from zero, a fifth of them
    carrying signal, noise of 3; n training rows and m new ones from the same law."""
    scales = 10.0 ** ctx.rng.uniform(-1, 2, d)
    loc = ctx.rng.uniform(-50, 200, d) * (ctx.rng.random(d) < 0.5)
    w = ctx.rng.normal(0, 1, d) * (ctx.rng.random(d) < 0.2)
    bias = ctx.rng.uniform(50, 150)

    def draw(rows: int) -> tuple[np.ndarray, np.ndarray]:
        z = ctx.rng.normal(size=(rows, d))
        return loc + scales * z, bias + z @ w + ctx.rng.normal(0, 3.0, rows)

    (x, y), (x_new, y_new) = draw(n), draw(m)
    return x, y, x_new, y_new


def _check_wide(ctx) -> None:
    x, y, x_new, y_new = _wide_case(ctx)
    m = len(y_new)
    got = as_array(ctx.call("fit_predict", tensor(x), tensor(y), tensor(x_new)), "fit_predict")
    if got.size == m:
        got = got.reshape(m)
    check_shape(got, (m,), "the predictions")
    if not np.all(np.isfinite(got)):
        raise Fail("the predictions contain NaN or infinity")
    theta, *_ = np.linalg.lstsq(with_ones(x), y, rcond=None)
    rmse_ls = float(np.sqrt(np.mean((with_ones(x_new) @ theta - y_new) ** 2)))
    rmse = float(np.sqrt(np.mean((got - y_new) ** 2)))
    if rmse <= WIDE_RATIO * rmse_ls:
        return
    measured = (f"on {m} new rows of a fresh data set ({len(y)} training rows, {x.shape[1]} features), your "
                f"predictions' RMSE is {rmse:.4g}; the target is at most {WIDE_RATIO} × {rmse_ls:.4g} = "
                f"{WIDE_RATIO * rmse_ls:.4g}, where {rmse_ls:.4g} is the RMSE of plain least squares fitted on the "
                "same training rows")
    if abs(np.mean(got) - np.mean(y)) > 3 * np.std(y):
        raise Fail(f"{measured}. The mean of your predictions, {np.mean(got):.4g}, is far from the level of the "
                   f"training targets, {np.mean(y):.4g}: are they left in standard units, or is the bias shrunk "
                   "towards 0? Return them in the target's units")
    if rmse >= 0.9 * rmse_ls:
        raise Fail(f"{measured}: yours does no better than plain least squares, which fits the noise of {len(y)} "
                   f"rows with {x.shape[1] + 1} parameters. Hint: chapter 11 shows a way to trade a little bias for "
                   "less variance, and how to choose how much without touching the new rows")
    raise Fail(f"{measured}: closer, but not enough. Hint: how did you choose the strength of what you did? A "
               "single small validation split is noisy; chapter 11's tools, used on the training rows alone, can "
               "choose it better")


@q6.test(points=2)
def wide_new_rows(ctx):
    """predicts fresh new rows of a wide data set with an RMSE at most 0.75 times plain least squares'"""
    _check_wide(ctx)


@q6.test()
def wide_another_data_set(ctx):
    """does so on a second fresh data set"""
    _check_wide(ctx)
