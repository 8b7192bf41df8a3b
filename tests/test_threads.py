"""The stored outputs do not depend on the number of threads.

`make refresh` stores outputs with the machine's default thread count, and nbval in `make test` compares
with them under the same settings. Here the notebooks that compute with PyTorch are re-executed once more
with a single thread (`OMP_NUM_THREADS=1`), so a result that depends on how a reduction is split between
threads, whose last digits then change, fails here rather than on a reader's machine.
"""

from __future__ import annotations

import os
import subprocess
import sys

from notebook_files import STORED, code_cells, load, source

from tools.notebook_settings import CELL_TIMEOUT, ROOT, SANITIZE_FILE

TORCH_NOTEBOOKS = [p for p in STORED if any("import torch" in source(c) for c in code_cells(load(p)))]


def test_some_notebooks_use_torch():
    assert len(TORCH_NOTEBOOKS) >= 8, TORCH_NOTEBOOKS


def test_outputs_are_the_same_with_one_thread():
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
               "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT}", "--nbval-sanitize-with",
               str(SANITIZE_FILE), *map(str, TORCH_NOTEBOOKS)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, "outputs differ with one thread:\n" + result.stdout[-4000:]
