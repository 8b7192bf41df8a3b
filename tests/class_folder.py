"""A class as LMSs hand it to a teacher, built from the solutions: the submissions of the teaching tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tools.notebook_settings import ROOT


def edited_solution(key: str, word: str, code: str) -> dict[str, Any]:
    """The solution of exercise `key` with the code cell containing `word` replaced by `code` (a wrong answer)."""
    nb = copy.deepcopy(json.loads((ROOT / "solutions" / f"{key}.ipynb").read_text(encoding="utf-8")))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and word in "".join(c["source"]))
    cell["source"] = code
    return nb


def write(nb: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path
