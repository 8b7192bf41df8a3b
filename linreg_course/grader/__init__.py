"""The course's grader.

In a notebook: `check = Checker("01_linear_model")`, then `check("q1")` prints the verdict of question
q1's public tests. On the command line: `python -m linreg_course.grader SUBMISSIONS...` executes each
notebook in a fresh kernel, runs the public and hidden tests and writes a JSON and a JUnit report.
"""

from linreg_course.grader.notebook import Checker

__all__ = ["Checker"]
