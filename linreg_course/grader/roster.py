"""The teacher's list of students (`--roster FILE.csv`): who is in the class, and the LMS's IDs for each.

Any CSV with a header row will do, including what the LMS itself exports: Canvas's gradebook export
(`Student, ID, SIS User ID, SIS Login ID, Section`), Moodle's grading worksheet (`Identifier, Full name,
Email address`), GitHub Classroom's roster (`identifier, github_username, github_id, name`), or a sheet of
your own. A column `student` gives the key written to `grades.csv` (else the name is the key); the name is
the first of the columns `name`, `Student`, `Full name`. A submission belongs to the row in which any
cell of a column whose values are all different (names, e-mails, IDs, user names; not sections or grades)
equals one of the names or IDs its path gives (`linreg_course.grader.identity`), ignoring case, accents,
spacing and the order of "Last, First". Students on the roster who submitted nothing get a row too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from linreg_course.grader.identity import Identity, name_variants

_NAME_COLUMNS = ("name", "Name", "Student", "Full name", "full_name")


@dataclass
class Student:
    """One row of the roster: its key in the gradebook, the name to show, and every cell by column."""

    key: str
    name: str
    cells: dict[str, str] = field(default_factory=dict)


class Roster:
    """The students of a roster file, and a lookup from any of their identifiers to the student."""

    def __init__(self, students: list[Student], identifying: list[str]):
        self.students = students
        self._index: dict[str, Student | None] = {}
        for student in students:
            for column in identifying:
                for variant in name_variants(student.cells.get(column, "")):
                    known = self._index.get(variant, student)
                    self._index[variant] = student if known is student else None  # shared: identifies no one

    def find(self, identity: Identity) -> Student | None:
        """The roster's student for a submitter, or None when nothing identifies exactly one student."""
        for alias in identity.aliases():
            for variant in sorted(name_variants(alias)):
                student = self._index.get(variant)
                if student is not None:
                    return student
        return None


def read_roster(path: Path) -> Roster:
    """Read a roster CSV (UTF-8, with or without a byte-order mark); ValueError when it has no students."""
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValueError(f"{path}: the roster has no header row")
    header = [cell.strip() for cell in rows[0]]
    name_column = next((c for c in _NAME_COLUMNS if c in header), header[0])
    students = []
    for row in rows[1:]:
        cells = {column: value.strip() for column, value in zip(header, row, strict=False) if column}
        if not any(cells.values()) or cells.get(header[0], "").startswith("Points Possible"):
            continue  # blank lines, and the line of maxima in Canvas's export
        name = cells.get(name_column, "")
        key = cells.get("student") or name
        if key:
            students.append(Student(key, name or key, cells))
    if not students:
        raise ValueError(f"{path}: the roster lists no students")
    identifying = [c for c in header if c and len({s.cells.get(c, "") for s in students}) == len(students)]
    return Roster(students, identifying)
