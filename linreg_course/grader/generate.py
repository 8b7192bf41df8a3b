"""Write each exercise notebook from its solution: `python -m linreg_course.grader.generate [--check]`.

`solutions/NN_topic.ipynb` is the source of truth. In `exercises/NN_topic.ipynb` every region between a
`# BEGIN SOLUTION` and an `# END SOLUTION` line is replaced by a placeholder, outputs and execution
counts are cleared, cells tagged `solution-only` are left out, and the title `# Solution N. ...` becomes
`# Exercise N. ...`. The output depends only on the
solution, so running the generator twice gives byte-identical files; `--check` fails when an exercise is
stale, was edited by hand, or has no solution.

It also writes the grader's table of stand-ins (`linreg_course.grader.stand_ins`): the solutions' answer
functions, which replace a student's while the later questions are tested. `--check` fails when that
table is stale too.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
SOLUTION_ONLY = "solution-only"
_TITLE = re.compile(r"^# Solution (\d+)\. ")
PLACEHOLDER_CALL = 'raise NotImplementedError("write your code here")'
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z_0-9]*)\s*(?::[^=]+)?=(?!=)")


class SolutionMarkupError(ValueError):
    """A solution region is not well formed (nested, unclosed or an END without BEGIN)."""


def _placeholder(region: list[str], indent: str) -> list[str]:
    """What replaces a solution region: inside a block, a `raise NotImplementedError`; at the top level,
    each variable the region assigns set to `...` (the grader reads `...` as "not answered yet")."""
    if indent:
        return [indent + PLACEHOLDER_CALL]
    names = [m.group(1) for line in region if (m := _ASSIGNMENT.match(line))]
    names = list(dict.fromkeys(names))
    if not names:
        return ["# write your code here"]
    return [f"{name} = ...  # write your answer here" for name in names]


def strip_solutions(source: str, where: str = "cell") -> str:
    """The source with every solution region replaced by its placeholder."""
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if region is not None:
                raise SolutionMarkupError(f"{where}, line {number}: {BEGIN} inside another solution region")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if region is None:
                raise SolutionMarkupError(f"{where}, line {number}: {END} without {BEGIN}")
            out.extend(_placeholder(region, indent))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise SolutionMarkupError(f"{where}: {BEGIN} is never closed")
    return "\n".join(out)


def exercise_from_solution(solution: nbformat.NotebookNode, key: str) -> nbformat.NotebookNode:
    """The exercise notebook for a solution notebook (a new object; the solution is not modified)."""
    exercise = nbformat.from_dict(solution)
    cells = []
    for index, cell in enumerate(exercise.cells, start=1):
        if SOLUTION_ONLY in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{key}, cell {index}")
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and not cells:
            cell.source = _TITLE.sub(r"# Exercise \1. ", cell.source, count=1)
        cells.append(cell)
    exercise.cells = cells
    exercise.metadata["linreg_course"] = {"exercise": key}
    return exercise


def render(solution_path: Path) -> str:
    """The exercise generated from `solution_path`, as the exact text written to disk."""
    solution = nbformat.read(solution_path, as_version=4)
    text = nbformat.writes(exercise_from_solution(solution, solution_path.stem), version=4)
    return text if text.endswith("\n") else text + "\n"


def _stand_in_table(solutions: Path, table: Path | None, check: bool) -> list[str]:
    """Write (or, with `check`, compare) the stand-in table made from the solutions; the problems found."""
    from linreg_course.grader.stand_ins import TABLE, StandInError, render_table

    table = table or TABLE
    try:
        text = render_table(solutions)
    except StandInError as error:
        return [f"stand-ins: {error}"]
    current = table.read_text(encoding="utf-8") if table.exists() else None
    if current == text:
        return []
    if check:
        return [f"{table} is {'missing' if current is None else 'out of date'}: run `make exercises`"]
    table.write_text(text, encoding="utf-8")
    print(f"wrote {table}")
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=Path, default=Path("solutions"))
    parser.add_argument("--exercises", type=Path, default=Path("exercises"))
    parser.add_argument("--table", type=Path, default=None, help="where the stand-ins go (default: the package's)")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if an exercise is out of date")
    args = parser.parse_args(argv)

    problems = []
    solutions = sorted(args.solutions.glob("[0-9][0-9]_*.ipynb"))
    for solution in solutions:
        target = args.exercises / solution.name
        try:
            text = render(solution)
        except SolutionMarkupError as error:
            problems.append(f"{solution}: {error}")
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            state = "is missing" if current is None else "differs from its solution (stale or edited by hand)"
            problems.append(f"{target} {state}: run `make exercises`")
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    names = {s.name for s in solutions}
    for orphan in sorted(args.exercises.glob("[0-9][0-9]_*.ipynb")):
        if orphan.name not in names:
            problems.append(f"{orphan} has no solution {args.solutions / orphan.name}")
    problems += _stand_in_table(args.solutions, args.table, args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
