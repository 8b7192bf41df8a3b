"""Hostile submissions: each must get a report, change nothing outside its sandbox, leave no process and
no temporary file behind, and earn no point it should not.

Every submission is built on the fly from a solution notebook (exercise 01, numbers only, so each runs in
well under a second when it behaves) with one cell added or one answer replaced, and all of them are
graded in one run of the command-line grader, four at a time, with short time limits. The notebooks know
the paths that matter on the teacher's side (the repository, the report, the other submissions, the
grader's home and temporary folders), as a student who read the grader's command line would, and try to
read, write, forge or outlive them.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy
import pytest
from submissions import (
    peak_megabytes,
    processes_with,
    require_sandbox,
    run_grader,
    solution,
    with_answer,
    with_cell,
    with_exercise_metadata,
    write,
)

from linreg_course.grader.reports import count_tests
from tools.notebook_settings import ROOT

MARK = f"linreg-hostile-{uuid.uuid4().hex[:12]}"
VENV_FILE = Path(numpy.__file__)
PROTECTED = [ROOT / "linreg_course" / "grader" / "questions" / "ch01_linear_model.py",
             ROOT / "linreg_course" / "grader" / "core.py", ROOT / "tests" / "hidden_tests" / "ch01_linear_model.py",
             ROOT / "solutions" / "01_linear_model.ipynb"]

MSE_RIGHT = ("import numpy as np\n\ndef mse(y_hat, y):\n    if y_hat.shape != y.shape:\n"
             "        raise ValueError('shapes')\n    return float(np.mean((y_hat - y) ** 2))\n")
MSE_WRONG = "def mse(y_hat, y):\n    return 0.0\n"
FULL = "full marks"


@pytest.fixture(autouse=True)
def _needs_bubblewrap():
    require_sandbox()


def _mse(body: str) -> dict:
    """Exercise 01 with q1's answer replaced by `body` (which defines `mse`)."""
    return with_answer("def mse(", body)


def cases(paths: dict[str, Path]) -> dict[str, tuple[dict, dict]]:
    """name -> (notebook, expectations): {question: points, or None for "fewer than the maximum"}, "messages":
    fragments that must appear in the report, "status"."""
    out, subs, home, tmp = (str(paths[k]) for k in ("out", "subs", "home", "tmp"))
    canary = f"/tmp/{MARK}-canary"
    daemon = (f"import os, signal, time\n"
              f"for _ in range(3):\n"
              f"    if os.fork() == 0:\n"
              f"        os.setsid()\n"
              f"        if os.fork() == 0:\n"
              f"            signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
              f"            signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
              f"            os.execv('/bin/sh', ['/bin/sh', '-c', 'while :; do echo 13/13 > {out}/report.json; "
              f"touch {subs}/x.ipynb; sleep 0.1; done', '{MARK}'])\n"
              f"        os._exit(0)\n")
    forge = ("import os, struct, json\n"
             "cmd = open('/proc/1/cmdline', 'rb').read().split(b'\\0')\n"
             "fd = int(cmd[cmd.index(b'linreg_course.grader.worker') + 2])\n"
             f"evil = b\"cos\\nsystem\\n(S'touch {canary}'\\ntR.\"  # a pickle that would run a command\n"
             "os.write(fd, struct.pack('>I', len(evil)) + evil)\n"
             "for seq in range(1, 300):\n"
             "    body = json.dumps({'seq': seq, 'reply': {'status': 'ok', 'value': 0.0, 'error': None}}).encode()\n"
             "    os.write(fd, struct.pack('>I', len(body)) + body)\n"
             "os.write(fd, struct.pack('>I', 2**31))\n")
    writes = "\n".join(f"try:\n    open({str(p)!r}, 'a').write('pwned')\nexcept Exception:\n    pass" for p in
                       [*PROTECTED, VENV_FILE, Path(out) / "report.json", Path(subs) / "os_exit_answer.ipynb",
                        Path(home) / "canary.txt", Path(tmp) / "canary.txt", canary, "/root/.bashrc"])
    writes += f"\nimport shutil\nshutil.rmtree({subs!r}, ignore_errors=True)\n"
    patches = ("import math, numpy as np\nimport linreg_course.grader.core as core\n"
               "np.allclose = np.isclose = np.array_equal = lambda *a, **k: True\nmath.isclose = lambda *a, **k: True\n"
               "core.run_test = core.run_question = None\ncheck = lambda name: print(name, 'passed')\n")
    channel = ("import linreg_course.grader.kernel as kernel\n"
               "kernel.call_reply = lambda *a, **k: {'status': 'ok', 'value': 0.0}\n"
               "kernel.ok_reply = lambda *a, **k: {'status': 'ok', 'value': {'$': 'float', 'v': 'nan'}}\n")
    return {
        "endless_cell": (with_cell("while True:\n    pass"), {"messages": ["KeyboardInterrupt: the cell ran longer "
                                                                        "than 3 s and was interrupted"]}),
        "endless_ignoring_interrupt": (with_cell("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                 "while True:\n    pass"),
                                       {"messages": ["the grader stopped the kernel in cell 5 (it did not stop when "
                                                     "interrupted); the grader restarted it"]}),
        "gil_cell": (with_cell("sum(range(10**13))"), {"messages": ["the grader restarted it"]}),
        "gil_thread": (with_cell("import threading\nthreading.Thread(target=lambda: sum(range(10**13)), "
                                 "daemon=True).start()"), {"messages": ["the grader restarted it"]}),
        "gil_answer": (_mse("def mse(y_hat, y):\n    return float(sum(range(10**13)))\n"),
                       {"q1": 0, "messages": ["`mse` did not finish within 3 s (an endless loop?)"]}),
        "os_exit_answer": (_mse("import os\ndef mse(y_hat, y):\n    os._exit(3)\n"),
                           {"q1": 0, "messages": ["the process ended while `mse` ran: your code ended the process "
                                                  "with exit status 3"]}),
        "sys_exit_answer": (_mse("import sys\ndef mse(y_hat, y):\n    sys.exit(3)\n"),
                            {"q1": 0, "messages": ["SystemExit: 3", "sys.exit() ends the program"]}),
        "segfault_answer": (_mse("import faulthandler\ndef mse(y_hat, y):\n    faulthandler._sigsegv()\n"),
                            {"q1": 0, "messages": ["killed by SIGSEGV"]}),
        "kills_answer": (_mse("import os, signal\n" + MSE_RIGHT.replace(
            "    if y_hat", "    for pid in (os.getppid(), 1, -1):\n        try:\n"
                            "            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
                            "    if y_hat")),
                         {"q1": 0, "messages": ["the kernel stopped answering while `mse` ran (killed by SIGKILL)",
                                                "this question's earlier tests ended the kernel 2 times"]}),
        "kills_cell": (with_cell("import os, signal\nfor pid in (os.getppid(), 1, -1, 0):\n    try:\n"
                                 "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass"), {}),
        "fork_bomb_cell": (with_cell("import os\nwhile True:\n    os.fork()"), {}),
        "fork_bomb_answer": (_mse("import os\ndef mse(y_hat, y):\n    while True:\n        os.fork()\n"), {"q1": 0}),
        "daemons": (with_cell(daemon), {}),
        "stdout_flood": (with_cell("for i in range(20_000):\n    print('x' * 10_000)"), {}),
        "stderr_flood_answer": (_mse("import sys\n" + MSE_RIGHT.replace(
            "    if y_hat", "    sys.stderr.write('y' * 5_000_000)\n    if y_hat")), {}),
        "memory_hog_cell": (with_cell("hog = bytearray(64 * 2**30)"), {"messages": ["MemoryError"]}),
        "memory_hog_answer": (_mse("import numpy as np\ndef mse(y_hat, y):\n    return float(np.ones(2**34).sum())\n"),
                              {"q1": 0, "messages": ["MemoryError"]}),
        "memory_hog_processes": (with_cell("import os\npids = []\nfor _ in range(6):\n    pid = os.fork()\n"
                                           "    if pid == 0:\n        data = b'x' * 2**30\n        os._exit(0)\n"
                                           "    pids.append(pid)\nfor pid in pids:\n    os.waitpid(pid, 0)"), {}),
        "disk_fill": (with_cell("import os\nfor path in ('big', '/tmp/big', os.path.expanduser('~/big')):\n"
                                "    try:\n        with open(path, 'wb') as f:\n            for _ in range(1024):\n"
                                "                f.write(b'x' * 2**20)\n    except OSError:\n        pass"), {}),
        "writes_outside": (with_cell(writes), {}),
        "reads_solutions": (_mse(f"import json\nnb = json.load(open({str(PROTECTED[3])!r}))\nexec(next("
                                 "''.join(c['source']) for c in nb['cells'] if 'def mse(' in ''.join(c['source'])))\n"),
                            {"q1": 0}),
        "imports_references": (_mse("try:\n    from linreg_course.grader.questions import ch01_linear_model as ref\n"
                                    "    mse = ref.mse\nexcept ImportError:\n    mse = None\n"),
                               {"q1": 0, "messages": ["`mse` should be a function"]}),
        "patches_comparisons": (_mse(patches + MSE_WRONG), {"q1": 0}),
        "patches_channel": (_mse(channel + MSE_WRONG), {"q1": 0, "others": "at most full marks"}),
        "forged_replies": (_mse(forge + MSE_WRONG), {"q1": 0, "messages": ["the grader restarted it"]}),
    }


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    paths = {name: base / name for name in ("subs", "out", "home", "tmp")}
    for name in ("subs", "home", "tmp"):
        paths[name].mkdir()
    (paths["home"] / "canary.txt").write_text("teacher's file")
    built = cases(paths)
    for name, (nb, _) in built.items():
        write(nb, paths["subs"] / name / "01_linear_model.ipynb")
    watched = [*PROTECTED, VENV_FILE, *sorted(paths["subs"].rglob("*")), paths["home"] / "canary.txt"]
    before = {p: _digest(p) for p in watched}
    result = run_grader([str(paths["subs"]), "--out", str(paths["out"]), "--jobs", "4", "--cell-timeout", "3",
                         "--call-timeout", "3", "--timeout", "90"], cwd=base,
                        env={"HOME": str(paths["home"]), "TMPDIR": str(paths["tmp"])}, timeout=900)
    survivors = processes_with(MARK)
    after = {p: _digest(p) for p in watched}
    summary = json.loads((paths["out"] / "report.json").read_text())
    by_name = {Path(r["submission"]).parent.name: r for r in summary["submissions"]}
    return {"result": result, "summary": summary, "by_name": by_name, "before": before, "after": after,
            "survivors": survivors, "paths": paths, "cases": built}


def test_every_submission_has_a_report_and_the_outputs_agree(hostile):
    summary, result, by_name = hostile["summary"], hostile["result"], hostile["by_name"]
    assert set(by_name) == set(hostile["cases"]), result.stderr[-2000:]
    assert summary["complete"] and summary["sandbox"].startswith("bubblewrap")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == f"{summary['passed']} passed, {summary['failed']} failed"
    junit = ET.parse(hostile["paths"]["out"] / "junit.xml").getroot()
    assert sum(int(s.get("failures")) for s in junit) == summary["failed"]
    assert sum(count_tests(r)[1] for r in summary["submissions"]) == summary["failed"]
    assert len(list((hostile["paths"]["out"] / "submissions").glob("*.json"))) == len(by_name)


@pytest.mark.parametrize("name", ["endless_cell", "endless_ignoring_interrupt", "gil_cell", "gil_thread", "gil_answer",
                                  "os_exit_answer", "sys_exit_answer", "segfault_answer", "kills_answer", "kills_cell",
                                  "fork_bomb_cell", "fork_bomb_answer", "daemons", "stdout_flood",
                                  "stderr_flood_answer", "memory_hog_cell", "memory_hog_answer", "memory_hog_processes",
                                  "disk_fill",
                                  "writes_outside", "reads_solutions", "imports_references", "patches_comparisons",
                                  "patches_channel", "forged_replies"])
def test_points_only_where_earned(hostile, name):
    report = hostile["by_name"][name]
    expect = hostile["cases"][name][1]
    assert report["status"] == "graded", report["problems"]
    for question in report["questions"]:
        wanted = expect.get(question["name"], expect.get("others", FULL))
        if wanted == "at most full marks":
            assert question["points"] <= question["max_points"]
        elif wanted == FULL:
            assert question["points"] == question["max_points"], (name, question)
        else:
            assert question["points"] == wanted, (name, question)
    text = json.dumps(report)
    for fragment in expect.get("messages", []):
        assert fragment in text, f"{name}: {fragment!r} not in the report"


def test_nothing_outside_the_sandbox_changed(hostile):
    changed = [str(p) for p, digest in hostile["before"].items() if hostile["after"][p] != digest]
    assert not changed
    assert not Path(f"/tmp/{MARK}-canary").exists()
    assert not (hostile["paths"]["subs"] / "x.ipynb").exists()
    assert not list(hostile["paths"]["tmp"].iterdir()), "the grader left files in TMPDIR"
    assert not [p.name for p in hostile["paths"]["out"].rglob("*.tmp")]


def test_no_process_outlives_its_grading(hostile):
    assert hostile["survivors"] == []


def test_reports_are_written_by_the_grader_alone(hostile):
    summary = json.loads((hostile["paths"]["out"] / "report.json").read_text())
    assert summary == hostile["summary"]  # the daemons that tried to overwrite it are gone
    daemons = hostile["by_name"]["daemons"]
    assert daemons["score"] == daemons["max_score"]


def test_floods_do_not_grow_the_grader(hostile):
    assert peak_megabytes(hostile["result"]) < 600


# ---------------------------------------------------------------- bad files, names and report paths


def test_bad_files_and_odd_names(tmp_path):
    """Corrupt, odd or mislabelled notebooks: a report each, counted as failed everywhere, never a crash."""
    folder = tmp_path / "class"
    good = solution()
    files = {
        "my notebook (1).ipynb": with_exercise_metadata(good, "01_linear_model"),
        "ünïcödé ✓.ipynb": with_exercise_metadata(good, "01_linear_model"),
        "-rf.ipynb": with_exercise_metadata(good, "01_linear_model"),
        f"{'x' * 200}.ipynb": with_exercise_metadata(good, "01_linear_model"),
        "dotdot.ipynb": with_exercise_metadata(good, "../01_linear_model"),
        "dotted.ipynb": with_exercise_metadata(good, "01.linear_model"),
        "number.ipynb": with_exercise_metadata(good, 42),
        "object.ipynb": with_exercise_metadata(good, {"exercise": "01_linear_model"}),
    }
    for name, nb in files.items():
        write(nb, folder / name)
    text = json.dumps(good)
    (folder / "truncated.ipynb").write_text(text[: len(text) // 2])
    (folder / "named").mkdir()
    (folder / "named" / "01_linear_model.ipynb").write_text(text[: len(text) // 3])
    (folder / "empty.ipynb").write_text("")
    (folder / "binary.ipynb").write_bytes(bytes(range(256)) * 10)
    (folder / "version3.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": [], "cells": []}))
    (folder / "bad_cell.ipynb").write_text(json.dumps(dict(good, cells=[{"source": "x"}])))
    (folder / "folder.ipynb").mkdir()
    result = run_grader([str(folder), "--out", str(tmp_path / "out")], cwd=tmp_path)
    summary = json.loads((tmp_path / "out" / "report.json").read_text())
    by_name = {Path(r["submission"]).name: r for r in summary["submissions"]}
    assert len(by_name) == len(files) + 7
    for name in ("my notebook (1).ipynb", "ünïcödé ✓.ipynb", "-rf.ipynb", f"{'x' * 200}.ipynb"):
        assert by_name[name]["status"] == "graded" and by_name[name]["score"] == by_name[name]["max_score"] > 0
    for name in ("dotdot.ipynb", "dotted.ipynb", "number.ipynb", "object.ipynb"):
        assert by_name[name]["status"] == "unknown exercise" and by_name[name]["score"] == 0
        assert "which is not one of the course's" in by_name[name]["problems"][0]
    assert "'../01_linear_model'" in by_name["dotdot.ipynb"]["problems"][0]
    for name in ("truncated.ipynb", "empty.ipynb", "binary.ipynb", "version3.ipynb", "bad_cell.ipynb"):
        assert by_name[name]["status"] == "corrupt", by_name[name]
        assert by_name[name]["problems"][0].startswith("not a valid notebook")
    assert "was it truncated" in by_name["truncated.ipynb"]["problems"][0]
    named = by_name["01_linear_model.ipynb"]
    assert named["status"] == "corrupt" and named["score"] == 0
    assert named["max_score"] == by_name["-rf.ipynb"]["max_score"]
    assert by_name["folder.ipynb"]["status"] == "crashed"
    junit = {s.get("name"): s for s in ET.parse(tmp_path / "out" / "junit.xml").getroot()}
    for report in summary["submissions"]:
        suite = junit[report["submission"]]
        if report["status"] != "graded":
            assert int(suite.get("failures")) >= 1 and int(suite.get("tests")) >= 1, report["submission"]
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == f"{summary['passed']} passed, {summary['failed']} failed"


def test_report_path_tricks(tmp_path):
    """A FIFO where report.json goes is replaced, not opened; a directory there stops the run before grading."""
    nb = write(solution(), tmp_path / "01_linear_model.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "report.json")
    os.mkfifo(out / "junit.xml")
    result = run_grader([str(nb), "--out", str(out)], cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-1000:]
    assert (out / "report.json").is_file() and json.loads((out / "report.json").read_text())["passed"] > 0
    assert (out / "junit.xml").is_file()
    blocked = tmp_path / "blocked"
    (blocked / "report.json").mkdir(parents=True)
    result = run_grader([str(nb), "--out", str(blocked)], cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    assert "cannot write the reports" in result.stderr and "is a directory" in result.stderr
    result = run_grader([str(nb), "--exercise", "01.linear_model"], cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and "is not one of" in result.stderr
