"""The sandbox side of the command-line grader: runs a notebook's cells, then serves the tests' calls.

Started inside the sandbox (`linreg_course.grader.sandbox`) as `python -m linreg_course.grader.worker`,
it first lowers its own rights (a user id of its own when started as root, resource limits), then
reads requests from one pipe and writes replies to another (`linreg_course.grader.protocol`): a
request is a pickle from the grader, a reply is JSON (`linreg_course.grader.codec`). It executes the
cells with IPython's InteractiveShell, so magics work as in Jupyter. For the tests, it forks a child
per question after the notebook has run: the child binds the other questions' stand-ins, calls the
student's functions and describes the results as data; if it dies (`os._exit`, a crash, a kill) or
overruns the call's time limit, only that call fails and the next one gets a fresh child.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import signal
import sys
import time
from typing import Any

from linreg_course.grader.protocol import MAX_REPLY_BYTES, MAX_REQUEST_BYTES, Overran, receive_frame, send_frame

#: Resource limits, by the names the grader's settings use (`linreg_course.grader.sandbox.Limits.rlimits`).
RLIMITS = {"memory": resource.RLIMIT_AS, "processes": resource.RLIMIT_NPROC, "cpu": resource.RLIMIT_CPU,
           "file_size": resource.RLIMIT_FSIZE, "open_files": resource.RLIMIT_NOFILE}


class Worker:
    """The notebook's shell and the loop that answers the grader."""

    def __init__(self, requests: int, replies: int, sandboxed: bool = True):
        self.requests, self.replies, self.sandboxed = requests, replies, sandboxed
        self.pid = os.getpid()
        self.in_student_code = False
        self.shell: Any = None
        self.child: Child | None = None
        self.stand_ins: tuple[str, tuple[str, ...]] = ("", ())
        self.exits: dict[int, int] = {}

    # ---------------------------------------------------------------- the notebook

    def start_shell(self) -> None:
        """IPython's shell without history or colours; matplotlib draws off screen."""
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config

        config = Config()
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "nocolor"
        config.InteractiveShell.xmode = "Plain"
        self.shell = InteractiveShell.instance(config=config)

    def run_cell(self, source: str) -> dict[str, Any]:
        """Execute one cell; the reply names its error, if any."""
        self.in_student_code = True
        try:
            result = self.shell.run_cell(source, store_history=True)
            error = result.error_before_exec or result.error_in_exec
        except KeyboardInterrupt as interrupt:  # arrived between IPython's own statements
            error = interrupt
        finally:
            self.in_student_code = False
            leave_if_forked(self.pid)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # the notebook replaced or closed it
                pass
        text = None if error is None else f"{type(error).__name__}: {error}"[:2000]
        return {"status": "ok", "error": text}

    def on_interrupt(self, signum: int, frame: Any) -> None:
        """SIGINT from the grader interrupts the student's cell, and nothing else."""
        if self.in_student_code:
            raise KeyboardInterrupt

    # ---------------------------------------------------------------- the tests

    def relay(self, request: dict[str, Any], raw: bytes) -> dict[str, Any] | bytes:
        """Have the question's child answer a call; a dead or overrunning child yields an error reply."""
        if self.child is None:
            try:
                self.child = self.fork_child()
            except OSError as error:
                return {"status": "broken", "error": f"the grader could not start a process to test `"
                        f"{request.get('name', '?')}` ({error.strerror}): does the notebook leave processes running?"}
        timeout = float(request.get("timeout", 30.0))
        reply, overran = self.child.ask(raw, timeout)
        if reply is not None:
            return reply
        self.child, child = None, self.child
        how = child.stop(self.exits, overran)
        name = request.get("name", "?")
        if how is None:
            return {"status": "timeout", "error": f"`{name}` did not finish within {timeout:g} s (an endless loop?)"}
        return {"status": "died", "error": f"the process ended while `{name}` ran: {how}"}

    def fork_child(self) -> Child:
        """Fork the question's child; when the process limit is reached, first end every other process."""
        self.reap()
        try:
            return Child.fork(self)
        except BlockingIOError:
            if not self.sandboxed:  # outside a sandbox, "every other process" would be the teacher's
                raise
        os.kill(-1, signal.SIGKILL)  # every process of the sandbox but this one and bubblewrap's init
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            self.reap()
            try:
                return Child.fork(self)
            except BlockingIOError:
                time.sleep(0.05)
        return Child.fork(self)

    def end_question(self) -> None:
        if self.child is not None:
            self.child.stop(self.exits)
            self.child = None
        self.reap()

    def reap(self) -> None:
        """Collect the notebook's child processes that ended (a fork bomb's leftovers count against the limit)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.exits[pid] = status

    # ---------------------------------------------------------------- the loop

    def serve(self) -> None:
        """Answer requests until the grader says "exit" or closes the pipe."""
        send_frame(self.replies, envelope(0, json.dumps({"status": "ready"}).encode()))
        while True:
            raw = receive_frame(self.requests, MAX_REQUEST_BYTES)
            if raw is None:
                return
            request = pickle.loads(raw)  # plain data: the arguments of a call stay pickled inside
            if request.get("op") == "exit":
                return
            try:
                reply = self.answer(request, raw)
            except Exception as error:  # the notebook may have broken a library this worker uses
                reply = {"status": "broken", "error": f"the worker failed: {type(error).__name__}: {error}"[:2000]}
            body = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
            send_frame(self.replies, envelope(int(request.get("seq", 0)), body))
            self.reap()

    def answer(self, request: dict[str, Any], raw: bytes) -> dict[str, Any] | bytes:
        """The reply to one request (bytes when a child wrote it)."""
        op = request.get("op")
        if op == "cell":
            return self.run_cell(request["source"])
        if op == "question":
            self.end_question()
            self.stand_ins = (request.get("source", ""), tuple(request.get("names", ())))
            return {"status": "ok"}
        if op in ("call", "value"):
            return self.relay(request, raw)
        if op == "end":
            self.end_question()
            return {"status": "ok"}
        return {"status": "broken", "error": f"unknown request {op!r}"}


class Child:
    """A fork of the worker that answers one question's calls, with that question's stand-ins bound."""

    def __init__(self, pid: int, to_child: int, from_child: int):
        self.pid, self.to_child, self.from_child = pid, to_child, from_child

    @classmethod
    def fork(cls, worker: Worker) -> Child:
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            raise
        if pid == 0:  # the child: never returns
            os.close(down_w)
            os.close(up_r)
            status = 0
            try:
                _serve_question(worker, down_r, up_w)
            except BaseException:  # noqa: BLE001 (whatever happens, the child ends here)
                status = 70
            finally:
                os._exit(status)
        os.close(down_r)
        os.close(up_w)
        return cls(pid, down_w, up_r)

    def ask(self, raw: bytes, timeout: float) -> tuple[bytes | None, bool]:
        """Forward a request; (the child's reply or None if it failed, whether it overran `timeout`)."""
        try:
            send_frame(self.to_child, raw)
            reply = receive_frame(self.from_child, MAX_REPLY_BYTES, time.monotonic() + max(timeout, 0.0))
        except Overran:
            return None, True
        except Exception:  # the child is gone, or wrote a torn or oversized frame: it is not trusted either
            return None, False
        return reply, False

    def stop(self, exits: dict[int, int], overran: bool = False) -> str | None:
        """End the child; how it ended by itself, or None if it was still running (it overran)."""
        for fd in (self.to_child, self.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        status = exits.pop(self.pid, None)
        deadline = time.monotonic() + (0.0 if overran else 2.0)
        while status is None:
            done, found = os.waitpid(self.pid, os.WNOHANG)
            if done:
                status = found
            elif time.monotonic() >= deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                return None
            else:
                time.sleep(0.01)
        return describe_exit(status)


def envelope(seq: int, body: bytes) -> bytes:
    """A reply frame: the request's sequence number around the reply's JSON (so a stray frame is noticed)."""
    return b'{"seq":%d,"reply":%s}' % (seq, body)


def leave_if_forked(pid: int) -> None:
    """A copy of this process made by the student's `os.fork()` must not go on serving the grader: end it."""
    if os.getpid() != pid:
        os._exit(0)


def describe_exit(status: int) -> str:
    """What a wait status says, in a student's words."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"it was killed by {name}" + (" (a crash in compiled code)" if name in ("SIGSEGV", "SIGBUS") else "")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return f"your code ended the process with exit status {code} (os._exit or a library that exits)"


def _serve_question(worker: Worker, requests: int, replies: int) -> None:
    """In the child: bind the stand-ins, then answer calls from the parent until it closes the pipe."""
    from linreg_course.grader.kernel import call_reply, load_stand_ins, value_reply

    me = os.getpid()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)  # libgomp's thread pool does not survive fork(): one thread needs none
    _close_grader_pipes(worker, keep=(requests, replies))
    namespace = worker.shell.user_ns
    source, names = worker.stand_ins
    broken = None
    if names:
        try:
            namespace.update(load_stand_ins(source, names))
        except Exception as error:  # a grader bug; say so instead of blaming the student
            broken = f"the grader could not load its stand-ins: {type(error).__name__}: {error}"
    while True:
        raw = receive_frame(requests, MAX_REQUEST_BYTES)
        if raw is None:
            return
        request = pickle.loads(raw)
        if broken:
            reply: dict[str, Any] = {"status": "broken", "error": broken}
        elif request["op"] == "call":
            try:
                args, kwargs, observe = pickle.loads(request["payload"])
            except Exception as error:  # e.g. torch half imported, after the notebook's import was interrupted
                reply = {"status": "broken", "error": f"the arguments could not be read in the notebook's process: "
                                                      f"{type(error).__name__}: {error}"[:2000]}
            else:
                reply = call_reply(namespace, request["name"], args, kwargs, observe)
        else:
            reply = value_reply(namespace, request["name"])
        leave_if_forked(me)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # the notebook replaced or closed it
                pass
        try:
            payload = json.dumps(reply, allow_nan=False, separators=(",", ":")).encode()
        except (TypeError, ValueError) as error:  # a reply that is not data (cannot happen with the codec)
            payload = json.dumps({"status": "error", "error": f"unreadable reply: {error}"}).encode()
        if len(payload) > MAX_REPLY_BYTES - 4096:  # room for the parent's envelope
            payload = json.dumps({"status": "ok", "value": {"$": "unreadable", "type": "answer",
                                                             "why": "larger than the grader reads"}}).encode()
        send_frame(replies, payload)


def _close_grader_pipes(worker: Worker, keep: tuple[int, ...]) -> None:
    """Close every descriptor of the grader's pipes (copies the notebook may have made included)."""
    targets = set()
    for fd in (worker.requests, worker.replies):
        try:
            info = os.fstat(fd)
            targets.add((info.st_dev, info.st_ino))
        except OSError:
            pass
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd in keep or fd <= 2:
            continue
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in targets:
            os.close(fd)


def lower_rights(uid: int | None, limits: dict[str, int]) -> None:
    """Become an unprivileged user (if started as root) and apply the resource limits, hard and soft."""
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    for name, value in limits.items():
        if name in RLIMITS and value > 0:
            resource.setrlimit(RLIMITS[name], (value, value))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> int:
    """Entry point inside the sandbox: `worker REQUESTS_FD REPLIES_FD SETTINGS_JSON`."""
    argv = sys.argv[1:] if argv is None else argv
    requests, replies, settings = int(argv[0]), int(argv[1]), json.loads(argv[2])
    lower_rights(settings.get("uid"), settings.get("limits", {}))
    worker = Worker(requests, replies, settings.get("sandboxed", True))
    signal.signal(signal.SIGINT, worker.on_interrupt)
    os.chdir(settings.get("cwd", os.getcwd()))
    worker.start_shell()
    worker.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
