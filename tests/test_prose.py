"""Each chapter's main path reads in one sitting: at most MAX_WORDS words of prose outside "Going deeper".

tools/prose.py counts (and prints a table with `python -m tools.prose`); this holds every chapter to it,
and checks the counter on a small notebook so that a change to it cannot silently count nothing.
"""

from __future__ import annotations

import json

import pytest
from notebook_files import CHAPTERS

from tools import prose
from tools.prose import MAX_WORDS, main_path_words


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_main_path_is_short(path):
    words, _ = main_path_words(path)
    assert words <= MAX_WORDS, f"{path}: {words} words on the main path, more than {MAX_WORDS}; fold a deep dive"


def test_counter_skips_code_math_and_going_deeper(tmp_path, monkeypatch):
    cells = [
        {"cell_type": "markdown", "source": "## Main\n\nOne two three $x^2$ `code`.\n\n$$a + b$$\n"},
        {"cell_type": "code", "source": "many words in code are not prose at all", "outputs": []},
        {"cell_type": "markdown", "source": "### Going deeper: more\n\nfour five six seven\n```python\nx = 1\n```\n"},
        {"cell_type": "markdown", "source": "eight nine\n\n## Back\n\nten"},
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    monkeypatch.setattr(prose, "ROOT", tmp_path)
    # main: "Main", One two three, X, X, "Back", ten = 8 words; deep: heading (3) + four..seven + eight nine
    assert main_path_words(path.relative_to(tmp_path)) == (8, 9)
