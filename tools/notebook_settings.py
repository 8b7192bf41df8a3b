"""How the course's notebooks are executed: one set of settings, read by `make refresh` and by nbval in `make test`.

Both apply `apply_environment()` before any kernel starts, so a notebook sees the same environment when its
outputs are stored and when CI re-executes it.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Folders whose notebooks are executed, stored with outputs and re-executed by nbval.
NOTEBOOK_DIRS = ("chapters", "solutions", "exercises")

#: Environment of every kernel. tqdm bars are off (their redraws are not reproducible output);
#: hashing is fixed so that no set or dict order can leak into an output.
KERNEL_ENV = {"TQDM_DISABLE": "1", "PYTHONHASHSEED": "0"}

KERNEL_NAME = "python3"

#: A second CPU code path, as on an older or different processor: PyTorch's kernels without AVX2/AVX-512
#: (ATen's portable code), MKL limited to SSE4.2, OpenBLAS's Nehalem kernels, and NumPy without its
#: x86-64-v3/v4 loops. The same float64 sums are then rounded differently, so a printed digit that depends
#: on round-off, or a check tighter than round-off, fails on it (tests/test_portability.py).
SECOND_CPU_PATH = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
    "OPENBLAS_CORETYPE": "Nehalem",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 X86_V3 AVX512_ICL AVX512_SPR",
}

#: One thread for every library, as on a small machine or a container limited to one core.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

#: Seconds one cell may run before the run is called failed (nbval's --nbval-cell-timeout uses it too).
CELL_TIMEOUT = 120

#: nbval's sanitizer: addresses, paths and timings only, never a number that teaches something.
SANITIZE_FILE = ROOT / "tools" / "nbval_sanitize.cfg"


def apply_environment() -> None:
    """Put KERNEL_ENV into this process's environment, which every kernel it starts inherits."""
    os.environ.update(KERNEL_ENV)


def notebooks(dirs: tuple[str, ...] = NOTEBOOK_DIRS) -> list[Path]:
    """Every committed notebook of the given folders, sorted, as paths relative to the repository root."""
    found: list[Path] = []
    for d in dirs:
        found += sorted(p.relative_to(ROOT) for p in (ROOT / d).glob("*.ipynb"))
    return found
