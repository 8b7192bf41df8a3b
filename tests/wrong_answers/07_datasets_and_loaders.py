"""Wrong answers to exercises/07_datasets_and_loaders.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "global_seed_not_generator": ("q1", "use exactly that generator", '''
def make_loader(X: torch.Tensor, Y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    """A shuffled DataLoader over TensorDataset(X, Y) whose orders are fixed by `seed`."""
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True)
'''),
    "drop_last": ("q1", "leaves out the last", '''
def make_loader(X: torch.Tensor, Y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    """A shuffled DataLoader over TensorDataset(X, Y) whose orders are fixed by `seed`."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True, generator=generator,
                      drop_last=True)
'''),
    "plus_one_for_last_batch": ("q2", "a last batch that does not exist", '''
def steps_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    """The number of batches in one epoch over n rows."""
    if drop_last:
        return n // batch_size
    return n // batch_size + 1
'''),
    "unweighted_mean": ("q3", "plain mean of the batch gradients", '''
def epoch_gradient(model: nn.Linear, loader) -> tuple[torch.Tensor, torch.Tensor]:
    """Size-weighted mean over one epoch of the batch gradients of F.mse_loss: (grad_weight, grad_bias)."""
    grads_weight, grads_bias = [], []
    for xb, yb in loader:
        model.zero_grad()
        F.mse_loss(model(xb), yb).backward()
        grads_weight.append(model.weight.grad.clone())
        grads_bias.append(model.bias.grad.clone())
    return torch.stack(grads_weight).mean(dim=0), torch.stack(grads_bias).mean(dim=0)
'''),
    "grads_not_zeroed": ("q3", "not zeroed between batches", '''
def epoch_gradient(model: nn.Linear, loader) -> tuple[torch.Tensor, torch.Tensor]:
    """Size-weighted mean over one epoch of the batch gradients of F.mse_loss: (grad_weight, grad_bias)."""
    sum_weight = torch.zeros_like(model.weight, requires_grad=False)
    sum_bias = torch.zeros_like(model.bias, requires_grad=False)
    n_rows = 0
    for xb, yb in loader:
        F.mse_loss(model(xb), yb).backward()
        sum_weight += len(xb) * model.weight.grad
        sum_bias += len(xb) * model.bias.grad
        n_rows += len(xb)
    return sum_weight / n_rows, sum_bias / n_rows
'''),
    "ratio_of_variances": ("q4", "ratio of the variances", '''
ratio_huge = 0.25
ratio_crop = 0.0625
'''),
    "two_permutations": ("q5", "the targets do not belong to the inputs", '''
def randperm_batches(X: torch.Tensor, Y: torch.Tensor, batch_size: int,
                     generator: torch.Generator) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """One shuffled epoch of batches (X[chunk], Y[chunk]) from a random permutation of the rows."""
    N = len(X)
    X_batches = X[torch.randperm(N, generator=generator)].split(batch_size)
    Y_batches = Y[torch.randperm(N, generator=generator)].split(batch_size)
    return list(zip(X_batches, Y_batches))
'''),
    "generator_ignored": ("q5", "from the generator you are given", '''
def randperm_batches(X: torch.Tensor, Y: torch.Tensor, batch_size: int,
                     generator: torch.Generator) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """One shuffled epoch of batches (X[chunk], Y[chunk]) from a random permutation of the rows."""
    order = torch.randperm(len(X))
    return [(X[chunk], Y[chunk]) for chunk in order.split(batch_size)]
'''),
    "lagged_targets_as_vector": ("q6", "keep them a column [B, 1]", '''
def lagged_loader(series: torch.Tensor, lags: int, batch_size: int) -> DataLoader:
    """Batches (windows [B, lags], next values [B, 1]) in time order."""
    windows = torch.stack([series[i:i + lags] for i in range(len(series) - lags)])
    return DataLoader(TensorDataset(windows, series[lags:]), batch_size=batch_size)
'''),
    "lagged_one_window_too_many": ("q6", "the same number of rows", '''
def lagged_loader(series: torch.Tensor, lags: int, batch_size: int) -> DataLoader:
    """Batches (windows [B, lags], next values [B, 1]) in time order."""
    T = len(series)
    windows = torch.stack([series[i:i + lags] for i in range(T - lags + 1)])  # every full window
    targets = series[lags:].unsqueeze(1)
    return DataLoader(TensorDataset(windows, targets), batch_size=batch_size)
'''),
    "lagged_shuffled": ("q6", "keep them in time order", '''
def lagged_loader(series: torch.Tensor, lags: int, batch_size: int) -> DataLoader:
    """Batches (windows [B, lags], next values [B, 1]) in time order."""
    windows = series.unfold(0, lags, 1)[:-1]  # the windows of lags values; the last has no target
    targets = series[lags:].unsqueeze(1)
    return DataLoader(TensorDataset(windows, targets), batch_size=batch_size, shuffle=True)
'''),
}
