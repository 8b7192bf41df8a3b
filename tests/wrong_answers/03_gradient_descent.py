"""Wrong answers to exercises/03_gradient_descent.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "sum_instead_of_mean": ("q1", "summed squared error", '''
def gd_step(theta: np.ndarray, X_tilde: np.ndarray, y: np.ndarray, lr: float) -> np.ndarray:
    """theta after one gradient-descent step with learning rate lr on the MSE of X_tilde @ theta against y."""
    e = X_tilde @ theta - y
    return theta - lr * 2 * X_tilde.T @ e
'''),
    "gradient_ascent": ("q1", "uphill", '''
def gd_step(theta: np.ndarray, X_tilde: np.ndarray, y: np.ndarray, lr: float) -> np.ndarray:
    """theta after one gradient-descent step with learning rate lr on the MSE of X_tilde @ theta against y."""
    e = y - X_tilde @ theta
    return theta - lr * (2 / len(y)) * X_tilde.T @ e
'''),
    "history_misses_last_loss": ("q2", "the loss at the returned theta, is missing", '''
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
    "no_stop_on_divergence": ("q2", "stop as soon as the loss is not finite", '''
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
    "ignores_k": ("q3", "ignores k", '''
def hessian(X_tilde: np.ndarray, k: int = 1) -> np.ndarray:
    """The Hessian 2 / (N k) * X_tilde.T @ X_tilde of the MSE for each output's parameters."""
    return 2 / len(X_tilde) * X_tilde.T @ X_tilde
'''),
    "uses_smallest_eigenvalue": ("q4", "2/λ_min", '''
def lr_ceiling(X_tilde: np.ndarray) -> float:
    """2 / lambda_max, the largest stable learning rate for the one-output MSE on X_tilde."""
    H = 2 / len(X_tilde) * X_tilde.T @ X_tilde
    return float(2 / np.linalg.eigvalsh(H)[0])
'''),
    "largest_stable_rate_is_fastest": ("q5", "zig-zags", '''
# 0.019 is above 2 / lambda_max, so the biggest step that is still stable must be the fastest
lr_choice = "e"
'''),
    "floor_instead_of_ceil": ("q6", "round up", '''
def steps_needed(lam_max: float, lam_min: float, factor: float) -> int:
    """Smallest t with rho**t <= 1 / factor, where rho = (kappa - 1) / (kappa + 1), kappa = lam_max / lam_min."""
    kappa = lam_max / lam_min
    rho = (kappa - 1) / (kappa + 1)
    return int(np.log(factor) / -np.log(rho))
'''),
    "fast_plain_descent_on_raw_inputs": ("q7", "the target: at most 1 % above", '''
def train_fast(X: np.ndarray, y: np.ndarray,
               steps: int) -> tuple[np.ndarray, float, list[float]]:
    """(w [d], b, losses): within 1 % of the optimal loss in <= steps steps."""
    # the largest safe step is just under the ceiling, so that is the fastest
    X_tilde = np.column_stack([X, np.ones(len(X))])
    theta, losses = gradient_descent(X_tilde, y, np.zeros(X_tilde.shape[1]),
                                     0.99 * lr_ceiling(X_tilde), steps)
    return theta[:-1], theta[-1], losses
'''),
    "fast_standardised_not_mapped_back": ("q7", "map w and b back", '''
def train_fast(X: np.ndarray, y: np.ndarray,
               steps: int) -> tuple[np.ndarray, float, list[float]]:
    """(w [d], b, losses): within 1 % of the optimal loss in <= steps steps."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    Z_tilde = np.column_stack([Z, np.ones(len(Z))])
    theta, losses = gradient_descent(Z_tilde, y, np.zeros(Z_tilde.shape[1]), 0.5, steps)
    return theta[:-1], theta[-1], losses
'''),
    "fast_step_above_standardised_ceiling": ("q7", "diverged", '''
def train_fast(X: np.ndarray, y: np.ndarray,
               steps: int) -> tuple[np.ndarray, float, list[float]]:
    """(w [d], b, losses): within 1 % of the optimal loss in <= steps steps."""
    mu, sd = X.mean(axis=0), X.std(axis=0)
    Z_tilde = np.column_stack([(X - mu) / sd, np.ones(len(X))])
    # standardised data: every direction has curvature about 2, so take big steps
    theta, losses = gradient_descent(Z_tilde, y, np.zeros(Z_tilde.shape[1]), 1.5, steps)
    w = theta[:-1] / sd
    return w, theta[-1] - w @ mu, losses
'''),
}

# Correct answers to later questions, written to call the earlier answers as the exercise allows. They stand
# in every case: a wrong earlier answer must still cost points on its own question only (the grader replaces
# it by the course's own while the later questions are tested).
CALLING = {
    "q2": '''
def gradient_descent(X_tilde: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, max_steps: int,
                     tol: float = 0.0) -> tuple[np.ndarray, list[float]]:
    """Gradient descent on the MSE from theta0; returns (theta_s, [L(theta_0), ..., L(theta_s)])."""
    theta = np.array(theta0, dtype=np.float64)
    loss_history = []
    for step in range(max_steps + 1):
        e = X_tilde @ theta - y
        loss_history.append(float(np.mean(e**2)))
        grad_norm = np.linalg.norm(2 / len(y) * X_tilde.T @ e)
        if grad_norm < tol or step == max_steps or not np.isfinite(loss_history[-1]):
            break
        theta = gd_step(theta, X_tilde, y, lr)
    return theta, loss_history
''',
    "q4": '''
def lr_ceiling(X_tilde: np.ndarray) -> float:
    """2 / lambda_max, the largest stable learning rate for the one-output MSE on X_tilde."""
    return float(2 / np.linalg.eigvalsh(hessian(X_tilde))[-1])
''',
}
