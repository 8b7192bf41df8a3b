"""The committed notebooks, read once for the tests that inspect them."""

from __future__ import annotations

import json
from pathlib import Path

from tools.notebook_settings import ROOT, notebooks

CHAPTERS = notebooks(("chapters",))
STORED = notebooks(("chapters", "solutions"))  # notebooks committed with their outputs


def load(path: Path) -> dict:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])
