"""Configuration for the student-facing site: the book without its Solutions part.

`make book-student` writes `_build/student/_config.yml` and `_build/student/_toc.yml` from the course's
own files (the Solutions part dropped from the table of contents, `solutions/` excluded from the
build, the output in `_build/student/html`) and builds with them.
"""

from __future__ import annotations

import re
import sys

from tools.notebook_settings import ROOT

OUT = ROOT / "_build" / "student"


def student_toc(toc: str) -> str:
    """The table of contents without its "Solutions" part (the part runs to the next `- caption:`)."""
    without = re.sub(r"^  - caption: Solutions\n(?:(?!  - caption:).*\n)*", "", toc, flags=re.MULTILINE)
    if without == toc:
        raise ValueError("_toc.yml has no part captioned Solutions")
    return without


def student_config(config: str) -> str:
    """The book configuration with solutions/ excluded from the build."""
    marker = "exclude_patterns:\n"
    if marker not in config:
        raise ValueError("_config.yml has no exclude_patterns list")
    return config.replace(marker, marker + "  - solutions\n", 1)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "_toc.yml").write_text(student_toc((ROOT / "_toc.yml").read_text(encoding="utf-8")), encoding="utf-8")
    (OUT / "_config.yml").write_text(student_config((ROOT / "_config.yml").read_text(encoding="utf-8")),
                                     encoding="utf-8")
    print(f"wrote {OUT / '_toc.yml'} and {OUT / '_config.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
