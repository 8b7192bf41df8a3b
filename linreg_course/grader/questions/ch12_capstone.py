"""Public tests of exercise 12, the capstone on the diabetes data: a seeded train/test split,
standardisation with the training statistics, coefficients mapped back to the original units, the R²
score, and which feature a model fitted without s1 weighs most.

Every reference is computed here on fresh inputs from `ctx.rng` (the last question's from the diabetes
data themselves); where a typical mistake gives a recognisable answer (statistics of the whole data set,
the sample standard deviation, a coefficient multiplied instead of divided by sigma, an R² with the wrong
denominator, a broadcast [N] against [N, 1]...), the reference of the mistake is computed as well and the
message names it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from linreg_course.grader.compare import as_array, as_number, check_close, check_number, check_shape
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.splitting import (
    Split,
    as_indices,
    check_partition,
    check_reference,
    check_shuffled_and_seeded,
    reference_split,
)
from linreg_course.grader.standardising import Words, check_mapped, check_statistics

NB = "12_capstone"

q1 = question(NB, "q1", "a seeded train/test split")
q2 = question(NB, "q2", "standardise with the training statistics")
q3 = question(NB, "q3", "coefficients in the original units")
q4 = question(NB, "q4", "the R² score")
q5 = question(NB, "q5", "the strongest feature, without s1")

FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")


def _t(array) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64)


def _close(got: np.ndarray, want: np.ndarray, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    return (got.shape == want.shape and bool(np.all(np.isfinite(got)))
            and np.allclose(got, want, rtol=rtol, atol=atol))


# ---------------------------------------------------------------- q1: train_test_split_idx


def _n_train(n: int, test_fraction: float) -> int:
    return int((1 - test_fraction) * n)


_NAMES = ("train_idx", "test_idx")


def _call_split(ctx, n: int, test_fraction: float, seed: int) -> Split:
    return as_indices(ctx.call("train_test_split_idx", n, test_fraction, seed), "train_test_split_idx", _NAMES)


def _reference_split(n: int, test_fraction: float, seed: int) -> Split:
    return reference_split(n, _n_train(n, test_fraction), seed)


def _split_case(ctx) -> tuple[int, float, int]:
    """A size and a fraction for which int((1 - f) n) and n - int(f n) differ, so the rule matters."""
    while True:
        n = int(ctx.rng.integers(20, 90))
        test_fraction = float(ctx.rng.choice([0.15, 0.2, 0.25, 0.3, 0.35]))
        if _n_train(n, test_fraction) != n - int(test_fraction * n):
            return n, test_fraction, int(ctx.rng.integers(0, 10_000))


@q1.test()
def split_partition(ctx):
    """gives every row exactly once, int((1 - test_fraction) * n) of them to training"""
    n, test_fraction, seed = _split_case(ctx)

    def rounding(n_got: int, m_got: int) -> str:
        if m_got == int(test_fraction * n):
            return (": you rounded the test size down, int(test_fraction * n); the question rounds the training "
                    "size down, n_train = int((1 - test_fraction) * n)")
        if n_got == round((1 - test_fraction) * n):
            return ": use int(...), which rounds down, not round(...)"
        return ""

    check_partition(_call_split(ctx, n, test_fraction, seed), n, _n_train(n, test_fraction), _NAMES, "test",
                    f"(n = {n}, test_fraction = {test_fraction})", rounding)


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
    check_reference(_call_split(ctx, n, test_fraction, seed), n, _n_train(n, test_fraction), seed,
                    "the first int((1 - test_fraction) * n) indices")


# ---------------------------------------------------------------- q2: standardise


def _standardise_case(ctx, d: int | None = None, m: int | None = None):
    """Training rows [n, d] and test rows [m, d] from clearly different distributions, so that the statistics
    of the training rows, of the test rows and of the whole data set all differ."""
    d = int(ctx.rng.integers(2, 6)) if d is None else d
    n = int(ctx.rng.integers(10, 30))
    m = int(ctx.rng.integers(5, 12)) if m is None else m
    loc, scale = ctx.rng.uniform(-30, 120, d), ctx.rng.uniform(0.5, 30, d)
    x_train = ctx.rng.normal(loc, scale, (n, d))
    x_test = ctx.rng.normal(loc + ctx.rng.uniform(1, 3, d) * scale, 2.0 * scale, (m, d))
    return x_train, x_test


def _call_standardise(ctx, x_train, x_test):
    answer = ctx.call("standardise", _t(x_train), _t(x_test))
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        raise Fail("standardise should return four things: (Z_train, Z_test, mu, sigma)")
    return tuple(as_array(a, name) for a, name in zip(answer, ("Z_train", "Z_test", "mu", "sigma"), strict=True))


_WORDS = Words(other="test", x_train="X_train", z_train="Z_train", z_other="Z_test",
               population_std="X_train.std(dim=0, correction=0)")


@q2.test()
def standardise_statistics(ctx):
    """mu and sigma are the column means and population standard deviations of the training rows"""
    x_train, x_test = _standardise_case(ctx)
    _, _, mu, sigma = _call_standardise(ctx, x_train, x_test)
    d = x_train.shape[1]
    # a row [1, d] (keepdim=True) holds the same statistics and broadcasts the same way: accepted
    mu, sigma = (a.reshape(-1) if a.size == d else a for a in (mu, sigma))
    check_statistics(mu, sigma, x_train, x_test, _WORDS)


def _check_mapped(z_train, z_test, x_train, x_test) -> None:
    check_mapped(z_train, z_test, x_train, x_test, _WORDS)


@q2.test()
def standardise_maps_both_sets(ctx):
    """maps the training and the test rows with the training statistics, on fresh data"""
    x_train, x_test = _standardise_case(ctx)
    z_train, z_test, _, _ = _call_standardise(ctx, x_train, x_test)
    _check_mapped(z_train, z_test, x_train, x_test)


@q2.test()
def standardise_ignores_test_rows(ctx):
    """the training side does not change when only the test rows change (no leak)"""
    x_train, x_test = _standardise_case(ctx)
    other_test = x_test * ctx.rng.uniform(2, 4) + ctx.rng.uniform(50, 100)
    first = _call_standardise(ctx, x_train, x_test)
    second = _call_standardise(ctx, x_train, other_test)
    for a, b, what in zip(first, second, ("Z_train", "Z_test", "mu", "sigma"), strict=True):
        if what != "Z_test" and not (a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12)):
            raise Fail(f"{what} changed when only X_test changed: the test rows leak into the statistics; mu and "
                       "sigma must be computed from X_train alone (not from torch.cat([X_train, X_test]))")
    _check_mapped(second[0], second[1], x_train, other_test)


# ---------------------------------------------------------------- q3: to_original_units


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
    theta_z, *_ = np.linalg.lstsq(np.column_stack([z, np.ones(n)]), y_z, rcond=None)
    theta, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(n)]), y, rcond=None)
    return x, (theta_z[:d], float(theta_z[d])), (mu_x, sigma_x, mu_y, sigma_y), (theta[:d], float(theta[d]))


def _call_units(ctx, w_z, b_z, mu_x, sigma_x, mu_y, sigma_y) -> tuple[np.ndarray, float]:
    answer = ctx.call("to_original_units", _t(w_z), b_z, _t(mu_x), _t(sigma_x), mu_y, sigma_y)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Fail("to_original_units should return a pair (w, b)")
    w, b = as_array(answer[0], "w"), as_number(answer[1], "b")
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
    if b_m is None and _close(w_m, w_right, rtol=1e-9):
        return False
    return _close(w, w_m, rtol=1e-6) and (b_m is None or bool(np.isclose(b, b_m, rtol=1e-6)))


def _check_units(ctx, standardise_y: bool) -> None:
    x, (w_z, b_z), stats, (w_raw, b_raw) = _units_case(ctx, standardise_y=standardise_y)
    w, b = _call_units(ctx, w_z, b_z, *stats)
    if _close(w, w_raw, rtol=1e-6) and np.isclose(b, b_raw, rtol=1e-6, atol=1e-6):
        return
    for w_m, b_m, message in _units_mistakes(w_z, b_z, *stats):
        if _matches_mistake(w, b, w_m, b_m, stats[3] * w_z / stats[1]):
            raise Fail(message)
    check_close(w, w_raw, "w (compared with least squares on the raw data)", rtol=1e-6)
    check_number(b, b_raw, "b (compared with least squares on the raw data)", rtol=1e-6, atol=1e-6)


@q3.test()
def units_match_raw_lstsq(ctx):
    """with a standardised target too, (w, b) equal least squares on the raw data"""
    _check_units(ctx, standardise_y=True)


@q3.test()
def units_chapter_case(ctx):
    """the case of the chapter's θ* (target in its own units, mu_y = 0, sigma_y = 1) equals raw least squares"""
    _check_units(ctx, standardise_y=False)


@q3.test()
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
    if _close(got, want, rtol=1e-8, atol=1e-8):
        return
    for w_m, b_m, message in _units_mistakes(w_z, b_z, mu_x, sigma_x, mu_y, sigma_y):
        if _matches_mistake(w, b, w_m, b_m, sigma_y * w_z / sigma_x):
            raise Fail(message)
    check_close(got, want, "x @ w + b on fresh rows (against the standardised model's predictions)", rtol=1e-8)


# ---------------------------------------------------------------- q4: r2_score


def _r2_case(ctx, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Targets away from zero and predictions that are not a least-squares fit (biased and noisy)."""
    n = int(ctx.rng.integers(8, 40)) if n is None else n
    y = ctx.rng.normal(150, 60, n)
    y_hat = 0.6 * y + 60 + ctx.rng.uniform(-15, 15) + ctx.rng.normal(0, 30, n)
    return y_hat, y


def _r2(y_hat: np.ndarray, y: np.ndarray) -> float:
    return float(1 - np.sum((y_hat - y) ** 2) / np.sum((y - y.mean()) ** 2))


def _call_r2(ctx, y_hat, y, what: str = "r2_score(y_hat, y)") -> float:
    return as_number(ctx.call("r2_score", _t(y_hat), _t(y)), what)


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
    for value, message in _r2_mistakes(y_hat, y):
        if np.isclose(got, value, rtol=1e-9, atol=1e-12):
            raise Fail(f"{what} = {got:.6g}, expected {want:.6g}: {message}")
    check_number(got, want, what, rtol=1e-9)


@q4.test()
def r2_column_targets(ctx):
    """equals 1 − SSE/SST on fresh predictions and targets of shape [N, 1]"""
    y_hat, y = _r2_case(ctx)
    _check_r2(ctx, y_hat.reshape(-1, 1), y.reshape(-1, 1), "r2_score on [N, 1] tensors")


@q4.test()
def r2_vector_targets(ctx):
    """equals 1 − SSE/SST on fresh vectors of shape [N], and is a Python float"""
    y_hat, y = _r2_case(ctx)
    answer = ctx.call("r2_score", _t(y_hat), _t(y))
    if not isinstance(answer, (float, np.floating)):
        raise Fail(f"r2_score returned a {type(answer).__name__}; return a Python float (e.g. tensor.item())")
    _check_r2(ctx, y_hat, y, "r2_score on [N] tensors")


@q4.test()
def r2_refuses_broadcast(ctx):
    """refuses predictions [N] against targets [N, 1] with a ValueError"""
    y_hat, y = _r2_case(ctx)
    n = y.size
    try:
        got = ctx.call("r2_score", _t(y_hat), _t(y.reshape(-1, 1)))
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"r2_score should raise ValueError on shapes [N] and [N, 1]; it raised {error}") from None
    value = as_number(got, "r2_score") if as_array(got, "r2_score").size == 1 else float("nan")
    raise Fail(f"r2_score accepted shapes [{n}] and [{n}, 1] and returned {value:.4g}: ŷ − y broadcast to "
               f"[{n}, {n}], a comparison of every prediction with every target; compare the shapes and raise "
               "ValueError")


# ---------------------------------------------------------------- q5: the strongest feature without s1

#: The feature question 5 leaves out.
DROPPED = "s1"


@lru_cache(maxsize=1)
def _diabetes_fit():
    """The question's fit: split with seed 0 and test_fraction 0.2, the nine features other than s1
    standardised with the training statistics, lstsq with a bias; also the fit with all ten features."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    x, y = data.data, data.target
    train, _ = _reference_split(len(x), 0.2, 0)
    x_train, y_train = x[train], y[train]
    mu, sigma = x_train.mean(axis=0), x_train.std(axis=0)
    z = (x_train - mu) / sigma

    def fit(columns: list[int]) -> np.ndarray:
        theta, *_ = np.linalg.lstsq(np.column_stack([z[:, columns], np.ones(len(z))]), y_train, rcond=None)
        return theta[:-1]

    names = list(data.feature_names)
    kept = [j for j, name in enumerate(names) if name != DROPPED]
    w_std = fit(kept)
    r = np.array([np.corrcoef(x_train[:, j], y_train)[0, 1] for j in kept])
    return [names[j] for j in kept], w_std, w_std / sigma[kept], r, names, fit(list(range(len(names))))


def _feature_answer(ctx, name: str) -> str:
    value = ctx.value(name)
    if not isinstance(value, str):
        raise Fail(f"{name} should be a feature name in quotes, such as \"bmi\", not a {type(value).__name__}")
    answer = value.strip().lower()
    if answer not in FEATURES:
        raise Fail(f"{name} = {value!r} is not one of the feature names " + ", ".join(f'"{f}"' for f in FEATURES))
    return answer


@q5.test()
def strongest_feature(ctx):
    """the feature with the largest standardised coefficient in size, in the fit without s1"""
    answer = _feature_answer(ctx, "strongest_feature")
    names, w_std, w_raw, r, all_names, w_all = _diabetes_fit()
    want = names[int(np.argmax(np.abs(w_std)))]
    if answer == want:
        return
    if answer == DROPPED:
        raise Fail(f"\"{DROPPED}\" is the feature the question leaves out: fit the model on the nine others")
    if answer == all_names[int(np.argmax(np.abs(w_all)))] or answer in {
            all_names[j] for j in np.argsort(-np.abs(w_all))[:2]}:
        raise Fail(f"\"{answer}\" is one of the two largest in the model with all ten features; without s1 the "
                   "serum weights, which partly cancelled each other, shrink: refit on the nine features and "
                   "compare again")
    if answer == names[int(np.argmax(np.abs(w_raw)))]:
        raise Fail(f"\"{answer}\" has the largest coefficient in the original units, which depends on the units "
                   "(its feature has a small spread); compare the standardised coefficients w̃_j = w_j σ_j")
    raise Fail(f"\"{answer}\" is not the feature with the largest |w̃_j|: fit the model on the nine standardised "
               "features of the training rows and compare the absolute values of its weights")


@q5.test()
def strongest_sign(ctx):
    """the sign of that feature's standardised coefficient"""
    value = as_number(ctx.value("strongest_sign"), "strongest_sign")
    if value not in (1.0, -1.0):
        raise Fail(f"strongest_sign should be +1 or -1, not {value:g}")
    _, w_std, _, r, _, _ = _diabetes_fit()
    j = int(np.argmax(np.abs(w_std)))
    if value != float(np.sign(w_std[j])):
        if value == np.sign(r[j]):
            raise Fail("that is the sign of the feature's correlation with the target on its own; its coefficient "
                       "in the model, holding the others fixed, has the other sign")
        raise Fail("the sign is wrong: look at the coefficient itself, not its size")
