"""The grader's outputs: per-submission reports, the summary `report.json`, `junit.xml` and the table.

Every file is written by the grader alone, atomically (a temporary file in the same folder, then
`os.replace`), so a reader never sees half a report and a FIFO or a stale file at the path is simply
replaced. The counts that the printed last line, `report.json`, `junit.xml` and the exit status give
all come from `count_tests`: a submission that could not be graded and has no tests (a corrupt file of
an unknown exercise) counts as one failed test everywhere.
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

#: What a grading run writes into its output folder.
SUMMARY, JUNIT, SUBMISSIONS = "report.json", "junit.xml", "submissions"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that the path holds either the old file or the whole new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def submission_file(index: int, report: dict[str, Any]) -> str:
    """The name of a submission's own report: its position and a plain version of its file name."""
    stem = Path(report["submission"]).stem
    plain = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._")[:60] or "notebook"
    return f"{index:04d}_{plain}.json"


def tests_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for q in report["questions"] for t in q["tests"]]


def count_tests(report: dict[str, Any]) -> tuple[int, int]:
    """(passed, failed) tests of one submission; an ungraded one without tests is one failure."""
    tests = tests_of(report)
    passed = sum(t["status"] == "passed" for t in tests)
    failed = len(tests) - passed
    if not tests and report.get("status", "graded") != "graded":
        failed = 1
    return passed, failed


def summary(reports: list[dict[str, Any]], expected: int, sandbox: str, limits: dict[str, Any]) -> dict[str, Any]:
    """The content of `report.json`: totals, counts, whether the run is complete, and every report."""
    counts = [count_tests(r) for r in reports]
    return {"complete": len(reports) == expected, "graded": len(reports), "expected": expected,
            "sandbox": sandbox, "limits": limits,
            "score": sum(r["score"] for r in reports), "max_score": sum(r["max_score"] for r in reports),
            "passed": sum(c[0] for c in counts), "failed": sum(c[1] for c in counts), "submissions": reports}


def junit_xml(reports: list[dict[str, Any]]) -> str:
    """One test suite per submission, one test case per test (one failing case for an ungraded notebook)."""
    suites = ET.Element("testsuites")
    for report in reports:
        tests = [(q, t) for q in report["questions"] for t in q["tests"]]
        passed, failed = count_tests(report)
        suite = ET.SubElement(suites, "testsuite", name=report["submission"], tests=str(passed + failed),
                              failures=str(failed), errors="0", time=str(report.get("seconds", 0)))
        for question, test in tests:
            case = ET.SubElement(suite, "testcase", classname=f"{report['exercise']}.{question['name']}",
                                 name=test["name"])
            if test["status"] != "passed":
                failure = ET.SubElement(case, "failure", message=test["message"] or test["status"])
                failure.text = f"{test['status']}: {test['message']}"
        if not tests and failed:
            case = ET.SubElement(suite, "testcase", classname=str(report["exercise"] or "unknown"),
                                 name="the notebook can be graded")
            problem = (report["problems"] or [report.get("status", "not graded")])[0]
            failure = ET.SubElement(case, "failure", message=problem)
            failure.text = f"{report.get('status', 'not graded')}: {problem}"
        if report["cell_errors"] or report["problems"]:
            err = ET.SubElement(suite, "system-err")
            err.text = "\n".join(report["problems"] + [f"cell {e['cell']}: {e['error']}"
                                                       for e in report["cell_errors"]])
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def table(reports: list[dict[str, Any]]) -> str:
    """A plain-text table: one row per submission with its score and the questions not at full marks."""
    rows = [("submission", "exercise", "score", "not at full marks")]
    for r in reports:
        weak = [f"{q['name']} ({q['status']})" for q in r["questions"] if q["points"] < q["max_points"]]
        if r["problems"]:
            weak.insert(0, r["problems"][0])
        if r.get("status", "graded") != "graded":
            weak.insert(0, r["status"].upper())
        rows.append((r["submission"], r["exercise"] or "?", f"{r['score']:g}/{r['max_score']:g}",
                     ", ".join(weak) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows)

