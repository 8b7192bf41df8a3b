"""Grade one submitted notebook: run it in the sandbox, then run its questions' tests against it.

The notebook's code cells run one by one in a sandboxed worker (`linreg_course.grader.sandbox`), each
with a time limit: an overrunning cell is interrupted and the next one runs. A cell that kills the
worker or cannot be interrupted costs that cell: the worker is restarted and the notebook run again
without it. Then the tests run here, in the grader's process; each time one needs the student's
function, the arguments go to the worker, the function runs there (in a fork per question, with the
other questions' stand-ins bound) and its result comes back as data (`linreg_course.grader.codec`).
Whatever happens, `grade` returns a report, within the submission's total time limit.
"""

from __future__ import annotations

import contextlib
import importlib.util
import pickle
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from linreg_course.grader.core import (
    Caller,
    CallFailed,
    Observe,
    Question,
    StandIns,
    questions_for,
    read_reply,
    run_question,
)
from linreg_course.grader.sandbox import Limits, SandboxUnavailable, WorkerProcess, start_worker
from linreg_course.grader.session import Session, Stopped, TotalTimeout, WorkerGone, WorkerStuck
from linreg_course.grader.submission import Corrupt, Submission, choose_exercise, read_submission

#: Cells that may kill or hang the worker before grading gives up (each is skipped when it runs again).
MAX_LOST_CELLS = 3
#: Times a question's tests may lose the worker (each time it is restarted); its later tests are not run.
MAX_LOST_PER_QUESTION = 2
#: Attempts to start one worker before giving up (a start can fail when the machine is overloaded).
START_ATTEMPTS = 3
#: Seconds a worker has to start and say it is ready.
READY_TIMEOUT = 60.0
#: Seconds the grader waits beyond a call's own limit before it declares the worker stuck.
BACKSTOP = 10.0


class CannotGrade(Exception):
    """The notebook could not be run at all (the reason is the message)."""


class Grading:
    """The state of one submission's grading: its worker, the cells to skip, what went wrong."""

    def __init__(self, submission: Submission, name: str, limits: Limits, sandbox: bool,
                 stop: threading.Event | None):
        self.submission, self.name, self.limits, self.sandbox, self.stop = submission, name, limits, sandbox, stop
        self.total_deadline = time.monotonic() + limits.total_timeout
        self.session: Session | None = None
        self.launched: WorkerProcess | None = None
        self.skip: set[int] = set()
        self.cell_errors: dict[int, str] = {}
        self.problems: list[str] = []
        self.interrupted: set[int] = set()
        self.failure: str | None = None

    def closed(self) -> tuple[str, str] | None:
        """(status, reason) once no more tests can run: stopped, out of time, or the notebook cannot run."""
        if self.stop is not None and self.stop.is_set():
            return "crashed", "grading was stopped"
        if self.failure is not None:
            return "crashed", self.failure
        if time.monotonic() >= self.total_deadline:
            return "timeout", f"grading took longer than the total limit of {self.limits.total_timeout:g} s"
        return None

    def launch(self) -> None:
        """Start a worker now (it imports its libraries while the grader loads the tests)."""
        with contextlib.suppress(OSError, SandboxUnavailable):
            self.launched = start_worker(self.submission.data, self.name, self.limits, self.sandbox)

    def _start(self) -> Session:
        errors = []
        for attempt in range(START_ATTEMPTS):
            process, self.launched = self.launched, None
            try:
                if process is None:
                    process = start_worker(self.submission.data, self.name, self.limits, self.sandbox)
                session = Session(process, self.limits, self.total_deadline, self.stop)
            except (OSError, SandboxUnavailable) as error:
                errors.append(str(error))
                time.sleep(0.2 * (attempt + 1))
                continue
            try:
                session.ready(min(READY_TIMEOUT, self.total_deadline - time.monotonic()))
                return session
            except (WorkerGone, WorkerStuck) as error:
                session.close()
                errors.append(f"the worker did not start ({error or 'no answer'})")
            except BaseException:
                session.close()
                raise
        raise CannotGrade(f"the notebook could not be started: {errors[-1] if errors else 'no reason given'}")

    def ready(self) -> Session:
        """A worker that has run the notebook: started, or restarted without the cells that broke it."""
        while self.session is None:
            if time.monotonic() >= self.total_deadline:
                raise TotalTimeout
            if len(self.skip - self.interrupted) > MAX_LOST_CELLS:
                raise CannotGrade(f"{MAX_LOST_CELLS + 1} cells killed or hung the notebook's kernel; grading stopped")
            session = self._start()
            try:
                if self._run_cells(session):
                    self.session = session
            finally:
                if self.session is not session:
                    session.close()
        return self.session

    def _run_cells(self, session: Session) -> bool:
        """Run the notebook's code cells; False if a cell killed or hung the worker (it is skipped from now on)."""
        for number, source in self.submission.cells:
            if number in self.skip:
                continue
            printed = session.output_bytes
            try:
                reply, interrupted = session.run_cell(source)
            except (WorkerGone, WorkerStuck) as lost:
                self.skip.add(number)
                if isinstance(lost, WorkerStuck):
                    what = (f"TimeoutError: the cell ran longer than {self.limits.cell_timeout:g} s and did not stop "
                            "when interrupted")
                    problem = f"the grader stopped the kernel in cell {number} (it did not stop when interrupted)"
                else:
                    last = session.last_output(since=printed)
                    what = f"KernelDied: {lost}" + (f"; its last output: {last}" if last else "")
                    problem = f"the kernel died in cell {number} ({lost})"
                self.cell_errors.setdefault(number, what)
                self.problems.append(f"{problem}; the grader restarted it and ran the notebook again without that "
                                     "cell")
                return False
            error = reply.get("error")
            if interrupted:
                self.skip.add(number)  # a re-run need not wait for it again
                self.interrupted.add(number)
                error = (f"KeyboardInterrupt: the cell ran longer than {self.limits.cell_timeout:g} s and was "
                         "interrupted")
            if error:
                self.cell_errors.setdefault(number, str(error)[:500])
        return True

    def lose(self, why: str) -> None:
        """The worker stopped answering during the tests: drop it; the next call starts a new one."""
        self.problems.append(why)
        if self.session is not None:
            self.session.close()
            self.session = None

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.launched is not None:
            self.launched.kill()
            self.launched = None


class WorkerCaller(Caller):
    """Calls the student's functions in the sandboxed worker that ran the notebook."""

    def __init__(self, grading: Grading):
        self.grading = grading
        self.stand_ins = StandIns()
        self.bound_in: Session | None = None
        self.lost = 0  # workers lost during the current question's tests

    def _ask(self, message: dict[str, Any], name: str) -> dict[str, Any]:
        grading = self.grading
        closed = grading.closed()
        if closed is not None:
            raise CallFailed(f"not tested: {closed[1]}")
        if self.lost >= MAX_LOST_PER_QUESTION:
            raise CallFailed(f"not tested: this question's earlier tests ended the kernel {self.lost} times")
        try:
            session = grading.ready()
            if self.bound_in is not session:
                session.ask({"op": "question", "source": self.stand_ins.source, "names": self.stand_ins.names},
                            BACKSTOP)
                self.bound_in = session
            return session.ask(dict(message, timeout=grading.limits.call_timeout),
                               grading.limits.call_timeout + BACKSTOP)
        except (WorkerGone, WorkerStuck) as error:
            self.lost += 1
            grading.lose(f"the kernel stopped answering while `{name}` ran ({error or 'no answer'}); the grader "
                         "restarted it for the next tests")
            raise CallFailed(f"the kernel stopped answering while `{name}` ran; it was restarted") from None
        except (TotalTimeout, Stopped):
            raise CallFailed(f"not tested: {(grading.closed() or ('', 'grading stopped'))[1]}") from None
        except CannotGrade as error:
            grading.failure = str(error)
            raise CallFailed(f"not tested: {error}") from None

    def call(self, name: str, args: tuple, kwargs: dict, observe: Observe | None = None) -> Any:
        payload = pickle.dumps((args, kwargs, observe))  # unpickled only by the question's child process
        reply = self._ask({"op": "call", "name": name, "payload": payload}, name)
        return read_reply(reply, name, observe)

    def value(self, name: str) -> Any:
        return read_reply(self._ask({"op": "value", "name": name}, name), name)

    @contextlib.contextmanager
    def standing_in(self, stand_ins: StandIns) -> Iterator[None]:
        """The question's child process binds `stand_ins`; it ends with the question."""
        self.stand_ins, self.bound_in, self.lost = stand_ins, None, 0
        try:
            yield
        finally:
            session = self.grading.session
            if session is not None and self.bound_in is session:
                with contextlib.suppress(WorkerGone, WorkerStuck, TotalTimeout, Stopped):
                    session.ask({"op": "end"}, BACKSTOP)
            self.stand_ins, self.bound_in = StandIns(), None


class ClosedCaller(Caller):
    """For a submission that cannot be run: every test fails with the same message."""

    def __init__(self, message: str):
        self.message = message

    def call(self, name: str, args: tuple, kwargs: dict, observe: Observe | None = None) -> Any:
        raise CallFailed(self.message)

    def value(self, name: str) -> Any:
        raise CallFailed(self.message)

    def standing_in(self, stand_ins: StandIns) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()


_HIDDEN_LOCK = threading.Lock()
_LOADED_HIDDEN: set[Path] = set()


def load_hidden(directory: Path | None, key: str) -> bool:
    """Import the hidden tests of exercise `key` from `directory` (they add tests to its questions), once."""
    if directory is None:
        return False
    path = (directory / f"ch{key}.py").resolve()
    if not path.exists():
        return False
    with _HIDDEN_LOCK:
        if path in _LOADED_HIDDEN:
            return True
        _LOADED_HIDDEN.add(path)
        questions_for(key)
        spec = importlib.util.spec_from_file_location(f"linreg_course_hidden_ch{key}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return True


def _questions(key: str | None, hidden_dir: Path | None) -> dict[str, Question]:
    if key is None:
        return {}
    load_hidden(hidden_dir, key)
    return questions_for(key)


def _report(path: Path, key: str | None, status: str, results: list[dict], cell_errors: dict[int, str],
            problems: list[str], start: float, sandbox: bool) -> dict[str, Any]:
    return {"submission": str(path), "exercise": key, "status": status,
            "score": sum(r["points"] for r in results), "max_score": sum(r["max_points"] for r in results),
            "questions": results, "cell_errors": [{"cell": c, "error": e} for c, e in sorted(cell_errors.items())],
            "problems": problems, "seconds": round(time.perf_counter() - start, 3),
            "sandbox": "bubblewrap" if sandbox else "none"}


def empty_report(path: Path, key: str | None, problem: str, status: str = "crashed", hidden_dir: Path | None = None,
                 sandbox: bool = True, start: float | None = None) -> dict[str, Any]:
    """The report of a submission that could not be graded: every test failed with `problem`."""
    start = time.perf_counter() if start is None else start
    try:
        questions = _questions(key, hidden_dir)
    except KeyError:
        questions = {}
    caller = ClosedCaller(problem)
    results = [run_question(q, caller, hidden=True).to_dict() for q in questions.values()]
    return _report(path, key, status, results, {}, [problem], start, sandbox)


def grade(path: Path, key: str | None = None, hidden_dir: Path | None = None, limits: Limits | None = None,
          sandbox: bool = True, stop: threading.Event | None = None) -> dict[str, Any]:
    """Run a copy of the notebook at `path` in the sandbox and grade it; always returns a report."""
    start = time.perf_counter()
    limits = limits or Limits()
    try:
        submission = read_submission(path)
    except Corrupt as why:
        guess, _ = choose_exercise(path, key, None)
        return empty_report(path, guess, f"not a valid notebook: {why}", "corrupt", hidden_dir, sandbox, start)
    key, problem = choose_exercise(path, key, submission.metadata_key)
    if key is None:
        return empty_report(path, None, problem, "unknown exercise", hidden_dir, sandbox, start)
    grading = Grading(submission, path.name, limits, sandbox, stop)
    status, results, closed = "graded", [], None
    try:
        grading.launch()
        questions = _questions(key, hidden_dir)
        caller: Caller = WorkerCaller(grading)
        for question in questions.values():
            closed = grading.closed()
            if closed is not None:
                caller = ClosedCaller(f"not tested: {closed[1]}")
            results.append(run_question(question, caller, hidden=True).to_dict())
        closed = grading.closed() or closed
    finally:
        grading.close()
    problems = list(grading.problems)
    if closed is not None:
        status = closed[0]
        problems.append(closed[1])
    if not sandbox:
        problems.insert(0, "graded WITHOUT a sandbox (--no-sandbox): the notebook ran with the grader's rights")
    return _report(path, key, status, results, grading.cell_errors, problems, start, sandbox)
