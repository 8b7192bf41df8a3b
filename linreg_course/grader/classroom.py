"""GitHub Classroom: grade the exercises a student committed in `work/`, and report points per exercise.

`.github/workflows/classroom.yml` runs, in the student's repository,

    python -m linreg_course.grader.classroom work --out grading-report --no-sandbox

which grades every committed notebook in `work/` with the public tests (the student's repository holds no
hidden tests; the notebooks are the student's own, on the student's throw-away runner, so they run
without bubblewrap, whose user namespaces GitHub's Ubuntu runners forbid), then, for each exercise, hands
GitHub Classroom's reporter (`classroom-resources/autograding-grading-reporter`) one result: an
environment variable `EXNN_RESULTS` (base64 JSON in the reporter's format, one entry per point, so that
the reporter's table and the points it sends to Classroom both equal the grader's) and the step output
`runners`. The job summary gets a table of points per exercise and the feedback of every failed test.
This score is feedback for the student, who controls the repository; the teacher's score comes from
grading the collected repositories on the teacher's side (`python -m linreg_course.grader collect`).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

from linreg_course.grader.gradebook import fmt


def runner_id(exercise: str) -> str:
    """The reporter's runner id of an exercise: `ex03` (its variable is `EX03_RESULTS`)."""
    return f"ex{exercise[:2]}"


def reporter_result(report: dict[str, Any]) -> dict[str, Any]:
    """One exercise's result in the reporter's format: an entry per point, passed or failed with its test."""
    tests = []
    for question in report["questions"]:
        for test in question["tests"]:
            units = max(1, round(test["max_points"]))
            for unit in range(units):
                passed = test["status"] == "passed"
                name = f"{question['name']}: {test['name']}" + (f" (point {unit + 1} of {units})" if units > 1 else "")
                tests.append({"name": name, "status": "pass" if passed else "fail",
                              "score": test["max_points"] / units if passed else 0,
                              "message": test["message"], "test_code": "", "filename": "", "line_no": 0,
                              "duration": 0})
    complete = report["max_score"] > 0 and report["score"] >= report["max_score"]
    status = "error" if report.get("status", "graded") != "graded" else "pass" if complete else "fail"
    return {"version": 1, "status": status, "max_score": report["max_score"], "tests": tests}


def best_per_exercise(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The best report of each exercise (a student may have two copies of one exercise in work/)."""
    best: dict[str, dict[str, Any]] = {}
    for report in reports:
        key = report.get("exercise")
        if key and (key not in best or report["score"] > best[key]["score"]):
            best[key] = report
    return dict(sorted(best.items()))


def summary_markdown(best: dict[str, dict[str, Any]], ungraded: list[dict[str, Any]]) -> str:
    """The job summary: points per exercise, then what failed and why."""
    lines = ["## Points per exercise (public tests; your teacher's grading adds hidden tests)", "",
             "| Exercise | Points | Not at full marks |", "| --- | ---: | --- |"]
    for key, report in best.items():
        weak = ", ".join(q["name"] for q in report["questions"] if q["points"] < q["max_points"]) or "-"
        lines.append(f"| {key} | {fmt(report['score'])}/{fmt(report['max_score'])} | {weak} |")
    for report in ungraded:
        lines.append(f"| `{report['submission']}` | - | {(report['problems'] or ['not graded'])[0]} |")
    lines.append("")
    for key, report in best.items():
        for question in report["questions"]:
            for test in question["tests"]:
                if test["status"] != "passed":
                    lines.append(f"- **{key} {question['name']}** {test['name']}: {test['message'] or test['status']}")
    return "\n".join(lines) + "\n"


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as file:
            file.write(text)


def main(argv: list[str] | None = None) -> int:
    """Grade the committed notebooks and hand each exercise's result to the reporter step."""
    from linreg_course.grader.cli import main as grade_main

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="the folder of the student's notebooks (work)")
    parser.add_argument("--out", type=Path, default=Path("grading-report"))
    args, grader_options = parser.parse_known_args(argv)
    notebooks = sorted(args.work.glob("*.ipynb"))
    if not notebooks:
        _append("GITHUB_STEP_SUMMARY", f"No exercise committed in {args.work}/ yet: nothing to grade.\n")
        print(f"no notebooks in {args.work}/")
        return 0
    status = grade_main([str(args.work), "--out", str(args.out), "--no-hidden", *grader_options])
    try:
        reports = json.loads((args.out / "report.json").read_text(encoding="utf-8"))["submissions"]
    except (OSError, ValueError, KeyError):
        print(f"the grader could not grade {args.work}/ (status {status})", file=sys.stderr)
        return 2
    best = best_per_exercise(reports)
    runners = []
    for key, report in best.items():
        encoded = base64.b64encode(json.dumps(reporter_result(report)).encode()).decode()
        _append("GITHUB_ENV", f"{runner_id(key).upper()}_RESULTS={encoded}\n")
        runners.append(runner_id(key))
    _append("GITHUB_OUTPUT", f"runners={','.join(runners)}\n")
    ungraded = [r for r in reports if not r.get("exercise")]
    _append("GITHUB_STEP_SUMMARY", summary_markdown(best, ungraded))
    print(f"graded {len(best)} exercise(s): {', '.join(best) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
