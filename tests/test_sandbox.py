"""What a notebook sees from inside the grader's sandbox, probed from a real one.

The probe runs as a notebook would, in the bubblewrap sandbox of `linreg_course.grader.sandbox`, and
gathers facts into a variable that the test reads back through the grader's own channel.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from submissions import require_sandbox

import linreg_course
from linreg_course.grader.cgroups import control_group, remove_stale
from linreg_course.grader.core import Context
from linreg_course.grader.execute import Grading, WorkerCaller
from linreg_course.grader.sandbox import KERNEL_FILES, Limits
from linreg_course.grader.seccomp import namespace_filter
from linreg_course.grader.submission import read_submission
from tools.notebook_settings import ROOT

PROBE = '''
import json, os, resource, socket, sys
facts = {}
facts["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
facts["uid"] = os.getuid()
facts["cwd"] = sorted(os.listdir("."))
facts["env"] = dict(os.environ)
facts["limits"] = {name: resource.getrlimit(getattr(resource, name))[1] for name in ("RLIMIT_NPROC", "RLIMIT_AS")}
def attempt(action):
    try:
        action()
        return "allowed"
    except Exception as error:
        return type(error).__name__
facts["connect"] = attempt(lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
facts["resolve"] = attempt(lambda: socket.getaddrinfo("pypi.org", 443))
facts["exists"] = {p: os.path.exists(p) for p in PATHS}
facts["venv_write"] = attempt(lambda: open(os.path.join(VENV, "pwned.txt"), "w"))
facts["root_write"] = attempt(lambda: open("/pwned.txt", "w"))
facts["home_write"] = attempt(lambda: open(os.path.expanduser("~/mine.txt"), "w").write("x"))
facts["tmp_write"] = attempt(lambda: open("/tmp/mine.txt", "w").write("x"))
def imports(name):
    return attempt(lambda: __import__(name))
facts["imports"] = {n: imports(n) for n in ("linreg_course.data", "linreg_course.plotting", "linreg_course.grader",
                                            "linreg_course.grader.questions", "linreg_course.grader.compare",
                                            "linreg_course.grader.execute", "linreg_course.grader.standardising")}
package = os.path.dirname(__import__("linreg_course").__file__)
facts["grader_files"] = sorted(os.listdir(os.path.join(package, "grader")))
import shutil, subprocess
facts["unshare"] = (subprocess.run(["unshare", "-Ur", "true"], capture_output=True).returncode
                    if shutil.which("unshare") else None)
facts["cmdlines"] = " ".join(open(f"/proc/{p}/cmdline").read() for p in os.listdir("/proc") if p.isdigit())
'''


@pytest.fixture(autouse=True)
def _needs_bubblewrap():
    require_sandbox()


@pytest.fixture(scope="module")
def facts(tmp_path_factory):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("probe")
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    secret = tmp / "SECRET-report-folder"
    paths = [str(ROOT / "solutions"), str(ROOT / "tests" / "hidden_tests"), str(ROOT / ".git"), str(ROOT / "tests"),
             str(secret), str(ROOT / "linreg_course" / "grader" / "questions"), str(tmp)]
    source = (PROBE.replace("PORT", str(server.getsockname()[1])).replace("PATHS", repr(paths))
              .replace("VENV", repr(sys.prefix)))
    notebook = tmp / "probe.ipynb"
    notebook.write_text(json.dumps({"nbformat": 4, "metadata": {}, "cells": [
        {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}]}))
    grading = Grading(read_submission(notebook), notebook.name, Limits(), True, threading.Event())
    try:
        found = Context(WorkerCaller(grading), seed=0).value("facts")
    finally:
        grading.close()
    server.close()
    return found, {"secret": str(secret), "notebook": str(notebook), "paths": paths}


def test_the_grader_is_out_of_sight(facts):
    found, info = facts
    assert len(found["pids"]) <= 3 and max(found["pids"]) < 10  # its own PID namespace: bwrap's init and the worker
    assert str(os.getpid()) not in found["cmdlines"] and info["secret"] not in found["cmdlines"]
    assert info["notebook"] not in found["cmdlines"] and info["notebook"] not in json.dumps(found["env"])
    assert found["cwd"] == ["probe.ipynb"]  # the copy being graded, alone in its working directory
    assert found["env"]["HOME"] == "/home/student" and found["env"]["PWD"] == "/home/student/notebook"
    if os.geteuid() == 0:
        assert found["uid"] != 0


def test_no_network(facts):
    found, _ = facts
    assert found["connect"] != "allowed" and found["resolve"] != "allowed"


def test_the_course_checkout_is_not_there(facts):
    found, info = facts
    assert not any(found["exists"].values()), found["exists"]


def test_only_the_kernel_side_of_the_package_is_importable(facts):
    found, _ = facts
    imports = found["imports"]
    assert imports["linreg_course.data"] == imports["linreg_course.plotting"] == imports["linreg_course.grader"] \
        == "allowed"
    for name in ("linreg_course.grader.questions", "linreg_course.grader.compare", "linreg_course.grader.execute",
                 "linreg_course.grader.standardising"):
        assert imports[name] == "ModuleNotFoundError", name
    assert found["grader_files"] == sorted(KERNEL_FILES)
    assert Path(linreg_course.__file__).parent.joinpath("grader", "questions").is_dir()  # outside, it is there


def test_read_only_except_its_own_tmpfs(facts):
    found, _ = facts
    assert found["venv_write"] != "allowed" and found["root_write"] != "allowed"
    assert found["home_write"] == found["tmp_write"] == "allowed"


def test_no_new_namespaces_inside(facts):
    """The seccomp filter (or --disable-userns) keeps the notebook from making a user namespace of its own."""
    found, _ = facts
    if namespace_filter() is None and os.geteuid() == 0:
        pytest.skip("no seccomp filter for this machine's architecture")
    assert found["unshare"] in (None, 1)


def test_limits_are_set(facts):
    found, _ = facts
    limits = Limits()
    assert found["limits"] == {"RLIMIT_NPROC": limits.processes, "RLIMIT_AS": limits.memory}


def test_a_control_group_caps_the_whole_sandbox_where_allowed():
    """Where the grader may create cgroups (root, cgroup v1 here), a group is made, capped, filled and removed."""
    group = control_group(256 << 20, 16)
    if group is None:
        pytest.skip("this machine does not let the grader create control groups")
    try:
        child = subprocess.Popen(["sleep", "30"])
        group.add(child.pid)
        memory = next(f for f in group.folders if "memory" in str(f))
        assert (memory / "memory.limit_in_bytes").read_text().strip() == str(256 << 20)
        assert str(child.pid) in (memory / "cgroup.procs").read_text().split()
    finally:
        child.kill()
        child.wait()
        folders = list(group.folders)
        group.remove()
    assert not any(f.exists() for f in folders)
    stale = control_group(256 << 20, 16)  # as a grader killed with kill -9 leaves it: empty, not removed
    remove_stale.__wrapped__()
    assert not any(f.exists() for f in stale.folders)
