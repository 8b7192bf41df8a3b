"""Where the teacher's hidden tests come from, and a check that the folder is laid out as the grader reads it.

The public repository ships no hidden tests (students can read everything in it). A teacher keeps them
in a private folder, one module per exercise, named like the public question module:

    my-hidden-tests/
        ch01_linear_model.py      # @q1.test(hidden=True) ... for exercise 01
        ch03_gradient_descent.py

and passes it with `--hidden DIR` or the environment variable below. Without either, only the public
tests run, and the grader says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from linreg_course.grader.core import questions_for

#: The environment variable naming the teacher's folder of hidden tests (`--hidden` wins over it).
ENV_VAR = "LINREG_COURSE_HIDDEN_TESTS"

_MODULE = re.compile(r"^ch(\d\d_[a-z0-9_]+)\.py$")


class HiddenTestsError(ValueError):
    """The folder of hidden tests is missing or holds a file the grader would silently ignore."""


def choose(option: Path | None, no_hidden: bool, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The folder of hidden tests for this run: `--hidden`, else $LINREG_COURSE_HIDDEN_TESTS, else none."""
    if no_hidden:
        return None
    if option is not None:
        return option
    value = environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser() if value else None


def exercises_in(directory: Path) -> list[str]:
    """The exercises the folder has hidden tests for; HiddenTestsError if it is missing or has stray files."""
    if not directory.is_dir():
        raise HiddenTestsError(f"the folder of hidden tests {directory} does not exist")
    found, stray = [], []
    for path in sorted(directory.glob("*.py")):
        match = _MODULE.match(path.name)
        if match is None:
            if path.name != "__init__.py":
                stray.append(path.name)
            continue
        try:
            questions_for(match.group(1))
        except KeyError:
            stray.append(path.name)
            continue
        found.append(match.group(1))
    if stray:
        raise HiddenTestsError(f"{directory}: {', '.join(stray)} does not name an exercise (name each file "
                               "chNN_topic.py after its exercise, e.g. ch03_gradient_descent.py)")
    return found


def describe(directory: Path | None) -> str:
    """The line the grader prints about hidden tests, so that a run without them never looks complete."""
    if directory is None:
        return (f"hidden tests: none, scores count the public tests only (a teacher passes --hidden DIR "
                f"or sets {ENV_VAR})")
    keys = exercises_in(directory)
    numbers = ", ".join(key[:2] for key in keys) or "none"
    return f"hidden tests: {directory} (exercises {numbers})"
