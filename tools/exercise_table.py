"""Write (or check) the students' page table of exercises: expected time, core and stretch questions.

Each solution's first cell says how long its exercise should take, in a line
`Expected time: about N minutes.`; each question's level (core or stretch) is the one its question module
gives. The table goes into book/exercises.md between two marker comments. `make exercises` writes it;
`--check` exits 1 when the page is out of date (the tests run it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from linreg_course.grader.core import questions_for
from tools.notebook_settings import ROOT

PAGE = ROOT / "book" / "exercises.md"
START, END = "<!-- exercise-table: start (tools/exercise_table.py writes it) -->", "<!-- exercise-table: end -->"
TIME = re.compile(r"^Expected time: about (\d+) minutes\.$", flags=re.MULTILINE)
TITLE = re.compile(r"^# Solution (\d+)\. (.+)$", flags=re.MULTILINE)


class TableError(ValueError):
    """A solution does not say what the table needs."""


def row(path) -> str:
    """One exercise's row: its link, expected time, and its core and stretch questions."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first = "".join(cells[0]["source"])
    title, time = TITLE.search(first), TIME.search(first)
    if not title or not time:
        raise TableError(f"{path.relative_to(ROOT)}: its first cell needs '# Solution N. Title' and a line "
                         f"'Expected time: about N minutes.'")
    levels: dict[str, list[str]] = {"core": [], "stretch": []}
    for name, question in questions_for(path.stem).items():
        levels[question.level].append(name)
    link = f"[{int(title.group(1))}. {title.group(2)}](../exercises/{path.name})"
    return f"| {link} | {time.group(1)} min | {', '.join(levels['core'])} | {', '.join(levels['stretch']) or '–'} |"


def table() -> str:
    """The whole table, one row per solution."""
    rows = [row(path) for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))]
    return "\n".join(["| Exercise | Expected time | Core questions | Stretch questions |",
                      "|---|---|---|---|", *rows])


def page_with_table(text: str) -> str:
    """The page's text with the table between its markers."""
    if START not in text or END not in text:
        raise TableError(f"{PAGE.relative_to(ROOT)} lacks the markers {START!r} and {END!r}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page's table is out of date")
    args = parser.parse_args(argv)
    text = PAGE.read_text(encoding="utf-8")
    fresh = page_with_table(text)
    if args.check:
        if fresh != text:
            print(f"{PAGE.relative_to(ROOT)}: the exercise table is out of date: run make exercises")
            return 1
        return 0
    if fresh != text:
        PAGE.write_text(fresh, encoding="utf-8")
        print(f"{PAGE.relative_to(ROOT)}: exercise table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
