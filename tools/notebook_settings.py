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
