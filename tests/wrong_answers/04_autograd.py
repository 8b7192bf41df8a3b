"""Wrong answers to exercises/04_autograd.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "float32_copies": ("q1", "float32", '''
def autograd_gradients(X: torch.Tensor, Y: torch.Tensor, W: torch.Tensor,
                       b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(dL/dW, dL/db) of the mean squared error of X @ W.T + b, computed by autograd."""
    W = torch.tensor(W.numpy(), dtype=torch.float32, requires_grad=True)
    b = torch.tensor(b.numpy(), dtype=torch.float32, requires_grad=True)
    loss = torch.mean((X.float() @ W.T + b - Y.float()) ** 2)
    loss.backward()
    return W.grad, b.grad
'''),
    "summed_loss": ("q1", "the loss is the sum of the squared errors", '''
def autograd_gradients(X: torch.Tensor, Y: torch.Tensor, W: torch.Tensor,
                       b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(dL/dW, dL/db) of the mean squared error of X @ W.T + b, computed by autograd."""
    W = W.clone().requires_grad_(True)
    b = b.clone().requires_grad_(True)
    loss = ((X @ W.T + b - Y) ** 2).sum()
    loss.backward()
    return W.grad, b.grad
'''),
    "gradients_not_zeroed": ("q2", "never zeroed", '''
def descend(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float,
            steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """`steps` gradient-descent updates of the leaf tensors w, b on the MSE of w * x + b."""
    history = []
    for _ in range(steps):
        loss = torch.mean((w * x + b - y) ** 2)
        history.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return w, b, history
'''),
    "update_outside_no_grad": ("q2", "update in place", '''
def descend(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float,
            steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """`steps` gradient-descent updates of the leaf tensors w, b on the MSE of w * x + b."""
    history = []
    for _ in range(steps):
        loss = torch.mean((w * x + b - y) ** 2)
        history.append(loss.item())
        loss.backward()
        w = w - lr * w.grad
        b = b - lr * b.grad
    return w, b, history
'''),
    "hard_coded_chapter_lr": ("q3", "the chapter's learning rate 0.01", '''
def train(x: torch.Tensor, y: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """Gradient descent from w = b = 0 with the learning rate 1 / λ_max of the MSE's Hessian."""
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    return descend(w, b, x, y, 0.01, steps)
'''),
    "full_stability_limit": ("q3", "the stability limit itself", '''
def train(x: torch.Tensor, y: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """Gradient descent from w = b = 0 with the learning rate 1 / λ_max of the MSE's Hessian."""
    x_np = x.numpy()
    X_tilde = np.column_stack([x_np, np.ones(len(x_np))])
    lam_max = np.linalg.eigvalsh(2 / len(x_np) * X_tilde.T @ X_tilde)[-1]
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    return descend(w, b, x, y, 2 / lam_max, steps)
'''),
    "counts_backward_calls": ("q4", "adds 2·dL/dw", '''
factor = 3
'''),
    "float32_tolerance_kept": ("q5", "float16 keeps about 3", '''
answer = "a"  # allclose's default tolerance, as in the chapter
'''),
    "loosest_tolerance_is_safest": ("q5", "10 % off", '''
answer = "c"  # float16 is so imprecise that only a loose check never fails
'''),
    "momentum_as_average": ("q6", "the whole gradient", '''
def descend_momentum(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                     lr: float, beta: float,
                     steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """`steps` updates of the leaves w, b with momentum beta on the MSE of w * x + b."""
    history = []
    v_w, v_b = torch.zeros_like(w), torch.zeros_like(b)
    for _ in range(steps):
        loss = torch.mean((w * x + b - y) ** 2)
        history.append(loss.item())
        loss.backward()
        with torch.no_grad():
            # a running average of the gradients, as in Adam
            v_w = beta * v_w + (1 - beta) * w.grad
            v_b = beta * v_b + (1 - beta) * b.grad
            w -= lr * v_w
            b -= lr * v_b
        w.grad.zero_()
        b.grad.zero_()
    return w, b, history
'''),
    "momentum_velocity_reset_each_step": ("q6", "carry it from step to step", '''
def descend_momentum(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                     lr: float, beta: float,
                     steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """`steps` updates of the leaves w, b with momentum beta on the MSE of w * x + b."""
    history = []
    for _ in range(steps):
        v_w, v_b = torch.zeros_like(w), torch.zeros_like(b)
        loss = torch.mean((w * x + b - y) ** 2)
        history.append(loss.item())
        loss.backward()
        with torch.no_grad():
            v_w = beta * v_w + w.grad
            v_b = beta * v_b + b.grad
            w -= lr * v_w
            b -= lr * v_b
        w.grad.zero_()
        b.grad.zero_()
    return w, b, history
'''),
    "momentum_step_before_velocity": ("q6", "velocity of the step before", '''
def descend_momentum(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
                     lr: float, beta: float,
                     steps: int) -> tuple[torch.Tensor, torch.Tensor, list[float]]:
    """`steps` updates of the leaves w, b with momentum beta on the MSE of w * x + b."""
    history = []
    v_w, v_b = torch.zeros_like(w), torch.zeros_like(b)
    for _ in range(steps):
        loss = torch.mean((w * x + b - y) ** 2)
        history.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * v_w
            b -= lr * v_b
            v_w = beta * v_w + w.grad
            v_b = beta * v_b + b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w, b, history
'''),
}
