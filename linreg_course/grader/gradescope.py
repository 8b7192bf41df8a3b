"""Gradescope: the autograder's `results.json` from the grader's reports, and the command `run_autograder` runs.

Gradescope runs `run_autograder` once per submission, with the student's files in
`/autograder/submission/`, and shows what `/autograder/results/results.json` says. Here each question of
each submitted notebook becomes one Gradescope test (its points, its public tests' verdicts and messages,
and its hidden tests as a count), so a student sees the same as in their feedback file; the full report,
hidden tests included, goes to standard output, which Gradescope shows to instructors only.

    python -m linreg_course.grader.gradescope SUBMISSION_DIR RESULTS_JSON [--hidden DIR] [grader options]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from linreg_course.grader.feedback import hidden_summary
from linreg_course.grader.gradebook import fmt
from linreg_course.grader.notebook import MARKS


def question_output(question: dict[str, Any]) -> str:
    """A question's public tests, one line each with its message, and its hidden tests as a count."""
    lines = []
    for test in question["tests"]:
        if test["hidden"]:
            continue
        lines.append(f"{MARKS.get(test['status'], test['status'].upper())}: {test['name']}")
        lines += [f"    {line}" for line in test["message"].splitlines() if line.strip()]
    hidden = [t for t in question["tests"] if t["hidden"]]
    if hidden:
        lines.append(hidden_summary(hidden))
    return "\n".join(lines)


def results(reports: list[dict[str, Any]], note: str = "") -> dict[str, Any]:
    """Gradescope's results.json for the notebooks of one submission."""
    tests, summary = [], []
    for report in reports:
        exercise = report.get("exercise") or "?"
        name = Path(report["submission"]).name
        summary.append(f"{name} ({exercise}): {fmt(report['score'])}/{fmt(report['max_score'])} points")
        summary += [f"  problem: {p}" for p in report["problems"]]
        summary += [f"  cell {e['cell']} raised {e['error']}" for e in report["cell_errors"]]
        for number, question in enumerate(report["questions"], start=1):
            tests.append({
                "name": f"{exercise} {question['name']}: {question['title']}",
                "number": f"{exercise[:2]}.{number}",
                "score": question["points"],
                "max_score": question["max_points"],
                "status": "passed" if question["points"] >= question["max_points"] else "failed",
                "output": question_output(question),
                "output_format": "text",
                "visibility": "visible",
            })
    if note:
        summary.insert(0, note)
    return {
        "score": sum(r["score"] for r in reports),
        "execution_time": round(sum(r.get("seconds", 0.0) for r in reports)),
        "output": "\n".join(summary),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"notebooks": [r["submission"] for r in reports]},
    }


def main(argv: list[str] | None = None) -> int:
    """Grade the notebooks of one Gradescope submission and write results.json (always, whatever happens)."""
    from linreg_course.grader.cli import main as grade_main

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", type=Path, help="the folder of the student's files (/autograder/submission)")
    parser.add_argument("results", type=Path, help="where to write results.json (/autograder/results/results.json)")
    args, grader_options = parser.parse_known_args(argv)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(p for p in args.submission.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        found = results([], "No notebook (.ipynb) was submitted: upload your exercise notebook.")
        args.results.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory(prefix="gradescope-") as out:
        status = grade_main([str(args.submission), "--out", out, *grader_options])
        try:
            reports = json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))["submissions"]
        except (OSError, ValueError, KeyError):
            reports = []
        note = "" if reports else f"The grader could not grade this submission (status {status}); tell your teacher."
        args.results.write_text(json.dumps(results(reports, note), indent=1) + "\n", encoding="utf-8")
        print(json.dumps(reports, indent=1))  # for instructors: stdout is not shown to students
    return 0


if __name__ == "__main__":
    sys.exit(main())
