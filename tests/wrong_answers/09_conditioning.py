"""Wrong answers to exercises/09_conditioning.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "hessian_forgets_k": ("q1", "times too large: divide by N·k", '''
def hessian(X: np.ndarray, k: int) -> np.ndarray:
    """The Hessian 2/(N k) X~^T X~ of the MSE of a k-output linear model, X~ = [X, 1]; shape [d+1, d+1]."""
    N = X.shape[0]
    X_tilde = np.column_stack([X, np.ones(N)])
    return 2 / N * X_tilde.T @ X_tilde


def condition_number(H: np.ndarray) -> float:
    """lambda_max / lambda_min of a symmetric positive definite matrix H."""
    lam = np.linalg.eigvalsh(H)
    return float(lam[-1] / lam[0])
'''),
    "std_with_ddof_1": ("q2", "n − 1", '''
def standardise(X_train: np.ndarray, X_other: np.ndarray):
    """Standardise both arrays with the per-column mean and population std of X_train.

    Returns (Z_train, Z_other, mu, sigma); mu and sigma have shape [d].
    """
    mu, sigma = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma
'''),
    "stats_from_combined_data": ("q2", "whole data set", '''
def standardise(X_train: np.ndarray, X_other: np.ndarray):
    """Standardise both arrays with the per-column mean and population std of X_train.

    Returns (Z_train, Z_other, mu, sigma); mu and sigma have shape [d].
    """
    X_all = np.vstack([X_train, X_other])
    mu, sigma = X_all.mean(axis=0), X_all.std(axis=0)
    return (X_train - mu) / sigma, (X_other - mu) / sigma, mu, sigma
'''),
    "weights_multiplied_by_sigma_x": ("q3", "W multiplies by σ_x", '''
def unstandardise_params(Wz: np.ndarray, bz: np.ndarray, mu_x: np.ndarray, sigma_x: np.ndarray,
                         mu_y: np.ndarray, sigma_y: np.ndarray):
    """(W, b) for raw inputs and targets, equivalent to (Wz, bz) on standardised ones."""
    W = sigma_y[:, None] * Wz * sigma_x[None, :]
    b = mu_y + sigma_y * bz - W @ mu_x
    return W, b
'''),
    "bias_assumes_bz_zero": ("q3", "σ_y·b_z", '''
def unstandardise_params(Wz: np.ndarray, bz: np.ndarray, mu_x: np.ndarray, sigma_x: np.ndarray,
                         mu_y: np.ndarray, sigma_y: np.ndarray):
    """(W, b) for raw inputs and targets, equivalent to (Wz, bz) on standardised ones."""
    W = sigma_y[:, None] * Wz / sigma_x[None, :]
    b = mu_y - W @ mu_x
    return W, b
'''),
    "rho_assumes_sorted_eigenvalues": ("q4", "the eigenvalues come in any order", '''
def steps_to_shrink(lam: np.ndarray, lr: float, shrink: float) -> int:
    """Smallest t with max_i |1 - lr * lam_i| ** t <= shrink; ValueError if that factor is >= 1."""
    lam = np.asarray(lam)
    # eigvalsh gives them in increasing order: the extremes are the first and the last
    rho = max(abs(1 - lr * lam[0]), abs(1 - lr * lam[-1]))
    if rho >= 1:
        raise ValueError("learning rate too large")
    return max(0, int(np.ceil(np.log(shrink) / np.log(rho))))
'''),
    "best_constant_step_not_limit": ("q5", "best constant step", '''
def stability_limits(X: np.ndarray, k: int) -> tuple[float, float]:
    """2/lambda_max of the MSE's Hessian for the raw inputs X, and for X standardised with its own statistics."""
    # the chapter's step eta* = 2 / (lambda_max + lambda_min)
    lam_raw = np.linalg.eigvalsh(hessian(X, k))
    lr_max_raw = 2 / (lam_raw[-1] + lam_raw[0])
    Z, _, _, _ = standardise(X, X)
    lam_std = np.linalg.eigvalsh(hessian(Z, k))
    lr_max_std = 2 / (lam_std[-1] + lam_std[0])
    return float(lr_max_raw), float(lr_max_std)
'''),
    "eigvalsh_taken_as_decreasing": ("q5", "2/λ_min", '''
def stability_limits(X: np.ndarray, k: int) -> tuple[float, float]:
    """2/lambda_max of the MSE's Hessian for the raw inputs X, and for X standardised with its own statistics."""
    lam_max_raw = np.linalg.eigvalsh(hessian(X, k))[0]  # the largest eigenvalue comes first
    Z, _, _, _ = standardise(X, X)
    lam_max_std = np.linalg.eigvalsh(hessian(Z, k))[0]
    return float(2 / lam_max_raw), float(2 / lam_max_std)
'''),
    "hessian_inline_forgets_k": ("q5", "lacks the division by k", '''
def stability_limits(X: np.ndarray, k: int) -> tuple[float, float]:
    """2/lambda_max of the MSE's Hessian for the raw inputs X, and for X standardised with its own statistics."""
    N = X.shape[0]
    X_tilde = np.column_stack([X, np.ones(N)])
    lr_max_raw = 2 / np.linalg.eigvalsh(2 / N * X_tilde.T @ X_tilde)[-1]
    Z, _, _, _ = standardise(X, X)
    Z_tilde = np.column_stack([Z, np.ones(N)])
    lr_max_std = 2 / np.linalg.eigvalsh(2 / N * Z_tilde.T @ Z_tilde)[-1]
    return float(lr_max_raw), float(lr_max_std)
'''),
    "steps_one_per_kappa": ("q6", "κ is not a number of steps", '''
steps_choice = "a"  # kappa is about 7 and each step fixes one unit of the condition number, so about 7 steps
'''),
    "steps_kappa_squared": ("q6", "ten times too many", '''
steps_choice = "c"  # H = X~^T X~ squares the conditioning: 7 ** 2 * ln(1e6) = 49 * 14, several hundred steps
'''),
    "fast_on_raw_inputs": ("q7", "above L*", '''
def train_fast(X: np.ndarray, Y: np.ndarray, steps: int):
    """(W, b) for the raw inputs after at most `steps` gradient descent steps."""
    k = Y.shape[1]
    lr = 1.9 / np.linalg.eigvalsh(hessian(X, k))[-1]  # just below the ceiling 2/lambda_max
    W, b = np.zeros((k, X.shape[1])), np.zeros(k)
    for _ in range(steps):
        E = X @ W.T + b - Y
        W = W - lr * 2 / E.size * E.T @ X
        b = b - lr * 2 / E.size * E.sum(axis=0)
    return W, b
'''),
    "fast_returns_standardised_params": ("q7", "standardised inputs", '''
def train_fast(X: np.ndarray, Y: np.ndarray, steps: int):
    """(W, b) after at most `steps` gradient descent steps on standardised inputs."""
    k = Y.shape[1]
    Z, _, _, _ = standardise(X, X)
    lam = np.linalg.eigvalsh(hessian(Z, k))
    lr = 2 / (lam[-1] + lam[0])
    W, b = np.zeros((k, X.shape[1])), np.zeros(k)
    for _ in range(steps):
        E = Z @ W.T + b - Y
        W = W - lr * 2 / E.size * E.T @ Z
        b = b - lr * 2 / E.size * E.sum(axis=0)
    return W, b
'''),
    "fast_rate_one_after_standardising": ("q7", "diverged", '''
def train_fast(X: np.ndarray, Y: np.ndarray, steps: int):
    """(W, b) for the raw inputs after at most `steps` gradient descent steps."""
    k = Y.shape[1]
    Z, _, mu, sigma = standardise(X, X)
    W, b = np.zeros((k, X.shape[1])), np.zeros(k)
    for _ in range(steps):  # standardised inputs are well conditioned: a big step is fine
        E = Z @ W.T + b - Y
        W = W - 1.5 * 2 / E.size * E.T @ Z
        b = b - 1.5 * 2 / E.size * E.sum(axis=0)
    return unstandardise_params(W, b, mu, sigma, np.zeros(k), np.ones(k))
'''),
    "fast_by_closed_form": ("q7", "closed form", '''
def train_fast(X: np.ndarray, Y: np.ndarray, steps: int):
    """(W, b) for the raw inputs: the fastest way to the optimum is to solve for it."""
    theta, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), Y, rcond=None)
    return theta[:-1].T, theta[-1]
'''),
}
