"""Grade one submitted notebook: execute it in a fresh kernel, then run its questions' tests.

The notebook is copied into a temporary directory, which is the kernel's working and home directory;
the submission itself is never opened for writing. Every cell runs with a time limit (a cell that
overruns is interrupted and the next one runs) and a cap on its output. Then the tests run here, in the
grader's process: each time a test needs the student's function, the arguments are sent to the kernel,
the function is called there, and its result comes back through a restricted unpickler. Redefining
`check`, the grader's names or NumPy's comparison functions in the notebook therefore changes nothing
in the grading. Run as `python -m linreg_course.grader.execute NOTEBOOK REPORT.json`; the command-line
grader starts one such process per submission and kills it at the total time limit.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from linreg_course.grader.core import (
    Caller,
    Fail,
    Missing,
    NotAnswered,
    StudentError,
    questions_for,
    run_question,
)
from linreg_course.grader.notebook import GRADER_ENV

MAX_OUTPUT_CHARS = 100_000

# Defined in the kernel after the student's cells: it calls one student function (or reads one variable)
# with the arguments the grader wrote to `request`, and writes the outcome to `reply`.
_STUB = r'''
def __linreg_grader_call__(request, reply):
    import builtins as _b, pickle as _p, traceback as _t
    with _b.open(request, "rb") as _f:
        _kind, _name, _args, _kwargs = _p.load(_f)
    _ns = globals()
    if _kind == "bind":  # stand-ins for other questions' functions, while one question is tested
        _saved = _ns.setdefault("__linreg_grader_saved__", {})
        for _n, _f in _args[0].items():
            _saved.setdefault(_n, (_n in _ns, _ns.get(_n)))
            _ns[_n] = _f
        _out = ("ok", None)
    elif _kind == "unbind":
        for _n, (_present, _v) in _ns.pop("__linreg_grader_saved__", {}).items():
            if _present:
                _ns[_n] = _v
            else:
                _ns.pop(_n, None)
        _out = ("ok", None)
    elif _name not in _ns:
        _out = ("missing", _name)
    elif _kind == "value":
        _out = ("notanswered", _name) if _ns[_name] is Ellipsis else ("ok", _ns[_name])
    elif not _b.callable(_ns[_name]):
        _out = ("notcallable", _b.type(_ns[_name]).__name__)
    else:
        try:
            _out = ("ok", _ns[_name](*_args, **_kwargs))
        except _b.NotImplementedError:
            _out = ("notanswered", _name)
        except _b.Exception as _e:
            _tb = _t.extract_tb(_e.__traceback__)
            _out = ("error", f"{_b.type(_e).__name__}: {_e}" + (f" (line {_tb[-1].lineno})" if _tb else ""))
    try:
        _data = _p.dumps(_out)
    except _b.Exception as _e:
        _data = _p.dumps(("unpicklable", f"{_b.type(_e).__name__}: {_e}"))
    with _b.open(reply, "wb") as _f:
        _f.write(_data)
'''

_SAFE_BUILTINS = {"set", "frozenset", "slice", "range", "complex", "bytearray", "list", "dict", "tuple", "int",
                  "float", "bool", "str", "bytes", "object"}
_SAFE_MODULES = ("numpy", "torch", "collections", "copyreg", "_codecs")
_UNSAFE_NAMES = {"load", "loads", "eval", "exec", "system", "compile", "open", "save", "import_module"}


class _Unpickler(pickle.Unpickler):
    """Loads only numbers, containers, NumPy arrays and torch objects from a student's kernel."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        top = module.split(".")[0]
        if top in _SAFE_MODULES and name not in _UNSAFE_NAMES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the answer contains a {module}.{name}, which the grader does not accept")


class GradingClient(NotebookClient):
    """nbclient's executor with a cap on each cell's output."""

    def __init__(self, *args: Any, max_output_chars: int = MAX_OUTPUT_CHARS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.max_output_chars = max_output_chars
        self._sizes: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001, ANN201 (nbclient's signature)
        size = self._sizes.get(cell_index, 0) + len(json.dumps(msg.get("content", {})))
        self._sizes[cell_index] = size
        if size > self.max_output_chars:
            if size - len(json.dumps(msg.get("content", {}))) <= self.max_output_chars:
                note = f"[grader: output cut after {self.max_output_chars} characters]\n"
                outs.append(nbformat.v4.new_output("stream", name="stderr", text=note))
            return None
        return super().output(outs, msg, display_id, cell_index)


class KernelCaller(Caller):
    """Calls the student's functions in the kernel that executed the notebook."""

    def __init__(self, client: GradingClient, workdir: Path, timeout: float):
        self.client, self.workdir, self.timeout = client, workdir, timeout
        self.dead: str | None = None
        self.calls = 0

    def _rpc(self, kind: str, name: str, args: tuple, kwargs: dict) -> Any:
        if self.dead:
            raise StudentError(self.dead)
        request, reply = self.workdir / ".grader-request.pkl", self.workdir / ".grader-reply.pkl"
        request.write_bytes(pickle.dumps((kind, name, args, kwargs)))
        reply.unlink(missing_ok=True)
        self.calls += 1
        cell = nbformat.v4.new_code_cell(f"__linreg_grader_call__({str(request)!r}, {str(reply)!r})")
        self.client.nb.cells.append(cell)  # nbclient stores each executed cell back into the notebook
        self.client.timeout = self.timeout
        try:
            self.client.execute_cell(cell, len(self.client.nb.cells) - 1, store_history=False)
        except DeadKernelError:
            self.dead = f"the kernel died while the grader called `{name}`"
            raise StudentError(self.dead) from None
        if not reply.exists():
            raise StudentError(f"`{name}` did not finish within {self.timeout:g} s (an endless loop?)")
        try:
            status, value = _Unpickler(io.BytesIO(reply.read_bytes())).load()
        except Exception as error:
            raise Fail(f"the grader could not read what `{name}` returned: {error}") from None
        if status == "ok":
            return value
        if status == "missing":
            raise Missing(name)
        if status == "notanswered":
            raise NotAnswered(name)
        if status == "notcallable":
            raise Fail(f"`{name}` should be a function, but it is a {value}")
        if status == "unpicklable":
            raise Fail(f"`{name}` returned something the grader cannot receive ({value})")
        raise StudentError(value)

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        return self._rpc("call", name, args, kwargs)

    def value(self, name: str) -> Any:
        return self._rpc("value", name, (), {})

    @contextlib.contextmanager
    def standing_in(self, functions: dict[str, Callable]) -> Iterator[None]:
        """Bind the stand-ins in the kernel (sent by reference: the kernel imports their question module)."""
        if not functions:
            yield
            return
        try:
            self._rpc("bind", "", (functions,), {})
        except (StudentError, Fail):  # a dead kernel or a broken import: the tests report what they find
            pass
        try:
            yield
        finally:
            with contextlib.suppress(StudentError, Fail):
                self._rpc("unbind", "", (), {})


def exercise_key(path: Path, forced: str | None = None) -> str | None:
    """Which exercise a submission answers: --exercise, the notebook's metadata, or its file name."""
    if forced:
        return forced
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
        key = meta.get("linreg_course", {}).get("exercise")
        if isinstance(key, str):
            return key
    except (OSError, ValueError, AttributeError):
        pass
    return path.stem if len(path.stem) > 3 and path.stem[:2].isdigit() and path.stem[2] == "_" else None


_LOADED_HIDDEN: set[Path] = set()


def load_hidden(directory: Path | None, key: str) -> bool:
    """Import the hidden tests of exercise `key` from `directory` (they add tests to its questions), once."""
    if directory is None:
        return False
    path = (directory / f"ch{key}.py").resolve()
    if not path.exists():
        return False
    if path in _LOADED_HIDDEN:
        return True
    _LOADED_HIDDEN.add(path)
    questions_for(key)
    spec = importlib.util.spec_from_file_location(f"linreg_course_hidden_ch{key}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return True


def empty_report(path: Path, key: str | None, problem: str) -> dict[str, Any]:
    """The report of a submission that could not be graded: every question failed with `problem`."""
    questions = []
    try:
        known = questions_for(key) if key else {}
    except KeyError:
        known = {}
    for q in known.values():
        tests = [{"name": t.name, "status": "error", "points": 0.0, "max_points": t.points, "message": problem,
                  "hidden": t.hidden} for t in q.tests]
        questions.append({"name": q.name, "title": q.title, "status": "failed", "points": 0.0,
                          "max_points": q.max_points(), "tests": tests})
    return {"submission": str(path), "exercise": key, "score": 0.0,
            "max_score": sum(q["max_points"] for q in questions), "questions": questions, "cell_errors": [],
            "problems": [problem], "seconds": 0.0}


def grade(path: Path, key: str | None = None, hidden_dir: Path | None = None, cell_timeout: float = 60.0,
          call_timeout: float = 30.0, kernel_name: str = "python3") -> dict[str, Any]:
    """Execute a copy of the notebook at `path` and grade it; returns the report as a dict."""
    start = time.perf_counter()
    key = exercise_key(path, key)
    if key is None:
        return empty_report(path, None, "cannot tell which exercise this is: name it like NN_topic.ipynb")
    try:
        questions = questions_for(key)
    except KeyError as error:
        return empty_report(path, key, str(error.args[0]))
    load_hidden(hidden_dir, key)
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:
        return empty_report(path, key, f"not a valid notebook: {type(error).__name__}: {error}".strip())

    workdir = Path(tempfile.mkdtemp(prefix="linreg-grade-"))
    cell_errors: list[dict[str, Any]] = []
    problems: list[str] = []
    try:
        env = dict(os.environ, HOME=str(workdir), TQDM_DISABLE="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
        env[GRADER_ENV] = "1"
        client = GradingClient(nb, timeout=cell_timeout, kernel_name=kernel_name, allow_errors=True,
                               interrupt_on_timeout=True, record_timing=False,
                               resources={"metadata": {"path": str(workdir)}})
        with client.setup_kernel(cwd=str(workdir), env=env):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except DeadKernelError:
                    problems.append(f"the kernel died in cell {index + 1}; the cells after it did not run")
                    break
                for out in cell.outputs:
                    if out.output_type == "error":
                        cell_errors.append({"cell": index + 1, "error": f"{out.ename}: {out.evalue}"[:500]})
            caller = KernelCaller(client, workdir, call_timeout)
            if problems:
                caller.dead = problems[-1]
            else:
                nb.cells.append(nbformat.v4.new_code_cell(_STUB))
                client.execute_cell(nb.cells[-1], len(nb.cells) - 1, store_history=False)
            results = [run_question(q, caller, hidden=True).to_dict() for q in questions.values()]
    except Exception as error:  # the kernel could not start, or nbclient failed: still a report
        report = empty_report(path, key, f"the notebook could not be executed: {type(error).__name__}: {error}")
        report["seconds"] = round(time.perf_counter() - start, 3)
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {"submission": str(path), "exercise": key, "score": sum(r["points"] for r in results),
            "max_score": sum(r["max_points"] for r in results), "questions": results, "cell_errors": cell_errors,
            "problems": problems, "seconds": round(time.perf_counter() - start, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade one notebook and write its report as JSON.")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("report", type=Path)
    parser.add_argument("--exercise")
    parser.add_argument("--hidden", type=Path)
    parser.add_argument("--cell-timeout", type=float, default=60.0)
    parser.add_argument("--call-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    report = grade(args.notebook, args.exercise, args.hidden, args.cell_timeout, args.call_timeout)
    args.report.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
