"""The landing page's preview of the capstone quotes numbers the capstone actually printed."""

from __future__ import annotations

import re

from notebook_files import load, stream_text

from tools.notebook_settings import ROOT

INTRO = ROOT / "book" / "intro.md"
CAPSTONE = ROOT / "chapters" / "12_capstone.ipynb"
PREVIEW_HEADING = "## Where it leads"
DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?!\.?\d)")  # 52.93, also before a full stop


def preview_text() -> str:
    """The intro's preview section: from its heading to the next heading of the same level."""
    text = INTRO.read_text(encoding="utf-8")
    assert PREVIEW_HEADING in text, f"{INTRO.name} has no section {PREVIEW_HEADING!r}"
    section = text.split(PREVIEW_HEADING, 1)[1]
    return section.split("\n## ", 1)[0]


def test_preview_quotes_numbers():
    assert len(DECIMAL.findall(preview_text())) >= 3, "the preview should quote the capstone's test errors"


def test_every_number_in_the_preview_was_printed_by_the_capstone():
    printed = set(DECIMAL.findall(stream_text(load(CAPSTONE.relative_to(ROOT)))))
    quoted = DECIMAL.findall(preview_text())
    missing = [number for number in quoted if number not in printed]
    assert not missing, (
        f"book/intro.md quotes {missing}, which chapters/12_capstone.ipynb does not print: "
        "copy the numbers from the capstone's stored outputs (after `make refresh`)"
    )


def test_preview_states_the_patient_counts_the_capstone_uses():
    printed = stream_text(load(CAPSTONE.relative_to(ROOT)))
    preview = preview_text()
    for count in re.findall(r"\b(\d+)\s+(?:diabetes\s+)?patients\b", preview):
        assert re.search(rf"\b{count}\b", printed), (
            f"book/intro.md speaks of {count} patients, which the capstone does not print"
        )
