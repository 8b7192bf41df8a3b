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


def stream_text(nb: dict) -> str:
    """What the code cells printed, as stored (a stream's chunks joined: a line may be split across them)."""
    return "".join("".join(out["text"]) for cell in code_cells(nb) for out in cell.get("outputs", [])
                   if out["output_type"] == "stream")


def output_text(nb: dict) -> str:
    """Everything the stored outputs show as text: what was printed, and the text forms of displayed values."""
    shown = [stream_text(nb)]
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            for kind in ("text/plain", "text/markdown", "text/html", "text/latex"):
                if kind in out.get("data", {}):
                    value = out["data"][kind]
                    shown.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(shown)
