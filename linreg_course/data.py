"""The course's data sets, defined once so every chapter, exercise and test loads the same numbers.

Everything is returned as float64 NumPy arrays; chapters convert to torch tensors themselves.
"""

from __future__ import annotations

import numpy as np

#: Column names of the crop-yield inputs and targets.
CROP_FEATURES = ("temperature (°F)", "rainfall (mm)", "humidity (%)")
CROP_TARGETS = ("apples (t/ha)", "oranges (t/ha)")

# Five regions: the small set used in chapters 01-06.
_CROP_X5 = [[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]
_CROP_Y5 = [[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]
# Ten more regions, close to the first five, for the 15-row set used from chapter 07 on.
_CROP_X_MORE = [[74, 66, 43], [91, 87, 65], [88, 134, 59], [101, 44, 37], [68, 96, 71],
                [73, 66, 44], [92, 87, 64], [87, 135, 57], [103, 43, 36], [68, 97, 70]]
_CROP_Y_MORE = [[57, 69], [80, 102], [118, 132], [21, 38], [104, 118],
                [57, 69], [82, 100], [118, 134], [20, 38], [102, 120]]

#: Range of the Celsius temperatures drawn by `temperatures`.
CELSIUS_RANGE = (0.5, 13.3)


def crop_yields(rows: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Return the synthetic crop-yield data: inputs X of shape [rows, 3] and targets Y of shape [rows, 2].

    `rows` is 5 (the small set) or 15 (the small set followed by ten similar regions).
    """
    if rows == 5:
        x, y = _CROP_X5, _CROP_Y5
    elif rows == 15:
        x, y = _CROP_X5 + _CROP_X_MORE, _CROP_Y5 + _CROP_Y_MORE
    else:
        raise ValueError(f"rows must be 5 or 15, not {rows!r}")
    return np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)


def fahrenheit(celsius: np.ndarray) -> np.ndarray:
    """The exact law the course learns back from data: F = 1.8 C + 32."""
    return 1.8 * np.asarray(celsius, dtype=np.float64) + 32.0


def temperatures(n: int = 20, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Draw `n` Celsius temperatures uniformly from CELSIUS_RANGE and return (celsius, fahrenheit).

    With `noise` > 0 the Fahrenheit readings carry Gaussian measurement noise of that standard deviation
    (°F). The temperatures depend only on `seed` and `n`, so the exact and the noisy data share them.
    Both arrays have shape [n].
    """
    rng = np.random.default_rng(seed)
    celsius = rng.uniform(*CELSIUS_RANGE, size=n)
    readings = fahrenheit(celsius) + noise * rng.standard_normal(n)
    return celsius, readings
