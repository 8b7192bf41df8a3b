"""The stored outputs hold on another CPU code path and with one thread, not only on the machine that stored them.

`make refresh` stores outputs with this machine's fastest kernels and its default thread count, and nbval
in `make test` compares with them under the same settings. Here every stored notebook is re-executed twice
more with nbval strict: once on a second CPU code path (tools.notebook_settings.SECOND_CPU_PATH: no AVX2 or
AVX-512 in PyTorch, MKL, OpenBLAS and NumPy, so float64 sums round differently), once with one thread (a
reduction split differently between threads). A printed digit that depends on round-off, or a check
tighter than round-off, fails here rather than on a reader's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from notebook_files import STORED

from tools.notebook_settings import CELL_TIMEOUT, ONE_THREAD, ROOT, SANITIZE_FILE, SECOND_CPU_PATH


def _nbval(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, **extra_env)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
               "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT}", "--nbval-sanitize-with",
               str(SANITIZE_FILE), *map(str, STORED)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("name", ["second CPU code path", "one thread"])
def test_outputs_hold(name):
    settings = SECOND_CPU_PATH if name == "second CPU code path" else ONE_THREAD
    result = _nbval(settings)
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert result.returncode == 0, f"outputs differ on the {name} ({settings}):\n" + "\n".join(failures[:30]) + \
        "\n" + result.stdout[-3000:]


def test_second_path_is_really_another_path():
    """The settings take effect: PyTorch reports its portable kernels and NumPy drops its x86-64-v3 (AVX2) loops."""
    code = ("import torch; "
            "print(torch.backends.cpu.get_cpu_capability()); "
            "from numpy._core._multiarray_umath import __cpu_features__ as f; print(f.get('X86_V3'))")
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **SECOND_CPU_PATH),
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["DEFAULT", "False"], out
