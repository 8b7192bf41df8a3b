"""Shared code of the course: its data sets (`linreg_course.data`) and, later, the exercise grader."""
