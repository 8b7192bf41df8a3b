"""Wrong answers to exercises/06_nn_linear.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "float32_layer": ("q1", "dtype=torch.float64", '''
def make_model(W: torch.Tensor, b: torch.Tensor) -> nn.Linear:
    """A float64 nn.Linear whose weight is W [k, d] and whose bias is b [k]."""
    k, d = W.shape
    model = nn.Linear(d, k)
    with torch.no_grad():
        model.weight.copy_(W)
        model.bias.copy_(b)
    return model
'''),
    "no_reshape": ("q2", "broadcast to [N, N]", '''
def linear_mse(model: nn.Module, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """F.mse_loss of model(X) against Y, with the predictions in the shape of Y."""
    return F.mse_loss(model(X), Y)
'''),
    "bias_not_updated": ("q3", "bias is never updated", '''
def train(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, lr: float, steps: int) -> list[float]:
    """Gradient descent on F.mse_loss over model.parameters(); returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = F.mse_loss(model(X), Y)
        loss.backward()
        with torch.no_grad():
            model.weight -= lr * model.weight.grad
        model.zero_grad()
        losses.append(loss.item())
    return losses
'''),
    "grads_not_zeroed": ("q3", "not zeroed", '''
def train(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, lr: float, steps: int) -> list[float]:
    """Gradient descent on F.mse_loss over model.parameters(); returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = F.mse_loss(model(X), Y)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses
'''),
    "count_without_bias": ("q4", "weights only", '''
import math


def count_parameters(d: int, k: int) -> int:
    """The number of parameters of nn.Linear(d, k)."""
    return d * k


def init_bound(d: int, k: int) -> float:
    """The bound c of U(-c, c), the starting values of nn.Linear(d, k)."""
    return 1 / math.sqrt(d)
'''),
    "bound_from_out_features": ("q4", "not on out_features", '''
import math


def count_parameters(d: int, k: int) -> int:
    """The number of parameters of nn.Linear(d, k)."""
    return k * d + k


def init_bound(d: int, k: int) -> float:
    """The bound c of U(-c, c), the starting values of nn.Linear(d, k)."""
    return 1 / math.sqrt(k)
'''),
    "divides_by_N_only": ("q5", "not N times", '''
def sum_lr(lr: float, N: int, k: int) -> float:
    """The learning rate for reduction="sum" that reproduces the steps of reduction="mean" at lr."""
    return lr / N
'''),
    "poly_keeps_column": ("q6", "return a vector [N]", '''
class PolynomialRegression(nn.Module):
    """y = w_1 x + ... + w_p x^p + b: an nn.Linear(p, 1) on the powers of x [N]."""

    def __init__(self, degree: int) -> None:
        super().__init__()
        self.degree = degree
        self.linear = nn.Linear(degree, 1, dtype=torch.float64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = torch.stack([x**j for j in range(1, self.degree + 1)], dim=1)
        return self.linear(features)
'''),
    "poly_powers_from_zero": ("q6", "use the powers 1 to degree", '''
class PolynomialRegression(nn.Module):
    """y = w_1 x + ... + w_p x^p + b: an nn.Linear(p, 1) on the powers of x [N]."""

    def __init__(self, degree: int) -> None:
        super().__init__()
        self.degree = degree
        self.linear = nn.Linear(degree, 1, dtype=torch.float64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = torch.stack([x**j for j in range(self.degree)], dim=1)
        return self.linear(features).squeeze(1)
'''),
    "poly_float32_layer": ("q6", "dtype=torch.float64", '''
class PolynomialRegression(nn.Module):
    """y = w_1 x + ... + w_p x^p + b: an nn.Linear(p, 1) on the powers of x [N]."""

    def __init__(self, degree: int) -> None:
        super().__init__()
        self.degree = degree
        self.linear = nn.Linear(degree, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        powers = torch.arange(1, self.degree + 1)
        return self.linear(x[:, None] ** powers).squeeze(1)
'''),
}

# Correct answers to later questions, written to call the earlier answers as the exercise allows. They stand
# in every case: a wrong earlier answer must still cost points on its own question only (the grader replaces
# it by the course's own while the later questions are tested).
CALLING = {
    "q3": '''
def train(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, lr: float, steps: int) -> list[float]:
    """Gradient descent on F.mse_loss over model.parameters(); returns the loss before each step."""
    losses = []
    for _ in range(steps):
        loss = linear_mse(model, X, Y)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        model.zero_grad()
        losses.append(loss.item())
    return losses
''',
}
