"""Callables the tests hand to a student's code, importable where that code runs (the sandbox too).

A test may pass a function to an answer (exercise 02's `numerical_gradient(f, theta)`) or ask the kernel
to run one on the returned object (`Observe(probe=...)`). Arguments travel pickled, by reference, so
those callables must live in a module the sandbox can import; this one holds nothing the tests keep
secret: the loss functions carry no gradients, and the probes only exercise the student's objects.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class LeastSquaresLoss:
    """θ ↦ mean((Aθ − c)²): a quadratic, on which central differences are exact up to round-off."""

    def __init__(self, A: np.ndarray, c: np.ndarray):
        self.A, self.c = A, c

    def __call__(self, theta: np.ndarray) -> float:
        return float(np.mean((self.A @ theta - self.c) ** 2))


class WavyLoss:
    """θ ↦ Σ a_i sin(θ_i) + exp(v·θ) + ½ Σ s_i θ_i²: smooth but not quadratic, so the step h matters."""

    def __init__(self, a: np.ndarray, v: np.ndarray, s: np.ndarray):
        self.a, self.v, self.s = a, v, s

    def __call__(self, theta: np.ndarray) -> float:
        return float(np.sum(self.a * np.sin(theta)) + np.exp(self.v @ theta) + 0.5 * np.sum(self.s * theta**2))


def linear_steps(optimizer: Any, xb: Any, yb: Any, steps: int) -> dict[str, Any]:
    """Take `steps` steps of `optimizer` on the MSE of a linear model made of its own parameters.

    The weight [k, d] and the bias [k] are found among the optimizer's parameters by shape; returns the
    parameters after the steps as {"weight": ..., "bias": ...}.
    """
    import torch

    params = {tuple(p.shape): p for group in optimizer.param_groups for p in group["params"]}
    k, d = yb.shape[1], xb.shape[1]
    if set(params) != {(k, d), (k,)}:
        raise ValueError(f"the optimizer holds parameters of shapes {sorted(params)}, not a weight [{k}, {d}] and "
                         f"a bias [{k}]")
    weight, bias = params[(k, d)], params[(k,)]
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(torch.nn.functional.linear(xb, weight, bias), yb).backward()
        optimizer.step()
    return {"weight": weight.detach().clone(), "bias": bias.detach().clone()}
