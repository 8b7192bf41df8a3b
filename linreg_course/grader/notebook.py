"""`check("q1")`: a question's public tests, run on the student's current definitions in the notebook."""

from __future__ import annotations

import inspect
import os
from typing import Any

from linreg_course.grader.core import NamespaceCaller, QuestionResult, questions_for, run_question

#: Set by the command-line grader in the kernels it starts: `check` then only says that it is skipped,
#: because the grader runs the tests itself, outside the notebook.
GRADER_ENV = "LINREG_COURSE_GRADING"

#: How `check` and the feedback files mark a test's status.
MARKS = {"passed": "PASS", "failed": "FAIL", "not answered": "TODO", "missing": "MISSING", "error": "ERROR"}


def format_result(result: QuestionResult) -> str:
    """The text `check` prints: one line for the question, one per test."""
    level = ", stretch" if result.level == "stretch" else ""
    head = f"{result.name} ({result.title}{level}): "
    if result.status == "not answered":
        return head + f"not answered yet, 0/{result.max_points:g} points"
    lines = [head + f"{result.points:g}/{result.max_points:g} points"]
    for test in result.tests:
        line = f"  {MARKS[test.status]:<7} {test.name}"
        if test.message:
            line += f"\n          {test.message}"
        lines.append(line)
    return "\n".join(lines)


class Checker:
    """The `check` function of one exercise notebook: `check = Checker("01_linear_model")`."""

    def __init__(self, notebook: str):
        self.notebook = notebook

    def __repr__(self) -> str:
        return f"Checker({self.notebook!r})"

    def __call__(self, name: str, namespace: dict[str, Any] | None = None) -> None:
        """Run question `name`'s public tests and print the verdict. Never raises (KeyboardInterrupt aside)."""
        try:
            if os.environ.get(GRADER_ENV):
                print(f"{name}: graded by the command-line grader")
                return
            questions = questions_for(self.notebook)
            if name not in questions:
                print(f"check({name!r}): no such question in {self.notebook}; the questions are "
                      + ", ".join(questions))
                return
            if namespace is None:
                frame = inspect.currentframe()
                namespace = frame.f_back.f_globals if frame and frame.f_back else {}
            print(format_result(run_question(questions[name], NamespaceCaller(namespace))))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # check() must never stop a student's notebook
            print(f"check({name!r}) could not run: {type(error).__name__}: {error}")
