"""`python -m linreg_course.grader`: the command-line grader (see `linreg_course.grader.cli`)."""

import sys

from linreg_course.grader.cli import main

sys.exit(main())
