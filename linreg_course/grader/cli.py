"""The command-line grader: `python -m linreg_course.grader SUBMISSION... [options]`.

Each submission (a notebook, or a directory searched for `*.ipynb`) is graded in its own process
(`linreg_course.grader.execute`), several at a time, each killed at the total time limit. The reports
are gathered into `report.json` and `junit.xml`; a table and a final line `N passed, N failed` (tests)
are printed. The exit status is 0 when every test passed, or with `--threshold`, when every submission
scored at least that fraction of its maximum; 1 otherwise; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from linreg_course.grader import collect, merge, teaching_options
from linreg_course.grader.execute import empty_report, exercise_key, load_hidden


def find_submissions(paths: list[Path]) -> list[Path]:
    """The notebooks to grade: files as given, directories searched recursively (checkpoints skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def grade_in_subprocess(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Grade one submission in a fresh process; a crash or a timeout still yields a report."""
    forced = args.exercise or args.exercise_hints.get(path)  # or the exercise an LMS's file name names
    key = exercise_key(path, forced)
    if key:
        try:
            load_hidden(args.hidden, key)  # so that a report written here counts the hidden tests' points
        except KeyError:
            pass
    if not path.is_file():
        return empty_report(path, key, "no such file")
    with tempfile.TemporaryDirectory(prefix="linreg-report-") as tmp:
        out = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "linreg_course.grader.execute", str(path), str(out),
                   "--cell-timeout", str(args.cell_timeout), "--call-timeout", str(args.call_timeout)]
        if forced:
            command += ["--exercise", forced]
        if args.hidden:
            command += ["--hidden", str(args.hidden)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True, text=True)
        try:
            _, stderr = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the grading process and the kernel it started
            process.communicate()
            return empty_report(path, key, f"grading took longer than the total limit of {args.timeout:g} s")
        if out.exists():
            return json.loads(out.read_text(encoding="utf-8"))
        last = (stderr or "").strip().splitlines()[-1:] or ["no message"]
        return empty_report(path, key, f"the grader failed on this notebook: {last[0]}")


def junit_xml(reports: list[dict[str, Any]]) -> str:
    """One test suite per submission, one test case per test."""
    suites = ET.Element("testsuites")
    for report in reports:
        tests = [(q, t) for q in report["questions"] for t in q["tests"]]
        failures = sum(t["status"] != "passed" for _, t in tests)
        suite = ET.SubElement(suites, "testsuite", name=report["submission"], tests=str(len(tests)),
                              failures=str(failures), errors="0", time=str(report.get("seconds", 0)))
        for question, test in tests:
            case = ET.SubElement(suite, "testcase", classname=f"{report['exercise']}.{question['name']}",
                                 name=test["name"])
            if test["status"] != "passed":
                failure = ET.SubElement(case, "failure", message=test["message"] or test["status"])
                failure.text = f"{test['status']}: {test['message']}"
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
        rows.append((r["submission"], r["exercise"] or "?", f"{r['score']:g}/{r['max_score']:g}",
                     ", ".join(weak) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["merge"]:  # teaching at scale: `merge SHARD_FOLDER...` (linreg_course.grader.merge)
        return merge.main(argv[1:])
    if argv[:1] == ["collect"]:  # teaching at scale: `collect SOURCE... --into DIR` (linreg_course.grader.collect)
        return collect.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m linreg_course.grader",
                                     description="Grade exercise notebooks of the linear-regression course.")
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or directories of notebooks")
    parser.add_argument("--out", type=Path, default=Path("grading-report"),
                        help="directory for report.json and junit.xml (default: grading-report)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--cell-timeout", type=float, default=60.0, help="seconds per cell (default 60)")
    parser.add_argument("--call-timeout", type=float, default=30.0, help="seconds per call of a student function")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per submission in all (default 300)")
    parser.add_argument("--exercise", help="grade every submission as this exercise, e.g. 02_gradients_by_hand")
    parser.add_argument("--hidden", type=Path,
                        help="the teacher's folder of hidden tests (default: $LINREG_COURSE_HIDDEN_TESTS, else none)")
    parser.add_argument("--no-hidden", action="store_true", help="run the public tests only")
    parser.add_argument("--threshold", type=float,
                        help="pass when every submission scores at least this fraction of its maximum (0..1)")
    teaching_options.add_options(parser)
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        parser.error("--threshold is a fraction between 0 and 1")
    submissions = find_submissions(args.paths)
    if not submissions:
        parser.error("no notebooks found in " + ", ".join(map(str, args.paths)))
    submissions = teaching_options.prepare(args, parser, submissions)  # hidden tests, shard, roster

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        reports = list(pool.map(lambda p: grade_in_subprocess(p, args), submissions))

    args.out.mkdir(parents=True, exist_ok=True)
    tests = [t for r in reports for q in r["questions"] for t in q["tests"]]
    passed = sum(t["status"] == "passed" for t in tests)
    summary = {"score": sum(r["score"] for r in reports), "max_score": sum(r["max_score"] for r in reports),
               "passed": passed, "failed": len(tests) - passed, "submissions": reports}
    (args.out / "report.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    (args.out / "junit.xml").write_text(junit_xml(reports), encoding="utf-8")
    print(table(reports))
    for line in teaching_options.finish(args, reports):  # gradebook, feedback, LMS files
        print(line)
    print(f"reports: {args.out / 'report.json'}, {args.out / 'junit.xml'}")
    print(f"{passed} passed, {len(tests) - passed} failed")
    if args.threshold is not None:
        ok = all(r["max_score"] > 0 and r["score"] >= args.threshold * r["max_score"] for r in reports)
    else:
        ok = len(tests) > 0 and passed == len(tests)
    return 0 if ok else 1
