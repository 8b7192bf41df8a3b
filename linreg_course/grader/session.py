"""The grader's side of a running worker: requests out, replies in, every wait bounded.

All reading is non-blocking and multiplexed: while the grader waits for a reply it also drains the
notebook's stdout and stderr (keeping only the last `Limits.output` bytes, to say what a dying kernel
printed last), so a flood can neither block the worker nor grow the grader's memory. Every wait has a
deadline and the total limit of the submission; past it the caller kills the worker
(`WorkerProcess.kill`) without waiting for any pipe to close, whatever the student's code does with its
pipes, signals or the GIL.
"""

from __future__ import annotations

import os
import pickle
import selectors
import threading
import time
from collections import deque
from typing import Any

from linreg_course.grader.codec import CorruptReply, loads
from linreg_course.grader.protocol import HEADER, MAX_REPLY_BYTES, FrameBuffer, ProtocolError
from linreg_course.grader.sandbox import Limits, WorkerProcess

#: Seconds a cell has to stop after SIGINT before its worker is killed.
INTERRUPT_GRACE = 5.0


class WorkerGone(Exception):
    """The worker ended, or broke the protocol; the message says how."""


class WorkerStuck(Exception):
    """The worker did not answer before the step's deadline."""


class TotalTimeout(Exception):
    """The submission's total time limit passed."""


class Stopped(Exception):
    """The grader itself is being stopped (Ctrl-C)."""


class Session:
    """One running worker and the pipes to it."""

    def __init__(self, process: WorkerProcess, limits: Limits, total_deadline: float,
                 stop: threading.Event | None = None):
        self.process, self.limits, self.total_deadline, self.stop = process, limits, total_deadline, stop
        self.frames = FrameBuffer(MAX_REPLY_BYTES)
        self.pending: deque[bytes] = deque()
        self.output = bytearray()
        self.output_bytes = 0
        self.selector = selectors.DefaultSelector()
        self.selector.register(process.replies, selectors.EVENT_READ, "replies")
        self.selector.register(process.stdout, selectors.EVENT_READ, "output")
        self.selector.register(process.stderr, selectors.EVENT_READ, "output")
        self.closed = False
        self.seq = 0

    # ---------------------------------------------------------------- the pipes

    def _pump(self, until: float, outgoing: bytearray | None = None) -> None:
        """Move bytes until a reply frame is pending (or `outgoing` is written); raise past the deadlines."""
        writing = outgoing is not None
        if writing:
            self.selector.register(self.process.requests, selectors.EVENT_WRITE, "requests")
        try:
            while (outgoing if writing else not self.pending):
                if self.stop is not None and self.stop.is_set():
                    raise Stopped
                now = time.monotonic()
                if now >= self.total_deadline:
                    raise TotalTimeout
                if now >= until:
                    raise WorkerStuck
                for key, _ in self.selector.select(min(0.25, until - now, self.total_deadline - now)):
                    if key.data == "requests":
                        try:
                            written = os.write(key.fd, outgoing[:1 << 16])
                        except BlockingIOError:
                            continue
                        except OSError:
                            raise WorkerGone(self.process.exit_description()) from None
                        del outgoing[:written]
                    else:
                        self._read(key.fd, key.data)
        finally:
            if writing:
                self.selector.unregister(self.process.requests)

    def _read(self, fd: int, kind: str) -> None:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if kind == "output":
            if not chunk:
                self.selector.unregister(fd)
                return
            self.output_bytes += len(chunk)
            self.output += chunk[-self.limits.output:]
            del self.output[:-self.limits.output]
            return
        if not chunk:
            raise WorkerGone(self.process.exit_description())
        try:
            self.pending.extend(self.frames.feed(chunk))
        except ProtocolError as error:
            raise WorkerGone(f"it broke the grader's protocol ({error})") from None

    def send(self, message: dict[str, Any], until: float) -> None:
        """Write one request (a pickle, numbered) before `until`."""
        self.seq += 1
        payload = pickle.dumps(dict(message, seq=self.seq))
        self._pump(until, bytearray(HEADER.pack(len(payload)) + payload))

    def receive(self, until: float) -> dict[str, Any]:
        """The reply to the last request; anything else (not JSON, out of order) ends the session."""
        self._pump(until)
        try:
            frame = loads(self.pending.popleft())
        except CorruptReply as error:
            raise WorkerGone(f"it broke the grader's protocol ({error})") from None
        if not isinstance(frame, dict) or frame.get("seq") != self.seq or not isinstance(frame.get("reply"), dict):
            raise WorkerGone("it broke the grader's protocol (a reply out of order)")
        return frame["reply"]

    def ask(self, message: dict[str, Any], seconds: float) -> dict[str, Any]:
        """Send a request and wait at most `seconds` for its reply."""
        until = time.monotonic() + seconds
        self.send(message, until)
        return self.receive(until)

    # ---------------------------------------------------------------- what the grader asks

    def ready(self, seconds: float) -> dict[str, Any]:
        """Wait for the worker's first message."""
        reply = self.receive(time.monotonic() + seconds)
        if reply.get("status") != "ready":
            raise WorkerGone("it did not start as expected")
        return reply

    def run_cell(self, source: str) -> tuple[dict[str, Any], bool]:
        """Run one cell; (the reply, whether the cell had to be interrupted). `WorkerStuck` if SIGINT fails."""
        until = time.monotonic() + self.limits.cell_timeout
        self.send({"op": "cell", "source": source}, until)
        try:
            return self.receive(until), False
        except WorkerStuck:
            self.process.interrupt()
        return self.receive(time.monotonic() + INTERRUPT_GRACE), True

    def last_output(self, since: int, chars: int = 200) -> str:
        """The last line printed after `output_bytes` was `since` (what a crashing library says), shortened."""
        fresh = self.output[-(self.output_bytes - since):] if self.output_bytes > since else b""
        lines = [line.strip() for line in bytes(fresh).decode(errors="replace").splitlines() if line.strip()]
        return lines[-1][-chars:] if lines else ""

    def close(self) -> None:
        """Kill the worker (and everything it started) and release the pipes."""
        if self.closed:
            return
        self.closed = True
        self.selector.close()
        self.process.kill()
