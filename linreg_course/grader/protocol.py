"""Frames on a pipe: a 4-byte big-endian length, then that many bytes.

The grader and the worker in the sandbox talk over two pipes, one per direction, that carry nothing
else (the student's prints go to stdout and stderr, other pipes). Requests (grader to worker) are
pickles; replies (worker to grader) are JSON written by `linreg_course.grader.codec`. Each side caps
the size of a frame it accepts, so a forged length cannot make the reader allocate without bound.
"""

from __future__ import annotations

import os
import select
import struct
import time

HEADER = struct.Struct(">I")

#: The largest reply the grader reads (a student's answer, described as data).
MAX_REPLY_BYTES = 32 * 1024 * 1024

#: The largest request the worker reads (the grader's own arguments and the notebook's cells).
MAX_REQUEST_BYTES = 256 * 1024 * 1024


class ProtocolError(Exception):
    """The other side sent something that is not a frame of an acceptable size."""


def send_frame(fd: int, payload: bytes) -> None:
    """Write one frame to a blocking file descriptor."""
    data = memoryview(HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


class Overran(Exception):
    """No complete frame arrived before the deadline."""


def _read_exactly(fd: int, size: int, deadline: float | None = None) -> bytes | None:
    chunks, missing = [], size
    while missing:
        if deadline is not None:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise Overran
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def receive_frame(fd: int, limit: int, deadline: float | None = None) -> bytes | None:
    """Read one frame from a blocking file descriptor; None at end of file, `Overran` after `deadline`."""
    header = _read_exactly(fd, HEADER.size, deadline)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise ProtocolError(f"a frame of {size} bytes is larger than the limit of {limit}")
    payload = _read_exactly(fd, size, deadline)
    if payload is None:
        raise ProtocolError("the pipe closed in the middle of a frame")
    return payload


class FrameBuffer:
    """Reassembles frames from the chunks a non-blocking reader gets, refusing frames over `limit` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self._data = bytearray()

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add bytes; return the frames now complete, in order."""
        self._data += chunk
        frames = []
        while len(self._data) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._data)
            if size > self.limit:
                raise ProtocolError(f"a reply of {size} bytes is larger than the limit of {self.limit}")
            end = HEADER.size + size
            if len(self._data) < end:
                break
            frames.append(bytes(self._data[HEADER.size:end]))
            del self._data[:end]
        return frames
