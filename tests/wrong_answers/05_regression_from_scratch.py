"""Wrong answers to exercises/05_regression_from_scratch.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "W_not_transposed": ("q1", "X @ W.T", '''
def predict(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Predictions X @ W.T + b of shape [N, k]."""
    return X @ W + b
'''),
    "sum_not_mean": ("q2", "the sum, not the mean", '''
def mse_checked(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error as a 0-dimensional tensor; ValueError if the shapes differ."""
    if y_hat.shape != y.shape:
        raise ValueError(f"shapes differ: {tuple(y_hat.shape)} and {tuple(y.shape)}")
    return ((y_hat - y) ** 2).sum()
'''),
    "no_shape_check": ("q2", "raise ValueError", '''
def mse_checked(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error as a 0-dimensional tensor; ValueError if the shapes differ."""
    return ((y_hat - y) ** 2).mean()
'''),
    "grads_not_zeroed": ("q3", "not zeroed", '''
def train(X: torch.Tensor, Y: torch.Tensor, W: torch.Tensor, b: torch.Tensor, lr: float,
          steps: int) -> list[float]:
    """Gradient descent on the MSE, updating W and b in place; returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        losses.append(loss.item())
    return losses
'''),
    "float32_params": ("q4", "float32", '''
def fit(X: torch.Tensor, Y: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros with lr = 1 / λ_max; returns the trained (W, b)."""
    X, Y = X.float(), Y.float()  # the zeros below are float32, and X @ W.T refused to mix dtypes
    N, d = X.shape
    k = Y.shape[1]
    X_tilde = torch.cat([X, torch.ones(N, 1)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X_tilde.T @ X_tilde)[-1].item()
    lr = 1 / lam_max
    W = torch.zeros(k, d, requires_grad=True)
    b = torch.zeros(k, requires_grad=True)
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    return W.detach(), b.detach()
'''),
    "smallest_eigenvalue": ("q4", "eigvalsh sorts", '''
def fit(X: torch.Tensor, Y: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros with lr = 1 / λ_max; returns the trained (W, b)."""
    N, d = X.shape
    k = Y.shape[1]
    X_tilde = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X_tilde.T @ X_tilde)[0].item()
    lr = 1 / lam_max
    W = torch.zeros(k, d, dtype=X.dtype, requires_grad=True)
    b = torch.zeros(k, dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    return W.detach(), b.detach()
'''),
    "thinks_product_is_column": ("q5", "broadcasting reads the vector [30] as a row", '''
shape_pred = (30, 1)
shape_vs_vector = (30, 30)
shape_vs_column = (30, 1)
'''),
    "unbiased_variance": ("q6", "unbiased variance", '''
def broken_limit(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, float]:
    """(w, b, loss) that training on [N] predictions against [N, 1] targets converges to."""
    return 0.0, y.mean().item(), y.var().item()
'''),
    "through_numpy": ("q1", "does not require a gradient", '''
def predict(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Predictions X @ W.T + b of shape [N, k]."""
    Y_hat = X.detach().numpy() @ W.detach().numpy().T + b.detach().numpy()  # the formula of chapter 1
    return torch.from_numpy(Y_hat)
'''),
    "rebinds_W_inside_no_grad": ("q3", "unchanged", '''
def train(X: torch.Tensor, Y: torch.Tensor, W: torch.Tensor, b: torch.Tensor, lr: float,
          steps: int) -> list[float]:
    """Gradient descent on the MSE, updating W and b in place; returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W = W - lr * W.grad
            b = b - lr * b.grad
        W.requires_grad_(True)  # the new tensors need gradients for the next step
        b.requires_grad_(True)
        losses.append(loss.item())
    return losses
'''),
    "ridge_penalises_bias": ("q7", "the bias is penalised too", '''
def ridge_descent(X: torch.Tensor, Y: torch.Tensor, lam: float, lr: float,
                  steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros on MSE + lam * ||W||^2 (b not penalised)."""
    k, d = Y.shape[1], X.shape[1]
    W = torch.zeros(k, d, dtype=X.dtype, requires_grad=True)
    b = torch.zeros(k, dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        penalty = lam * ((W**2).sum() + (b**2).sum())  # all the parameters kept small
        loss = ((X @ W.T + b - Y) ** 2).mean() + penalty
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    return W.detach(), b.detach()
'''),
    "ridge_half_penalty_gradient": ("q7", "the derivative of λ‖W‖² is 2λW", '''
def ridge_descent(X: torch.Tensor, Y: torch.Tensor, lam: float, lr: float,
                  steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros on MSE + lam * ||W||^2 (b not penalised)."""
    k, d = Y.shape[1], X.shape[1]
    W = torch.zeros(k, d, dtype=X.dtype, requires_grad=True)
    b = torch.zeros(k, dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * (W.grad + lam * W)  # weight decay: the penalty pulls W towards 0
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    return W.detach(), b.detach()
'''),
    "ridge_mean_of_squares": ("q7", "the sum of the squares of all k·d weights", '''
def ridge_descent(X: torch.Tensor, Y: torch.Tensor, lam: float, lr: float,
                  steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros on MSE + lam * ||W||^2 (b not penalised)."""
    k, d = Y.shape[1], X.shape[1]
    W = torch.zeros(k, d, dtype=X.dtype, requires_grad=True)
    b = torch.zeros(k, dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean() + lam * (W**2).mean()
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    return W.detach(), b.detach()
'''),
}

# Correct answers to later questions, written to call the earlier answers as the exercise allows. They stand
# in every case: a wrong earlier answer must still cost points on its own question only (the grader replaces
# it by the course's own while the later questions are tested).
CALLING = {
    "q3": '''
def train(X: torch.Tensor, Y: torch.Tensor, W: torch.Tensor, b: torch.Tensor, lr: float,
          steps: int) -> list[float]:
    """Gradient descent on the MSE, updating W and b in place; returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = mse_checked(predict(X, W, b), Y)
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
    return losses
''',
    "q4": '''
def fit(X: torch.Tensor, Y: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradient descent from zeros with lr = 1 / λ_max; returns the trained (W, b)."""
    N, d = X.shape
    k = Y.shape[1]
    X_tilde = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X_tilde.T @ X_tilde)[-1].item()
    W = torch.zeros(k, d, dtype=X.dtype, requires_grad=True)
    b = torch.zeros(k, dtype=X.dtype, requires_grad=True)
    train(X, Y, W, b, 1 / lam_max, steps)
    return W.detach(), b.detach()
''',
}
