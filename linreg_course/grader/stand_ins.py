"""Correct versions of every answer function, taken from the solutions, standing in for the student's.

A later answer may call an earlier one: exercise 03's `gradient_descent` may call `gd_step`, exercise
08's `fit` may call `dataset_loss`. While question i of an exercise is tested, every function that the
answers to questions 1 to i − 1 define is bound to the course's own version, whatever the student
wrote there; the functions of question i and of the later questions stay the student's. So a mistake
costs points once, on its own question, and a question can be answered before the ones it builds on.

Why only the earlier questions: the questions are tested in order, so a function stands in only once
its own question has been graded. Student code running while question i is tested may look at the
stand-ins it is given (they are the public solution's code), but they can no longer earn anything: no
question whose answer they are is tested after it. A later question's function is never there to be
called by an earlier answer (a `gd_step` that calls the reference `gradient_descent` would otherwise
score with nothing of its own).

The correct versions are the solutions' own code. `make exercises` (`linreg_course.grader.generate`)
reads each solution notebook, takes every function defined in an answer cell (the code cell holding a
solution region before a `check("qN")` cell) with the notebook's imports that it uses, and writes them
to `questions/stand_ins.json`; a test fails when that file is not what the solutions give. Nobody
registers a stand-in by hand. They reach the sandbox as source text, executed only in the process that
tests a question (`linreg_course.grader.kernel.load_stand_ins`); the table itself is never there.
"""

from __future__ import annotations

import ast
import builtins
import functools
import json
import re
import symtable
from pathlib import Path
from typing import Any

from linreg_course.grader.core import StandIns

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
CHECK_CALL = re.compile(r'^check\("(q\d+)"\)$')

#: The table `make exercises` writes; the question modules' folder is never mounted in the sandbox.
TABLE = Path(__file__).parent / "questions" / "stand_ins.json"

_HEADER = "from __future__ import annotations"


class StandInError(ValueError):
    """A solution's answer function cannot stand in on its own (it uses a name the notebook does not import)."""


def answer_cells(sources: list[str]) -> dict[str, int]:
    """Which code cell (an index into `sources`) answers each question: the solution cell before its check."""
    answers: dict[str, int] = {}
    pending = None
    for index, source in enumerate(sources):
        match = CHECK_CALL.match(source.strip())
        if match:
            if pending is None:
                raise StandInError(f"{match.group(1)} has no answer cell (a cell with {BEGIN}) before its check")
            answers[match.group(1)] = pending
            pending = None
        elif BEGIN in source:
            if pending is not None:
                raise StandInError(f"two answer cells (cells {pending} and {index}) come before one check")
            pending = index
    return answers


def _python(source: str) -> str:
    """A cell's source as Python (IPython's magics and shell escapes turned into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _imports(sources: list[str]) -> dict[str, str]:
    """Every name the notebook binds by a top-level import (its own modules aside), with its statement."""
    found: dict[str, str] = {}
    for source in sources:
        for statement in ast.parse(_python(source)).body:
            if isinstance(statement, ast.Import):
                modules = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom):
                modules = [statement.module or ""]
            else:
                continue
            if any(m == "__future__" or m.split(".")[0] == "linreg_course" for m in modules):
                continue
            for alias in statement.names:
                single = (ast.Import(names=[alias]) if isinstance(statement, ast.Import)
                          else ast.ImportFrom(module=statement.module, names=[alias], level=statement.level))
                found[alias.asname or alias.name.split(".")[0]] = ast.unparse(single)
    return found


def _globals_used(source: str, name: str) -> set[str]:
    """The global names a function's code refers to (annotations aside: they are never evaluated)."""
    module = symtable.symtable(f"{_HEADER}\n{source}", "<answer>", "exec")
    used = {s.get_name() for s in module.get_symbols() if s.is_referenced()} - {name}
    pending = list(module.get_children())
    while pending:
        table = pending.pop()
        used |= {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
        pending.extend(table.get_children())
    return used


def _definitions(source: str) -> list[tuple[str, str]]:
    """(name, source without the solution markers) of each top-level function of an answer cell."""
    text = _python(source)
    found = []
    for statement in ast.parse(text).body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = text.splitlines()[statement.lineno - 1 - len(statement.decorator_list):statement.end_lineno]
            code = "\n".join(line for line in lines if line.strip() not in (BEGIN, END))
            found.append((statement.name, code))
    return found


def exercise_entry(path: Path) -> dict[str, Any]:
    """The stand-ins of one solution notebook: its questions in order, its imports, its answer functions."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    where = path.stem
    try:
        answers = answer_cells(sources)
    except StandInError as error:
        raise StandInError(f"{where}: {error}") from None
    questions = [m.group(1) for s in sources if (m := CHECK_CALL.match(s.strip()))]
    imports = _imports(sources)
    functions: list[dict[str, Any]] = []
    owner: dict[str, str] = {}
    for question in questions:
        for name, code in _definitions(sources[answers[question]]):
            if name in owner:
                raise StandInError(f"{where}: {name} is defined by the answers to both {owner[name]} and {question}")
            owner[name] = question
            functions.append({"name": name, "question": question, "source": code,
                              "uses": sorted(_globals_used(code, name))})
    builtin_names = set(dir(builtins))
    for function in functions:
        for used in function["uses"]:
            if used in owner and questions.index(owner[used]) > questions.index(function["question"]):
                raise StandInError(f"{where}: {function['name']} ({function['question']}) calls {used}, the answer "
                                   f"to a later question ({owner[used]}): while {owner[used]} is tested, no stand-in "
                                   "can replace it")
            if used not in owner and used not in imports and used not in builtin_names:
                raise StandInError(f"{where}: {function['name']} ({function['question']}) uses {used}, which is "
                                   "neither imported by the notebook nor an answer function: its stand-in could "
                                   "not run on its own")
        function["uses"] = [u for u in function["uses"] if u in imports or u in owner]
    return {"questions": questions, "imports": imports, "functions": functions}


def render_table(solutions: Path) -> str:
    """The text of the stand-in table for every solution notebook in `solutions`."""
    table = {"generated": "by `make exercises` from solutions/ (linreg_course.grader.stand_ins): do not edit",
             "exercises": {path.stem: exercise_entry(path)
                           for path in sorted(solutions.glob("[0-9][0-9]_*.ipynb"))}}
    return json.dumps(table, indent=1, ensure_ascii=False) + "\n"


@functools.cache
def _table() -> dict[str, Any]:
    return json.loads(TABLE.read_text(encoding="utf-8"))["exercises"] if TABLE.exists() else {}


def functions_by_question(notebook: str) -> dict[str, list[str]]:
    """The answer functions of each question of `notebook` (questions that ask for values have none)."""
    entry = _table().get(notebook, {"questions": [], "functions": []})
    found: dict[str, list[str]] = {q: [] for q in entry["questions"]}
    for function in entry["functions"]:
        found[function["question"]].append(function["name"])
    return found


@functools.lru_cache(maxsize=256)
def stand_ins_before(notebook: str, question: str | None) -> StandIns:
    """What stands in while `question` of `notebook` is tested: the functions of the questions before it.

    `question=None` gives every answer function of the notebook (for tests of the stand-ins themselves). A
    question the table does not know (a stale table) gets none, as when nothing could call it.
    """
    entry = _table().get(notebook)
    if entry is None or (question is not None and question not in entry["questions"]):
        return StandIns()
    order = entry["questions"].index(question) if question is not None else len(entry["questions"])
    chosen = [f for f in entry["functions"] if entry["questions"].index(f["question"]) < order]
    if not chosen:
        return StandIns()
    used = {u for f in chosen for u in f["uses"]}
    imports = [statement for name, statement in entry["imports"].items() if name in used]
    bodies = "\n\n\n".join(f["source"] for f in chosen)
    source = "\n".join([_HEADER, *imports, "", "", bodies]) + "\n"
    return StandIns(source, tuple(f["name"] for f in chosen))
