"""How long each chapter's main path is: words of prose a reader meets when skipping every "Going deeper".

    python -m tools.prose              # a table for every chapter
    python -m tools.prose chapters/03_gradient_descent.ipynb

Counted: the words of every Markdown cell, inline math and code spans as one word each. Not counted:
code cells, display math ($$ ... $$ and LaTeX environments), HTML comments, and every "Going deeper"
block: a heading whose title starts with "Going deeper" opens one, and it runs until the next heading of
the same or a higher level. The book folds those blocks (book/_ext), so the main path reads straight
through; tests/test_prose.py holds each chapter to MAX_WORDS.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tools.notebook_settings import ROOT, notebooks

#: The longest main path a chapter may have, in words of prose.
MAX_WORDS = 1800

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.DOTALL)
_INLINE = re.compile(r"\$[^$\n]+\$|`[^`\n]+`")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_FENCE = re.compile(r"^```(.*)$")


def _words(text: str) -> int:
    text = _COMMENT.sub(" ", text)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _INLINE.sub(" X ", text)
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", text))


def main_path_words(path: Path) -> tuple[int, int]:
    """(words on the main path, words inside "Going deeper" blocks) of the notebook at `path`."""
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    main_lines: list[str] = []
    deep_lines: list[str] = []
    deep_level = 0  # the level of the open "Going deeper" heading; 0 when none is open
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        in_code = False  # inside a fenced code block (```python ...): code, not prose
        for line in source.splitlines():
            fence = _CODE_FENCE.match(line.strip())
            if in_code:
                in_code = not (fence and fence.group(1) == "")
                continue
            if fence and not fence.group(1).startswith("{"):
                in_code = True
                continue
            heading = _HEADING.match(line)
            if heading:
                level, title = len(heading.group(1)), heading.group(2).strip()
                if deep_level and level <= deep_level:
                    deep_level = 0
                if title.lower().startswith("going deeper"):
                    deep_level = level
            (deep_lines if deep_level else main_lines).append(line)
        main_lines.append("")
        deep_lines.append("")
    return _words("\n".join(main_lines)), _words("\n".join(deep_lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve().relative_to(ROOT) for p in args.paths] or notebooks(("chapters",))
    over = 0
    print(f"{'chapter':45} {'main path':>9} {'going deeper':>12}")
    for path in paths:
        main_words, deep_words = main_path_words(path)
        flag = f"  over {MAX_WORDS}" if main_words > MAX_WORDS else ""
        over += bool(flag)
        print(f"{path.as_posix():45} {main_words:9d} {deep_words:12d}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
