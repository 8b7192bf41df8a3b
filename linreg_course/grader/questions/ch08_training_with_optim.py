"""Public tests of exercise 08, training with torch.optim: the order of the calls in a step, the whole-data
loss, a reusable `fit`, the optimizer and its settings, the stability limit and the symptoms of the
classic mistakes.

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

from linreg_course.grader import fixtures
from linreg_course.grader.compare import as_number, check_number
from linreg_course.grader.core import Fail, question
from linreg_course.grader.observers import Observe, OptimizerView, Raised

NB = "08_training_with_optim"

q1 = question(NB, "q1", "the order of the calls in a training step")
q2 = question(NB, "q2", "the loss on the whole data set")
q3 = question(NB, "q3", "a reusable fit")
q4 = question(NB, "q4", "the optimizer and its settings")
q5 = question(NB, "q5", "the largest stable learning rate")
q6 = question(NB, "q6", "reading the symptoms")


# ---------------------------------------------------------------- shared helpers


def _t(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64)


def _problem(ctx, n: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Fresh data X [N, d], Y [N, k] from a random linear law plus noise (NumPy arrays)."""
    X = ctx.rng.normal(1.0, 1.0, (n, d))
    Y = X @ ctx.rng.normal(size=(k, d)).T + ctx.rng.normal(0, 2, k) + ctx.rng.normal(0, 0.3, (n, k))
    return X, Y


def _linear(ctx, d: int, k: int) -> nn.Linear:
    """A float64 nn.Linear(d, k) with weights drawn from ctx.rng (not from PyTorch's global generator)."""
    model = nn.Linear(d, k, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(_t(ctx.rng.normal(0, 0.5, (k, d))))
        model.bias.copy_(_t(ctx.rng.normal(0, 1, k)))
    return model


def _lam_max(X: np.ndarray, k: int) -> float:
    """λ_max of the Hessian 2/(N·k) X̃ᵀX̃ of the mean squared error over N·k entries."""
    Xt = np.column_stack([X, np.ones(len(X))])
    return float(np.linalg.eigvalsh(2 / (len(X) * k) * Xt.T @ Xt)[-1])


def _close(got: np.ndarray, want: np.ndarray, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    return (got.shape == want.shape and bool(np.all(np.isfinite(got)))
            and np.allclose(got, want, rtol=rtol, atol=atol))


def _floats(answer, n: int, what: str, hint: str) -> np.ndarray:
    """A list of `n` Python floats as an array; `Fail` naming tensors (`hint` says how to get floats)."""
    if isinstance(answer, torch.Tensor):
        raise Fail(f"{what} is a tensor; it should be a list of Python floats ({hint})")
    if not isinstance(answer, (list, tuple)):
        raise Fail(f"{what} should be a list of {n} floats, not a {type(answer).__name__}")
    if any(isinstance(v, torch.Tensor) for v in answer):
        raise Fail(f"{what} holds tensors, not Python floats: {hint}. A tensor in a history keeps its graph "
                   "(and memory) alive and cannot be plotted or compared like a number")
    got = np.array([as_number(v, f"each entry of {what}") for v in answer], dtype=np.float64)
    if got.shape != (n,):
        raise Fail(f"{what} should hold {n} numbers, but it holds {len(got)}")
    return got


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
    X, Y = _problem(ctx, n, d, k)
    model = _linear(ctx, d, k)
    opt = torch.optim.SGD(model.parameters(), lr=lr_factor / _lam_max(X, k), momentum=momentum)
    return model, opt, nn.MSELoss(), _t(X), _t(Y)


def _check_steps(ctx, model, opt, loss_fn, xb, yb, steps: int) -> None:
    answer = ctx.call("train_steps", model, opt, loss_fn, xb, yb, steps)
    got = _floats(answer, steps, "the list train_steps returned", "append loss.item()")
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


@q2.stand_in("dataset_loss")
def dataset_loss_stand_in(model: nn.Module, loader: DataLoader, loss_fn) -> float:
    """A correct `dataset_loss`: while the other questions are tested, it replaces the student's (q3 may call it)."""
    total, rows = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(model(xb), yb).item() * len(xb)
            rows += len(xb)
    return total / rows


def _batch_losses(model, loader, loss_fn) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        pairs = [(loss_fn(model(xb), yb).item(), len(xb)) for xb, yb in loader]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs], dtype=np.float64)


def _weighted(model, loader, loss_fn) -> float:
    losses, sizes = _batch_losses(model, copy.deepcopy(loader), loss_fn)
    return float(losses @ sizes / sizes.sum())


def _loss_case(ctx, n: int, batch_size: int, k: int = 2, shuffle: bool = False):
    d = int(ctx.rng.integers(2, 4))
    X, Y = _problem(ctx, n, d, k)
    generator = torch.Generator().manual_seed(int(ctx.rng.integers(2**31))) if shuffle else None
    loader = DataLoader(TensorDataset(_t(X), _t(Y)), batch_size=batch_size, shuffle=shuffle, generator=generator)
    return _linear(ctx, d, k), loader


def _call_dataset_loss(ctx, model, loader, loss_fn) -> float:
    answer = ctx.call("dataset_loss", model, loader, loss_fn)
    if isinstance(answer, torch.Tensor):
        raise Fail("dataset_loss returned a tensor; return a Python float (accumulate loss.item() * len(xb))")
    return as_number(answer, "dataset_loss(model, loader, loss_fn)")


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
    for value, message in wrong:
        if np.isclose(got, value, rtol=1e-9, atol=0):
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
    opt = torch.optim.SGD(model.parameters(), lr=0.3 / _lam_max(X, k), momentum=momentum)
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
    got = _floats(raw, epochs, "history['loss']", "append a float, e.g. dataset_loss(...) or loss.item()")
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
    got = _floats(history["last_batch"], epochs, "history['last_batch']", "append loss.item()")
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


# ---------------------------------------------------------------- q4: make_optimizer


def _observe_make_optimizer(ctx, model, lr: float, momentum: float, probe=None) -> tuple[OptimizerView, object]:
    """The student's optimizer as data (`OptimizerView`), and what `probe` found running it in the kernel."""
    observed = ctx.observe(Observe(probe=probe), "make_optimizer", model, lr, momentum)
    opt = observed.result
    if not isinstance(opt, OptimizerView):
        raise Fail(f"make_optimizer should return a torch.optim.SGD, not a {type(opt).__name__}")
    if not opt.sgd:
        raise Fail(f"make_optimizer returned a {opt.name}; this chapter uses torch.optim.SGD")
    return opt, observed.probe


def _call_make_optimizer(ctx, model, lr: float, momentum: float) -> OptimizerView:
    return _observe_make_optimizer(ctx, model, lr, momentum)[0]


@q4.test()
def optimizer_settings(ctx):
    """returns torch.optim.SGD with the given lr and momentum and no other change"""
    model = _linear(ctx, int(ctx.rng.integers(2, 5)), 2)
    lr, momentum = float(ctx.rng.uniform(1e-4, 1e-2)), float(ctx.rng.uniform(0.5, 0.95))
    opt = _call_make_optimizer(ctx, model, lr, momentum)
    if len(opt.param_groups) != 1:
        raise Fail(f"the optimizer has {len(opt.param_groups)} parameter groups; pass model.parameters() once")
    group = opt.param_groups[0]
    if np.isclose(group["lr"], momentum) and np.isclose(group["momentum"], lr):
        raise Fail("lr and momentum are swapped")
    if group["momentum"] == 0:
        raise Fail(f"momentum is 0: pass momentum={momentum:.4g} to torch.optim.SGD")
    check_number(group["lr"], lr, "lr", rtol=1e-12)
    check_number(group["momentum"], momentum, "momentum", rtol=1e-12)
    extras = {"dampening": 0, "weight_decay": 0, "nesterov": False, "maximize": False}
    changed = [name for name, default in extras.items() if group.get(name, default) != default]
    if changed:
        raise Fail(f"{' and '.join(changed)} {'is' if len(changed) == 1 else 'are'} not at SGD's default: the "
                   "chapter's momentum, v ← βv + ∇L, uses none of these options; pass only lr and momentum")


@q4.test()
def optimizer_parameters(ctx):
    """holds every parameter of the model, the bias included"""
    d, k = int(ctx.rng.integers(2, 5)), int(ctx.rng.integers(1, 4))
    model = _linear(ctx, d, k)
    opt = _call_make_optimizer(ctx, model, 1e-3, 0.9)
    params = [p for group in opt.param_groups for p in group["params"]]
    shapes = [tuple(p.shape) for p in params]
    if (k,) not in shapes:
        raise Fail(f"the optimizer holds parameters of shapes {shapes} but not the bias [{k}]: the bias would never "
                   "be trained. Pass model.parameters()")
    if (k, d) not in shapes:
        raise Fail(f"the optimizer holds parameters of shapes {shapes} but not the weight [{k}, {d}]: pass "
                   "model.parameters()")
    if len(params) != 2:
        raise Fail(f"the optimizer holds {len(params)} parameters; an nn.Linear has exactly 2 (weight and bias)")
    by_shape = {tuple(p.shape): p.detach().numpy() for p in params}
    if not (np.array_equal(by_shape[(k, d)], model.weight.detach().numpy())
            and np.array_equal(by_shape[(k,)], model.bias.detach().numpy())):
        raise Fail("the optimizer's parameters are not the model's (a new model? copies?): pass model.parameters()")


@q4.test()
def optimizer_two_steps(ctx):
    """takes two momentum steps as the formula v ← βv + ∇L, θ ← θ − ηv says"""
    d, k, n = 2, 2, 9
    X, Y = _problem(ctx, n, d, k)
    model = _linear(ctx, d, k)
    lr, beta = 0.2 / _lam_max(X, k), 0.8
    xb, yb = _t(X), _t(Y)
    steps = functools.partial(fixtures.linear_steps, xb=xb, yb=yb, steps=2)  # run in the kernel, on your optimizer
    opt, after = _observe_make_optimizer(ctx, model, lr, beta, probe=steps)
    params = {tuple(p.shape): p for group in opt.param_groups for p in group["params"]}
    if set(params) != {(k, d), (k,)}:
        raise Fail("the optimizer should hold the weight and the bias of the model: pass model.parameters()")
    if isinstance(after, Raised):
        raise Fail(f"two steps of your optimizer raised {after.error}")
    W, b = after["weight"], after["bias"]
    W_hand, b_hand = model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy()
    v_W, v_b = np.zeros_like(W_hand), np.zeros_like(b_hand)
    for _ in range(2):
        E = X @ W_hand.T + b_hand - Y
        v_W, v_b = beta * v_W + 2 / E.size * E.T @ X, beta * v_b + 2 / E.size * E.sum(axis=0)
        W_hand, b_hand = W_hand - lr * v_W, b_hand - lr * v_b
    if not (_close(W.detach().numpy(), W_hand, rtol=1e-10) and _close(b.detach().numpy(), b_hand, rtol=1e-10)):
        raise Fail("two steps of your optimizer differ from the momentum formula v ← βv + ∇L, θ ← θ − ηv "
                   f"with η = {lr:.4g}, β = {beta}")


# ---------------------------------------------------------------- q5: lr_limit


def _limit_variants(X: np.ndarray, k: int) -> list[tuple[float, str]]:
    n = len(X)
    Xt = np.column_stack([X, np.ones(n)])
    eig = np.linalg.eigvalsh(2 / (n * k) * Xt.T @ Xt)
    eig_no_bias = np.linalg.eigvalsh(2 / (n * k) * X.T @ X)
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
    """The message of every known mistake `got` matches (several can coincide, e.g. for k = 2), or None."""
    found = [message for value, message in _limit_variants(X, k) if np.isclose(got, value, rtol=1e-8, atol=0)]
    return " Or: ".join(m + "." for m in found) if found else None


def _check_limit(ctx, X: np.ndarray, k: int, got: float | None = None) -> None:
    if got is None:
        got = as_number(ctx.call("lr_limit", _t(X), k), "lr_limit(X, k)")
    want = 2 / _lam_max(X, k)
    if np.isclose(got, want, rtol=1e-8, atol=0):
        return
    mistake = _limit_mistake(X, k, got)
    if mistake:
        raise Fail(f"lr_limit = {got:.8g}, expected {want:.8g}: {mistake}")
    raise Fail(f"lr_limit = {got:.8g} is wrong (expected {want:.8g}): 2/λ_max of H = 2/(N·k) X̃ᵀX̃")


def _raw_features(ctx, n: int) -> np.ndarray:
    """Unscaled inputs like the crop data: temperature, rainfall, humidity."""
    return np.column_stack([ctx.rng.uniform(20, 35, n), ctx.rng.uniform(50, 150, n), ctx.rng.uniform(40, 80, n)])


@q5.test()
def limit_raw_features(ctx):
    """gives 2/λ_max for fresh crop-like data with two outputs"""
    _check_limit(ctx, _raw_features(ctx, int(ctx.rng.integers(8, 30))), 2)


@q5.test()
def limit_three_outputs(ctx):
    """gives 2/λ_max for centred data with three outputs"""
    n = int(ctx.rng.integers(10, 40))
    X = ctx.rng.normal(0, 1, (n, 2)) * [1.0, 3.0]
    _check_limit(ctx, X - X.mean(axis=0), 3)


@q5.test()
def limit_is_the_edge(ctx):
    """is where full-batch gradient descent turns unstable (below it the loss falls, above it grows)"""
    n, k = int(ctx.rng.integers(10, 25)), 2
    X, Y = _problem(ctx, n, 2, k)
    got = as_number(ctx.call("lr_limit", _t(X), k), "lr_limit(X, k)")
    if not (np.isfinite(got) and got > 0):
        raise Fail(f"lr_limit = {got:.6g} should be a positive number")
    mistake = _limit_mistake(X, k, got)
    if mistake:
        raise Fail(f"lr_limit = {got:.8g}, expected {2 / _lam_max(X, k):.8g}: {mistake}")
    Xt, theta = np.column_stack([X, np.ones(n)]), np.zeros((3, k))
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


# ---------------------------------------------------------------- q6: symptoms

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
    value = ctx.value(name)
    if not isinstance(value, str) or value.strip().lower() not in _CAUSES:
        raise Fail(f"{name} should be one of the letters {', '.join(repr(c) for c in _CAUSES)}, not {value!r}")
    letter = value.strip().lower()
    if letter != _ANSWERS[name]:
        raise Fail(f"{name} = {letter!r} ({_CAUSES[letter]}) is not right. {_HINTS[name]}")


@q6.test()
def symptoms_flat_and_regrowth(ctx):
    """the causes of a flat loss and of a loss that falls and then climbs back"""
    _choice(ctx, "symptom_flat")
    _choice(ctx, "symptom_regrowth")


@q6.test()
def symptoms_noisy_and_blowup(ctx):
    """the causes of a jumpy logged loss and of a loss that grows tenfold per epoch"""
    _choice(ctx, "symptom_noisy")
    _choice(ctx, "symptom_blowup")
