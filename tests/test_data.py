"""The data sets are the ones the course describes, with the shapes the chapters assert."""

from __future__ import annotations

import numpy as np
import pytest

from linreg_course import data


def test_crop_yields_small_and_large():
    x5, y5 = data.crop_yields(5)
    x15, y15 = data.crop_yields(15)
    assert x5.shape == (5, 3) and y5.shape == (5, 2) and x5.dtype == np.float64
    assert x15.shape == (15, 3) and y15.shape == (15, 2)
    np.testing.assert_array_equal(x15[:5], x5)
    np.testing.assert_array_equal(y15[:5], y5)
    assert x5[2].tolist() == [87, 134, 58] and y5[2].tolist() == [119, 133]
    assert x15[-1].tolist() == [68, 97, 70] and y15[-1].tolist() == [102, 120]
    assert len(data.CROP_FEATURES) == 3 and len(data.CROP_TARGETS) == 2


def test_crop_yields_rejects_other_sizes():
    with pytest.raises(ValueError, match="5 or 15"):
        data.crop_yields(10)


def test_crop_yields_returns_fresh_arrays():
    x, _ = data.crop_yields(5)
    x[0, 0] = -1
    assert data.crop_yields(5)[0][0, 0] == 73


def test_temperatures_follow_the_law_and_the_seed():
    c, f = data.temperatures(20, seed=0)
    assert c.shape == f.shape == (20,)
    lo, hi = data.CELSIUS_RANGE
    assert np.all((lo <= c) & (c <= hi))
    np.testing.assert_allclose(f, 1.8 * c + 32)
    c2, f2 = data.temperatures(20, noise=2.0, seed=0)
    np.testing.assert_array_equal(c2, c)  # the noise does not move the temperatures
    residual = f2 - f
    assert 0.5 < residual.std() < 4.0 and not np.allclose(residual, 0)
    assert not np.array_equal(data.temperatures(20, seed=1)[0], c)
