"""Configuration for the student-facing site: the book without its Solutions part.

`make book-student` writes `_build/student/_config.yml` and `_build/student/_toc.yml` from the course's
own files (the Solutions part dropped from the table of contents, `solutions/` excluded from the
build, the output in `_build/student/html`) and builds with them.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tools.notebook_settings import ROOT

OUT = ROOT / "_build" / "student"


def student_toc(toc: str) -> str:
    """The table of contents without its "Solutions" part (the part runs to the next `- caption:`)."""
    without = re.sub(r"^  - caption: Solutions\n(?:(?!  - caption:).*\n)*", "", toc, flags=re.MULTILINE)
    if without == toc:
        raise ValueError("_toc.yml has no part captioned Solutions")
    return without


def relocate_local_extensions(config: str, out: Path, root: Path = ROOT) -> str:
    """The config with `local_extensions` paths rewritten for a copy of it written to `out`.

    Jupyter Book resolves them against the folder of the config file it is given, so the copy in
    `_build/student/` must point back at the repository's `book/_ext`.
    """
    block = re.search(r"^  local_extensions:\n((?:    \S.*\n)+)", config, flags=re.MULTILINE)
    if block is None:
        return config

    def moved(match: re.Match) -> str:
        target = (root / match.group(2)).resolve()
        return f"{match.group(1)}{Path(os.path.relpath(target, out.resolve())).as_posix()}"

    lines = re.sub(r"^(    [\w.]+: )(\S+)$", moved, block.group(1), flags=re.MULTILINE)
    return config[: block.start(1)] + lines + config[block.end(1):]


def student_config(config: str, out: Path = OUT) -> str:
    """The book configuration with solutions/ excluded from the build, for a copy written to `out`."""
    marker = "exclude_patterns:\n"
    if marker not in config:
        raise ValueError("_config.yml has no exclude_patterns list")
    return relocate_local_extensions(config.replace(marker, marker + "  - solutions\n", 1), out)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "_toc.yml").write_text(student_toc((ROOT / "_toc.yml").read_text(encoding="utf-8")), encoding="utf-8")
    (OUT / "_config.yml").write_text(student_config((ROOT / "_config.yml").read_text(encoding="utf-8")),
                                     encoding="utf-8")
    print(f"wrote {OUT / '_toc.yml'} and {OUT / '_config.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
