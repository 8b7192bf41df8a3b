"""Build the Gradescope autograder of the course: `_build/gradescope/autograder.zip`.

    python -m tools.gradescope_autograder --hidden ~/private/hidden_tests [--out DIR] [-- GRADER OPTIONS]

The zip holds, at its root as Gradescope requires, `setup.sh` (run once when Gradescope builds the
image: Python, bubblewrap, the course's pinned packages with CPU-only torch) and `run_autograder` (run for
each submission: the grader on `/autograder/submission`, results to `/autograder/results/results.json`,
via `linreg_course.grader.gradescope`), then the course's package and pins under `course/` and the
teacher's hidden tests under `hidden_tests/`. Options after `--` are passed to the grader (for example
`--timeout 600`). Upload the zip as a programming assignment's autograder; the hidden tests in it are
only on Gradescope's side, never in the student's reach (the notebook runs in the sandbox).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import zipfile
from pathlib import Path

from linreg_course.grader.hidden import choose, exercises_in
from tools.notebook_settings import ROOT

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image. Written by tools/gradescope_autograder.py.
set -euxo pipefail
apt-get update
apt-get install -y python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
# CPU-only torch first: an unpinned torch would bring gigabytes of CUDA libraries.
/autograder/venv/bin/pip install torch=={torch} --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/pip install -r /autograder/source/course/requirements.txt \\
    -c /autograder/source/course/constraints.txt
# Editable, so that the package stays in source/course: the sandbox then shows a notebook only the part of it a
# notebook may import (a copy in the venv's site-packages would be visible whole, question modules included).
/autograder/venv/bin/pip install --no-deps -e /autograder/source/course
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission. Written by tools/gradescope_autograder.py.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
# Never the submission folder: `python -m` imports from the working directory first.
cd "$ROOT/source" || exit 1
exec "$PYTHON" -m linreg_course.grader.gradescope "$ROOT/submission" "$ROOT/results/results.json"{options}
"""

#: The course's files the autograder needs (the package and its pins), relative to the repository.
COURSE_FILES = ("pyproject.toml", "requirements.txt", "constraints.txt")


def torch_version() -> str:
    """The torch version requirements.txt pins."""
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("torch=="):
            return line.split("==", 1)[1].strip()
    raise ValueError("requirements.txt pins no torch version")


def build(out: Path, hidden: Path | None, grader_options: list[str]) -> Path:
    """Write the autograder zip into `out`; its path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "autograder.zip"
    options = "" if hidden is None else ' --hidden "$ROOT/source/hidden_tests"'
    options += "".join(" " + shlex.quote(o) for o in grader_options)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP.format(torch=torch_version())), ("run_autograder", RUN.format(
                options=options))):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        for name in COURSE_FILES:
            archive.write(ROOT / name, f"course/{name}")
        for path in sorted((ROOT / "linreg_course").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, f"course/{path.relative_to(ROOT).as_posix()}")
        if hidden is not None:
            for key in exercises_in(hidden):
                archive.write(hidden / f"ch{key}.py", f"hidden_tests/ch{key}.py")
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    grader_options = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=Path, help="the folder of hidden tests (default: $LINREG_COURSE_HIDDEN_TESTS)")
    parser.add_argument("--no-hidden", action="store_true", help="an autograder with the public tests only")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "gradescope")
    args = parser.parse_args(own)
    hidden = choose(args.hidden, args.no_hidden)
    if hidden is None and not args.no_hidden:
        parser.error("give --hidden DIR (or set LINREG_COURSE_HIDDEN_TESTS), or --no-hidden for public tests only")
    target = build(args.out, hidden, grader_options)
    print(f"wrote {target}: upload it as the autograder of a Gradescope programming assignment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
