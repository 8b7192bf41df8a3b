"""Wrong answers to exercises/06_nn_linear.ipynb, written from the exercise and its chapter only."""

# case name: (question, the whole source of that question's answer cell as a student wrote it)
CASES = {
    "float32_layer": ("q1", '''
def make_model(W: torch.Tensor, b: torch.Tensor) -> nn.Linear:
    """A float64 nn.Linear whose weight is W [k, d] and whose bias is b [k]."""
    k, d = W.shape
    model = nn.Linear(d, k)
    with torch.no_grad():
        model.weight.copy_(W)
        model.bias.copy_(b)
    return model
'''),
    "no_reshape": ("q2", '''
def linear_mse(model: nn.Module, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """F.mse_loss of model(X) against Y, with the predictions in the shape of Y."""
    return F.mse_loss(model(X), Y)
'''),
    "bias_not_updated": ("q3", '''
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
    "grads_not_zeroed": ("q3", '''
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
    "count_without_bias": ("q4", '''
import math


def count_parameters(d: int, k: int) -> int:
    """The number of parameters of nn.Linear(d, k)."""
    return d * k


def init_bound(d: int, k: int) -> float:
    """The bound c of U(-c, c), the starting values of nn.Linear(d, k)."""
    return 1 / math.sqrt(d)
'''),
    "bound_from_out_features": ("q4", '''
import math


def count_parameters(d: int, k: int) -> int:
    """The number of parameters of nn.Linear(d, k)."""
    return k * d + k


def init_bound(d: int, k: int) -> float:
    """The bound c of U(-c, c), the starting values of nn.Linear(d, k)."""
    return 1 / math.sqrt(k)
'''),
    "divides_by_N_only": ("q5", '''
def sum_lr(lr: float, N: int, k: int) -> float:
    """The learning rate for reduction="sum" that reproduces the steps of reduction="mean" at lr."""
    return lr / N
'''),
    "row_target_taken_as_column": ("q6", '''
answer = "b"  # the chapter: [N] against a target of another shape broadcasts to [N, N]
'''),
    "same_numbers_no_warning": ("q6", '''
answer = "d"
'''),
}
