"""A cap on a whole sandbox's memory and processes, through the kernel's control groups, where allowed.

Resource limits (`setrlimit`) bound each process; a notebook that starts many processes, each just
under the memory limit, could still exhaust the machine. Where the grader may create control groups
(root on a machine with the cgroup v1 `memory` and `pids` hierarchies, as here), each sandbox gets its
own group, capped at `Limits.memory` bytes in all and `Limits.processes` tasks; the kernel's OOM killer
then acts inside the group only. Elsewhere (cgroup v2 without delegation, an unprivileged grader) this
is skipped and the per-process limits remain.
"""

from __future__ import annotations

import functools
import secrets
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "linreg-grader-"


def _own_group(controller: str) -> Path | None:
    """The folder of this process's group in a cgroup v1 hierarchy, if that hierarchy is mounted."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            folder = ROOT / controller / path.lstrip("/")
            return folder if folder.is_dir() else None
    return None


class ControlGroup:
    """One sandbox's groups: memory and pids, created with their caps, removed when it ends."""

    def __init__(self, memory: int, processes: int):
        self.folders: list[Path] = []
        name = f"{PREFIX}{secrets.token_hex(6)}"
        caps = {"memory": {"memory.limit_in_bytes": memory}, "pids": {"pids.max": processes}}
        try:
            for controller, settings in caps.items():
                parent = _own_group(controller)
                if parent is None:
                    raise OSError(f"no cgroup v1 {controller} hierarchy")
                folder = parent / name
                folder.mkdir()
                self.folders.append(folder)
                for file, value in settings.items():
                    (folder / file).write_text(str(value))
        except OSError:
            self.remove()
            raise

    def add(self, pid: int) -> None:
        """Put a process (and all it will start) into the groups."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))

    def remove(self, wait: float = 2.0) -> None:
        """Remove the groups once their processes are gone (a killed sandbox empties within moments)."""
        deadline = time.monotonic() + wait
        for folder in self.folders:
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.02)
        self.folders = []


@functools.cache
def remove_stale() -> None:
    """Remove the empty groups a grader that was killed left behind (a group in use cannot be removed)."""
    for controller in ("memory", "pids"):
        parent = _own_group(controller)
        for folder in parent.glob(f"{PREFIX}*") if parent is not None else []:
            try:
                folder.rmdir()
            except OSError:
                pass


def control_group(memory: int, processes: int) -> ControlGroup | None:
    """A capped group for one sandbox, or None where the grader cannot create one."""
    remove_stale()
    try:
        return ControlGroup(memory, processes)
    except (OSError, ValueError):
        return None
