"""The table of contents lists every chapter, exercise and solution, and every page it lists exists."""

from __future__ import annotations

import re

from notebook_files import CHAPTERS

from tools.notebook_settings import NOTEBOOK_DIRS, ROOT, notebooks


def toc_files() -> list[str]:
    """Every `file:` and the `root:` entry of _toc.yml, as written there (no suffix)."""
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)\s*$", text, flags=re.MULTILINE)


def test_every_notebook_is_in_the_toc():
    listed = set(toc_files())
    missing = [str(p) for p in notebooks(NOTEBOOK_DIRS) if p.with_suffix("").as_posix() not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {', '.join(missing)}"


def test_every_toc_entry_exists():
    absent = [
        f for f in toc_files() if not any((ROOT / f).with_suffix(s).exists() for s in (".md", ".ipynb"))
    ]
    assert not absent, f"_toc.yml lists pages that do not exist: {', '.join(absent)}"


def test_chapters_are_listed_in_their_numbered_order():
    listed = [f for f in toc_files() if f.startswith("chapters/")]
    assert listed == sorted(listed), f"chapters out of order in _toc.yml: {listed}"


def test_chapter_files_are_numbered_and_numbers_are_unique():
    numbers = []
    for path in CHAPTERS:
        match = re.fullmatch(r"(\d\d)_[a-z0-9_]+\.ipynb", path.name)
        assert match, f"{path}: chapter files are named NN_topic.ipynb"
        numbers.append(int(match.group(1)))
    assert numbers == list(range(1, len(numbers) + 1)), f"chapter numbers have gaps: {numbers}"
