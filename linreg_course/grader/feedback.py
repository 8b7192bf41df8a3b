"""Per-student feedback: a Markdown file each, with every public test's verdict and message.

Hidden tests are student-facing only as a count per question ("2 hidden tests passed, 1 failed"): their
names and messages would tell a student what they test. A teacher who wants them anyway (for a private
review) asks for them with `--feedback-hidden`.
"""

from __future__ import annotations

from typing import Any

from linreg_course.grader.gradebook import Gradebook, Row, Submission, fmt
from linreg_course.grader.notebook import MARKS


def hidden_summary(tests: list[dict[str, Any]]) -> str:
    """`3 hidden tests passed` or `2 hidden tests passed, 1 failed`: all a student learns about them."""
    passed = sum(t["status"] == "passed" for t in tests)
    failed = len(tests) - passed
    text = f"{passed} hidden {'test' if passed == 1 else 'tests'} passed"
    return text + (f", {failed} failed" if failed else "")


def _test_lines(test: dict[str, Any], hidden_label: str = "") -> list[str]:
    lines = [f"- {MARKS.get(test['status'], test['status'].upper())}: {test['name']}{hidden_label}"]
    lines += [f"  {line}" for line in test["message"].splitlines() if line.strip()]
    return lines


def submission_feedback(submission: Submission, reveal_hidden: bool = False, level: str = "##") -> list[str]:
    """The Markdown of one graded notebook: score, problems, and each question's tests."""
    report = submission.report
    title = report.get("exercise") or "unknown exercise"
    lines = [f"{level} {title}: {fmt(report['score'])}/{fmt(report['max_score'])} points", ""]
    lines.append(f"Graded from `{report['submission']}`" + (", handed in late." if submission.identity.late else "."))
    lines.append("")
    for problem in report["problems"]:
        lines.append(f"- Problem: {problem}")
    for error in report["cell_errors"]:
        lines.append(f"- Cell {error['cell']} raised {error['error']}")
    if report["problems"] or report["cell_errors"]:
        lines.append("")
    for question in report["questions"]:
        lines.append(f"{level}# {question['name']} ({question['title']}): "
                     f"{fmt(question['points'])}/{fmt(question['max_points'])} points")
        lines.append("")
        hidden = [t for t in question["tests"] if t["hidden"]]
        for test in question["tests"]:
            if not test["hidden"]:
                lines += _test_lines(test)
            elif reveal_hidden:
                lines += _test_lines(test, " (hidden test)")
        if hidden and not reveal_hidden:
            lines.append(f"- {hidden_summary(hidden)}")
        lines.append("")
    return lines


def student_feedback(book: Gradebook, row: Row, reveal_hidden: bool = False) -> str:
    """The feedback file of one student."""
    lines = [f"# Feedback for {row.name}", ""]
    handed_in = [k for k in book.exercises if k in row.counted]
    lines.append(f"Total: {fmt(row.total)}/{fmt(book.total_maximum)} points "
                 f"({len(handed_in)} of {len(book.exercises)} exercises graded in this run handed in).")
    lines.append("")
    for note in row.notes:
        lines.append(f"- {note}")
    if row.notes:
        lines.append("")
    for key in book.exercises:
        if key in row.counted:
            lines += submission_feedback(row.counted[key], reveal_hidden)
        else:
            lines += [f"## {key}: not handed in, 0/{fmt(book.maximum[key])} points", ""]
    others = [s for s in row.submissions if s not in row.counted.values() and s.report.get("exercise") in book.maximum]
    if others:
        lines += ["## Other submissions (not counted: a better one of the same exercise counts)", ""]
        for s in others:
            lines.append(f"- `{s.report['submission']}`: {fmt(s.report['score'])}/{fmt(s.report['max_score'])} points")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
