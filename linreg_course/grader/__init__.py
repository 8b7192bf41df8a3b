"""The course's grader.

In a notebook: `check = Checker("01_linear_model")`, then `check("q1")` prints the verdict of question
q1's public tests. On the command line: `python -m linreg_course.grader SUBMISSIONS...` runs each
notebook in a bubblewrap sandbox, runs the public and hidden tests against it and writes a JSON and a
JUnit report. This file is part of what the sandbox sees (`linreg_course.grader.sandbox.KERNEL_FILES`):
it must import nothing beyond those files.
"""

from linreg_course.grader.notebook import Checker

__all__ = ["Checker"]
