"""Wrong answers to exercises/03_gradient_descent.ipynb, written from the exercise and its chapter only."""

# case name: (question, the whole source of that question's answer cell as a student wrote it)
CASES = {
    "sum_instead_of_mean": ("q1", '''
def gd_step(theta: np.ndarray, X_tilde: np.ndarray, y: np.ndarray, lr: float) -> np.ndarray:
    """theta after one gradient-descent step with learning rate lr on the MSE of X_tilde @ theta against y."""
    e = X_tilde @ theta - y
    return theta - lr * 2 * X_tilde.T @ e
'''),
    "gradient_ascent": ("q1", '''
def gd_step(theta: np.ndarray, X_tilde: np.ndarray, y: np.ndarray, lr: float) -> np.ndarray:
    """theta after one gradient-descent step with learning rate lr on the MSE of X_tilde @ theta against y."""
    e = y - X_tilde @ theta
    return theta - lr * (2 / len(y)) * X_tilde.T @ e
'''),
    "history_misses_last_loss": ("q2", '''
def gradient_descent(X_tilde: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, max_steps: int,
                     tol: float = 0.0) -> tuple[np.ndarray, list[float]]:
    """Gradient descent on the MSE from theta0; returns (theta_s, [L(theta_0), ..., L(theta_s)])."""
    theta = np.array(theta0, dtype=np.float64)
    loss_history = []
    for step in range(max_steps):
        e = X_tilde @ theta - y
        loss = float(np.mean(e**2))
        grad = (2 / len(y)) * X_tilde.T @ e
        loss_history.append(loss)
        if np.linalg.norm(grad) < tol or not np.isfinite(loss):
            break
        theta = theta - lr * grad
    return theta, loss_history
'''),
    "no_stop_on_divergence": ("q2", '''
def gradient_descent(X_tilde: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, max_steps: int,
                     tol: float = 0.0) -> tuple[np.ndarray, list[float]]:
    """Gradient descent on the MSE from theta0; returns (theta_s, [L(theta_0), ..., L(theta_s)])."""
    theta = np.array(theta0, dtype=np.float64)
    loss_history = []
    for step in range(max_steps + 1):
        e = X_tilde @ theta - y
        loss = float(np.mean(e**2))
        grad = (2 / len(y)) * X_tilde.T @ e
        loss_history.append(loss)
        if np.linalg.norm(grad) < tol or step == max_steps:
            break
        theta = theta - lr * grad
    return theta, loss_history
'''),
    "ignores_k": ("q3", '''
def hessian(X_tilde: np.ndarray, k: int = 1) -> np.ndarray:
    """The Hessian 2 / (N k) * X_tilde.T @ X_tilde of the MSE for each output's parameters."""
    return 2 / len(X_tilde) * X_tilde.T @ X_tilde
'''),
    "uses_smallest_eigenvalue": ("q4", '''
def lr_ceiling(X_tilde: np.ndarray) -> float:
    """2 / lambda_max, the largest stable learning rate for the one-output MSE on X_tilde."""
    H = 2 / len(X_tilde) * X_tilde.T @ X_tilde
    return float(2 / np.linalg.eigvalsh(H)[0])
'''),
    "largest_stable_rate_is_fastest": ("q5", '''
# 0.019 is above 2 / lambda_max, so the biggest step that is still stable must be the fastest
lr_choice = "e"
'''),
    "floor_instead_of_ceil": ("q6", '''
def steps_needed(lam_max: float, lam_min: float, factor: float) -> int:
    """Smallest t with rho**t <= 1 / factor, where rho = (kappa - 1) / (kappa + 1), kappa = lam_max / lam_min."""
    kappa = lam_max / lam_min
    rho = (kappa - 1) / (kappa + 1)
    return int(np.log(factor) / -np.log(rho))
'''),
}
