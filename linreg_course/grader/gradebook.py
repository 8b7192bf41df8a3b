"""The gradebook of a grading run: one row per student, one column per exercise and per question.

Reports (one per notebook, as `grade()` returns them) are grouped by student (`identity`, `roster`).
When a student handed in several notebooks for one exercise, the best scoring one counts (the later one
on a tie); the others are named in the student's feedback. `grades.csv` has a header row, a row
`(maximum)` with the points each column can reach, then one row per student sorted by key: points per
exercise and per question (blank: nothing handed in for that exercise), the total, the percentage of the
maximum, the exercises handed in late, and notes (several submissions, notebooks that could not be read).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from linreg_course.grader.identity import Identity
from linreg_course.grader.roster import Roster

#: The key of the row of maxima in grades.csv.
MAXIMUM_ROW = "(maximum)"


@dataclass
class Submission:
    """One graded notebook: its report, who sent it, and its place in the run."""

    report: dict[str, Any]
    identity: Identity
    position: int


@dataclass
class Row:
    """A student's line of the gradebook, with everything that produced it."""

    key: str
    name: str
    identity_ids: dict[str, str] = field(default_factory=dict)
    roster: dict[str, str] = field(default_factory=dict)
    submissions: list[Submission] = field(default_factory=list)
    counted: dict[str, Submission] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.report["score"] for s in self.counted.values())

    def late(self) -> list[str]:
        return sorted(key for key, s in self.counted.items() if s.identity.late)


@dataclass
class Gradebook:
    """Students, exercises and maxima of a run."""

    exercises: list[str]
    questions: dict[str, list[str]]
    maximum: dict[str, float]
    question_maximum: dict[tuple[str, str], float]
    rows: list[Row]

    @property
    def total_maximum(self) -> float:
        return sum(self.maximum.values())


def fmt(points: float) -> str:
    """Points as written in the CSV files: `3`, `2.5`, never `3.0` or an exponent."""
    text = f"{points:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def build(submissions: list[Submission], roster: Roster | None = None) -> Gradebook:
    """Group the submissions by student, pick what counts, and collect the columns and their maxima."""
    exercises: dict[str, list[str]] = {}
    maximum: dict[str, float] = {}
    question_maximum: dict[tuple[str, str], float] = {}
    for s in submissions:
        key = s.report.get("exercise")
        if key and s.report["questions"]:
            exercises.setdefault(key, [q["name"] for q in s.report["questions"]])
            maximum[key] = max(maximum.get(key, 0.0), s.report["max_score"])
            for q in s.report["questions"]:
                question_maximum[key, q["name"]] = max(question_maximum.get((key, q["name"]), 0.0), q["max_points"])
    rows: dict[str, Row] = {}
    if roster is not None:
        for student in roster.students:
            rows.setdefault(student.key, Row(student.key, student.name, roster=student.cells))
    for s in sorted(submissions, key=lambda s: s.position):
        found = roster.find(s.identity) if roster is not None else None
        if found is not None:
            row = rows[found.key]
        else:
            row = rows.setdefault(s.identity.student, Row(s.identity.student, s.identity.student))
            if roster is not None and "not on the roster" not in row.notes:
                row.notes.append("not on the roster")
        row.identity_ids.update(s.identity.ids)
        row.submissions.append(s)
    for row in rows.values():
        _choose(row, exercises)
        if not row.submissions:
            row.notes.append("no submission")
    ordered = [rows[k] for k in sorted(rows)]
    return Gradebook(sorted(exercises), {k: exercises[k] for k in sorted(exercises)}, maximum, question_maximum,
                     ordered)


def _choose(row: Row, exercises: dict[str, list[str]]) -> None:
    """The submission that counts for each exercise (the best; the later on a tie), and notes on the rest."""
    by_exercise: dict[str, list[Submission]] = {}
    for s in row.submissions:
        key = s.report.get("exercise")
        if key in exercises:
            by_exercise.setdefault(key, []).append(s)
        else:
            why = (s.report.get("problems") or ["it names no exercise"])[0]
            row.notes.append(f"{s.report['submission']} was not graded: {why}")
    for key, candidates in sorted(by_exercise.items()):
        best = max(candidates, key=lambda s: (s.report["score"], s.position))
        row.counted[key] = best
        if len(candidates) > 1:
            row.notes.append(f"{len(candidates)} submissions of {key}; the best counts")


def columns(book: Gradebook) -> list[str]:
    """The header of grades.csv."""
    head = ["student", "name"]
    for key in book.exercises:
        head += [key] + [f"{key} {q}" for q in book.questions[key]]
    return head + ["total", "percent", "late", "notes"]


def grades_csv(book: Gradebook) -> str:
    """The text of grades.csv (deterministic: the same reports give the same bytes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(book))
    maxima = [MAXIMUM_ROW, ""]
    for key in book.exercises:
        maxima += [fmt(book.maximum[key])] + [fmt(book.question_maximum[key, q]) for q in book.questions[key]]
    writer.writerow(maxima + [fmt(book.total_maximum), "100.0", "", ""])
    for row in book.rows:
        cells = [row.key, row.name]
        for key in book.exercises:
            counted = row.counted.get(key)
            if counted is None:
                cells += [""] * (1 + len(book.questions[key]))
                continue
            points = {q["name"]: q["points"] for q in counted.report["questions"]}
            cells += [fmt(counted.report["score"])] + [fmt(points.get(q, 0.0)) for q in book.questions[key]]
        percent = 100 * row.total / book.total_maximum if book.total_maximum else 0.0
        cells += [fmt(row.total), f"{percent:.1f}", " ".join(row.late()), "; ".join(row.notes)]
        writer.writerow(cells)
    return out.getvalue()
