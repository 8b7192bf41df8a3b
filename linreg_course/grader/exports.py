"""What a grading run leaves for the teacher besides report.json: the gradebook, feedback and LMS files.

Every run (and every `merge` of shard runs) writes into its output folder:

- `grades.csv`: the gradebook (`linreg_course.grader.gradebook`);
- `feedback/STUDENT.md`: one file per student (`linreg_course.grader.feedback`);
- `canvas.csv`: Canvas's gradebook import format, one column per exercise;
- `moodle/NN_topic.csv`: per exercise, Moodle's offline grading worksheet, for the students whose
  participant number is known (from a Moodle download or the roster);
- `run.json`: what the gradebook was built from (which folder each notebook was found in, which shard),
  so that `merge` rebuilds exactly what a single run writes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linreg_course.grader.feedback import student_feedback
from linreg_course.grader.gradebook import Gradebook, Row, Submission, build, fmt, grades_csv
from linreg_course.grader.identity import compile_pattern, file_name, identify, identify_with_pattern
from linreg_course.grader.reports import write_atomic
from linreg_course.grader.roster import Roster, read_roster

RUN_FILE, GRADES, CANVAS, MOODLE, FEEDBACK = "run.json", "grades.csv", "canvas.csv", "moodle", "feedback"

#: Canvas's gradebook import columns before the assignments (as its own export writes them).
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: Moodle's offline grading worksheet: the columns its importer reads (Identifier, Grade, Last modified
#: (grade)) and the ones it shows.
MOODLE_COLUMNS = ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)",
                  "Feedback comments"]


@dataclass
class Settings:
    """How the gradebook is built and what the feedback shows (from the command line)."""

    roster: Path | None = None
    student_pattern: str | None = None
    reveal_hidden: bool = False


def root_of(path: Path, roots: list[Path]) -> Path:
    """The folder given on the command line under which `path` was found (its parent if given as a file)."""
    for root in roots:
        if root.is_dir() and (path == root or root in path.parents):
            return root
    return path.parent


def run_record(submissions: list[Path], roots: list[Path], positions: list[int], shard: tuple[int, int] | None,
               total: int) -> dict[str, Any]:
    """The content of run.json: each graded notebook's path, root and position among all of the run's."""
    entries = [{"submission": str(p), "root": str(root_of(p, roots)), "position": i}
               for p, i in zip(submissions, positions, strict=True)]
    return {"shard": list(shard) if shard else None, "total": total, "entries": entries}


def submissions_of(reports: list[dict[str, Any]], record: dict[str, Any], settings: Settings) -> list[Submission]:
    """Attach to each report who sent it (identity from its path, or --student-pattern)."""
    pattern = compile_pattern(settings.student_pattern) if settings.student_pattern else None
    by_path = {e["submission"]: e for e in record["entries"]}
    found = []
    for report in reports:
        entry = by_path[report["submission"]]
        path, root = Path(entry["submission"]), Path(entry["root"])
        identity = (identify_with_pattern(path, root, pattern) if pattern else None) or identify(path, root)
        found.append(Submission(report, identity, entry["position"]))
    return found


def canvas_csv(book: Gradebook) -> str:
    """Canvas's gradebook import file: the student columns, then one column per exercise, maxima first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANVAS_COLUMNS + book.exercises)
    writer.writerow(["Points Possible", "", "", "", ""] + [fmt(book.maximum[k]) for k in book.exercises])
    for row in book.rows:
        canvas_id = row.roster.get("ID") or row.identity_ids.get("canvas_user_id", "")
        cells = [row.roster.get("Student") or row.name, canvas_id, row.roster.get("SIS User ID", ""),
                 row.roster.get("SIS Login ID", ""), row.roster.get("Section", "")]
        cells += [fmt(row.counted[k].report["score"]) if k in row.counted else "" for k in book.exercises]
        writer.writerow(cells)
    return out.getvalue()


def moodle_participant(row: Row) -> str | None:
    """The Moodle participant number of a student: from the download's folder names, or the roster."""
    if "moodle_participant" in row.identity_ids:
        return row.identity_ids["moodle_participant"]
    match = re.fullmatch(r"Participant\s*(\d+)", row.roster.get("Identifier", ""))
    return match.group(1) if match else None


def feedback_comment(row: Row, key: str) -> str:
    """One line for Moodle's feedback column: points per question."""
    report = row.counted[key].report
    parts = [f"{q['name']} {fmt(q['points'])}/{fmt(q['max_points'])}" for q in report["questions"]]
    return f"{fmt(report['score'])}/{fmt(report['max_score'])} points ({', '.join(parts)})"


def moodle_worksheets(book: Gradebook, when: str) -> dict[str, str]:
    """Per exercise, Moodle's grading worksheet for the students whose participant number is known."""
    sheets = {}
    for key in book.exercises:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MOODLE_COLUMNS)
        rows = 0
        for row in book.rows:
            participant = moodle_participant(row)
            if participant is None or key not in row.counted:
                continue
            writer.writerow([f"Participant {participant}", row.roster.get("Full name") or row.name,
                             row.roster.get("Email address", ""), fmt(row.counted[key].report["score"]),
                             fmt(book.maximum[key]), when, feedback_comment(row, key)])
            rows += 1
        if rows:
            sheets[key] = out.getvalue()
    return sheets


def write_gradebook(out: Path, reports: list[dict[str, Any]], record: dict[str, Any],
                    settings: Settings) -> list[str]:
    """Write run.json, grades.csv, feedback/, canvas.csv and moodle/ into `out`; the lines to print."""
    roster: Roster | None = read_roster(settings.roster) if settings.roster else None
    book = build(submissions_of(reports, record, settings), roster)
    write_atomic(out / RUN_FILE, json.dumps(record, indent=1) + "\n")
    write_atomic(out / GRADES, grades_csv(book))
    write_atomic(out / CANVAS, canvas_csv(book))
    feedback = out / FEEDBACK
    feedback.mkdir(exist_ok=True)
    for old in feedback.glob("*.md"):
        old.unlink()
    used: set[str] = set()
    for row in book.rows:
        name = file_name(row.key)
        while name in used:
            name += "_"
        used.add(name)
        write_atomic(feedback / f"{name}.md", student_feedback(book, row, settings.reveal_hidden))
    sheets = moodle_worksheets(book, time.strftime("%Y-%m-%d %H:%M"))
    if sheets:
        (out / MOODLE).mkdir(exist_ok=True)
        for key, text in sheets.items():
            write_atomic(out / MOODLE / f"{key}.csv", text)
    students = f"{len(book.rows)} student{'s' if len(book.rows) != 1 else ''}"
    exercises = f"{len(book.exercises)} exercise{'s' if len(book.exercises) != 1 else ''}"
    lines = [f"gradebook: {out / GRADES} ({students}, {exercises}), feedback in {feedback}/"]
    if len(book.rows) == 1:
        lines.append(f"your feedback, every test's message: {feedback / (file_name(book.rows[0].key) + '.md')}")
    unknown = [r for r in book.rows if r.submissions and "not on the roster" in r.notes]
    if unknown:
        lines.append(f"not on the roster: {', '.join(r.key for r in unknown)}")
    return lines
