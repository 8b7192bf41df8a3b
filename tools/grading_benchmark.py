"""How close grading comes to plain execution, how many notebooks a minute, and how much memory per worker.

For each solution notebook, times two commands, each in a fresh process as a teacher or CI would run it:
the command-line grader on that one notebook (sandbox, notebook, public and hidden tests, reports), and a
plain `nbclient` execution of the same notebook (kernel start, every cell). Runs alternate between the
two and the medians are compared; the ratio is what issue 12 asks to keep at or below 1.3. While each
command runs, its processes are sampled: the peak resident memory of one grader worker (the sandboxed
process running the notebook, or a fork of it testing a question) and of the plain run's kernel. Then it
grades a class in one run (`--copies` copies of every solution, `--jobs` at a time) and prints notebooks
per minute, the peak memory of one worker and of the grader's own process. Not a test: the numbers
depend on the machine and its load.

    .venv/bin/python -m tools.grading_benchmark [--repeat 5] [--copies 2] [--jobs 2] [NN_topic ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tools.notebook_settings import KERNEL_NAME, ROOT, apply_environment

PLAIN = """
import sys, tempfile
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
with tempfile.TemporaryDirectory() as work:
    NotebookClient(nb, timeout=600, kernel_name=sys.argv[2], resources={"metadata": {"path": work}}).execute()
"""

#: How the processes to measure are recognised in their command lines.
WORKER, KERNEL = "linreg_course.grader.worker", "ipykernel_launcher"


@dataclass
class Run:
    """One command's wall time and peak resident memory (MB): its worker or kernel, and its own process."""

    seconds: float
    worker_mb: float
    main_mb: float


def _peak_kb(pid: int) -> int:
    """The peak resident memory of a process in kB, from /proc; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc/PID/stat (the field after the command name in parentheses)."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    return found


class PeakMemory:
    """Samples one process and its descendants until stopped: the largest peak of the descendants whose
    command line holds `marker`, and the process's own peak (only its descendants: the machine is shared)."""

    def __init__(self, root: int, marker: str, every: float = 0.1):
        self.root, self.marker, self.every = root, marker.encode(), every
        self.worker_kb = self.main_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.main_kb = max(self.main_kb, _peak_kb(self.root))
            children: dict[int, list[int]] = {}
            for pid, parent in _parents().items():
                children.setdefault(parent, []).append(pid)
            pending = list(children.get(self.root, []))
            while pending:
                pid = pending.pop()
                pending += children.get(pid, [])
                try:
                    measured = self.marker in Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    measured = False
                if measured:
                    self.worker_kb = max(self.worker_kb, _peak_kb(pid))
            self._stop.wait(self.every)

    def stop(self) -> tuple[float, float]:
        """Stop sampling; (peak of one measured process, peak of the root process) in MB."""
        self._stop.set()
        self._thread.join()
        return self.worker_kb / 1024, self.main_kb / 1024


def measure(command: list[str], marker: str) -> Run:
    """Run one command (it must succeed; the grader may exit 1 when a test fails), timing and sampling it."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PeakMemory(process.pid, marker)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    worker_mb, main_mb = sampler.stop()
    if process.returncode not in (0, 1) or (marker == KERNEL and process.returncode):
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-2000:]}")
    return Run(elapsed, worker_mb, main_mb)


def grader_command(paths: list[Path], out: str, hidden: Path | None, jobs: int) -> list[str]:
    command = [sys.executable, "-m", "linreg_course.grader", *map(str, paths), "--out", out, "--jobs", str(jobs)]
    return command + (["--hidden", str(hidden)] if hidden else ["--no-hidden"])


def class_folder(notebooks: list[Path], copies: int, folder: Path) -> list[Path]:
    """`copies` students, each handing in every solution: the class graded in one run."""
    for copy in range(1, copies + 1):
        (folder / f"student{copy:03d}").mkdir(parents=True)
        for notebook in notebooks:
            shutil.copy(notebook, folder / f"student{copy:03d}" / notebook.name)
    return sorted(folder.rglob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercises", nargs="*", help="exercise keys (default: every solution)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--copies", type=int, default=2, help="students in the class run, each with every solution")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks graded at once in the class run (default 2)")
    parser.add_argument("--hidden", type=Path, default=ROOT / "tests" / "hidden_tests",
                        help="hidden tests to run too (default: the course's examples, tests/hidden_tests)")
    parser.add_argument("--no-hidden", action="store_true", help="public tests only")
    args = parser.parse_args(argv)
    hidden = None if args.no_hidden else args.hidden
    apply_environment()
    notebooks = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if args.exercises:
        notebooks = [n for n in notebooks if n.stem in args.exercises]
    print(f"medians of {args.repeat} interleaved runs; peak resident memory of one grader worker and of the "
          f"plain run's kernel; hidden tests: {hidden or 'none'}")
    print(f"{'exercise':28s} {'grader (s)':>10s} {'nbclient (s)':>12s} {'ratio':>6s} {'worker (MB)':>11s} "
          f"{'kernel (MB)':>11s}")
    ratios = []
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "report")
        for notebook in notebooks:
            plain = [sys.executable, "-c", PLAIN, str(notebook), KERNEL_NAME]
            graded: list[Run] = []
            executed: list[Run] = []
            for _ in range(args.repeat):
                graded.append(measure(grader_command([notebook], out, hidden, 1), WORKER))
                executed.append(measure(plain, KERNEL))
            g = statistics.median(r.seconds for r in graded)
            p = statistics.median(r.seconds for r in executed)
            ratios.append(g / p)
            print(f"{notebook.stem:28s} {g:10.2f} {p:12.2f} {g / p:6.2f} {max(r.worker_mb for r in graded):11.0f} "
                  f"{max(r.worker_mb for r in executed):11.0f}", flush=True)
        if ratios:
            print(f"ratio: at most {max(ratios):.2f}, median {statistics.median(ratios):.2f} (goal: at most 1.3)")
        submissions = class_folder(notebooks, args.copies, Path(scratch) / "class")
        run = measure(grader_command([Path(scratch) / "class"], out, hidden, args.jobs), WORKER)
        print(f"a class of {len(submissions)} notebooks ({args.copies} x {len(notebooks)} solutions), --jobs "
              f"{args.jobs}: {run.seconds:.1f} s, {len(submissions) / run.seconds * 60:.1f} notebooks per minute; "
              f"peak memory {run.worker_mb:.0f} MB per worker, {run.main_mb:.0f} MB for the grader itself")
    return 0


if __name__ == "__main__":
    sys.exit(main())
