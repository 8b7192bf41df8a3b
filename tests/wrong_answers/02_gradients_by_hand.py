"""Wrong answers to exercises/02_gradients_by_hand.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "missing_factor_2": ("q1", "half the right value", '''
def gradient_1d(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(dL/dw, dL/db) of the mean squared error of w * x + b on the data (x, y)."""
    e = w * x + b - y
    return float(np.mean(e * x)), float(np.mean(e))
'''),
    "flipped_residual_sign": ("q1", "wrong sign", '''
def gradient_1d(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(dL/dw, dL/db) of the mean squared error of w * x + b on the data (x, y)."""
    e = y - (w * x + b)
    return float(2 * np.mean(e * x)), float(2 * np.mean(e))
'''),
    "divides_by_N_not_Nk": ("q2", "you divided by N", '''
def gradient_matrix(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW, dL/db) of the mean squared error of X @ W.T + b; shapes [k, d] and [k]."""
    E = X @ W.T + b - Y
    N = X.shape[0]
    return 2 / N * E.T @ X, 2 / N * E.sum(axis=0)
'''),
    "gradient_of_summed_loss": ("q2", "summed squared error", '''
def gradient_matrix(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW, dL/db) of the mean squared error of X @ W.T + b; shapes [k, d] and [k]."""
    E = X @ W.T + b - Y
    return 2 * E.T @ X, 2 * E.sum(axis=0)
'''),
    "divides_by_h_not_2h": ("q3", "divide by 2h", '''
def numerical_gradient(loss_fn: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of loss_fn (flat float vector -> number) at theta."""
    theta = np.array(theta, dtype=np.float64)
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (loss_fn(theta + step) - loss_fn(theta - step)) / h
    return grad
'''),
    "integer_theta_not_converted": ("q3", "list of integers", '''
def numerical_gradient(loss_fn: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of loss_fn (flat float vector -> number) at theta."""
    theta = np.array(theta)
    grad = np.zeros_like(theta)
    for i in range(len(theta)):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (loss_fn(theta + step) - loss_fn(theta - step)) / (2 * h)
    return grad
'''),
    "min_instead_of_max": ("q4", "divides by the smaller norm", '''
def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||), and 0.0 when both are zero."""
    scale = min(np.linalg.norm(a), np.linalg.norm(b))
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)
'''),
    "curvature_without_factor_2": ("q5", "without the factor 2", '''
# L''(w) = sum x_i^2, so we need eta * sum x_i^2 < 2, i.e. sum x_i^2 < 200: 1 + 4 + ... + 49 = 140
largest_n = 7
'''),
    "ridge_penalty_forgotten": ("q6", "penalty λ‖W‖² is missing", '''
def ridge_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray,
                   lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW, dL/db) of the MSE of X @ W.T + b plus lam * ||W||²."""
    E = X @ W.T + b - Y
    return 2 / E.size * E.T @ X, 2 / E.size * E.sum(axis=0)
'''),
    "ridge_bias_penalised": ("q6", "the bias is not penalised", '''
def ridge_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray,
                   lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW, dL/db) of the MSE of X @ W.T + b plus lam * ||W||²."""
    dW, db = gradient_matrix(W, b, X, Y)
    return dW + 2 * lam * W, db + 2 * lam * b
'''),
    "ridge_penalty_without_its_2": ("q6", "is 2λw", '''
def ridge_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray,
                   lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW, dL/db) of the MSE of X @ W.T + b plus lam * ||W||²."""
    dW, db = gradient_matrix(W, b, X, Y)
    return dW + lam * W, db
'''),
}
