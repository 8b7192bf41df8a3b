"""Wrong answers to exercises/11_evaluation.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "randperm_without_the_seed": ("q1", "not reproducible", '''
def split_indices(n: int, n_train: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Shuffled row indices from a seeded generator: the first n_train for training, the rest for validation."""
    perm = torch.randperm(n)
    return perm[:n_train], perm[n_train:]
'''),
    "torch_std_default_unbiased": ("q2", "n − 1", '''
def standardise_with_train(x_train: torch.Tensor, x_val: torch.Tensor):
    """(z_train, z_val, mu, sigma): both sets standardised with the column statistics of x_train alone."""
    mu, sigma = x_train.mean(dim=0), x_train.std(dim=0)
    return (x_train - mu) / sigma, (x_val - mu) / sigma, mu, sigma
'''),
    "validation_with_its_own_statistics": ("q2", "own mean and standard deviation", '''
def standardise_with_train(x_train: torch.Tensor, x_val: torch.Tensor):
    """(z_train, z_val, mu, sigma): both sets standardised with the column statistics of x_train alone."""
    mu, sigma = x_train.mean(dim=0), x_train.std(dim=0, correction=0)
    z_train = (x_train - mu) / sigma
    z_val = (x_val - x_val.mean(dim=0)) / x_val.std(dim=0, correction=0)
    return z_train, z_val, mu, sigma
'''),
    "r2_mse_over_sst_sum": ("q3", "a mean (the MSE) but the denominator a sum", '''
def metrics(y_hat: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    """{"mse", "rmse", "mae", "r2"} of predictions y_hat against targets y; ValueError if the shapes differ."""
    if y_hat.shape != y.shape:
        raise ValueError("shapes differ")
    e = y_hat - y
    mse = (e**2).mean().item()
    sst = ((y - y.mean()) ** 2).sum().item()
    return {"mse": mse, "rmse": mse**0.5, "mae": e.abs().mean().item(), "r2": 1 - mse / sst}
'''),
    "r2_baseline_forgets_the_n": ("q4", "once per reading", '''
# SSE = SST + (62 - 60)^2 = 44, so R^2 = 1 - 44/40
r2_baseline = -0.1
rmse_vs_mae = "b"
'''),
    "rmse_equals_mae_only_at_zero": ("q4", "equality needs only all |e_i| equal", '''
r2_baseline = -0.5
rmse_vs_mae = "c"
'''),
    "polynomial_fit_on_all_rows": ("q5", "validation rows leak", '''
def validation_curve(x_train: torch.Tensor, y_train: torch.Tensor, x_val: torch.Tensor, y_val: torch.Tensor,
                     degrees: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Training and validation RMSE of the least-squares polynomial of each degree, fitted on the training rows."""
    def design(x: torch.Tensor, p: int) -> torch.Tensor:
        return torch.stack([x**j for j in range(p + 1)], dim=1)

    x_all, y_all = torch.cat([x_train, x_val]), torch.cat([y_train, y_val])
    train_rmse, val_rmse = [], []
    for p in degrees:
        theta = torch.linalg.lstsq(design(x_all, p), y_all[:, None]).solution[:, 0]
        train_rmse.append(((design(x_train, p) @ theta - y_train) ** 2).mean().sqrt())
        val_rmse.append(((design(x_val, p) @ theta - y_val) ** 2).mean().sqrt())
    return torch.stack(train_rmse), torch.stack(val_rmse)
'''),
    "output_left_in_standard_units": ("q6", "left in standard units", '''
def predict_original_units(net: nn.Linear, x: torch.Tensor, stats: dict) -> torch.Tensor:
    """Predictions in the target's unit, shape [n], of a model trained on standardised inputs and targets."""
    net.eval()
    with torch.no_grad():
        z = (x - stats["mu_x"]) / stats["sigma_x"]
        return net(z[:, None])[:, 0]
'''),
    "statistics_kept_as_rows": ("q2", "keepdim=True", '''
def standardise_with_train(x_train: torch.Tensor, x_val: torch.Tensor):
    """(z_train, z_val, mu, sigma): both sets standardised with the column statistics of x_train alone."""
    mu = x_train.mean(dim=0, keepdim=True)
    sigma = x_train.std(dim=0, correction=0, keepdim=True)
    return (x_train - mu) / sigma, (x_val - mu) / sigma, mu, sigma
'''),
    "kfold_fits_on_every_row": ("q7", "a leak", '''
def kfold_rmse(x: torch.Tensor, y: torch.Tensor, degree: int, K: int) -> float:
    """Mean validation RMSE over K folds (fold j: the rows i with i % K == j)."""
    fold = torch.arange(len(x)) % K
    scores = []
    for j in range(K):
        held = fold == j
        _, val = validation_curve(x, y, x[held], y[held], [degree])
        scores.append(val[0].item())
    return sum(scores) / K
'''),
    "kfold_root_of_mean_mse": ("q7", "square root", '''
def kfold_rmse(x: torch.Tensor, y: torch.Tensor, degree: int, K: int) -> float:
    """Mean validation RMSE over K folds (fold j: the rows i with i % K == j)."""
    fold = torch.arange(len(x)) % K
    mses = []
    for j in range(K):
        held = fold == j
        _, val = validation_curve(x[~held], y[~held], x[held], y[held], [degree])
        mses.append(val[0].item() ** 2)
    return (sum(mses) / K) ** 0.5
'''),
    "kfold_contiguous_blocks": ("q7", "i % K", '''
def kfold_rmse(x: torch.Tensor, y: torch.Tensor, degree: int, K: int) -> float:
    """Mean validation RMSE over K folds (fold j: the rows i with i % K == j)."""
    scores = []
    for held in torch.arange(len(x)).tensor_split(K):
        keep = torch.ones(len(x), dtype=torch.bool)
        keep[held] = False
        _, val = validation_curve(x[keep], y[keep], x[held], y[held], [degree])
        scores.append(val[0].item())
    return sum(scores) / K
'''),
}

# Correct answers to later questions, written to call the earlier answers as the exercise allows. They stand
# in every case: a wrong earlier answer must still cost points on its own question only (the grader replaces
# it by the course's own while the later questions are tested).
CALLING = {
    "q5": '''
def validation_curve(x_train: torch.Tensor, y_train: torch.Tensor, x_val: torch.Tensor, y_val: torch.Tensor,
                     degrees: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """Training and validation RMSE of the least-squares polynomial of each degree, fitted on the training rows."""
    def design(x: torch.Tensor, p: int) -> torch.Tensor:
        return torch.stack([x**j for j in range(p + 1)], dim=1)

    train_rmse, val_rmse = [], []
    for p in degrees:
        theta = torch.linalg.lstsq(design(x_train, p), y_train[:, None]).solution[:, 0]
        train_rmse.append(metrics(design(x_train, p) @ theta, y_train)["rmse"])
        val_rmse.append(metrics(design(x_val, p) @ theta, y_val)["rmse"])
    return torch.tensor(train_rmse), torch.tensor(val_rmse)
''',
    "q7": '''
def kfold_rmse(x: torch.Tensor, y: torch.Tensor, degree: int, K: int) -> float:
    """Mean validation RMSE over K folds (fold j: the rows i with i % K == j)."""
    fold = torch.arange(len(x)) % K
    scores = []
    for j in range(K):
        held = fold == j
        _, val = validation_curve(x[~held], y[~held], x[held], y[held], [degree])
        scores.append(float(val[0]))
    return sum(scores) / K
''',
}
