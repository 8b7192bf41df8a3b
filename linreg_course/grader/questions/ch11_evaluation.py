"""Public tests of exercise 11, evaluating a model: a seeded split, standardisation with the training
statistics, MSE/RMSE/MAE/R² by hand, two questions on what the metrics say, a validation curve over
polynomial degrees, predictions in the original units, and (stretch) K-fold cross-validation.

Every reference is written here in NumPy, on fresh inputs from `ctx.rng`; where a typical mistake gives a
recognisable answer (statistics of the whole data set, an R² with a mismatched denominator, a fit on the
validation rows too, an output left in standard units...), the reference of the mistake is computed as
well and the message names it.
"""

from __future__ import annotations

import numpy as np

from linreg_course.grader.compare import (
    as_array,
    as_choice,
    as_float,
    as_items,
    as_number,
    as_tensor,
    check_close,
    check_number,
    check_shape,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.problems import layer, tensor
from linreg_course.grader.splitting import (
    Split,
    as_indices,
    check_partition,
    check_reference,
    check_shuffled_and_seeded,
    reference_split,
)
from linreg_course.grader.standardising import Standardising, Words, check_mapped

NB = "11_evaluation"

q1 = question(NB, "q1", "a seeded split")
q2 = question(NB, "q2", "standardise with the training statistics")
q3 = question(NB, "q3", "four metrics by hand")
q4 = question(NB, "q4", "what the metrics say")
q5 = question(NB, "q5", "a validation curve")
q6 = question(NB, "q6", "predictions in the original units")
q7 = question(NB, "q7", "K-fold cross-validation", level="stretch")




# ---------------------------------------------------------------- q1: split_indices


_NAMES = ("train_idx", "val_idx")


def _call_split(ctx, n: int, n_train: int, seed: int) -> Split:
    return as_indices(ctx.call("split_indices", n, n_train, seed), "split_indices", _NAMES)


_reference_split = reference_split  # the hidden tests compare with it too


def _split_case(ctx) -> tuple[int, int, int]:
    n = int(ctx.rng.integers(15, 60))
    return n, int(ctx.rng.integers(n // 2, n - 2)), int(ctx.rng.integers(0, 10_000))


@q1.test()
def split_partition(ctx):
    """gives every row exactly once, n_train of them to training"""
    n, n_train, seed = _split_case(ctx)
    check_partition(_call_split(ctx, n, n_train, seed), n, n_train, _NAMES, "validation",
                    f"(n = {n}, n_train = {n_train})")


@q1.test()
def split_shuffled_and_seeded(ctx):
    """shuffles the rows, gives the same split for the same seed and another one for another seed"""
    n, n_train, seed = _split_case(ctx)
    check_shuffled_and_seeded(lambda s: _call_split(ctx, n, n_train, s), seed,
                              "so that neither set is, say, all the cold days: the data may be stored in any order")


@q1.test()
def split_reference(ctx):
    """matches torch.randperm(n, generator=torch.Generator().manual_seed(seed)), the first n_train for training"""
    n, n_train, seed = _split_case(ctx)
    check_reference(_call_split(ctx, n, n_train, seed), n, n_train, seed, "the first n_train indices")


# ---------------------------------------------------------------- q2: standardise_with_train


_STANDARDISE = Standardising(
    "standardise_with_train", Words(other="validation", x_train="x_train", z_train="z_train", z_other="z_val",
                                    population_std="x_train.std(dim=0, correction=0)"),
    tensors=True, d=(2, 5), n=(8, 25), m=(4, 10), loc=(-20.0, 50.0), scale=(0.5, 8.0), widen=1.7)


@q2.test()
def standardise_statistics(ctx):
    """mu and sigma are the column means and population standard deviations of the training rows"""
    _STANDARDISE.check_statistics(ctx)


@q2.test()
def standardise_maps_both_sets(ctx):
    """maps the training and the validation rows with the training statistics, on fresh data"""
    _STANDARDISE.check_maps(ctx)


@q2.test()
def standardise_one_column(ctx):
    """works on a single column, shapes [n, 1] and [m, 1]"""
    x_train, x_val = _STANDARDISE.case(ctx, d=1)
    z_train, z_val, mu, sigma = _STANDARDISE.call(ctx, x_train, x_val)
    check_mapped(z_train, z_val, x_train, x_val, _STANDARDISE.words)
    check_close(mu.reshape(-1), x_train.mean(axis=0), "mu", rtol=1e-7)
    check_close(sigma.reshape(-1), x_train.std(axis=0), "sigma", rtol=1e-7)


# ---------------------------------------------------------------- q3: metrics

_KEYS = ("mse", "rmse", "mae", "r2")


def _metrics_case(ctx, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions that are not a least-squares fit: a biased, noisy, heavy-tailed error."""
    n = int(ctx.rng.integers(8, 40)) if n is None else n
    y = ctx.rng.normal(60, 15, n)
    y_hat = y + ctx.rng.uniform(-4, 4) + ctx.rng.standard_t(3, n) * ctx.rng.uniform(2, 6)
    return y_hat, y


def _call_metrics(ctx, y_hat, y) -> dict[str, float]:
    answer = ctx.call("metrics", tensor(y_hat), tensor(y))
    if not isinstance(answer, dict):
        raise Fail(f"metrics should return a dict with the keys {list(_KEYS)}, not a {type(answer).__name__}")
    missing = [k for k in _KEYS if k not in answer]
    if missing:
        raise Fail(f"the dict returned by metrics has the keys {sorted(map(str, answer))}; it lacks {missing} "
                   f"(the keys are {list(_KEYS)}, in lower case)")
    return {k: as_float(answer[k], f'metrics(...)["{k}"]') for k in _KEYS}


def _near(a: float, b: float) -> bool:
    return bool(np.isclose(a, b, rtol=1e-8, atol=1e-12))


@q3.test()
def metrics_mse_rmse(ctx):
    """MSE and RMSE match their definitions on fresh data"""
    y_hat, y = _metrics_case(ctx)
    got = _call_metrics(ctx, y_hat, y)
    e, n = y_hat - y, len(y)
    mse, mae = float(np.mean(e**2)), float(np.mean(np.abs(e)))
    if _near(got["mse"], n * mse):
        raise Fail(f'"mse" is {n} times too large (n = {n}): the mean of the squared residuals, not their sum')
    if _near(got["mse"], np.sqrt(mse)):
        raise Fail('"mse" holds the RMSE: the MSE is the mean of the squares, without the square root')
    check_number(got["mse"], mse, 'metrics(...)["mse"]', rtol=1e-8)
    if _near(got["rmse"], mae):
        raise Fail('"rmse" equals the MAE, the mean of the absolute errors: the RMSE is the square root of the '
                   "mean of the squares, a different average (and never smaller)")
    if _near(got["rmse"], mse):
        raise Fail('"rmse" equals the MSE: take its square root')
    if _near(got["rmse"], np.sqrt(n * mse)):
        raise Fail('"rmse" is the root of the sum of the squares: take the root of their mean')
    if _near(got["rmse"], float(np.mean(np.sqrt(e**2)))):
        raise Fail('"rmse" takes the square root before the mean, which is the MAE: the root comes last')
    check_number(got["rmse"], float(np.sqrt(mse)), 'metrics(...)["rmse"]', rtol=1e-8)


@q3.test()
def metrics_mae(ctx):
    """MAE is the mean of the absolute residuals, on fresh data"""
    y_hat, y = _metrics_case(ctx)
    got = _call_metrics(ctx, y_hat, y)["mae"]
    e, n = y_hat - y, len(y)
    want = float(np.mean(np.abs(e)))
    if _near(got, float(np.mean(e))) or _near(got, -float(np.mean(e))):
        raise Fail('"mae" is the mean of the residuals without their absolute values, so errors of opposite signs '
                   "cancel: take .abs() before the mean")
    if _near(got, abs(float(np.mean(e)))):
        raise Fail('"mae" is the absolute value of the mean residual: take the absolute value of each residual, '
                   "then the mean")
    if _near(got, n * want):
        raise Fail(f'"mae" is {n} times too large (n = {n}): the mean of the absolute residuals, not their sum')
    if _near(got, float(np.median(np.abs(e)))):
        raise Fail('"mae" is the median of the absolute residuals; the MAE is their mean')
    check_number(got, want, 'metrics(...)["mae"]', rtol=1e-8)


@q3.test()
def metrics_r2(ctx):
    """R² = 1 − SSE/SST with SST around the mean of the targets, on fresh data"""
    y_hat, y = _metrics_case(ctx)
    got = _call_metrics(ctx, y_hat, y)["r2"]
    e, n = y_hat - y, len(y)
    sse, sst = float(np.sum(e**2)), float(np.sum((y - y.mean()) ** 2))
    want = 1 - sse / sst
    mistakes = [
        (1 - (sse / n) / sst, "the numerator is a mean (the MSE) but the denominator a sum (SST): use the sums "
                              "SSE and SST, or the means MSE and var(y), not one of each"),
        (1 - sse / (sst / n), "the numerator is a sum (SSE) but the denominator a mean (the variance of y): use the "
                              "sums SSE and SST, or the means MSE and var(y), not one of each"),
        (1 - (sse / n) / float(np.var(y, ddof=1)),
         "var(y) divides by n − 1 (torch.var's default) while the MSE divides by n: use correction=0, or the sums "
         "SSE and SST"),
        (1 - sst / sse, "that is 1 − SST/SSE: the model's squared error SSE goes on top, SST below"),
        (sse / sst, "that is SSE/SST without the '1 −'"),
        (1 - sse / float(np.sum(y**2)), "SST is taken around 0: it is the sum of squares around the mean of the "
                                        "targets, Σ(y − ȳ)²"),
        (1 - sse / float(np.sum((y - y_hat.mean()) ** 2)),
         "SST is taken around the mean of the predictions; it is taken around the mean of the targets y"),
        (float(np.corrcoef(y_hat, y)[0, 1] ** 2),
         "that is the squared correlation of predictions and targets; it equals 1 − SSE/SST only for a "
         "least-squares fit scored on its own training rows"),
    ]
    message = None if _near(got, want) else first_mistake(got, mistakes, match=_near)
    if message:
        raise Fail(f'"r2" = {got:.6g}: {message}')
    check_number(got, want, 'metrics(...)["r2"]', rtol=1e-8, atol=1e-12)


@q3.test()
def metrics_refuse_broadcast(ctx):
    """refuses predictions [n] against targets [n, 1] with a ValueError"""
    y_hat, y = _metrics_case(ctx, int(ctx.rng.integers(5, 15)))
    n = len(y)
    try:
        answer = ctx.call("metrics", tensor(y_hat), tensor(y[:, None]))
    except StudentError as error:
        if str(error).startswith("ValueError"):
            return
        raise Fail(f"metrics should raise ValueError on shapes [n] and [n, 1]; it raised {error}") from None
    shown = ""
    if isinstance(answer, dict) and "mse" in answer:
        shown = f' and returned mse = {as_number(answer["mse"], "mse"):.4g}'
    raise Fail(f"metrics accepted shapes [{n}] and [{n}, 1]{shown}: the residuals broadcast to [{n}, {n}]; compare "
               "the shapes first and raise ValueError")


# ---------------------------------------------------------------- q4: r2_baseline and rmse_vs_mae


@q4.test()
def r2_baseline_value(ctx):
    """(a) the R² of the training mean on 5 validation readings"""
    got = as_number(ctx.value("r2_baseline"), "r2_baseline")
    n, sst, offset = 5, 40.0, 62.0 - 60.0
    sse = sst + n * offset**2  # the sum of squares around c is SST + n (c - ȳ)²
    want = 1 - sse / sst
    mistake = first_mistake(got, [
        (0.0, "R² = 0 holds for the mean of the targets being scored; 62 °F is the training mean, not the mean "
              "(60 °F) of these 5 readings"),
        (1 - n * offset**2 / sst, "the squared errors around 62 °F are SST plus n·(62 − 60)², not n·(62 − 60)² alone"),
        (1 - (sst + offset**2) / sst, "the squared errors around 62 °F are SST plus n·(62 − 60)²: each of the n = 5 "
                                      "readings is 2 °F further from 62 than from 60, so the extra (62 − 60)² counts "
                                      "once per reading, not once"),
        (1 - sst / sse, "that is 1 − SST/SSE; R² is 1 − SSE/SST"),
    ], match=np.isclose)
    if mistake:
        raise Fail(mistake)
    if got > 0:
        raise Fail(f"r2_baseline = {got:.6g} is positive, but a constant that is not the validation mean does worse "
                   "than that mean, so its R² is below 0")
    check_number(got, want, "r2_baseline", rtol=1e-9)


@q4.test()
def rmse_vs_mae_choice(ctx):
    """(b) the true statement about RMSE and MAE"""
    choice = as_choice(ctx.value("rmse_vs_mae"), "rmse_vs_mae", "abcd")
    messages = {
        "a": "it is the other way round: RMSE² − MAE² is the variance of the |e_i|, which is never negative",
        "c": "errors of ±2 everywhere give RMSE = MAE = 2: equality needs only all |e_i| equal, not zero",
        "d": "RMSE² − MAE² is the variance of the absolute errors |e_i|, which is never negative, so one of the two "
             "is always the larger",
    }
    if choice in messages:
        raise Fail(f"({choice}) is not right: {messages[choice]}")


# ---------------------------------------------------------------- q5: validation_curve


def _powers(x: np.ndarray, p: int) -> np.ndarray:
    return np.stack([x**j for j in range(p + 1)], axis=1)


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _curve(x_fit, y_fit, x_train, y_train, x_val, y_val, degrees, design=_powers):
    """Train and validation RMSE of the least-squares fit of each degree on (x_fit, y_fit)."""
    train, val = [], []
    for p in degrees:
        theta, *_ = np.linalg.lstsq(design(x_fit, p), y_fit, rcond=None)
        train.append(_rmse(design(x_train, p) @ theta, y_train))
        val.append(_rmse(design(x_val, p) @ theta, y_val))
    return np.array(train), np.array(val)


def _curve_case(ctx, n: int | None = None, m: int | None = None):
    n = int(ctx.rng.integers(12, 25)) if n is None else n
    m = int(ctx.rng.integers(6, 12)) if m is None else m
    coef = ctx.rng.normal(0, 2, 3)

    def law(x):
        return coef[0] + coef[1] * x + coef[2] * x**2 + np.sin(3 * x)

    x_train, x_val = ctx.rng.uniform(-2, 2, n), ctx.rng.uniform(-2, 2, m)
    y_train = law(x_train) + ctx.rng.normal(0, 0.5, n)
    y_val = law(x_val) + ctx.rng.normal(0, 0.5, m)
    return x_train, y_train, x_val, y_val


def _check_curve(ctx, x_train, y_train, x_val, y_val, degrees: list[int]) -> None:
    answer = as_items(ctx.call("validation_curve", tensor(x_train), tensor(y_train), tensor(x_val), tensor(y_val),
                               list(degrees)), 2, "validation_curve", "a pair (train_rmse, val_rmse)")
    got_train, got_val = as_array(answer[0], "train_rmse"), as_array(answer[1], "val_rmse")
    k = len(degrees)
    check_shape(got_train, (k,), "train_rmse")
    check_shape(got_val, (k,), "val_rmse")
    args = (x_train, y_train, x_val, y_val, degrees)
    want_train, want_val = _curve(x_train, y_train, *args)
    if close(got_train, want_train, rtol=1e-6) and close(got_val, want_val, rtol=1e-6):
        return
    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    lower = [max(p - 1, 0) for p in degrees]
    mistakes = [
        (_curve(x_all, y_all, *args),
         "the polynomials are fitted on the training and the validation rows together: the validation rows leak "
         "into the fit and the validation error comes out too optimistic; fit on the training rows only"),
        ((want_val, want_train), "the two curves are swapped: return (train_rmse, val_rmse)"),
        ((want_train**2, want_val**2), "those are the MSEs; the question asks for the RMSE, their square roots"),
        (_curve(x_train, y_train, *args, design=lambda x, p: _powers(x, p)[:, 1:] if p else _powers(x, 0)),
         "the column of ones is missing: without a bias the polynomial must pass through 0 at x = 0"),
        (_curve(x_train, y_train, x_train, y_train, x_val, y_val, lower),
         "each degree p is fitted with the powers up to p − 1: the columns are 1, x, ..., x^p, that is p + 1 of "
         "them (range(p + 1))"),
        (_curve(x_train, y_train, x_train, y_train, x_val, y_val, [p + 1 for p in degrees]),
         "each degree p is fitted with the powers up to p + 1: the columns are 1, x, ..., x^p"),
    ]
    message = first_mistake((got_train, got_val), mistakes,
                            match=lambda got, m: close(got[0], m[0], rtol=1e-6) and close(got[1], m[1], rtol=1e-6))
    if message:
        raise Fail(message)
    if close(got_train, want_train, rtol=1e-6):
        check_close(got_val, want_val, "val_rmse", rtol=1e-6)
    check_close(got_train, want_train, "train_rmse", rtol=1e-6)
    check_close(got_val, want_val, "val_rmse", rtol=1e-6)


@q5.test()
def curve_reference(ctx):
    """matches least squares on the training rows, for degrees 1 to 4 on fresh data"""
    _check_curve(ctx, *_curve_case(ctx), [1, 2, 3, 4])


@q5.test()
def curve_any_order(ctx):
    """follows the order of `degrees`, constant model (degree 0) included"""
    degrees = [int(p) for p in ctx.rng.permutation(6)[:4]]
    if 0 not in degrees:
        degrees[-1] = 0
    _check_curve(ctx, *_curve_case(ctx), degrees)


# ---------------------------------------------------------------- q6: predict_original_units


def _predict_case(ctx, n: int | None = None):
    n = int(ctx.rng.integers(4, 12)) if n is None else n
    w, b = float(ctx.rng.uniform(0.5, 1.5)), float(ctx.rng.normal(0, 0.3))
    stats = {"mu_x": float(ctx.rng.uniform(5, 20)), "sigma_x": float(ctx.rng.uniform(2, 6)),
             "mu_y": float(ctx.rng.uniform(40, 70)), "sigma_y": float(ctx.rng.uniform(5, 12))}
    x = ctx.rng.uniform(-5, 35, n)
    return x, w, b, stats


def _call_predict(ctx, x, w, b, stats):
    tensors = {k: tensor(v) for k, v in stats.items()}
    return ctx.call("predict_original_units", layer(np.array([[w]]), np.array([b])), tensor(x), tensors)


@q6.test()
def predict_values(ctx):
    """matches μ_y + σ_y·net((x − μ_x)/σ_x) on a fresh model and fresh statistics"""
    x, w, b, s = _predict_case(ctx)
    got = as_array(_call_predict(ctx, x, w, b, s), "predict_original_units(net, x, stats)")
    z = (x - s["mu_x"]) / s["sigma_x"]
    want = s["mu_y"] + s["sigma_y"] * (w * z + b)
    check_shape(got, want.shape, "predict_original_units(net, x, stats)")
    mistakes = [
        (s["mu_y"] + s["sigma_y"] * (w * x + b),
         "the input is not standardised: the model was trained on z = (x − μ_x)/σ_x, so feed it that, not x"),
        (w * z + b, "the output is left in standard units: map it back with μ_y + σ_y·output"),
        (w * x + b, "neither the input is standardised nor the output mapped back: the model works in standard "
                    "units at both ends"),
        (s["sigma_y"] * (w * z + b), "the output is multiplied by σ_y but μ_y is not added back"),
        (((w * z + b) - s["mu_y"]) / s["sigma_y"], "the output is standardised again instead of mapped back: "
                                                   "ŷ = μ_y + σ_y·output"),
        (s["mu_y"] + s["sigma_y"] * (w * (x * s["sigma_x"] + s["mu_x"]) + b),
         "the input map is inverted: standardise with (x − μ_x)/σ_x"),
        (s["mu_x"] + s["sigma_x"] * (w * ((x - s["mu_y"]) / s["sigma_y"]) + b),
         "the input and output statistics are swapped: the input uses μ_x, σ_x and the output μ_y, σ_y"),
    ]
    message = None if close(got, want) else first_mistake(got, mistakes)
    if message:
        raise Fail(message)
    check_close(got, want, "predict_original_units(net, x, stats)", rtol=1e-9)


@q6.test()
def predict_plain_tensor(ctx):
    """returns a tensor of shape [n] that does not track gradients"""
    x, w, b, s = _predict_case(ctx)
    got = _call_predict(ctx, x, w, b, s)
    check_shape(as_tensor(got, "the predictions", "return the predictions as a tensor of shape [n]"), (len(x),),
                "the returned tensor")
    if got.requires_grad:
        raise Fail("the predictions track gradients (requires_grad=True): compute them inside "
                   "`with torch.no_grad():`, as the chapter's predict does")


# ---------------------------------------------------------------- q7: kfold_rmse


def _kfold_case(ctx) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Shuffled readings from a curved law; n not a multiple of K, so that the folds differ in size and a pooled
    RMSE differs from the mean of the folds' RMSEs."""
    K = int(ctx.rng.integers(3, 7))
    n = int(ctx.rng.integers(4, 8)) * K + int(ctx.rng.integers(1, K))
    x_train, y_train, _, _ = _curve_case(ctx, n=n, m=1)
    return x_train, y_train, int(ctx.rng.integers(1, 4)), K


def _kfold(x: np.ndarray, y: np.ndarray, degree: int, K: int, folds=None, fit_all: bool = False,
           pooled: bool = False, root_of_mean: bool = False) -> float:
    """The mean of the folds' validation RMSEs; the switches replay the classic mistakes (other folds, a fit on
    every row, one RMSE of all the residuals, the square root of the mean MSE)."""
    folds = [np.flatnonzero(np.arange(len(x)) % K == j) for j in range(K)] if folds is None else folds
    scores, residuals = [], []
    for held in folds:
        keep = np.setdiff1d(np.arange(len(x)), held)
        rows = np.arange(len(x)) if fit_all else keep
        theta, *_ = np.linalg.lstsq(_powers(x[rows], degree), y[rows], rcond=None)
        e = _powers(x[held], degree) @ theta - y[held]
        scores.append(float(np.sqrt(np.mean(e**2))))
        residuals.append(e)
    if pooled:
        return float(np.sqrt(np.mean(np.concatenate(residuals) ** 2)))
    if root_of_mean:
        return float(np.sqrt(np.mean(np.square(scores))))
    return float(np.mean(scores))


def _check_kfold(ctx, x, y, degree: int, K: int) -> None:
    got = as_float(ctx.call("kfold_rmse", tensor(x), tensor(y), degree, K), f"kfold_rmse(x, y, {degree}, {K})")
    want = _kfold(x, y, degree, K)
    if np.isclose(got, want, rtol=1e-8):
        return
    mistakes = [
        (_kfold(x, y, degree, K, fit_all=True),
         "each fold's rows are in its own fit: a leak that makes the score too good; fit on the other K − 1 folds "
         "only"),
        (_kfold(x, y, degree, K, folds=[np.asarray(f) for f in np.array_split(np.arange(len(x)), K)]),
         "these are folds of consecutive rows; the question's fold j holds the rows i with i % K == j"),
        (_kfold(x, y, degree, K, root_of_mean=True),
         "that is the square root of the mean of the folds' MSEs; return the mean of the folds' RMSEs"),
        (_kfold(x, y, degree, K, pooled=True),
         "that is one RMSE over the residuals of all folds together; return the mean of the K folds' RMSEs"),
    ]
    message = first_mistake(got, mistakes, match=lambda g, v: bool(np.isclose(g, v, rtol=1e-8)), right=want)
    if message:
        raise Fail(f"kfold_rmse(x, y, {degree}, {K}) = {got:.6g}, expected {want:.6g}: {message}")
    check_number(got, want, f"kfold_rmse(x, y, {degree}, {K}) (n = {len(x)})", rtol=1e-8)


@q7.test()
def kfold_fresh(ctx):
    """gives the mean validation RMSE of the K folds on fresh readings, folds of unequal size"""
    _check_kfold(ctx, *_kfold_case(ctx))


@q7.test()
def kfold_leave_one_out(ctx):
    """with K = n (leave one out), each reading is scored by the fit on all the others"""
    x, y, degree, _ = _kfold_case(ctx)
    x, y = x[:12], y[:12]
    _check_kfold(ctx, x, y, degree, len(x))
