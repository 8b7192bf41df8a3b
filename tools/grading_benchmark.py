"""How close grading comes to plain execution: per exercise, the grader against nbclient.

For each solution notebook, times two commands, each in a fresh process as a teacher or CI would run it:
the command-line grader on that one notebook (sandbox, notebook, public and hidden tests, reports), and a
plain `nbclient` execution of the same notebook (kernel start, every cell). Runs alternate between the
two and the medians are compared; the ratio is what issue 12 asks to keep at or below 1.3. Then it times
grading all the solutions in one run. Not a test: the numbers depend on the machine and its load.

    .venv/bin/python -m tools.grading_benchmark [--repeat 5] [NN_topic ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from tools.notebook_settings import KERNEL_NAME, ROOT, apply_environment

PLAIN = """
import sys, tempfile
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
with tempfile.TemporaryDirectory() as work:
    NotebookClient(nb, timeout=600, kernel_name=sys.argv[2], resources={"metadata": {"path": work}}).execute()
"""


def seconds(command: list[str]) -> float:
    """Wall time of one command, which must succeed (the grader may exit 1 when a test fails)."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1) or (command[2] == "-c" and result.returncode):
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*", help="exercise keys (default: every solution)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args(argv)
    apply_environment()
    notebooks = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if args.exercises:
        notebooks = [n for n in notebooks if n.stem in args.exercises]
    print(f"{'exercise':28s} {'grader (s)':>10s} {'nbclient (s)':>12s} {'ratio':>6s}")
    with tempfile.TemporaryDirectory() as out:
        for notebook in notebooks:
            grader = [sys.executable, "-m", "linreg_course.grader", str(notebook), "--out", out]
            plain = [sys.executable, "-c", PLAIN, str(notebook), KERNEL_NAME]
            times: dict[str, list[float]] = {"grader": [], "plain": []}
            for _ in range(args.repeat):
                times["grader"].append(seconds(grader))
                times["plain"].append(seconds(plain))
            g, p = statistics.median(times["grader"]), statistics.median(times["plain"])
            print(f"{notebook.stem:28s} {g:10.2f} {p:12.2f} {g / p:6.2f}", flush=True)
        start = time.perf_counter()
        seconds([sys.executable, "-m", "linreg_course.grader", *map(str, notebooks), "--out", out])
        print(f"all {len(notebooks)} solutions in one run of the grader (--jobs 2): "
              f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
