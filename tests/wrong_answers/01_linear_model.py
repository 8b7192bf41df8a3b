"""Wrong answers to exercises/01_linear_model.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "sum_instead_of_mean": ("q1", "not the sum, of the squares", '''
def mse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error over all entries; ValueError if the shapes differ."""
    if y_hat.shape != y.shape:
        raise ValueError(f"shapes differ: {y_hat.shape} and {y.shape}")
    return float(np.sum((y_hat - y) ** 2))
'''),
    "no_shape_check_broadcasts": ("q1", "broadcasts to [", '''
def mse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error over all entries; ValueError if the shapes differ."""
    return float(np.mean((y_hat - y) ** 2))
'''),
    "X_times_W_without_transpose": ("q2", "X @ W.T", '''
def predict_matrix(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predictions X @ W.T + b, of shape [N, k]."""
    return X @ W + b
'''),
    "missing_bias": ("q2", "leaves out the bias b", '''
def predict_matrix(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predictions X @ W.T + b, of shape [N, k]."""
    return X @ W.T
'''),
    "no_column_of_ones": ("q3", "column of ones", '''
def fit_lstsq(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares (W, b) for Y ≈ X @ W.T + b; W has shape [k, d], b shape [k]."""
    theta, *_ = np.linalg.lstsq(X, Y, rcond=None)
    return theta.T, np.zeros(Y.shape[1])
'''),
    "W_returned_as_d_by_k": ("q3", "transpose it", '''
def fit_lstsq(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares (W, b) for Y ≈ X @ W.T + b; W has shape [k, d], b shape [k]."""
    X_tilde = np.column_stack([X, np.ones(len(X))])
    theta, *_ = np.linalg.lstsq(X_tilde, Y, rcond=None)
    return theta[:-1], theta[-1]
'''),
    "median_instead_of_mean": ("q4", "that is the median", '''
def best_constant(y: np.ndarray) -> float:
    """The constant prediction c with the lowest mean squared error on targets y."""
    return float(np.median(y))
'''),
    "parabola_columns_reversed": ("q5", "reverse order", '''
def fit_parabola(t: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Least-squares [a, b, c] of h ≈ a t² + b t + c, shape [3]."""
    A = np.column_stack([np.ones(len(t)), t, t**2])
    coef, *_ = np.linalg.lstsq(A, h, rcond=None)
    return coef
'''),
    "parabola_without_constant": ("q5", "column of ones", '''
def fit_parabola(t: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Least-squares [a, b, c] of h ≈ a t² + b t + c, shape [3]."""
    coef, *_ = np.linalg.lstsq(np.column_stack([t**2, t]), h, rcond=None)
    return coef
'''),
    "parabola_t_before_t_squared": ("q5", "a and b swapped", '''
def fit_parabola(t: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Least-squares [a, b, c] of h ≈ a t² + b t + c, shape [3]."""
    W, b = fit_lstsq(np.column_stack([t, t**2]), h.reshape(-1, 1))
    return np.array([W[0, 0], W[0, 1], b[0]])
'''),
    "bias_added_as_a_column": ("q2", "b[:, None]", '''
def predict_matrix(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Predictions X @ W.T + b, of shape [N, k]."""
    return X @ W.T + b.reshape(-1, 1)
'''),
    "computed_in_float32": ("q1", "float32", '''
def mse(y_hat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error over all entries; ValueError if the shapes differ."""
    if y_hat.shape != y.shape:
        raise ValueError(f"shapes differ: {y_hat.shape} and {y.shape}")
    e = (y_hat - y).astype(np.float32)  # single precision is plenty for a loss
    return np.mean(e**2)
'''),
}
