"""The command-line grader: `python -m linreg_course.grader SUBMISSION... [options]`.

Each submission (a notebook, or a directory searched for `*.ipynb`) runs in its own bubblewrap sandbox
(`linreg_course.grader.sandbox`), several at a time; the tests run in this process. As each
submission finishes, its report is written to `OUT/submissions/`, and `OUT/report.json` is rewritten
with what is done so far (`"complete": false` until the end), so a grader killed half-way leaves the
reports of what it did. At the end come `report.json`, `junit.xml`, a table and a final line
`N passed, N failed` (tests), all from the same counts. The exit status is 0 when every test passed,
or with `--threshold`, when every submission scored at least that fraction of its maximum; 1
otherwise; 2 on a usage error, when the sandbox cannot start (unless `--no-sandbox`), or when the
reports cannot be written; 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from linreg_course.grader import collect, merge, teaching_options  # teaching a class (issue 12)
from linreg_course.grader.execute import empty_report, grade
from linreg_course.grader.reports import (
    JUNIT,
    SUBMISSIONS,
    SUMMARY,
    junit_xml,
    submission_file,
    summary,
    table,
    write_atomic,
)
from linreg_course.grader.sandbox import Limits, SandboxUnavailable, check_sandbox, describe
from linreg_course.grader.submission import choose_exercise, known_exercises

#: The running summary is rewritten after every finished submission up to this many, then at most every
#: SUMMARY_EVERY seconds (each finished submission's own report is always written at once).
SUMMARY_ALWAYS, SUMMARY_EVERY = 200, 2.0

NO_SANDBOX_WARNING = ("WARNING: --no-sandbox: the notebooks run with your rights and can read, change or delete "
                      "your files. Use it only for notebooks you trust, such as your own.")


def find_submissions(paths: list[Path]) -> list[Path]:
    """The notebooks to grade: files as given, directories searched recursively (checkpoints skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def grade_one(path: Path, args: argparse.Namespace, limits: Limits, stop: threading.Event) -> dict[str, Any]:
    """Grade one submission; whatever fails, the result is a report."""
    exercise = args.exercise or args.exercise_hints.get(path)  # or the one an LMS's file name names (teaching)
    try:
        if not path.is_file():
            return empty_report(path, None, "no such file (or not a regular file)", "crashed", args.hidden,
                                not args.no_sandbox)
        return grade(path, exercise, args.hidden, limits, not args.no_sandbox, stop)
    except Exception as error:  # a bug of the grader: that submission's report says so, the others go on
        key = choose_exercise(path, exercise, None)[0]
        return empty_report(path, key, f"the grader failed on this notebook: {type(error).__name__}: {error}",
                            "crashed", args.hidden, not args.no_sandbox)


class Output:
    """The output folder: per-submission reports as they finish, and the summary."""

    def __init__(self, folder: Path, expected: int, sandbox: str, limits: Limits):
        self.folder, self.expected, self.sandbox, self.limits = folder, expected, sandbox, describe(limits)
        self.written = 0.0
        self.error: str | None = None

    def prepare(self) -> str | None:
        """Create the folder and clear old per-submission reports; the problem, if it cannot be written."""
        try:
            (self.folder / SUBMISSIONS).mkdir(parents=True, exist_ok=True)
            for name in (SUMMARY, JUNIT):
                if (self.folder / name).is_dir():
                    return f"{self.folder / name} is a directory"
            stale = [*(self.folder / SUBMISSIONS).glob("*.json"), *(self.folder / SUBMISSIONS).glob(".*.tmp"),
                     *self.folder.glob(f".{SUMMARY}.*.tmp"), *self.folder.glob(f".{JUNIT}.*.tmp")]
            for old in stale:  # an earlier run's reports, and half-written files of a run that was killed
                old.unlink()
            self.write_summary([])
        except OSError as error:
            return f"{error.filename or self.folder}: {error.strerror or error}"
        return None

    def add(self, index: int, report: dict[str, Any], done: list[dict[str, Any]]) -> None:
        """Write one finished submission's report, and now and then the running summary."""
        try:
            write_atomic(self.folder / SUBMISSIONS / submission_file(index, report), _json(report))
            if len(done) <= SUMMARY_ALWAYS or time.monotonic() - self.written >= SUMMARY_EVERY:
                self.write_summary(done)
        except OSError as error:  # grading goes on; the end of the run reports the problem
            self.error = f"{error.filename or self.folder}: {error.strerror or error}"

    def write_summary(self, reports: list[dict[str, Any]]) -> dict[str, Any]:
        data = summary(reports, self.expected, self.sandbox, self.limits)
        write_atomic(self.folder / SUMMARY, _json(data))
        self.written = time.monotonic()
        return data

    def finish(self, reports: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.write_summary(reports)
        write_atomic(self.folder / JUNIT, junit_xml(reports))
        return data


def _json(data: Any) -> str:
    return json.dumps(data, indent=1) + "\n"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m linreg_course.grader",
                                     description="Grade exercise notebooks of the linear-regression course.")
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or directories of notebooks")
    parser.add_argument("--out", type=Path, default=Path("grading-report"),
                        help="directory for report.json, junit.xml and submissions/ (default: grading-report)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--cell-timeout", type=float, default=60.0, help="seconds per cell (default 60)")
    parser.add_argument("--call-timeout", type=float, default=30.0, help="seconds per call of a student function")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per submission in all (default 300)")
    parser.add_argument("--memory", type=float, default=4.0, help="GB of memory per process of a notebook (default 4)")
    parser.add_argument("--exercise", help="grade every submission as this exercise, e.g. 02_gradients_by_hand")
    parser.add_argument("--hidden", type=Path,
                        help="the teacher's folder of hidden tests (default: $LINREG_COURSE_HIDDEN_TESTS, else none)")
    parser.add_argument("--no-hidden", action="store_true", help="run the public tests only")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run notebooks without bubblewrap, with your rights (only for notebooks you trust); "
                             "recorded in the report")
    parser.add_argument("--threshold", type=float,
                        help="pass when every submission scores at least this fraction of its maximum (0..1)")
    teaching_options.add_options(parser)
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        parser.error("--threshold is a fraction between 0 and 1")
    if args.exercise is not None and args.exercise not in known_exercises():
        parser.error(f"--exercise {args.exercise!r} is not one of: {', '.join(known_exercises())}")
    if min(args.cell_timeout, args.call_timeout, args.timeout, args.memory) <= 0 or args.jobs < 1:
        parser.error("timeouts, --memory and --jobs must be positive")
    args.submissions = find_submissions(args.paths)
    if not args.submissions:
        parser.error("no notebooks found in " + ", ".join(map(str, args.paths)))
    args.submissions = teaching_options.prepare(args, parser, args.submissions)  # hidden tests, shard, roster
    return args


def run(args: argparse.Namespace, output: Output, limits: Limits) -> tuple[list[dict[str, Any] | None], bool]:
    """Grade every submission, writing each report as it finishes; (reports in order, whether stopped)."""
    reports: list[dict[str, Any] | None] = [None] * len(args.submissions)
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    pending: dict[Future, int] = {pool.submit(grade_one, path, args, limits, stop): i
                                  for i, path in enumerate(args.submissions)}
    stopped = False
    try:
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                reports[index] = future.result()
                output.add(index + 1, reports[index], [r for r in reports if r is not None])
    except KeyboardInterrupt:
        stopped = True
        stop.set()
        for future in pending:
            future.cancel()
        print("interrupted: stopping the running notebooks and writing what is done", file=sys.stderr)
    pool.shutdown(wait=True)
    for future, index in pending.items():
        if future.done() and not future.cancelled():
            reports[index] = future.result()
    return reports, stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["merge"], ["collect"]):  # teaching a class: `merge SHARD...`, `collect SOURCE... --into DIR`
        return (merge if argv[0] == "merge" else collect).main(argv[1:])
    args = parse(argv)
    limits = Limits(cell_timeout=args.cell_timeout, call_timeout=args.call_timeout, total_timeout=args.timeout,
                    memory=int(args.memory * 2**30))
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
        sandbox = "none (--no-sandbox)"
    else:
        try:
            sandbox = check_sandbox()
        except SandboxUnavailable as why:
            print(f"error: the grader runs each notebook in a bubblewrap sandbox, and {why}.\n"
                  "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap), or grade notebooks you trust "
                  "(your own) with --no-sandbox.", file=sys.stderr)
            return 2
    output = Output(args.out, len(args.submissions), sandbox, limits)
    problem = output.prepare()
    if problem:
        print(f"error: cannot write the reports: {problem}", file=sys.stderr)
        return 2
    reports, stopped = run(args, output, limits)
    finished = [r for r in reports if r is not None]
    try:
        data = output.finish(finished)
        gradebook = teaching_options.finish(args, finished)  # grades.csv, feedback, LMS files (teaching)
    except OSError as error:
        output.error = f"{error.filename or args.out}: {error.strerror or error}"
    if output.error:
        print(table(finished))
        print(f"error: cannot write the reports: {output.error}", file=sys.stderr)
        return 2
    print(table(finished))
    print(*gradebook, sep="\n")
    print(f"reports: {args.out / SUMMARY}, {args.out / JUNIT}")
    if stopped or not data["complete"]:
        print(f"incomplete: {len(finished)} of {len(reports)} submissions graded")
    print(f"{data['passed']} passed, {data['failed']} failed")
    if stopped:
        return 130
    if args.threshold is not None:
        ok = all(r["max_score"] > 0 and r["score"] >= args.threshold * r["max_score"] for r in finished)
    else:
        ok = data["passed"] > 0 and data["failed"] == 0
    return 0 if ok else 1
