"""Wrong answers to exercises/12_capstone.ipynb, written from the exercise and its chapter only."""

# case name: (question, what the student must read in a message, the whole source of that question's
# answer cell as a student wrote it)
CASES = {
    "n_train_rounded_instead_of_truncated": ("q1", "rounds it down", '''
def train_test_split_idx(n: int, test_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded shuffle of 0..n-1: the first int((1 - test_fraction) * n) for training, the rest for testing."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_train = round((1 - test_fraction) * n)
    return perm[:n_train], perm[n_train:]
'''),
    "test_rows_drawn_from_a_second_shuffle": ("q1", "in both sets", '''
def train_test_split_idx(n: int, test_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded shuffle of 0..n-1: the first int((1 - test_fraction) * n) for training, the rest for testing."""
    gen = torch.Generator().manual_seed(seed)
    n_train = int((1 - test_fraction) * n)
    train_idx = torch.randperm(n, generator=gen)[:n_train]
    test_idx = torch.randperm(n, generator=gen)[: n - n_train]
    return train_idx, test_idx
'''),
    "bias_shift_without_sigma_y": ("q2", "only b̃ is multiplied by sigma_y", '''
def to_original_units(w_z: torch.Tensor, b_z: float, mu_x: torch.Tensor, sigma_x: torch.Tensor,
                      mu_y: float, sigma_y: float) -> tuple[torch.Tensor, float]:
    """Weights per original unit of each feature, and the bias, from a fit on standardised inputs and target."""
    w = sigma_y * w_z / sigma_x
    b = mu_y + sigma_y * b_z - (w_z * mu_x / sigma_x).sum().item()
    return w, float(b)
'''),
    "weights_multiplied_by_sigma_x": ("q2", "multiplied by sigma_x", '''
def to_original_units(w_z: torch.Tensor, b_z: float, mu_x: torch.Tensor, sigma_x: torch.Tensor,
                      mu_y: float, sigma_y: float) -> tuple[torch.Tensor, float]:
    """Weights per original unit of each feature, and the bias, from a fit on standardised inputs and target."""
    w = sigma_y * w_z * sigma_x
    b = mu_y + sigma_y * b_z - (w * mu_x).sum().item()
    return w, float(b)
'''),
    "r2_sst_around_prediction_mean": ("q3", "mean of the predictions", '''
def r2_score(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Coefficient of determination 1 - SSE/SST (SST around the mean of y); ValueError if shapes differ."""
    if y_hat.shape != y.shape:
        raise ValueError("shapes differ")
    sse = ((y_hat - y) ** 2).sum()
    sst = ((y - y_hat.mean()) ** 2).sum()
    return (1 - sse / sst).item()
'''),
    "ridge_penalises_the_bias": ("q4", "the bias is penalised", '''
def ridge_ranges(A: torch.Tensor, y: torch.Tensor, subsets: list[torch.Tensor],
                 lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Smallest and largest ridge weight of each feature over the refits on the subsets."""
    penalty = lam * torch.eye(A.shape[1], dtype=A.dtype)
    refits = []
    for rows in subsets:
        a, t = A[rows], y[rows]
        refits.append(torch.linalg.solve(a.T @ a + penalty, a.T @ t)[:-1])
    refits = torch.stack(refits)
    return refits.min(dim=0).values, refits.max(dim=0).values
'''),
    "ridge_ranges_include_the_bias": ("q4", "shape", '''
def ridge_ranges(A: torch.Tensor, y: torch.Tensor, subsets: list[torch.Tensor],
                 lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Smallest and largest ridge weight of each feature over the refits on the subsets."""
    D = torch.eye(A.shape[1], dtype=A.dtype)
    D[-1, -1] = 0.0
    refits = torch.stack([torch.linalg.solve(A[rows].T @ A[rows] + lam * D, A[rows].T @ y[rows])
                          for rows in subsets])
    return refits.min(dim=0).values, refits.max(dim=0).values
'''),
    "ridge_on_all_rows": ("q4", "subset", '''
def ridge_ranges(A: torch.Tensor, y: torch.Tensor, subsets: list[torch.Tensor],
                 lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Smallest and largest ridge weight of each feature over the refits on the subsets."""
    D = torch.eye(A.shape[1], dtype=A.dtype)
    D[-1, -1] = 0.0
    refits = []
    for rows in subsets:
        theta = torch.linalg.solve(A.T @ A + lam * D, A.T @ y)
        refits.append(theta[:-1])
    refits = torch.stack(refits)
    return refits.min(dim=0).values, refits.max(dim=0).values
'''),
    "reading_the_largest_weight": ("q5", "no size to read", '''
ranges_reading = "a"  # rooms reaches 31, the largest weight after area
'''),
    "reading_narrower_is_better": ("q5", "not that its predictions are better", '''
ranges_reading = "d"  # every ridge range is narrower, so the ridge model is the better one
'''),
    "wide_data_plain_least_squares": ("q6", "plain least squares", '''
def fit_predict(X_train: torch.Tensor, y_train: torch.Tensor,
                X_new: torch.Tensor) -> torch.Tensor:
    """Predictions [m] for X_new from a linear model trained on the training rows."""
    A = torch.cat([X_train, torch.ones(len(X_train), 1, dtype=X_train.dtype)], dim=1)
    A_new = torch.cat([X_new, torch.ones(len(X_new), 1, dtype=X_new.dtype)], dim=1)
    theta = torch.linalg.lstsq(A, y_train[:, None]).solution[:, 0]
    return A_new @ theta
'''),
    "wide_data_left_in_standard_units": ("q6", "level", '''
def fit_predict(X_train: torch.Tensor, y_train: torch.Tensor,
                X_new: torch.Tensor) -> torch.Tensor:
    """Predictions [m] for X_new from ridge regression on standardised inputs and target."""
    mu, sigma = X_train.mean(dim=0), X_train.std(dim=0, correction=0)
    Z, Z_new = (X_train - mu) / sigma, (X_new - mu) / sigma
    t = (y_train - y_train.mean()) / y_train.std(correction=0)
    A = torch.cat([Z, torch.ones(len(Z), 1, dtype=Z.dtype)], dim=1)
    A_new = torch.cat([Z_new, torch.ones(len(Z_new), 1, dtype=Z.dtype)], dim=1)
    D = torch.eye(A.shape[1], dtype=A.dtype)
    D[-1, -1] = 0.0
    theta = torch.linalg.solve(A.T @ A + 30.0 * D, A.T @ t)
    return A_new @ theta
'''),
}
