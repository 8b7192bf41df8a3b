"""A class of thousands: grade in shards on many machines (`--shard i/n`), then merge the shard reports.

`--shard i/n` grades every n-th notebook of the sorted list of submissions, starting with the i-th, so
n machines given the same folder grade disjoint parts that together are all of it, whatever the order
they run in. Each shard's output folder holds its `report.json` and `run.json` (the place of each of its
notebooks in the whole list). `python -m linreg_course.grader merge SHARD_FOLDER... --out DIR` checks
that the shards are the n parts of one run, puts the reports back in the order a single run gives, and
writes what a single run writes: report.json, junit.xml, grades.csv, feedback, LMS files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from linreg_course.grader.exports import RUN_FILE, Settings, write_gradebook
from linreg_course.grader.reports import JUNIT, SUMMARY, junit_xml, summary, write_atomic


def parse_shard(text: str) -> tuple[int, int]:
    """`3/8` -> (3, 8); ValueError unless 1 <= i <= n."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard {text!r} is not of the form i/n, e.g. 2/4") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text!r}: i must be between 1 and n")
    return index, count


def select(submissions: list[Path], shard: tuple[int, int] | None) -> tuple[list[Path], list[int]]:
    """The notebooks of one shard and their positions in the whole list (all of them without a shard)."""
    if shard is None:
        return list(submissions), list(range(len(submissions)))
    index, count = shard
    positions = [p for p in range(len(submissions)) if p % count == index - 1]
    return [submissions[p] for p in positions], positions


class MergeError(ValueError):
    """The folders are not the complete set of shards of one run."""


def read_shards(folders: list[Path]) -> tuple[list[dict[str, Any]], dict[str, Any], tuple[str, dict[str, Any]]]:
    """The reports of all shards in the order of a single run, the merged run record, and the sandbox and
    limits they were graded with."""
    records, reports_by_position, conditions = [], {}, set()
    for folder in folders:
        try:
            shard = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
            record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise MergeError(f"{folder} holds no complete shard report: {error}") from None
        if shard.get("complete") is not True:
            raise MergeError(f"{folder}: that shard's run did not finish; grade it again")
        conditions.add(json.dumps([shard.get("sandbox"), shard.get("limits")], sort_keys=True))
        entries = {e["submission"]: e for e in record["entries"]}
        for report in shard["submissions"]:
            entry = entries.get(report["submission"])
            if entry is None or entry["position"] in reports_by_position:
                raise MergeError(f"{folder}: {report['submission']} is not in its run.json, or is in two shards")
            reports_by_position[entry["position"]] = (report, entry)
        records.append(record)
    totals = {r["total"] for r in records}
    counts = {tuple(r["shard"])[1] if r["shard"] else 1 for r in records}
    if len(totals) != 1 or len(counts) != 1:
        raise MergeError("the folders come from different runs (their numbers of notebooks or shards differ)")
    if len(conditions) != 1:
        raise MergeError("the shards were graded with different sandboxes or limits: grade them alike")
    sandbox, limits = json.loads(conditions.pop())
    total, count = totals.pop(), counts.pop()
    missing = sorted({p % count + 1 for p in range(total) if p not in reports_by_position})
    if missing:
        raise MergeError(f"shard(s) {', '.join(f'{m}/{count}' for m in missing)} missing: merge every shard's folder")
    ordered = [reports_by_position[p] for p in range(total)]
    merged = {"shard": None, "total": total, "entries": [entry for _, entry in ordered]}
    return [report for report, _ in ordered], merged, (sandbox, limits)


def main(argv: list[str] | None = None) -> int:
    """`python -m linreg_course.grader merge SHARD_FOLDER... --out DIR`: one gradebook from n shard runs."""
    parser = argparse.ArgumentParser(prog="python -m linreg_course.grader merge",
                                     description="Merge the reports of shard runs (--shard i/n) into one.")
    parser.add_argument("folders", nargs="+", type=Path, help="the output folders of the shard runs")
    parser.add_argument("--out", type=Path, default=Path("grading-report"), help="where to write the merged reports")
    parser.add_argument("--roster", type=Path, help="the class list (CSV), as for grading")
    parser.add_argument("--student-pattern", help="as for grading")
    parser.add_argument("--feedback-hidden", action="store_true", help="as for grading")
    args = parser.parse_args(argv)
    try:
        reports, record, (sandbox, limits) = read_shards(args.folders)
    except MergeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    merged = summary(reports, record["total"], sandbox, limits)
    write_atomic(args.out / SUMMARY, json.dumps(merged, indent=1) + "\n")
    write_atomic(args.out / JUNIT, junit_xml(reports))
    settings = Settings(args.roster, args.student_pattern, args.feedback_hidden)
    for line in write_gradebook(args.out, reports, record, settings):
        print(line)
    print(f"merged {len(args.folders)} shard folders: {len(reports)} notebooks")
    print(f"{merged['passed']} passed, {merged['failed']} failed")
    return 0
