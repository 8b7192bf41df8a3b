"""Public tests of exercise 08, training with torch.optim: the order of the calls in a step, the whole-data
loss, a reusable `fit`, the stability limit, the symptoms of the classic mistakes, momentum written by hand
(against torch.optim.SGD) and an open question: settings that train fast on fresh data, graded by what they
reach.

The references run the same PyTorch calls as the chapter on deep copies of the models, optimizers and
loaders handed to the student, so they see the same parameters and the same shuffled batches. Each
reference takes keywords that reproduce a typical mistake; the tests say which one an answer matches.
All tensors are float64 and built from `ctx.rng`; the loss functions are `nn.Module` instances.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from linreg_course.grader.compare import as_choice, as_float, as_floats, as_items, as_number, close, first_mistake
from linreg_course.grader.core import Fail, question
from linreg_course.grader.problems import eigenvalues, lam_max, layer, linear_data, tensor, with_ones

NB = "08_training_with_optim"

q1 = question(NB, "q1", "the order of the calls in a training step")
q2 = question(NB, "q2", "the loss on the whole data set")
q3 = question(NB, "q3", "a reusable fit")
q4 = question(NB, "q4", "the largest stable learning rate")
q5 = question(NB, "q5", "reading the symptoms")
q6 = question(NB, "q6", "momentum by hand", level="stretch")
q7 = question(NB, "q7", "fast training, settings of your choice", level="stretch")


# ---------------------------------------------------------------- shared helpers

#: The tolerance of this exercise's comparisons.
_close = functools.partial(close, rtol=1e-9, atol=1e-12)


def _linear(ctx, d: int, k: int) -> nn.Linear:
    """A float64 nn.Linear(d, k) with weights drawn from ctx.rng (not from PyTorch's global generator)."""
    return layer(ctx.rng.normal(0, 0.5, (k, d)), ctx.rng.normal(0, 1, k))


# ---------------------------------------------------------------- q1: train_steps


def _ref_steps(model, opt, loss_fn, xb, yb, steps: int, order: str = "zfbs", plain: bool = False) -> np.ndarray:
    """The losses of `steps` training steps whose calls come in `order`: z = opt.zero_grad(), f = forward
    (loss recorded), b = backward(), s = opt.step(). `plain` replaces opt by SGD at its lr, no momentum."""
    model, opt = copy.deepcopy((model, opt))
    if plain:
        opt = torch.optim.SGD(model.parameters(), lr=opt.param_groups[0]["lr"])
    losses, loss = [], None
    for _ in range(steps):
        for call in order:
            if call == "z":
                opt.zero_grad()
            elif call == "f":
                loss = loss_fn(model(xb), yb)
                losses.append(loss.item())
            elif call == "b":
                loss.backward()
            else:
                opt.step()
    return np.array(losses)


def _step_case(ctx, k: int, lr_factor: float, momentum: float = 0.0):
    n, d = int(ctx.rng.integers(8, 20)), int(ctx.rng.integers(2, 4))
    X, Y = linear_data(ctx.rng, n, d, k)
    model = _linear(ctx, d, k)
    opt = torch.optim.SGD(model.parameters(), lr=lr_factor / lam_max(X, k), momentum=momentum)
    return model, opt, nn.MSELoss(), tensor(X), tensor(Y)


def _check_steps(ctx, model, opt, loss_fn, xb, yb, steps: int) -> None:
    answer = ctx.call("train_steps", model, opt, loss_fn, xb, yb, steps)
    got = as_floats(answer, "the list train_steps returned", steps, "append loss.item()")
    want = _ref_steps(model, opt, loss_fn, xb, yb, steps)
    if _close(got, want):
        return
    if not np.all(np.isfinite(got)):
        raise Fail("the losses become NaN or infinite although the learning rate is below 2/λ_max")
    if not np.isclose(got[0], want[0], rtol=1e-9):
        raise Fail(f"the first loss is {got[0]:.6g}, expected {want[0]:.6g}: record loss_fn(model(xb), yb) of "
                   "each step before the update")
    if np.allclose(got, got[0], rtol=1e-13, atol=0):
        raise Fail("the loss never changes, so the parameters never move: step() finds no gradient. Is "
                   "zero_grad() called between backward() and step(), or step() before backward()? The order "
                   "is zero_grad(), forward, backward(), step()")
    if _close(got, _ref_steps(model, opt, loss_fn, xb, yb, steps, order="fbs")):
        raise Fail("the gradients are never zeroed: backward() adds into .grad, so each step uses the sum of all "
                   "gradients so far. Call opt.zero_grad() at the start of each step")
    if opt.param_groups[0]["momentum"] and _close(got, _ref_steps(model, opt, loss_fn, xb, yb, steps, plain=True)):
        raise Fail("the updates are plain SGD although the optimizer you were given has momentum: use its "
                   "opt.step(), do not build a new optimizer or update the parameters by hand")
    if _close(got[:-1], want[1:]):
        raise Fail("each loss is the one after the update: record the loss computed before backward()")
    worst = int(np.argmax(~np.isclose(got, want, rtol=1e-9)))
    raise Fail(f"the losses differ from the reference from step {worst + 1} on ({got[worst]:.6g}, expected "
               f"{want[worst]:.6g}): check the order zero_grad(), forward, backward(), step()")


@q1.test()
def steps_match_reference(ctx):
    """gives the losses of the reference steps, one by one, on fresh data"""
    _check_steps(ctx, *_step_case(ctx, 2, 0.5), steps=6)


@q1.test()
def steps_zero_gradients(ctx):
    """lets the loss fall at every step at lr = 1.5/λ_max, as the reference does"""
    model, opt, loss_fn, xb, yb = _step_case(ctx, 2, 1.5)
    _check_steps(ctx, model, opt, loss_fn, xb, yb, steps=25)


@q1.test()
def steps_use_given_optimizer(ctx):
    """uses the optimizer it is given (SGD with momentum 0.9)"""
    _check_steps(ctx, *_step_case(ctx, 1, 0.2, momentum=0.9), steps=8)


# ---------------------------------------------------------------- q2: dataset_loss


def _batch_losses(model, loader, loss_fn) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        pairs = [(loss_fn(model(xb), yb).item(), len(xb)) for xb, yb in loader]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs], dtype=np.float64)


def _weighted(model, loader, loss_fn) -> float:
    losses, sizes = _batch_losses(model, copy.deepcopy(loader), loss_fn)
    return float(losses @ sizes / sizes.sum())


def _loss_case(ctx, n: int, batch_size: int, k: int = 2, shuffle: bool = False):
    d = int(ctx.rng.integers(2, 4))
    X, Y = linear_data(ctx.rng, n, d, k)
    generator = torch.Generator().manual_seed(int(ctx.rng.integers(2**31))) if shuffle else None
    loader = DataLoader(TensorDataset(tensor(X), tensor(Y)), batch_size=batch_size, shuffle=shuffle,
                        generator=generator)
    return _linear(ctx, d, k), loader


def _call_dataset_loss(ctx, model, loader, loss_fn) -> float:
    return as_float(ctx.call("dataset_loss", model, loader, loss_fn), "dataset_loss(model, loader, loss_fn)",
                    "compute it under torch.no_grad() and accumulate loss.item() * len(xb)")


def _check_dataset_loss(ctx, model, loader, loss_fn) -> None:
    got = _call_dataset_loss(ctx, model, loader, loss_fn)
    losses, sizes = _batch_losses(model, copy.deepcopy(loader), loss_fn)
    want = float(losses @ sizes / sizes.sum())
    if np.isclose(got, want, rtol=1e-9, atol=0):
        return
    wrong = [
        (np.mean(losses), "that is the plain mean of the batch losses; the last batch is smaller, so weight each "
                          "batch's loss by its number of rows and divide by the total number of rows"),
        (losses[-1], "that is the loss of the last batch only; add up the losses of all batches (weighted by "
                     "their sizes)"),
        (losses[0], "that is the loss of the first batch only: is there a `return` inside the loop?"),
        (np.sum(losses), "that is the sum of the batch losses; weight each by its number of rows and divide by the "
                         "number of rows"),
        (float(losses @ sizes), "that is the sum of the weighted batch losses; divide it by the number of rows"),
        (float(losses @ sizes) / (len(sizes) * sizes[0]), "it divides by (number of batches) × batch_size, which "
                                                          "counts rows the last batch does not have; divide by "
                                                          "the number of rows seen"),
    ]
    message = first_mistake(got, wrong, match=lambda g, v: np.isclose(g, v, rtol=1e-9, atol=0))
    if message:
        raise Fail(f"dataset_loss = {got:.6g}, expected {want:.6g}: {message}")
    raise Fail(f"dataset_loss = {got:.6g} is wrong (expected {want:.6g})")


@q2.test()
def loss_unequal_batches(ctx):
    """gives the mean over all rows when the last batch is smaller, on fresh data"""
    batch_size = int(ctx.rng.integers(3, 6))
    n = batch_size * int(ctx.rng.integers(3, 6)) + 1 + int(ctx.rng.integers(batch_size - 1))
    model, loader = _loss_case(ctx, n, batch_size)
    _check_dataset_loss(ctx, model, loader, nn.MSELoss())


@q2.test()
def loss_uses_loss_fn(ctx):
    """uses the loss_fn it is given (here nn.L1Loss, the mean absolute error)"""
    model, loader = _loss_case(ctx, 13, 5)
    got = _call_dataset_loss(ctx, model, loader, nn.L1Loss())
    if np.isclose(got, _weighted(model, loader, nn.MSELoss()), rtol=1e-9):
        raise Fail("dataset_loss computed the mean squared error although loss_fn was nn.L1Loss(): call loss_fn")
    _check_dataset_loss(ctx, model, loader, nn.L1Loss())


@q2.test()
def loss_shuffled_batches(ctx):
    """gives the same number for a shuffled loader with batches of 7, 7 and 3 rows"""
    model, loader = _loss_case(ctx, 17, 7, k=3, shuffle=True)
    _check_dataset_loss(ctx, model, loader, nn.MSELoss())


# ---------------------------------------------------------------- q3: fit


def _ref_fit(model, loader, loss_fn, opt, epochs: int, full_pass: str = "separate") -> dict[str, np.ndarray]:
    """The chapter's fit, with every candidate for the epoch's loss recorded.

    full_pass: "separate" (a new unshuffled loader, the chapter's choice), "train" (dataset_loss over the
    training loader itself, which draws from its shuffling generator) or "train_unweighted" (the plain
    mean of the batch losses over the training loader).
    """
    model, loader, opt = copy.deepcopy((model, loader, opt))
    separate = DataLoader(loader.dataset, batch_size=256)
    out = {"loss": [], "last_batch": [], "batch_mean": [], "before": []}
    for _ in range(epochs):
        out["before"].append(_weighted(model, separate, loss_fn))
        batch_losses = []
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
        out["last_batch"].append(batch_losses[-1])
        out["batch_mean"].append(float(np.mean(batch_losses)))
        if full_pass == "separate":
            out["loss"].append(_weighted(model, separate, loss_fn))
        else:
            losses, sizes = _batch_losses(model, loader, loss_fn)  # draws from the loader's generator
            out["loss"].append(float(losses @ sizes / sizes.sum()) if full_pass == "train" else float(losses.mean()))
    return {key: np.array(value) for key, value in out.items()}


def _fit_case(ctx, shuffle: bool, momentum: float = 0.0, k: int = 2):
    batch_size = int(ctx.rng.integers(3, 6))
    n = batch_size * int(ctx.rng.integers(3, 5)) + 1 + int(ctx.rng.integers(batch_size - 1))
    model, loader = _loss_case(ctx, n, batch_size, k=k, shuffle=shuffle)
    X = loader.dataset.tensors[0].numpy()
    opt = torch.optim.SGD(model.parameters(), lr=0.3 / lam_max(X, k), momentum=momentum)
    return model, loader, nn.MSELoss(), opt


def _call_fit(ctx, model, loader, loss_fn, opt, epochs: int) -> dict[str, np.ndarray]:
    answer = ctx.call("fit", model, loader, loss_fn, opt, epochs)
    if not isinstance(answer, dict):
        raise Fail(f"fit should return a dict with the keys 'loss' and 'last_batch', not a {type(answer).__name__}")
    missing = [key for key in ("loss", "last_batch") if key not in answer]
    if missing:
        raise Fail(f"the history fit returned has no key {missing[0]!r} (its keys: {list(answer)})")
    return {key: answer[key] for key in ("loss", "last_batch")}


def _check_fit_loss(ctx, case, epochs: int) -> None:
    model, loader, loss_fn, opt = case
    history = _call_fit(ctx, model, loader, loss_fn, opt, epochs)
    raw = history["loss"]
    if isinstance(raw, (list, tuple)) and len(raw) == epochs * len(loader):
        raise Fail(f"history['loss'] has {len(raw)} entries, one per step; record one number per epoch "
                   f"({epochs}), after the epoch's last step")
    got = as_floats(raw, "history['loss']", epochs, "append a float, e.g. dataset_loss(...) or loss.item()")
    ref = _ref_fit(model, loader, loss_fn, opt, epochs)
    if _close(got, ref["loss"]):
        return
    if _close(got, ref["last_batch"]):
        raise Fail("history['loss'] is the loss of the last mini-batch of each epoch: that measures a few rows, "
                   "at the parameters before the last step. Record the loss on the whole data set after the "
                   "epoch (a full pass with gradients off, dataset_loss)")
    if _close(got, ref["batch_mean"]):
        raise Fail("history['loss'] is the mean of the mini-batch losses seen during the epoch, which mixes "
                   "several parameter settings; record the whole-data loss after the epoch")
    if _close(got, ref["before"]):
        raise Fail("history['loss'] is the whole-data loss at the start of each epoch; record it after the "
                   "epoch's steps")
    if _close(got, _ref_fit(model, loader, loss_fn, opt, epochs, "train_unweighted")["loss"]):
        raise Fail("history['loss'] is the plain mean of the batch losses of a full pass; the last batch is "
                   "smaller, so weight each batch's loss by its size (dataset_loss)")
    if _close(got, _ref_fit(model, loader, loss_fn, opt, epochs, "train")["loss"]):
        raise Fail("the full pass iterates the training loader, which draws from its shuffling generator and so "
                   "changes the order of the next epochs' batches. Build a second, unshuffled DataLoader over "
                   "loader.dataset for the full pass, as the chapter does")
    if np.isclose(got[0], ref["loss"][0], rtol=1e-9):
        raise Fail(f"the first epoch's loss is right, later ones differ (epoch 2: {got[1]:.6g}, expected "
                   f"{ref['loss'][1]:.6g}): does each epoch go through the loader once, with one step per batch?")
    raise Fail(f"history['loss'] differs from the reference (epoch 1: {got[0]:.6g}, expected "
               f"{ref['loss'][0]:.6g}): each epoch is one pass over the loader, one step per batch in the order "
               "zero_grad(), forward, backward(), step(), then the whole-data loss")


@q3.test()
def fit_whole_data_loss(ctx):
    """history['loss'] is the whole-data loss after each epoch (fresh data, batches in order)"""
    _check_fit_loss(ctx, _fit_case(ctx, shuffle=False), epochs=5)


@q3.test()
def fit_last_batch(ctx):
    """history['last_batch'] is the loss of each epoch's last mini-batch"""
    model, loader, loss_fn, opt = _fit_case(ctx, shuffle=False)
    epochs = 4
    history = _call_fit(ctx, model, loader, loss_fn, opt, epochs)
    got = as_floats(history["last_batch"], "history['last_batch']", epochs, "append loss.item()")
    ref = _ref_fit(model, loader, loss_fn, opt, epochs)
    if _close(got, ref["last_batch"]):
        return
    if _close(got, ref["loss"]):
        raise Fail("history['last_batch'] holds the whole-data loss; it should hold the loss of the epoch's last "
                   "mini-batch (kept to show why it is not enough)")
    raise Fail(f"history['last_batch'] differs from the reference (epoch 1: {got[0]:.6g}, expected "
               f"{ref['last_batch'][0]:.6g}): record loss.item() of the last batch of each epoch")


@q3.test()
def fit_shuffled_loader(ctx):
    """keeps the order of a shuffled, seeded loader's batches (momentum optimizer, fresh data)"""
    _check_fit_loss(ctx, _fit_case(ctx, shuffle=True, momentum=0.5), epochs=5)


# ---------------------------------------------------------------- q4: lr_limit


def _limit_variants(X: np.ndarray, k: int) -> list[tuple[float, str]]:
    """The known wrong limits, the likeliest first; with k = 2, "without k" and 1/λ_max coincide, so the tests
    use k = 3 or more, where each has its own value."""
    n = len(X)
    eig = eigenvalues(X, k)
    eig_no_bias = eigenvalues(X, k, bias=False)
    lam = eig[-1]
    return [
        (2 / eig_no_bias[-1], "it leaves out the column of ones: the bias is a parameter too, so the Hessian is "
                              "built from X̃ = [X 1]"),
        (2 / (k * lam), f"it is {k} times too small: the loss is a mean over all N·k entries, so H = 2/(N·k) X̃ᵀX̃, "
                        "not 2/N X̃ᵀX̃"),
        (2 / (n * lam), f"it is N = {n} times too small: the mean squared error divides by N·k; H = 2/(N·k) X̃ᵀX̃, "
                        "not 2/k X̃ᵀX̃"),
        (4 / lam, "it is twice the limit: the derivative of e² is 2e, so H = 2/(N·k) X̃ᵀX̃ has a factor 2"),
        (1 / lam, "that is 1/λ_max, half the limit; the stability limit of gradient descent is 2/λ_max"),
        (lam, "that is λ_max itself; the limit on the learning rate is 2/λ_max"),
        (2 / eig[0], "that is 2/λ_min, far above the limit: the steepest direction, λ_max, sets the limit "
                     "(eigvalsh sorts in ascending order, so λ_max is the last eigenvalue)"),
    ]


def _limit_mistake(X: np.ndarray, k: int, got: float) -> str | None:
    """The message of the known mistake `got` matches, or None."""
    return first_mistake(got, _limit_variants(X, k), match=lambda g, v: np.isclose(g, v, rtol=1e-8, atol=0))


def _check_limit(ctx, X: np.ndarray, k: int, got: float | None = None) -> None:
    if got is None:
        got = as_number(ctx.call("lr_limit", tensor(X), k), "lr_limit(X, k)")
    want = 2 / lam_max(X, k)
    if np.isclose(got, want, rtol=1e-8, atol=0):
        return
    mistake = _limit_mistake(X, k, got)
    if mistake:
        raise Fail(f"lr_limit = {got:.8g}, expected {want:.8g}: {mistake}")
    raise Fail(f"lr_limit = {got:.8g} is wrong (expected {want:.8g}): 2/λ_max of H = 2/(N·k) X̃ᵀX̃")


def _raw_features(ctx, n: int) -> np.ndarray:
    """Unscaled inputs like the crop data: temperature, rainfall, humidity."""
    return np.column_stack([ctx.rng.uniform(20, 35, n), ctx.rng.uniform(50, 150, n), ctx.rng.uniform(40, 80, n)])


@q4.test()
def limit_raw_features(ctx):
    """gives 2/λ_max for fresh crop-like data with three outputs"""
    _check_limit(ctx, _raw_features(ctx, int(ctx.rng.integers(8, 30))), 3)


@q4.test()
def limit_four_outputs(ctx):
    """gives 2/λ_max for centred data with four outputs"""
    n = int(ctx.rng.integers(10, 40))
    X = ctx.rng.normal(0, 1, (n, 2)) * [1.0, 3.0]
    _check_limit(ctx, X - X.mean(axis=0), 4)


@q4.test()
def limit_is_the_edge(ctx):
    """is where full-batch gradient descent turns unstable (below it the loss falls, above it grows)"""
    n, k = int(ctx.rng.integers(10, 25)), 3
    X, Y = linear_data(ctx.rng, n, 2, k)
    got = as_number(ctx.call("lr_limit", tensor(X), k), "lr_limit(X, k)")
    if not (np.isfinite(got) and got > 0):
        raise Fail(f"lr_limit = {got:.6g} should be a positive number")
    mistake = _limit_mistake(X, k, got)
    if mistake:
        raise Fail(f"lr_limit = {got:.8g}, expected {2 / lam_max(X, k):.8g}: {mistake}")
    Xt, theta = with_ones(X), np.zeros((3, k))
    losses = {}
    for factor in (0.9, 1.1):
        th = theta.copy()
        for _ in range(300):
            E = Xt @ th - Y
            th = th - factor * got * 2 / E.size * Xt.T @ E
        losses[factor] = float(np.mean((Xt @ th - Y) ** 2))
    start = float(np.mean(Y**2))
    if not losses[0.9] < start:
        raise Fail(f"at 0.9 × your lr_limit ({0.9 * got:.4g}) gradient descent does not converge: the limit is "
                   "too large")
    if np.isfinite(losses[1.1]) and losses[1.1] < start:
        raise Fail(f"at 1.1 × your lr_limit ({1.1 * got:.4g}) gradient descent still converges: the limit is too "
                   "small")
    _check_limit(ctx, X, k, got)


# ---------------------------------------------------------------- q5: symptoms

_CAUSES = {
    "a": "opt.zero_grad() is never called",
    "b": "opt.zero_grad() is called between loss.backward() and opt.step()",
    "c": "the learning rate is above 2/λ_max",
    "d": "the epoch's loss is the loss of the last mini-batch",
}

_ANSWERS = {"symptom_flat": "b", "symptom_regrowth": "a", "symptom_noisy": "d", "symptom_blowup": "c"}

_HINTS = {
    "symptom_flat": "An exactly constant loss means the parameters never move: which mistake leaves step() "
                    "without a gradient?",
    "symptom_regrowth": "The learning rate is safely below the limit, so the steps themselves are not too long; "
                        "what makes them point in old directions?",
    "symptom_noisy": "The model itself improves steadily; only the number written down jumps. Which number "
                     "measures a few rows?",
    "symptom_blowup": "A loss that grows by a constant factor per step is the instability of gradient descent "
                      "along the steepest direction.",
}


def _choice(ctx, name: str) -> None:
    letter = as_choice(ctx.value(name), name, _CAUSES)
    if letter != _ANSWERS[name]:
        raise Fail(f"{name} = {letter!r} ({_CAUSES[letter]}) is not right. {_HINTS[name]}")


@q5.test()
def symptoms_flat_and_regrowth(ctx):
    """the causes of a flat loss and of a loss that falls and then climbs back"""
    _choice(ctx, "symptom_flat")
    _choice(ctx, "symptom_regrowth")


@q5.test()
def symptoms_noisy_and_blowup(ctx):
    """the causes of a jumpy logged loss and of a loss that grows tenfold per epoch"""
    _choice(ctx, "symptom_noisy")
    _choice(ctx, "symptom_blowup")


# ---------------------------------------------------------------- q6: momentum_descent


def _momentum_reference(X: np.ndarray, Y: np.ndarray, lr: float, beta: float, steps: int) -> np.ndarray:
    """The losses of torch.optim.SGD(lr, momentum=beta) on a float64 nn.Linear from zeros, full batch."""
    model = layer(np.zeros((Y.shape[1], X.shape[1])), np.zeros(Y.shape[1]))
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=beta)
    xb, yb = tensor(X), tensor(Y)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def _momentum_variant(X: np.ndarray, Y: np.ndarray, lr: float, beta: float, steps: int, damp: float = 0.0,
                      late: bool = False, scale: float = 1.0, update_b: bool = True,
                      lr_twice: bool = False) -> np.ndarray:
    """Heavy-ball descent written in NumPy, with switches that replay the classic mistakes: dampening
    (1 − β) on the gradient, the step taken with last step's velocity, a summed loss, a bias never
    updated, the learning rate applied twice (in v and in the step)."""
    Xt = with_ones(X)
    theta, v = np.zeros((Xt.shape[1], Y.shape[1])), np.zeros((Xt.shape[1], Y.shape[1]))
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            E = Xt @ theta - Y
            losses.append(scale * float(np.mean(E**2)))
            g = scale * 2 / E.size * Xt.T @ E
            old = v
            v = beta * v + (1 - damp) * g * (lr if lr_twice else 1.0)
            step = lr * (old if late else v)
            if not update_b:
                step[-1] = 0.0
            theta = theta - step
    return np.array(losses)


def _momentum_case(ctx, k: int):
    n, d = int(ctx.rng.integers(12, 30)), int(ctx.rng.integers(2, 4))
    X, Y = linear_data(ctx.rng, n, d, k)
    return X, Y, 0.5 / lam_max(X, k)


def _check_momentum(ctx, X: np.ndarray, Y: np.ndarray, lr: float, beta: float, steps: int) -> None:
    got = as_floats(ctx.call("momentum_descent", tensor(X), tensor(Y), lr, beta, steps),
                    "the losses momentum_descent returned", steps)
    want = _momentum_reference(X, Y, lr, beta, steps)
    if _close(got, want):
        return
    if not np.all(np.isfinite(got)):
        raise Fail("the losses become NaN or infinite: the steps are far too large (is the loss a sum?)")
    n, k = Y.shape
    message = first_mistake(got, [
        (_momentum_variant(X, Y, lr, 0.0, steps), "the losses are those of plain gradient descent: the velocity "
         "must carry over from step to step (v ← βv + ∇L), starting from zero once, before the loop"),
        (_momentum_variant(X, Y, lr, beta, steps, damp=beta), "the gradient enters the velocity scaled by (1 − β) "
         "(dampening, as in an exponential average): torch.optim.SGD adds it in full, v ← βv + ∇L"),
        (_momentum_variant(X, Y, lr, beta, steps, late=True), "each step uses the velocity of the step before: "
         "update v first, v ← βv + ∇L, then θ ← θ − ηv with the new v"),
        (_momentum_variant(X, Y, lr, beta, steps, lr_twice=True), "the learning rate is applied twice, once in v "
         "and once in the step: v ← βv + ∇L, θ ← θ − ηv"),
        (_momentum_variant(X, Y, lr, beta, steps, scale=n * k), f"the loss is the sum of the squares, N·k = {n * k} "
         "times the mean: the steps are that much too large"),
        (_momentum_variant(X, Y, lr, beta, steps, update_b=False), "b is never updated: it needs its own velocity "
         "and its own step"),
    ], match=_close, right=want)
    if message:
        raise Fail(message)
    if np.isclose(got[0], want[0], rtol=1e-9):
        raise Fail(f"the first loss is right but later ones differ from torch.optim.SGD(lr, momentum=β) (step 2: "
                   f"{got[1]:.6g}, expected {want[1]:.6g}): check the velocity and the update")
    raise Fail(f"the first loss is {got[0]:.6g}, expected {want[0]:.6g}: start from W = 0 and b = 0, and record "
               "the loss before each step, on all rows, as a mean over all N·k entries")


@q6.test()
def momentum_matches_optim(ctx):
    """gives the losses of torch.optim.SGD with momentum, step by step, on fresh data"""
    X, Y, lr = _momentum_case(ctx, 2)
    _check_momentum(ctx, X, Y, lr, 0.9, 12)


@q6.test()
def momentum_one_output(ctx):
    """works with one output and another momentum, over more steps"""
    X, Y, lr = _momentum_case(ctx, 1)
    _check_momentum(ctx, X, Y, lr, float(ctx.rng.uniform(0.5, 0.8)), 25)


# ---------------------------------------------------------------- q7: fast_settings (open-ended)

#: The budget of full-batch steps, and how close to L* they must get.
FAST_STEPS, FAST_TOLERANCE = 150, 0.01


def _fast_case(ctx, scale: float = 1.0, k: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs away from zero with two features of different spreads: κ between 100 and 500, where plain
    gradient descent is far from L* after the budget and well-chosen momentum is not. Returns X, Y and the
    Hessian's eigenvalues."""
    for _ in range(10_000):  # about one draw in five is kept at scale 3
        n = int(ctx.rng.integers(40, 80))
        X = ctx.rng.normal(ctx.rng.uniform(1, 3, 2), ctx.rng.uniform(0.3, 1.5, 2), (n, 2)) * scale
        Y = X @ ctx.rng.normal(0, 1 / scale, (k, 2)).T + ctx.rng.normal(0, 2, k) + ctx.rng.normal(0, 0.3, (n, k))
        eig = eigenvalues(X, k)
        Xt = with_ones(X)
        theta, *_ = np.linalg.lstsq(Xt, Y, rcond=None)
        start, best = float(np.mean(Y**2)), float(np.mean((Xt @ theta - Y) ** 2))
        if 100 < eig[-1] / eig[0] < 500 and start > 10 * best:
            return X, Y, eig
    raise RuntimeError("no data with 100 < κ < 500 drawn")


def _heavy_ball(X: np.ndarray, Y: np.ndarray, lr: float, beta: float, steps: int) -> float:
    """The loss after `steps` full-batch steps of SGD with momentum from zeros (torch.optim.SGD's update)."""
    Xt = with_ones(X)
    theta, v = np.zeros((Xt.shape[1], Y.shape[1])), np.zeros((Xt.shape[1], Y.shape[1]))
    with np.errstate(all="ignore"):
        for _ in range(steps):
            v = beta * v + 2 / Y.size * Xt.T @ (Xt @ theta - Y)
            theta = theta - lr * v
        return float(np.mean((Xt @ theta - Y) ** 2))


def _check_fast(ctx, X: np.ndarray, Y: np.ndarray, eig: np.ndarray) -> None:
    answer = as_items(ctx.call("fast_settings", tensor(X), tensor(Y)), 2, "fast_settings",
                      "a pair (lr, momentum)")
    lr, beta = as_number(answer[0], "lr"), as_number(answer[1], "momentum")
    if not (np.isfinite(lr) and lr > 0):
        raise Fail(f"lr = {lr:.4g}: the learning rate must be a positive number")
    if not 0 <= beta < 1:
        raise Fail(f"momentum = {beta:.4g}: it must lie in [0, 1); at 1 or above the velocity never forgets")
    best = float(np.mean((with_ones(X) @ np.linalg.lstsq(with_ones(X), Y, rcond=None)[0] - Y) ** 2))
    reached = _heavy_ball(X, Y, lr, beta, FAST_STEPS)
    if reached <= (1 + FAST_TOLERANCE) * best:
        return
    measured = (f"with lr = {lr:.4g} and momentum = {beta:.4g}, {FAST_STEPS} full-batch steps from zeros reach "
                f"L = {reached / best:.4g} L* (the target: at most {1 + FAST_TOLERANCE:g} L*). ")
    if not np.isfinite(reached) or reached > float(np.mean(Y**2)):
        raise Fail(measured + "The loss grew: the steps are too long for the steepest direction (with momentum β, "
                   "gradient descent is stable only below 2(1 + β)/λ_max; compute λ_max from X, do not guess it)")
    if beta == 0:
        raise Fail(measured + f"Without momentum, the flattest direction is slow: here λ_max/λ_min = "
                   f"{eig[-1] / eig[0]:.0f}. What did the chapter add to the update for such a valley?")
    raise Fail(measured + f"The flattest direction, λ_min, is still far from its optimum (λ_max/λ_min = "
               f"{eig[-1] / eig[0]:.0f}): try other pairs on this X and Y inside your function, or choose both "
               "from λ_min and λ_max")


@q7.test()
def fast_on_fresh_data(ctx):
    """reaches within 1 % of L* in 150 full-batch steps on fresh data (measured, not compared)"""
    _check_fast(ctx, *_fast_case(ctx))


@q7.test()
def fast_in_other_units(ctx):
    """does so as well on inputs measured in units 3 times larger (a steeper valley)"""
    _check_fast(ctx, *_fast_case(ctx, scale=3.0))
