"""The grader's options for teaching a class, and what they do at the start and at the end of a run.

The command-line grader (`linreg_course.grader.cli`) calls three functions: `add_options` while it
builds its parser, `prepare` once the arguments are read (hidden tests, shard, roster, pattern), and
`finish` with the reports, which writes the gradebook, feedback and LMS files (`exports`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from linreg_course.grader import hidden, merge
from linreg_course.grader.exports import Settings, root_of, run_record, write_gradebook
from linreg_course.grader.identity import compile_pattern, exercise_hint, identify, identify_with_pattern
from linreg_course.grader.roster import read_roster


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options for hidden tests, student identity, feedback and shards."""
    group = parser.add_argument_group("teaching a class")
    group.add_argument("--roster", type=Path,
                       help="the class list as CSV (an LMS's gradebook export will do): names, IDs, e-mails")
    group.add_argument("--student-pattern",
                       help="a regular expression with a group (?P<student>...) matched against each notebook's "
                            "path below the folder given, instead of recognising the LMS's layout")
    group.add_argument("--feedback-hidden", action="store_true",
                       help="name hidden tests and show their messages in the feedback files (for teachers only)")
    group.add_argument("--shard", help="grade only part i of n of the notebooks, e.g. 2/4; then use `merge`")


def prepare(args: argparse.Namespace, parser: argparse.ArgumentParser, submissions: list[Path]) -> list[Path]:
    """Check the options, print where hidden tests come from; the notebooks this run (or shard) grades."""
    args.hidden = hidden.choose(args.hidden, args.no_hidden)
    try:
        print(hidden.describe(args.hidden))
        if args.student_pattern:
            compile_pattern(args.student_pattern)
        if args.roster:
            read_roster(args.roster)  # a roster that cannot be read stops the run before any notebook runs
        args.shard_of = merge.parse_shard(args.shard) if args.shard else None
    except ValueError as error:  # hidden.HiddenTestsError included
        parser.error(str(error))
    except OSError as error:
        parser.error(f"--roster {args.roster}: {error.strerror or error}")
    args.all_submissions = submissions
    chosen, args.positions = merge.select(submissions, args.shard_of)
    args.submissions_graded = chosen
    args.exercise_hints = exercise_hints(chosen, args)
    if args.shard_of:
        print(f"shard {args.shard}: {len(chosen)} of {len(submissions)} notebooks")
    return chosen


def exercise_hints(submissions: list[Path], args: argparse.Namespace) -> dict[Path, str]:
    """The exercise each notebook's LMS file name names, where its metadata names none (not with --exercise)."""
    if args.exercise:
        return {}
    pattern = compile_pattern(args.student_pattern) if args.student_pattern else None
    hints = {}
    for path in submissions:
        root = root_of(path, args.paths)
        identity = (identify_with_pattern(path, root, pattern) if pattern else None) or identify(path, root)
        hint = exercise_hint(path, identity)
        if hint:
            hints[path] = hint
    return hints


def finish(args: argparse.Namespace, reports: list[dict[str, Any]]) -> list[str]:
    """Write the gradebook, feedback and LMS files of the run; the lines to print."""
    graded = {r["submission"] for r in reports}
    pairs = [(p, i) for p, i in zip(args.submissions_graded, args.positions, strict=True) if str(p) in graded]
    record = run_record([p for p, _ in pairs], args.paths, [i for _, i in pairs], args.shard_of,
                        len(args.all_submissions))
    settings = Settings(args.roster, args.student_pattern, args.feedback_hidden)
    return write_gradebook(args.out, reports, record, settings)
