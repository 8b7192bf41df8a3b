"""Wrong answers to exercises/08_training_with_optim.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "zero_grad_before_step": ("q1", "zero_grad() called between backward() and step()", '''
def train_steps(model: nn.Module, opt: torch.optim.Optimizer, loss_fn, xb: torch.Tensor, yb: torch.Tensor,
                steps: int) -> list[float]:
    """Take `steps` optimizer steps on the batch (xb, yb); return the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.zero_grad()
        opt.step()
        losses.append(loss.item())
    return losses
'''),
    "zero_grad_forgotten": ("q1", "never zeroed", '''
def train_steps(model: nn.Module, opt: torch.optim.Optimizer, loss_fn, xb: torch.Tensor, yb: torch.Tensor,
                steps: int) -> list[float]:
    """Take `steps` optimizer steps on the batch (xb, yb); return the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
'''),
    "unweighted_mean_of_batches": ("q2", "plain mean of the batch losses", '''
def dataset_loss(model: nn.Module, loader: DataLoader, loss_fn) -> float:
    """Mean of `loss_fn` over every row `loader` yields, batch losses weighted by batch size; no gradients."""
    batch_losses = []
    with torch.no_grad():
        for xb, yb in loader:
            batch_losses.append(loss_fn(model(xb), yb).item())
    return sum(batch_losses) / len(batch_losses)
'''),
    "full_pass_on_training_loader": ("q3", "second, unshuffled DataLoader", '''
def fit(model: nn.Module, loader: DataLoader, loss_fn, opt: torch.optim.Optimizer, epochs: int) -> dict:
    """Train for `epochs` passes over `loader`; return {"loss": [...], "last_batch": [...]}, one float per epoch."""
    history = {"loss": [], "last_batch": []}
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        history["last_batch"].append(loss.item())
        total, rows = 0.0, 0
        with torch.no_grad():
            for xb, yb in loader:
                total += loss_fn(model(xb), yb).item() * len(xb)
                rows += len(xb)
        history["loss"].append(total / rows)
    return history
'''),
    "last_batch_as_epoch_loss": ("q3", "last mini-batch", '''
def fit(model: nn.Module, loader: DataLoader, loss_fn, opt: torch.optim.Optimizer, epochs: int) -> dict:
    """Train for `epochs` passes over `loader`; return {"loss": [...], "last_batch": [...]}, one float per epoch."""
    history = {"loss": [], "last_batch": []}
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        history["last_batch"].append(loss.item())
        history["loss"].append(loss.item())
    return history
'''),
    "hessian_without_ones_column": ("q4", "column of ones", '''
def lr_limit(X: torch.Tensor, k: int) -> float:
    """2/λ_max of H = 2/(N k) X̃ᵀX̃, the largest stable learning rate of full-batch gradient descent."""
    N = X.shape[0]
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X.T @ X)[-1].item()
    return 2 / lam_max
'''),
    "zero_grad_symptoms_swapped": ("q5", "which mistake leaves step() without a gradient", '''
symptom_flat = "a"
symptom_regrowth = "b"
symptom_noisy = "d"
symptom_blowup = "c"
'''),
    "limit_without_k": ("q4", "times too small: the loss is a mean over all N·k entries", '''
def lr_limit(X: torch.Tensor, k: int) -> float:
    """2/λ_max of H = 2/(N k) X̃ᵀX̃, the largest stable learning rate of full-batch gradient descent."""
    N = X.shape[0]
    X_tilde = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / N * X_tilde.T @ X_tilde)[-1].item()
    return 2 / lam_max
'''),
    "velocity_inside_loop": ("q6", "plain gradient descent", '''
def momentum_descent(X: torch.Tensor, Y: torch.Tensor, lr: float, beta: float,
                     steps: int) -> list[float]:
    """Heavy-ball descent from zeros, by hand; the loss before each step."""
    W = torch.zeros(Y.shape[1], X.shape[1], dtype=X.dtype, requires_grad=True)
    b = torch.zeros(Y.shape[1], dtype=X.dtype, requires_grad=True)
    losses = []
    for _ in range(steps):
        v_W, v_b = torch.zeros_like(W), torch.zeros_like(b)  # the velocities start at zero
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            v_W = beta * v_W + W.grad
            v_b = beta * v_b + b.grad
            W -= lr * v_W
            b -= lr * v_b
        W.grad = None
        b.grad = None
        losses.append(loss.item())
    return losses
'''),
    "velocity_as_average": ("q6", "(1 − β)", '''
def momentum_descent(X: torch.Tensor, Y: torch.Tensor, lr: float, beta: float,
                     steps: int) -> list[float]:
    """Heavy-ball descent from zeros, by hand; the loss before each step."""
    W = torch.zeros(Y.shape[1], X.shape[1], dtype=X.dtype, requires_grad=True)
    b = torch.zeros(Y.shape[1], dtype=X.dtype, requires_grad=True)
    v_W, v_b = torch.zeros_like(W), torch.zeros_like(b)
    losses = []
    for _ in range(steps):
        loss = ((X @ W.T + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            v_W = beta * v_W + (1 - beta) * W.grad  # a running average of the gradients
            v_b = beta * v_b + (1 - beta) * b.grad
            W -= lr * v_W
            b -= lr * v_b
        W.grad = None
        b.grad = None
        losses.append(loss.item())
    return losses
'''),
    "fast_without_momentum": ("q7", "Without momentum", '''
def fast_settings(X: torch.Tensor, Y: torch.Tensor) -> tuple[float, float]:
    """(lr, momentum) with which 150 full-batch SGD steps from zeros reach 1.01 L*."""
    N, k = X.shape[0], Y.shape[1]
    X_tilde = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X_tilde.T @ X_tilde)[-1].item()
    return 1.9 / lam_max, 0.0  # as close to the limit 2/λ_max as is safe
'''),
    "fast_momentum_too_bold": ("q7", "The loss grew", '''
def fast_settings(X: torch.Tensor, Y: torch.Tensor) -> tuple[float, float]:
    """(lr, momentum) with which 150 full-batch SGD steps from zeros reach 1.01 L*."""
    N, k = X.shape[0], Y.shape[1]
    X_tilde = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], dim=1)
    lam_max = torch.linalg.eigvalsh(2 / (N * k) * X_tilde.T @ X_tilde)[-1].item()
    return 4 / lam_max, 0.9  # momentum smooths the steps, so they can be twice as long
'''),
}

# Correct answers to later questions, written to call the earlier answers as the exercise allows. They stand
# in every case: a wrong earlier answer must still cost points on its own question only (the grader replaces
# it by the course's own while the later questions are tested).
CALLING = {
    "q3": '''
def fit(model: nn.Module, loader: DataLoader, loss_fn, opt: torch.optim.Optimizer, epochs: int) -> dict:
    """Train for `epochs` passes over `loader`; return {"loss": [...], "last_batch": [...]}, one float per epoch."""
    full_pass = DataLoader(loader.dataset, batch_size=256)
    history = {"loss": [], "last_batch": []}
    for _ in range(epochs):
        for xb, yb in loader:
            last = train_steps(model, opt, loss_fn, xb, yb, 1)[0]
        history["last_batch"].append(last)
        history["loss"].append(dataset_loss(model, full_pass, loss_fn))
    return history
''',
}
