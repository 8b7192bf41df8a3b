"""Wrong answers to exercises/10_closed_form_and_optimisers.ipynb, written from the exercise and its chapter."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "normal_equations_inverse": ("q1", "torch.linalg.lstsq", '''
def lstsq_fit(X: torch.Tensor, Y: torch.Tensor):
    """Least-squares (W, b) for Y ≈ X @ W.T + b, by lstsq on [X, 1], in X's dtype."""
    X_tilde = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)
    theta = torch.linalg.inv(X_tilde.T @ X_tilde) @ X_tilde.T @ Y
    return theta[:-1].T, theta[-1]
'''),
    "normal_equations_solve": ("q1", "torch.linalg.lstsq", '''
def lstsq_fit(X: torch.Tensor, Y: torch.Tensor):
    """Least-squares (W, b) for Y ≈ X @ W.T + b, by lstsq on [X, 1], in X's dtype."""
    # solve is better than inv, the chapter says
    X_tilde = torch.cat([X, torch.ones(X.shape[0], 1, dtype=X.dtype)], dim=1)
    theta = torch.linalg.solve(X_tilde.T @ X_tilde, X_tilde.T @ Y)
    return theta[:-1].T, theta[-1]
'''),
    "computes_in_float64": ("q1", "compute in the inputs' dtype", '''
def lstsq_fit(X: torch.Tensor, Y: torch.Tensor):
    """Least-squares (W, b) for Y ≈ X @ W.T + b, by lstsq on [X, 1], in X's dtype."""
    # float64 is safer (the chapter says float64 matters)
    X_tilde = torch.cat([X.double(), torch.ones(X.shape[0], 1, dtype=torch.float64)], dim=1)
    theta = torch.linalg.lstsq(X_tilde, Y.double(), driver="gelsd").solution
    return theta[:-1].T, theta[-1]
'''),
    "velocity_averaged_like_adam": ("q2", "running average", '''
def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray,
                  lr: float, beta: float, nesterov: bool = False):
    """One step of torch.optim.SGD with momentum: (theta_new, velocity_new)."""
    velocity = beta * velocity + (1 - beta) * grad  # a running average of the gradients
    step = grad + beta * velocity if nesterov else velocity
    return theta - lr * step, velocity
'''),
    "beta_on_the_gradient": ("q2", "β multiplies the gradient", '''
def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray,
                  lr: float, beta: float, nesterov: bool = False):
    """One step of torch.optim.SGD with momentum: (theta_new, velocity_new)."""
    velocity = velocity + beta * grad
    step = grad + beta * velocity if nesterov else velocity
    return theta - lr * step, velocity
'''),
    "steps_with_the_old_velocity": ("q2", "with the old velocity", '''
def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray,
                  lr: float, beta: float, nesterov: bool = False):
    """One step of torch.optim.SGD with momentum: (theta_new, velocity_new)."""
    theta_new = theta - lr * velocity
    velocity_new = beta * velocity + grad
    if nesterov:
        theta_new = theta - lr * (grad + beta * velocity_new)
    return theta_new, velocity_new
'''),
    "nesterov_ignored": ("q2", "with nesterov=True", '''
def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray,
                  lr: float, beta: float, nesterov: bool = False):
    """One step of torch.optim.SGD with momentum: (theta_new, velocity_new)."""
    velocity = beta * velocity + grad
    return theta - lr * velocity, velocity
'''),
    "learning_rate_inside_the_velocity": ("q2", "η times PyTorch's", '''
def momentum_step(theta: np.ndarray, velocity: np.ndarray, grad: np.ndarray,
                  lr: float, beta: float, nesterov: bool = False):
    """One step of torch.optim.SGD with momentum: (theta_new, velocity_new)."""
    # the velocity holds the whole step, as in the textbook form of heavy-ball momentum
    velocity = beta * velocity + lr * grad
    step = lr * grad + beta * velocity if nesterov else velocity
    return theta - step, velocity
'''),
    "no_bias_correction": ("q3", "bias correction is missing", '''
def adam_step(theta: np.ndarray, m: np.ndarray, s: np.ndarray, grad: np.ndarray,
              t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """Step number t of torch.optim.Adam: (theta_new, m_new, s_new)."""
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad**2
    return theta - lr * m / (np.sqrt(s) + eps), m, s
'''),
    "square_root_missing": ("q3", "square root is missing", '''
def adam_step(theta: np.ndarray, m: np.ndarray, s: np.ndarray, grad: np.ndarray,
              t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """Step number t of torch.optim.Adam: (theta_new, m_new, s_new)."""
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad**2
    m_hat, s_hat = m / (1 - beta1**t), s / (1 - beta2**t)
    return theta - lr * m_hat / (s_hat + eps), m, s
'''),
    "stores_the_corrected_averages": ("q3", "return m and s themselves", '''
def adam_step(theta: np.ndarray, m: np.ndarray, s: np.ndarray, grad: np.ndarray,
              t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """Step number t of torch.optim.Adam: (theta_new, m_new, s_new)."""
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
    s = (beta2 * s + (1 - beta2) * grad**2) / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(s) + eps), m, s
'''),
    "eps_inside_the_root": ("q3", "ε is inside the square root", '''
def adam_step(theta: np.ndarray, m: np.ndarray, s: np.ndarray, grad: np.ndarray,
              t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """Step number t of torch.optim.Adam: (theta_new, m_new, s_new)."""
    m = beta1 * m + (1 - beta1) * grad
    s = beta2 * s + (1 - beta2) * grad**2
    m_hat, s_hat = m / (1 - beta1**t), s / (1 - beta2**t)
    return theta - lr * m_hat / np.sqrt(s_hat + eps), m, s
'''),
    "floor_forgotten": ("q4", "without the floor", '''
def cosine_rates(lr0: float, T_max: int, eta_min: float, epochs: int) -> list[float]:
    """The rate of each epoch under CosineAnnealingLR(opt, T_max, eta_min)."""
    return [lr0 / 2 * (1 + math.cos(math.pi * e / T_max)) for e in range(epochs)]
'''),
    "floor_added_on_top": ("q4", "adds eta_min on top", '''
def cosine_rates(lr0: float, T_max: int, eta_min: float, epochs: int) -> list[float]:
    """The rate of each epoch under CosineAnnealingLR(opt, T_max, eta_min)."""
    return [eta_min + lr0 / 2 * (1 + math.cos(math.pi * e / T_max)) for e in range(epochs)]
'''),
    "first_epoch_already_lowered": ("q4", "shifted by one epoch", '''
def cosine_rates(lr0: float, T_max: int, eta_min: float, epochs: int) -> list[float]:
    """The rate of each epoch under CosineAnnealingLR(opt, T_max, eta_min)."""
    rates = []
    for epoch in range(1, epochs + 1):
        rates.append(eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2)
    return rates
'''),
    "stops_at_the_floor": ("q4", "stops at eta_min", '''
def cosine_rates(lr0: float, T_max: int, eta_min: float, epochs: int) -> list[float]:
    """The rate of each epoch under CosineAnnealingLR(opt, T_max, eta_min)."""
    rates = []
    for e in range(epochs):
        e = min(e, T_max)  # the schedule ends at eta_min
        rates.append(eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * e / T_max)) / 2)
    return rates
'''),
    "waves_read_as_too_large_a_rate": ("q5", "waves that die out", '''
# run 1 goes up and down: the step overshoots, so the rate is too large, like run 3
diagnoses = ["a", "d", "a", "c"]
'''),
    "plateau_read_as_too_small_a_rate": ("q5", "stops falling", '''
# run 2 hardly moves after the first steps: too small a rate; run 4 keeps a constant gap: frozen bias
diagnoses = ["b", "c", "a", "d"]
'''),
}
