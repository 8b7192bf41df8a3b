"""Starting the worker inside bubblewrap: what the sandbox sees, its limits, and how it ends.

The student's code runs in `bwrap` (Debian's `bubblewrap`, the sandbox Flatpak is built on) with:

- the Python installation, the virtual environment and the system's `/usr` read-only, and no other
  part of the machine: not the repository checkout (no `solutions/`, no hidden tests), not the report;
- over the course package's location, a read-only copy of what a notebook imports from it (the data
  sets, the figure style, `Checker`) and the worker's own modules: the question modules, with their
  references and stand-ins, are simply not there;
- private, size-limited tmpfs mounts for the working directory (holding only the notebook's copy),
  `/tmp` and the home directory;
- no network, its own PID namespace (so `/proc` shows nothing of the grader), whose first process is
  bubblewrap's own small init, the worker's parent: killing it ends every process of the submission,
  and it dies with the grader (it keeps `--die-with-parent`, which the worker loses when it changes
  its user id);
- a new session (no terminal to inject keystrokes into), and a seccomp filter that forbids new
  namespaces inside (`linreg_course.grader.seccomp`);
- resource limits set by the worker before any student code runs: address space, processes, CPU
  time, file size, open files; as root, the worker first becomes a user id of its own, since root is
  exempt from the process limit; and, where the grader may create control groups, a cap on the whole
  sandbox's memory and processes (`linreg_course.grader.cgroups`).
"""

from __future__ import annotations

import functools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import linreg_course
from linreg_course.grader.cgroups import ControlGroup, control_group
from linreg_course.grader.seccomp import namespace_filter

#: The files of `linreg_course/grader/` the worker needs inside the sandbox. Everything else of the
#: grader (the question modules, the hidden tests' helpers, the command line) stays outside.
KERNEL_FILES = ("__init__.py", "notebook.py", "core.py", "codec.py", "observers.py", "kernel.py", "fixtures.py",
                "protocol.py", "worker.py")

#: Environment variables passed through to the notebook when the grader has them (thread counts and
#: CPU code paths, which change how fast or how exactly the numbers come out, nothing secret).
PASSED_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "ATEN_CPU_CAPABILITY",
              "MKL_ENABLE_INSTRUCTIONS", "OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")

HOME = "/home/student"
WORKDIR = "/home/student/notebook"

#: User ids for sandboxes started by root: one fresh id per sandbox, from a range no account uses.
UID_BASE, UID_RANGE = 1_800_000_000, 1 << 24


@dataclass(frozen=True)
class Limits:
    """Time and resource limits of one submission."""

    cell_timeout: float = 60.0
    call_timeout: float = 30.0
    total_timeout: float = 300.0
    memory: int = 4 << 30  # bytes of address space per process
    processes: int = 64  # processes and threads of the submission
    cpu: int = 0  # CPU seconds per process (0: the total timeout, plus a margin)
    file_size: int = 64 << 20  # bytes per file written
    disk: int = 128 << 20  # bytes of each private tmpfs (working directory, /tmp, home)
    open_files: int = 512
    output: int = 256 << 10  # bytes of the notebook's stdout and stderr kept (the rest is read and dropped)

    def rlimits(self) -> dict[str, int]:
        """The limits the worker applies to itself (`linreg_course.grader.worker.RLIMITS`)."""
        cpu = self.cpu or int(self.total_timeout) + 30
        return {"memory": self.memory, "processes": self.processes, "cpu": cpu, "file_size": self.file_size,
                "open_files": self.open_files}


class SandboxUnavailable(Exception):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


def bwrap_path() -> str | None:
    """Where `bwrap` is, if it is installed."""
    return shutil.which("bwrap")


@functools.cache
def check_sandbox() -> str:
    """The version of bubblewrap after starting a trivial sandbox with the grader's options; raises
    `SandboxUnavailable` with the reason when that fails."""
    path = bwrap_path()
    if path is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
    probe = [path, *_namespace_options(), *_system_mounts(), "--", "/bin/true" if Path("/bin/true").exists()
             else shutil.which("true") or "/usr/bin/true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"bwrap could not start: {error}") from None
    if result.returncode != 0:
        raise SandboxUnavailable(f"bwrap cannot create a sandbox here: {result.stderr.strip()[:300]}")
    return version or "bubblewrap"


def _namespace_options() -> list[str]:
    options = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if os.geteuid() == 0:  # no user namespace: the worker switches to a user id of its own instead
        options += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:  # an unprivileged user namespace, in which no further one can be made
        options += ["--unshare-user", "--disable-userns"]
    return options


def _system_mounts() -> list[str]:
    """Read-only `/usr`, the top-level links or folders of the libraries, a few files of `/etc`."""
    mounts = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "localtime"):
        if (Path("/etc") / name).exists():
            mounts += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return mounts


def _python_mounts() -> list[str]:
    """The Python installation and the virtual environment, read-only, at their own paths."""
    chosen: list[Path] = []
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.prefix),
             Path(sys.executable).resolve().parent.parent}
    for root in sorted(roots, key=lambda p: len(p.parts)):
        if not root.is_relative_to("/usr") and not any(root.is_relative_to(c) for c in chosen):
            chosen.append(root)
    return [arg for root in chosen for arg in ("--ro-bind", str(root), str(root))]


def _parent_dirs(arguments: list[str]) -> list[str]:
    """`--dir` (mode 0755) for every folder above a mount point, before the mounts, so that the
    unprivileged user of the sandbox can reach them (bubblewrap makes missing parents private)."""
    destinations = {"--ro-bind": 2, "--bind": 2, "--tmpfs": 1, "--symlink": 2, "--file": 2, "--dir": 1}
    parents: list[str] = []
    index = 0
    while index < len(arguments):
        option = arguments[index]
        if option in destinations:
            target = Path(arguments[index + destinations[option]])
            for parent in reversed(target.parents):
                text = str(parent)
                if text != "/" and text not in parents:
                    parents.append(text)
            index += destinations[option] + 1
        else:
            index += 1
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", parent)]


def _package_mounts() -> list[str]:
    """A read-only copy of the course package at its own location, holding only what the kernel may import."""
    source = Path(linreg_course.__file__).resolve().parent
    target = str(Path(linreg_course.__file__).parent)
    mounts = ["--size", str(8 << 20), "--tmpfs", target]
    for entry in sorted(source.iterdir()):
        if entry.name in ("grader", "__pycache__") or entry.name.endswith(".egg-info"):
            continue
        mounts += ["--ro-bind", str(entry), f"{target}/{entry.name}"]
    mounts += ["--dir", f"{target}/grader"]
    for name in KERNEL_FILES:
        mounts += ["--ro-bind", str(source / "grader" / name), f"{target}/grader/{name}"]
    return mounts + ["--remount-ro", target]


def notebook_environment(home: str) -> dict[str, str]:
    """The environment of the notebook: nothing of the grader's own, a few fixed settings."""
    env = {"HOME": home, "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
           "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "VIRTUAL_ENV": sys.prefix,
           "TQDM_DISABLE": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": f"{home}/.config/matplotlib", "IPYTHONDIR": f"{home}/.ipython",
           "LINREG_COURSE_GRADING": "1"}
    env.update({k: os.environ[k] for k in PASSED_ENV if k in os.environ})
    return env


@functools.cache
def matplotlib_fonts() -> tuple[str, bytes] | None:
    """The grader's own matplotlib font list (name, content), if it has one: copied into each sandbox, it
    spares every notebook that plots the seconds matplotlib takes to scan the fonts on first use."""
    configured = os.environ.get("MPLCONFIGDIR")
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for folder in ([Path(configured)] if configured else []) + [Path(cache) / "matplotlib"]:
        for found in sorted(folder.glob("fontlist-v*.json")) if folder.is_dir() else []:
            try:
                return found.name, found.read_bytes()[:4 << 20]
            except OSError:
                continue
    return None


def safe_name(name: str) -> str:
    """The notebook's file name inside the sandbox: its own name when plain, else `submission.ipynb`."""
    plain = name.isascii() and all(c.isalnum() or c in "._-" for c in name) and not name.startswith(".")
    return name if plain and name.endswith(".ipynb") and len(name) < 100 else "submission.ipynb"


class WorkerProcess:
    """A started worker: its pipes, the id to signal it by, and how to end it with everything it started."""

    def __init__(self, popen: subprocess.Popen, pid: int, requests: int, replies: int, stdout: int, stderr: int,
                 status: int | None, tmpdir: str | None, init: int | None = None, group: ControlGroup | None = None):
        self.popen, self.pid, self.init, self.group = popen, pid, init, group
        self.requests, self.replies, self.stdout, self.stderr = requests, replies, stdout, stderr
        self.status_fd, self.tmpdir = status, tmpdir
        self.ended = False

    def interrupt(self) -> None:
        """SIGINT to the worker: it interrupts the running cell."""
        try:
            os.kill(self.pid, signal.SIGINT)
        except ProcessLookupError:
            pass

    def exit_description(self) -> str:
        """How the worker ended, once it has (from bubblewrap's status, or the process's own)."""
        code = None
        try:
            returned = self.popen.wait(timeout=2)
        except subprocess.TimeoutExpired:
            returned = None
        if self.status_fd is not None:
            try:
                for line in os.read(self.status_fd, 65536).decode(errors="replace").splitlines():
                    data = json.loads(line) if line.strip().startswith("{") else {}
                    code = data.get("exit-code", code)
            except (OSError, ValueError):
                pass
        if code is None:
            if returned is None:
                return "it stopped answering"
            code = returned if returned >= 0 else 128 - returned
        if isinstance(code, int) and code > 128:
            try:
                return f"killed by {signal.Signals(code - 128).name}"
            except ValueError:
                return f"killed by signal {code - 128}"
        return f"exit status {code}"

    def kill(self) -> None:
        """End the worker and every process of the submission; never waits on the student's pipes."""
        if self.ended:
            return
        self.ended = True
        for pid in (self.init, self.pid, self.popen.pid):
            if pid is None:
                continue
            try:
                if self.tmpdir is not None:  # no sandbox: the process group is all we can reach
                    os.killpg(pid, signal.SIGKILL)
                else:  # the PID namespace's first process: its death ends all the others
                    os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.requests, self.replies, self.stdout, self.stderr, self.status_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.group is not None:
            self.group.remove()


def start_worker(notebook: bytes, name: str, limits: Limits, sandbox: bool = True,
                 timeout: float = 30.0) -> WorkerProcess:
    """Start a worker holding a copy of `notebook` (named `name`) in its working directory.

    Raises `OSError` or `SandboxUnavailable` when it cannot start; `timeout` bounds the wait for bwrap.
    """
    name = safe_name(name)
    request_r, request_w = os.pipe()
    reply_r, reply_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    mine, theirs = [request_w, reply_r, out_r, err_r], [request_r, reply_w, out_w, err_w]
    status_r = status_w = None
    tmpdir = None
    try:
        settings: dict = {"limits": limits.rlimits(), "uid": None, "sandboxed": sandbox}
        if not sandbox:  # the process limit would count every process of the teacher's user
            del settings["limits"]["processes"]
        if sandbox:
            if os.geteuid() == 0:
                settings["uid"] = UID_BASE + secrets.randbelow(UID_RANGE)
            status_r, status_w = os.pipe()
            mine.append(status_r)
            theirs.append(status_w)
            memfd = _memfd("notebook", notebook)
            theirs.append(memfd)
            rules = namespace_filter()
            if rules is not None:
                rules_fd = _memfd("seccomp", rules)
                theirs.append(rules_fd)
            fonts = matplotlib_fonts()
            copies = ["--perms", "0666", "--file", str(memfd), f"{WORKDIR}/{name}"]
            if fonts is not None:
                fonts_fd = _memfd("fonts", fonts[1])
                theirs.append(fonts_fd)
                copies += ["--perms", "0755", "--dir", f"{HOME}/.config", "--perms", "0777", "--dir",
                           f"{HOME}/.config/matplotlib", "--perms", "0666", "--file", str(fonts_fd),
                           f"{HOME}/.config/matplotlib/{fonts[0]}"]
            settings["cwd"] = WORKDIR
            env = notebook_environment(HOME)
            # The private file systems first, then what is bound on top of them: a course cloned under
            # /tmp (or a home folder) keeps its Python and package visible inside the sandbox's own /tmp.
            private = ["--proc", "/proc", "--dev", "/dev",
                       "--perms", "1777", "--size", str(limits.disk), "--tmpfs", "/tmp",
                       "--perms", "1777", "--size", str(16 << 20), "--tmpfs", "/dev/shm",
                       "--perms", "0777", "--size", str(limits.disk), "--tmpfs", HOME,
                       "--perms", "0777", "--size", str(limits.disk), "--tmpfs", WORKDIR]
            bound = [*_system_mounts(), *_python_mounts(), *copies, *_package_mounts()]
            command = [bwrap_path() or "bwrap", *_namespace_options(), "--json-status-fd", str(status_w),
                       *(["--seccomp", str(rules_fd)] if rules is not None else []),
                       *_parent_dirs(private), *private, *_parent_dirs(bound), *bound,
                       "--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
            for key, value in env.items():
                command += ["--setenv", key, value]
            command += ["--", sys.executable, "-s", "-m", "linreg_course.grader.worker", str(request_r), str(reply_w),
                        json.dumps(settings)]
            popen = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w, pass_fds=theirs,
                                     env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        else:
            tmpdir = tempfile.mkdtemp(prefix="linreg-grade-")
            home, work = Path(tmpdir) / "home", Path(tmpdir) / "notebook"
            home.mkdir()
            work.mkdir()
            (work / name).write_bytes(notebook)
            settings["cwd"] = str(work)
            env = notebook_environment(str(home))
            command = [sys.executable, "-s", "-m", "linreg_course.grader.worker", str(request_r), str(reply_w),
                       json.dumps(settings)]
            popen = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w, pass_fds=theirs,
                                     env=env, cwd=work, start_new_session=True)
    except BaseException:
        for fd in mine:
            os.close(fd)
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    finally:
        for fd in theirs:
            os.close(fd)
    for fd in mine[1:]:
        os.set_blocking(fd, False)
    if status_r is None:
        return WorkerProcess(popen, popen.pid, *mine[:4], None, tmpdir)
    deadline = time.monotonic() + timeout
    init = _child_pid(popen, status_r, deadline)
    pid = _first_child(init, deadline) if init is not None else None
    if init is None or pid is None:
        worker = WorkerProcess(popen, popen.pid, *mine[:4], status_r, None, init)
        error = _drain(err_r)
        worker.kill()
        raise SandboxUnavailable(f"bwrap did not start the worker: {error.strip()[:300] or 'no message'}")
    group = control_group(limits.memory, limits.processes)
    worker = WorkerProcess(popen, pid, *mine[:4], status_r, None, init, group)
    if group is not None:
        try:  # before the worker reads its first cell: everything the notebook starts stays inside
            group.add(pid)
        except OSError:
            group.remove(wait=0)
            worker.group = None
    return worker


def _memfd(name: str, data: bytes) -> int:
    """A file in memory holding `data`, from which bubblewrap copies a file into the sandbox."""
    fd = os.memfd_create(name)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _first_child(parent: int, deadline: float) -> int | None:
    """The first child of the sandbox's init (the worker), as the grader's PID namespace numbers it."""
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except FileNotFoundError:  # no such process, or a kernel without this file: look at every process
            children = [p.name for p in Path("/proc").iterdir() if p.name.isdigit() and _parent_of(p) == parent]
            if not Path(f"/proc/{parent}").exists():
                return None
        except OSError:
            return None
        if children:
            return int(children[0])
        time.sleep(0.002)
    return None


def _parent_of(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _child_pid(popen: subprocess.Popen, status_fd: int, deadline: float) -> int | None:
    """Read bubblewrap's first status line, which names the sandbox's first process."""
    import select

    data = b""
    while b"\n" not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([status_fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = os.read(status_fd, 4096)
        except BlockingIOError:
            continue
        if not chunk:
            break
        data += chunk
    try:
        pid = json.loads(data.split(b"\n")[0]).get("child-pid")
    except ValueError:
        return None
    return pid if isinstance(pid, int) and pid > 0 else None


def _drain(fd: int) -> str:
    try:
        return os.read(fd, 65536).decode(errors="replace")
    except OSError:
        return ""


def describe(limits: Limits) -> dict[str, float]:
    """The limits as they go into a report."""
    return asdict(limits)
