"""Fresh test problems and the references built on them, shared by the exercises' tests.

Every test draws its inputs from its own seeded generator (`Context.rng`), so that an answer hard-coded
to a notebook's numbers fails. The helpers here turn those draws into what the questions take: float64
tensors, data from a random linear law, `nn.Linear` layers holding given parameters; and compute what
several exercises need as a reference: the Hessian of the mean squared error, its eigenvalues (the
stability limit 2/λ_max), and plain gradient descent on a linear model, written in NumPy with the
gradients of chapter 2, independently of autograd, with switches that replay the classic mistakes.
torch is imported only where a tensor is made, so the NumPy-only exercises do not load it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def tensor(array: Any, requires_grad: bool = False, dtype: Any = None) -> Any:
    """A float64 (or `dtype`) tensor holding a copy of `array`; a leaf that requires a gradient if asked."""
    import torch

    values = np.array(array, dtype=np.float64)
    return torch.tensor(values, dtype=dtype or torch.float64, requires_grad=requires_grad)


def layer(W: np.ndarray, b: np.ndarray) -> Any:
    """A float64 `nn.Linear(d, k)` holding W [k, d] and b [k], made without touching torch's global generator."""
    import torch

    k, d = np.shape(W)
    with torch.random.fork_rng(devices=[]):
        module = torch.nn.Linear(d, k, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(tensor(W))
        module.bias.copy_(tensor(b))
    return module


def linear_data(rng: np.random.Generator, n: int, d: int, k: int, loc: float = 1.0, scale: float = 1.0,
                bias: float = 2.0, noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """Inputs X [n, d] ~ N(loc, scale) and targets Y [n, k] from a random linear law (weights N(0, 1), biases
    N(0, bias)) plus N(0, noise) noise."""
    X = rng.normal(loc, scale, (n, d))
    W, b = rng.normal(size=(k, d)), rng.normal(0.0, bias, k)
    return X, X @ W.T + b + rng.normal(0.0, noise, (n, k))


def offset_inputs(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Inputs [n, d] with positive offsets (means 2 to 10), like the crop data, so that the bias matters."""
    return rng.normal(rng.uniform(2, 10, d), rng.uniform(0.5, 3, d), (n, d))


def least_squares(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The least-squares (W [k, d], b [k]) of Y ≈ X Wᵀ + b, in float64."""
    theta, *_ = np.linalg.lstsq(with_ones(X), Y, rcond=None)
    return theta[:-1].T, theta[-1]


def ridge_solution(X: np.ndarray, Y: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """The minimiser (W [k, d], b [k]) of mean((X Wᵀ + b − Y)²) + λ‖W‖², the bias not penalised: the solution
    of (X̃ᵀX̃/(N·k) + λD) θ = X̃ᵀY/(N·k) with D = diag(1, …, 1, 0)."""
    n, k = Y.shape
    Xt = with_ones(X)
    D = np.eye(Xt.shape[1])
    D[-1, -1] = 0.0
    theta = np.linalg.solve(Xt.T @ Xt / (n * k) + lam * D, Xt.T @ Y / (n * k))
    return theta[:-1].T, theta[-1]


def with_ones(X: np.ndarray) -> np.ndarray:
    """X̃ = [X 1]: the column of ones that turns the bias into a weight, last."""
    return np.column_stack([X, np.ones(len(X))])


def hessian(X: np.ndarray, k: int = 1, bias: bool = True) -> np.ndarray:
    """The Hessian 2/(N k) X̃ᵀX̃ of the mean squared error over N·k entries (X̃ = X when `bias` is False)."""
    Xt = with_ones(X) if bias else np.asarray(X, dtype=np.float64)
    return 2 / (len(Xt) * k) * Xt.T @ Xt


def eigenvalues(X: np.ndarray, k: int = 1, bias: bool = True) -> np.ndarray:
    """The Hessian's eigenvalues, in ascending order."""
    return np.linalg.eigvalsh(hessian(X, k, bias))


def lam_max(X: np.ndarray, k: int = 1, bias: bool = True) -> float:
    """λ_max of the Hessian: gradient descent is stable for learning rates below 2/λ_max."""
    return float(eigenvalues(X, k, bias)[-1])


def descent(X: np.ndarray, Y: np.ndarray, W: np.ndarray, b: np.ndarray, lr: float, steps: int, zero: bool = True,
            grad_scale: float = 1.0, loss_scale: float = 1.0, sign: float = 1.0, update_w: bool = True,
            update_b: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradient descent on the MSE of X Wᵀ + b against Y [N, k]: (the loss before each step, W, b) after `steps`.

    The switches replay the classic mistakes: gradients never zeroed (`zero=False`, each step uses the sum of
    all gradients so far), a summed loss (`grad_scale`, `loss_scale` = N·k), the wrong sign, a parameter
    never updated.
    """
    n, k = Y.shape
    W, b = np.array(W, dtype=np.float64), np.array(b, dtype=np.float64)
    sum_W, sum_b = np.zeros_like(W), np.zeros_like(b)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            E = X @ W.T + b - Y
            losses.append(loss_scale * np.mean(E**2))
            gW, gb = grad_scale * 2 / (n * k) * E.T @ X, grad_scale * 2 / (n * k) * E.sum(axis=0)
            sum_W, sum_b = (gW, gb) if zero else (sum_W + gW, sum_b + gb)
            if update_w:
                W = W - sign * lr * sum_W
            if update_b:
                b = b - sign * lr * sum_b
    return np.array(losses), W, b
