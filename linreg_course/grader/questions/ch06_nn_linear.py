"""Public tests of exercise 06, models: an nn.Linear with given parameters, the loss with F.mse_loss,
the training loop over model.parameters(), what a fresh layer holds, reduction="sum", and a module of the
student's own (polynomial regression: a linear layer on powers of x).

The references are written in NumPy with the gradients of chapter 2, independently of nn.Linear and
autograd. The tensors and layers handed to the student's functions are float64 and built from `ctx.rng`.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
from torch import nn

from linreg_course.grader.compare import (
    as_array,
    as_floats,
    as_number,
    as_tensor,
    check_close,
    check_number,
    close,
    first_mistake,
)
from linreg_course.grader.core import Fail, StudentError, question
from linreg_course.grader.observers import ModuleView, Observe, Raised
from linreg_course.grader.problems import descent, lam_max, layer, linear_data, tensor

NB = "06_nn_linear"

q1 = question(NB, "q1", "a layer with parameters of your own")
q2 = question(NB, "q2", "the loss of a model")
q3 = question(NB, "q3", "the training loop with the built-ins")
q4 = question(NB, "q4", "what a fresh layer holds")
q5 = question(NB, "q5", "the same steps with reduction=\"sum\"")
q6 = question(NB, "q6", "a model of your own: polynomial regression", level="stretch")


# ---------------------------------------------------------------- shared helpers

#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-7, atol=1e-9)


def _problem(ctx, n: int, d: int, k: int, noise: float = 0.3):
    """Fresh data X [N, d], Y [N, k] from a random linear law plus noise, and a random start (W, b)."""
    X, Y = linear_data(ctx.rng, n, d, k, noise=noise)
    return X, Y, ctx.rng.normal(size=(k, d)), ctx.rng.normal(size=k)


# ---------------------------------------------------------------- q1: make_model


def _call_make_model(ctx, W: np.ndarray, b: np.ndarray) -> tuple[ModuleView, np.ndarray]:
    """The student's model as data (`ModuleView`), with its outputs on fresh inputs X, and X."""
    X = ctx.rng.normal(size=(int(ctx.rng.integers(2, 6)), W.shape[1]))
    try:
        model = ctx.observe(Observe(inputs=(tensor(X),)), "make_model", tensor(W), tensor(b)).result
    except StudentError as error:
        text = str(error)
        if "in-place operation" in text and "leaf" in text:
            raise Fail(f"make_model raised {error}: autograd refuses to record a write into a parameter; do the "
                       "copy_ inside `with torch.no_grad():`") from None
        if "must match" in text or "expanded size" in text or "broadcast" in text:
            raise Fail(f"make_model raised {error}: W has shape [k, d]; create nn.Linear(d, k) (in_features, then "
                       "out_features), whose weight has the shape [k, d] of W, and copy W itself, not W.T") from None
        if "cannot assign" in text:
            raise Fail(f"make_model raised {error}: a plain tensor cannot replace a parameter; copy the values "
                       "into the existing one with model.weight.copy_(W) under torch.no_grad()") from None
        raise
    if not isinstance(model, ModuleView) or not model.linear:
        kind = model.name if isinstance(model, ModuleView) else type(model).__name__
        raise Fail(f"make_model should return an nn.Linear layer, not a {kind}")
    return model, X


def _check_model(ctx, answer: tuple[ModuleView, np.ndarray], W: np.ndarray, b: np.ndarray, what: str) -> None:
    model, X = answer
    k, d = W.shape
    if model.bias is None:
        raise Fail(f"{what} has no bias: nn.Linear(..., bias=False) leaves out b; keep the default bias=True")
    if (model.in_features, model.out_features) != (d, k):
        raise Fail(f"{what} is nn.Linear({model.in_features}, {model.out_features}), expected nn.Linear({d}, {k}): "
                   "the arguments are (in_features, out_features) = (d, k), and W has shape [k, d]")
    weight, bias = model.weight, model.bias
    if weight.dtype != torch.float64 or bias.dtype != torch.float64:
        raise Fail(f"{what} has parameters of dtype {weight.dtype} and {bias.dtype}: create the layer with "
                   "dtype=torch.float64 (a layer is float32 by default, and it will not mix dtypes with float64 data)")
    if not (isinstance(weight, nn.Parameter) and isinstance(bias, nn.Parameter)):
        raise Fail(f"{what}: weight and bias should stay nn.Parameter objects; copy the values in with copy_")
    if not (weight.requires_grad and bias.requires_grad):
        raise Fail(f"{what}: the weight or the bias no longer requires a gradient, so training could not update "
                   "it; copy the values inside torch.no_grad() instead of switching gradients off")
    got_W, got_b = as_array(weight, "the weight"), as_array(bias, "the bias")
    symmetric = W.shape[0] == W.shape[1] and np.allclose(W, W.T)
    if not symmetric and _close(got_W, W.T):
        raise Fail(f"{what} holds the transpose of W: nn.Linear's weight has the layout [k, d] of W already, "
                   "so copy W itself")
    check_close(got_W, W, f"the weight of {what}", rtol=1e-12, atol=0)
    if np.all(np.abs(got_b) <= 1 / math.sqrt(d)) and not _close(got_b, b):
        raise Fail(f"the bias of {what} is not b (it looks like the random start): copy b into model.bias too")
    check_close(got_b, b, f"the bias of {what}", rtol=1e-12, atol=0)
    if isinstance(model.outputs[0], Raised):
        raise Fail(f"{what}(X) raised {model.outputs[0].error}")
    out = as_array(model.outputs[0], f"{what}(X)")
    check_close(out, X @ W.T + b, f"{what}(X)", rtol=1e-10)


@q1.test()
def make_model_values(ctx):
    """returns a float64 nn.Linear(d, k) holding W and b, on fresh parameters with d ≠ k"""
    d = int(ctx.rng.integers(2, 5))
    k = d + int(ctx.rng.integers(1, 3))
    W, b = ctx.rng.normal(0, 3, (k, d)), ctx.rng.normal(5, 2, k)
    _check_model(ctx, _call_make_model(ctx, W, b), W, b, "make_model(W, b)")


@q1.test()
def make_model_square(ctx):
    """copies W itself, not its transpose, when k = d"""
    d = int(ctx.rng.integers(2, 5))
    W, b = ctx.rng.normal(0, 3, (d, d)), ctx.rng.normal(5, 2, d)
    _check_model(ctx, _call_make_model(ctx, W, b), W, b, "make_model with k = d")


@q1.test()
def make_model_one_output(ctx):
    """works for one input and one output (W of shape [1, 1], b of shape [1])"""
    W, b = ctx.rng.normal(0, 3, (1, 1)), ctx.rng.normal(5, 2, 1)
    _check_model(ctx, _call_make_model(ctx, W, b), W, b, "make_model with d = k = 1")


# ---------------------------------------------------------------- q2: linear_mse


def _check_mse(ctx, W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray, what: str) -> None:
    answer = ctx.call("linear_mse", layer(W, b), tensor(X), tensor(Y))
    as_tensor(answer, what, "return the loss itself (no .item()), so that backward() can be called on it")
    if not answer.requires_grad:
        raise Fail(f"{what} does not require a gradient: it was detached (or computed under torch.no_grad()), so "
                   "backward() could not reach the parameters")
    got = as_array(answer, what)
    if got.shape != ():
        raise Fail(f"{what} has shape {list(got.shape)}: it should be one number, a 0-dimensional tensor (the "
                   "default reduction=\"mean\", not \"none\")")
    Y_hat = (X @ W.T + b).reshape(Y.shape)
    if W.shape[0] == 1:
        y_hat, y = Y_hat.reshape(-1), Y.reshape(-1)
        broadcast = float(np.mean((y_hat[:, None] - y[None, :]) ** 2))
        if np.isclose(got, broadcast, rtol=1e-9) and not np.isclose(broadcast, np.mean((y_hat - y) ** 2)):
            n = len(y)
            raise Fail(f"{what} is the mean over N² = {n * n} pairs: a vector [N] met a column [N, 1] and they "
                       "broadcast to [N, N] (F.mse_loss only warns); bring the predictions to Y.shape "
                       "(model(X).reshape(Y.shape)) and do not squeeze them otherwise")
    want = float(np.mean((Y_hat - Y) ** 2))
    n_entries = Y.size
    if np.isclose(got, n_entries * want, rtol=1e-9):
        raise Fail(f"{what} is {n_entries} times too large (N·k = {n_entries}): that is reduction=\"sum\"; the loss "
                   "is the mean")
    if Y.ndim == 2 and Y.shape[1] > 1 and np.isclose(got, Y.shape[1] * want, rtol=1e-9):
        raise Fail(f"{what} is {Y.shape[1]} times too large: it divides by N, not by the N·k entries")
    if np.isclose(got, math.sqrt(want), rtol=1e-9):
        raise Fail(f"{what} is the root of the mean squared error; drop the square root")
    check_number(got, want, what, rtol=1e-9)


@q2.test()
def mse_matrix_targets(ctx):
    """equals the mean over all N·k entries on a fresh layer and data, as a tensor autograd can follow"""
    n, d, k = int(ctx.rng.integers(5, 15)), int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(2, 4))
    X, Y, W, b = _problem(ctx, n, d, k, noise=2.0)
    _check_mse(ctx, W, b, X, Y, "linear_mse(model, X, Y)")


@q2.test()
def mse_vector_targets(ctx):
    """does not broadcast when a one-output model meets targets of shape [N]"""
    n, d = int(ctx.rng.integers(5, 15)), int(ctx.rng.integers(1, 4))
    X, Y, W, b = _problem(ctx, n, d, 1, noise=2.0)
    _check_mse(ctx, W, b, X, Y[:, 0], "linear_mse with targets of shape [N]")


@q2.test()
def mse_column_targets(ctx):
    """gives the same loss for targets [N, 1] as for the same targets as a vector [N]"""
    n, d = int(ctx.rng.integers(5, 15)), int(ctx.rng.integers(1, 4))
    X, Y, W, b = _problem(ctx, n, d, 1, noise=2.0)
    _check_mse(ctx, W, b, X, Y, "linear_mse with targets of shape [N, 1]")


# ---------------------------------------------------------------- q3: train


def _losses(X, Y, W, b, lr, steps, **mistake) -> np.ndarray:
    """The losses of the reference loop (`problems.descent`); keywords replay a mistake."""
    return descent(X, Y, W, b, lr, steps, **mistake)[0]


def _call_train(ctx, X, Y, W, b, lr, steps) -> np.ndarray:
    try:
        answer = ctx.call("train", layer(W, b), tensor(X), tensor(Y), lr, steps)
    except StudentError as error:
        text = str(error)
        if "in-place operation" in text and "leaf" in text:
            raise Fail(f"train raised {error}: update the parameters inside `with torch.no_grad():`") from None
        if "NoneType" in text:
            raise Fail(f"train raised {error}: a .grad is None, either before the first backward() or after "
                       "model.zero_grad(); call backward() on the loss before each update") from None
        raise
    return as_floats(answer, "the losses train returned", steps)


def _diagnose_train(got: np.ndarray, X, Y, W, b, lr, steps) -> None:
    """Compare with the reference loop; name the mistake whose loop the losses match."""
    n, k = Y.shape
    want = _losses(X, Y, W, b, lr, steps)
    if _close(got, want):
        return
    if steps > 1 and np.allclose(got, got[0], rtol=1e-12, atol=0):
        raise Fail("the loss never changes: the parameters are not updated. `p = p - lr * p.grad` only makes a new "
                   "tensor named p; update in place, `p -= lr * p.grad`, under torch.no_grad()")
    if not np.all(np.isfinite(got)):
        raise Fail("the losses become NaN or infinite: the steps are far too large (is the loss a sum, "
                   "reduction=\"sum\"?)")
    mistakes = [
        ({"zero": False}, "the gradients are not zeroed after each step: backward() adds into .grad, so every "
                          "step uses the sum of all gradients so far (call model.zero_grad())"),
        ({"grad_scale": n * k, "loss_scale": n * k}, f"the loss is reduction=\"sum\", N·k = {n * k} times the mean: "
                                                     "the steps are that much too large"),
        ({"grad_scale": n * k}, f"the steps are N·k = {n * k} times too large: is the loss a sum "
                                "(reduction=\"sum\")?"),
        ({"sign": -1.0}, "the update has the wrong sign: step against the gradient, p -= lr * p.grad"),
        ({"update_b": False}, "the bias is never updated: loop over all of model.parameters(), not just the weight"),
        ({"update_w": False}, "the weight is never updated: loop over all of model.parameters()"),
    ]
    replays = [(_losses(X, Y, W, b, lr, steps, **keywords), message) for keywords, message in mistakes]
    replays.append((_losses(X, Y, W, b, lr, steps + 1)[1:], "each loss is the one after the update: record the loss "
                                                           "computed before backward()"))
    message = first_mistake(got, replays, match=_close)
    if message:
        raise Fail(message)
    if np.isclose(got[0], want[0], rtol=1e-7):
        raise Fail(f"the first loss is right but later ones differ (step 2: {got[1]:.6g}, expected {want[1]:.6g}): "
                   "check the update")
    raise Fail(f"the losses differ from the reference loop (first: {got[0]:.6g}, expected {want[0]:.6g}); the loss "
               "is F.mse_loss(model(X), Y), recorded before each step's update")


def _train_case(ctx, k: int):
    n, d = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(2, 4))
    X, Y, W, b = _problem(ctx, n, d, k)
    return X, Y, W, b, 0.5 / lam_max(X, k)


@q3.test()
def train_matches_reference(ctx):
    """gives the losses of the reference loop, step by step, on a fresh layer and data"""
    X, Y, W, b, lr = _train_case(ctx, 2)
    _diagnose_train(_call_train(ctx, X, Y, W, b, lr, 8), X, Y, W, b, lr, 8)


@q3.test()
def train_zeroes_gradients(ctx):
    """zeroes the gradients between steps (one output, three steps)"""
    X, Y, W, b, lr = _train_case(ctx, 1)
    _diagnose_train(_call_train(ctx, X, Y, W, b, lr, 3), X, Y, W, b, lr, 3)


@q3.test()
def train_decreases_loss(ctx):
    """lowers the loss at every step for a learning rate below 2/λ_max"""
    X, Y, W, b, _ = _train_case(ctx, 2)
    lr = 1.5 / lam_max(X, 2)
    got = _call_train(ctx, X, Y, W, b, lr, 30)
    if not np.all(np.isfinite(got)):
        raise Fail("the losses become NaN or infinite at lr = 1.5/λ_max, a stable rate: the steps are too large "
                   "(is the loss a sum, or are the gradients never zeroed?)")
    _diagnose_train(got, X, Y, W, b, lr, 30)
    if not np.all(np.diff(got) < 0):
        raise Fail("the loss rises at some step although lr = 1.5/λ_max is below the stability limit 2/λ_max")


# ---------------------------------------------------------------- q4: count_parameters, init_bound


def _check_count(ctx, d: int, k: int) -> None:
    got = as_number(ctx.call("count_parameters", d, k), f"count_parameters({d}, {k})")
    want = k * (d + 1)
    if got == want:
        return
    hints = {
        d * k: "that counts the weights only: each of the k outputs also has a bias",
        d * (k + 1): "one bias per output, not per input: k(d + 1)",
        (d + 1) * (k + 1): "there is no extra output: the layer has k rows of d weights plus k biases",
        d + k: "the weight is a matrix of shape [k, d]: k·d numbers, plus k biases",
    }
    raise Fail(f"count_parameters({d}, {k}) = {got:g} is not right: "
               + hints.get(int(got) if float(got).is_integer() else -1, "count the weight [k, d] and the bias [k]."))


def _check_bound(ctx, d: int, k: int) -> None:
    got = as_number(ctx.call("init_bound", d, k), f"init_bound({d}, {k})")
    want = 1 / math.sqrt(d)
    if math.isclose(got, want, rel_tol=1e-9):
        return
    wrong = [
        (1 / math.sqrt(k), "the bound depends on in_features d, the number of inputs, not on out_features k"),
        (1 / d, "the bound is 1/√d, not 1/d: gain·√(3/d) with gain √(1/3)"),
        (math.sqrt(3 / d), "√(3/d) is kaiming_uniform_ with gain 1; with a = √5 the gain is √(2/(1 + a²)) = √(1/3)"),
        (math.sqrt(6 / d), "√(6/d) is kaiming_uniform_ with gain √2 (a = 0); nn.Linear passes a = √5"),
        (1 / math.sqrt(d + k), "the bound depends on in_features d only"),
        (math.sqrt(6 / (d + k)), "that is the Xavier (Glorot) bound; nn.Linear uses kaiming_uniform_ with a = √5"),
    ]
    message = first_mistake(got, wrong, match=lambda g, v: math.isclose(g, v, rel_tol=1e-9))
    if message:
        raise Fail(f"init_bound({d}, {k}) = {got:.6g}: {message}")
    check_number(got, want, f"init_bound({d}, {k})", rtol=1e-9)


@q4.test()
def count_fresh(ctx):
    """counts the parameters of nn.Linear(d, k) for fresh d ≠ k"""
    d = int(ctx.rng.integers(3, 500))
    k = d + int(ctx.rng.integers(1, 50))
    _check_count(ctx, d, k)
    _check_count(ctx, k, d)


@q4.test()
def count_matches_a_layer(ctx):
    """agrees with sum(p.numel() for p in model.parameters()) for a real layer"""
    d, k = int(ctx.rng.integers(1, 20)), int(ctx.rng.integers(1, 20))
    want = sum(p.numel() for p in nn.Linear(d, k, device="meta").parameters())
    got = as_number(ctx.call("count_parameters", d, k), f"count_parameters({d}, {k})")
    if got != want:
        _check_count(ctx, d, k)
        raise Fail(f"count_parameters({d}, {k}) = {got:g}, but the layer has {want} parameters")


@q4.test()
def bound_fresh(ctx):
    """the bound of the uniform start for fresh d ≠ k"""
    d = int(ctx.rng.integers(2, 400))
    k = d + int(ctx.rng.integers(2, 50))
    _check_bound(ctx, d, k)
    _check_bound(ctx, k, d)


@q4.test()
def bound_matches_a_layer(ctx):
    """is reached, and never passed, by the weights of a big seeded layer"""
    d, k = int(ctx.rng.integers(200, 400)), int(ctx.rng.integers(200, 300))
    got = as_number(ctx.call("init_bound", d, k), f"init_bound({d}, {k})")
    generator_state = torch.get_rng_state()
    try:
        torch.manual_seed(int(ctx.rng.integers(0, 2**31)))
        layer = nn.Linear(d, k)
    finally:
        torch.set_rng_state(generator_state)
    w_max = layer.weight.abs().max().item()
    if not 0.999 * got < w_max <= got * (1 + 1e-6):
        _check_bound(ctx, d, k)
        raise Fail(f"init_bound({d}, {k}) = {got:.6g}, but the largest |weight| of a seeded nn.Linear({d}, {k}) "
                   f"is {w_max:.6g}")
    _check_bound(ctx, d, k)


# ---------------------------------------------------------------- q5: sum_lr


def _check_sum_lr(ctx, lr: float, n: int, k: int) -> None:
    got = as_number(ctx.call("sum_lr", lr, n, k), f"sum_lr({lr:g}, {n}, {k})")
    want = lr / (n * k)
    if math.isclose(got, want, rel_tol=1e-9):
        return
    wrong = [
        (lr * n * k, "the sum's gradient is N·k times the mean's, so its learning rate must be N·k times smaller, "
                     "not larger"),
        (lr / n, "the mean is over all N·k entries, so the sum is N·k times larger, not N times"),
        (lr / k, "the mean is over all N·k entries, so the sum is N·k times larger, not k times"),
        (lr, "with reduction=\"sum\" the gradient is N·k times larger: the same lr takes N·k times longer steps"),
        (lr * n, "the sum's gradient is larger, so its learning rate must be smaller"),
    ]
    message = first_mistake(got, wrong, match=lambda g, v: math.isclose(g, v, rel_tol=1e-9))
    if message:
        raise Fail(f"sum_lr({lr:g}, {n}, {k}) = {got:.6g}: {message}")
    check_number(got, want, f"sum_lr({lr:g}, {n}, {k})", rtol=1e-9)


@q5.test()
def sum_lr_fresh(ctx):
    """the learning rate for reduction="sum" on fresh N, k and lr"""
    n, k = int(ctx.rng.integers(5, 500)), int(ctx.rng.integers(2, 6))
    _check_sum_lr(ctx, float(10.0 ** ctx.rng.uniform(-5, -1)), n, k)


@q5.test()
def sum_lr_same_steps(ctx):
    """takes the same step with reduction="sum" as lr does with the mean, on a fresh layer and data"""
    n, d, k = int(ctx.rng.integers(5, 20)), int(ctx.rng.integers(1, 4)), int(ctx.rng.integers(2, 5))
    X, Y, W, b = _problem(ctx, n, d, k)
    lr = 0.5 / lam_max(X, k)
    got = as_number(ctx.call("sum_lr", lr, n, k), f"sum_lr({lr:.4g}, {n}, {k})")
    E = X @ W.T + b - Y
    step_mean = lr * 2 / (n * k) * E.T @ X
    step_sum = got * 2 * E.T @ X
    if not _close(step_sum, step_mean, rtol=1e-9, atol=0):
        _check_sum_lr(ctx, lr, n, k)
        raise Fail(f"with sum_lr({lr:.4g}, {n}, {k}) = {got:.6g} the step of W under reduction=\"sum\" differs from "
                   "the step under the mean")


# ---------------------------------------------------------------- q6: PolynomialRegression


def _powers(x: np.ndarray, first: int, last: int) -> np.ndarray:
    """The features [x^first, ..., x^last] of inputs x [N], shape [N, last - first + 1]."""
    return np.stack([x**p for p in range(first, last + 1)], axis=1)


def _observe_poly(ctx, degree: int, x: np.ndarray) -> ModuleView:
    """The student's PolynomialRegression(degree) as data, with its output on x."""
    what = f"PolynomialRegression({degree})"
    try:
        model = ctx.observe(Observe(inputs=(tensor(x),)), "PolynomialRegression", degree).result
    except StudentError as error:
        if "before Module.__init__() call" in str(error):
            raise Fail(f"{what} raised {error}: call super().__init__() first in __init__, before the layer is "
                       "created") from None
        raise
    if not isinstance(model, ModuleView):
        raise Fail(f"{what} should create an nn.Module, not {model}: subclass nn.Module")
    return model


def _check_poly(ctx, degree: int, x: np.ndarray) -> None:
    model = _observe_poly(ctx, degree, x)
    what = f"PolynomialRegression({degree})"
    params = {name: as_array(value, name) for name, value in model.parameters.items()}
    count = sum(p.size for p in params.values())
    shapes = {name: list(p.shape) for name, p in params.items()}
    if count != degree + 1:
        extra = (": x⁰ = 1 is not a feature, the bias already plays it, so the layer takes the powers x¹ … x^degree"
                 if count == degree + 2 else "")
        raise Fail(f"{what} has {count} parameters ({shapes}); a linear layer on the powers x¹ … x^{degree} has "
                   f"{degree} weights and one bias, {degree + 1}{extra}")
    weights = [p for p in params.values() if p.shape == (1, degree)]
    biases = [p for p in params.values() if p.shape == (1,)]
    if len(weights) != 1 or len(biases) != 1 or (degree == 1 and len(params) != 2):
        raise Fail(f"{what} holds parameters of shapes {shapes}: expected one nn.Linear({degree}, 1), a weight "
                   f"[1, {degree}] and a bias [1]")
    w, b = weights[0][0], biases[0]
    out = model.outputs[0]
    if isinstance(out, Raised):
        hint = ""
        if "dtype" in out.error or "Double" in out.error or "Float" in out.error:
            hint = ": the inputs are float64, so create the layer with dtype=torch.float64"
        elif "shapes cannot be multiplied" in out.error or "mat1 and mat2" in out.error:
            hint = ": the layer takes a matrix of features [N, degree], one column per power of x"
        raise Fail(f"{what}(x) raised {out.error}{hint}")
    got = as_tensor(out, f"{what}(x)")
    want = _powers(x, 1, degree) @ w + b[0]
    if got.shape == (len(x), 1) and _close(got[:, 0], want):
        raise Fail(f"{what}(x) has shape [{len(x)}, 1]: return a vector [N], the shape of x (take [:, 0] or "
                   ".squeeze(1) of the layer's output)")
    if got.shape != want.shape:
        raise Fail(f"{what}(x) has shape {list(got.shape)}, expected [N] = [{len(x)}] for x of shape [{len(x)}]")
    message = first_mistake(got, [
        (_powers(x, 0, degree - 1) @ w + b[0], "the features are x⁰ … x^(degree−1); use the powers 1 to degree "
                                              "(the bias already plays x⁰ = 1)"),
        (x * w.sum() + b[0], "every feature is x itself: raise x to the powers 1, 2, …, degree"),
        (_powers(x, 1, degree) @ w, "the bias is missing from the output: call the layer, which adds it"),
    ], match=_close, right=want)
    if message:
        raise Fail(f"{what}(x) is wrong: {message}")
    check_close(got, want, f"{what}(x)", rtol=1e-9, atol=1e-12)


@q6.test()
def poly_outputs(ctx):
    """a cubic: the layer's weights times x, x², x³, plus its bias, a vector [N], on fresh inputs"""
    _check_poly(ctx, 3, ctx.rng.uniform(-2, 2, int(ctx.rng.integers(6, 15))))


@q6.test()
def poly_degrees(ctx):
    """a straight line (degree 1) and degree 5, with one weight per power and one bias"""
    _check_poly(ctx, 1, ctx.rng.uniform(-3, 3, int(ctx.rng.integers(4, 10))))
    _check_poly(ctx, 5, ctx.rng.uniform(0.5, 1.5, int(ctx.rng.integers(8, 20))))
