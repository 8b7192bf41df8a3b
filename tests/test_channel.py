"""The data-only channel and the grader's outputs, without a sandbox: fast unit tests.

What comes back from a student's code is JSON that `decode` rebuilds without importing or calling
anything; forged or damaged data is refused; `check` in a notebook sees exactly what the command-line
grader sees; frames, notebooks, exercise names and reports are checked as the grader reads and writes them.
"""

from __future__ import annotations

import functools
import json
import math
import os
import pickle
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from linreg_course.grader import fixtures
from linreg_course.grader.codec import CorruptReply, decode, dumps, encode, loads
from linreg_course.grader.core import (
    CallFailed,
    Context,
    Fail,
    Missing,
    NamespaceCaller,
    NotAnswered,
    StandIns,
    StudentError,
    read_reply,
    stand_in_source,
    stand_ins_for,
)
from linreg_course.grader.core import questions_for as questions
from linreg_course.grader.kernel import call_reply, value_reply
from linreg_course.grader.observers import LoaderView, ModuleView, Observe, OptimizerView, Raised, Unreadable
from linreg_course.grader.protocol import HEADER, FrameBuffer, ProtocolError
from linreg_course.grader.reports import count_tests, junit_xml, submission_file, write_atomic
from linreg_course.grader.submission import Corrupt, choose_exercise, known_exercises, read_submission


def roundtrip(value, observe=None):
    return decode(loads(dumps(encode(value, observe))))


# ---------------------------------------------------------------- the codec


def test_data_round_trips_with_its_types():
    values = [None, True, 3, -2**70, 1.5, "ü", [1, [2.0]], (1, "a"), {"a": 1, "b": (2,)}, {1: "x", (2, 3): None},
              {1, 2}, b"\x00\xff", 2 + 3j, np.float32(1.25), np.int64(7), np.bool_(True)]
    for value in values:
        back = roundtrip(value)
        assert back == value and type(back) is type(value), value
    got = roundtrip([math.nan, math.inf, -math.inf])
    assert math.isnan(got[0]) and got[1:] == [math.inf, -math.inf]


def test_arrays_and_tensors_keep_dtype_shape_and_flags():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]  # not contiguous
    back = roundtrip(array)
    assert back.dtype == np.float32 and back.shape == (3, 2) and np.array_equal(back, array) and back.flags.writeable
    leaf = torch.tensor([[1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    back = roundtrip((leaf, leaf.detach().to(torch.bfloat16), nn.Parameter(torch.ones(2)), torch.arange(3)))
    assert back[0].dtype == torch.float64 and back[0].requires_grad and torch.equal(back[0], leaf.detach())
    assert back[1].dtype == torch.bfloat16 and torch.equal(back[1].float(), torch.tensor([[1.0, 2.0]]))
    assert isinstance(back[2], nn.Parameter) and back[2].requires_grad
    assert back[3].dtype == torch.int64 and not back[3].requires_grad


def test_objects_become_unreadable_with_their_type():
    class Answer:
        pass

    def helper():
        return 1

    for value, name in [(Answer(), "Answer"), (helper, "function"), ((i for i in range(3)), "generator"),
                        (np.array(["a"]), "ndarray"), (np.array([object()]), "ndarray")]:
        back = roundtrip(value)
        assert isinstance(back, Unreadable) and name in back.type
    deep: list = []
    for _ in range(100):
        deep = [deep]
    assert isinstance(roundtrip(deep), Unreadable) and "deeply" in roundtrip(deep).why


def test_models_optimizers_and_loaders_come_back_as_views():
    model = nn.Linear(3, 2, dtype=torch.float64)
    x = torch.randn(4, 3, dtype=torch.float64)
    view = roundtrip(model, Observe(inputs=(x,)))
    assert isinstance(view, ModuleView) and view.linear and (view.in_features, view.out_features) == (3, 2)
    assert isinstance(view.weight, nn.Parameter) and torch.equal(view.weight, model.weight.detach())
    assert torch.allclose(view.outputs[0], model(x).detach())
    assert isinstance(roundtrip(model, Observe(inputs=(torch.randn(4, 5),))).outputs[0], Raised)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    view = roundtrip(opt)
    assert isinstance(view, OptimizerView) and view.sgd and view.param_groups[0]["momentum"] == 0.9
    assert [tuple(p.shape) for p in view.param_groups[0]["params"]] == [(2, 3), (2,)]
    loader = DataLoader(TensorDataset(torch.arange(5.0)), batch_size=2, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    view = roundtrip(loader, Observe(epochs=2))
    assert isinstance(view, LoaderView) and view.batch_size == 2 and len(view.epochs) == 2
    assert sorted(float(v) for batch in view.epochs[0] for v in batch[0]) == [0.0, 1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("forged", [
    '{"$": "ndarray", "dtype": "float64", "shape": [2], "b64": "AAAA"}',  # bytes do not match the shape
    '{"$": "ndarray", "dtype": "object", "shape": [1], "b64": ""}',
    '{"$": "ndarray", "dtype": "float64", "shape": [100000000000], "b64": ""}',
    '{"$": "ndarray", "dtype": "float64", "shape": [-1], "b64": ""}',
    '{"$": "tensor", "dtype": "float64", "shape": [1], "b64": "!!!!"}',
    '{"$": "pickle", "data": "gASV"}', '{"$": "function", "name": "os.system"}',
    '{"$": "set", "items": [[1]]}', '{"$": "dict", "pairs": [[[1], 2]]}', '{"$": "float", "v": "zero"}',
    '[' * 200 + ']' * 200,
])
def test_forged_data_is_refused(forged):
    with pytest.raises(CorruptReply):
        decode(loads(forged.encode()))


def test_a_pickle_is_not_json():
    with pytest.raises(CorruptReply):
        loads(pickle.dumps(os.system))


# ---------------------------------------------------------------- replies, `check` and the worker agree


def _mse(y_hat, y):
    return float(np.mean((y_hat - y) ** 2))


def test_replies_become_values_or_the_right_exceptions():
    ns = {"mse": _mse, "todo": Ellipsis, "number": 3, "broken": lambda: 1 / 0, "placeholder": _todo,
          "leaves": lambda: exit(2), "odd": lambda: object()}
    assert read_reply(call_reply(ns, "mse", (np.ones(3), np.zeros(3)), {}), "mse") == 1.0
    with pytest.raises(Missing):
        read_reply(call_reply(ns, "nothing", (), {}), "nothing")
    with pytest.raises(NotAnswered):
        read_reply(value_reply(ns, "todo"), "todo")
    with pytest.raises(NotAnswered):
        read_reply(call_reply(ns, "placeholder", (), {}), "placeholder")
    with pytest.raises(Fail, match="should be a function, but it is a int"):
        read_reply(call_reply(ns, "number", (), {}), "number")
    with pytest.raises(StudentError, match="ZeroDivisionError"):
        read_reply(call_reply(ns, "broken", (), {}), "broken")
    with pytest.raises(StudentError, match=r"SystemExit: 2 .*sys.exit\(\) ends the program"):
        read_reply(call_reply(ns, "leaves", (), {}), "leaves")
    with pytest.raises(Fail, match="`odd` returned an object, which the grader cannot read"):
        read_reply(call_reply(ns, "odd", (), {}), "odd")
    with pytest.raises(CallFailed, match="did not finish"):
        read_reply({"status": "timeout", "error": "`mse` did not finish within 3 s"}, "mse")
    with pytest.raises(CallFailed, match="damaged reply"):
        read_reply({"status": "ok", "value": {"$": "ndarray"}}, "mse")


def _todo():
    raise NotImplementedError("write your code here")


def test_check_in_a_notebook_sees_what_the_grader_sees():
    """NamespaceCaller runs the function here but sends the result through the same codec."""
    def predict(x):
        return x.reshape(-1, 1) @ np.ones((1, 2))

    ns = {"predict": predict, "model": lambda: nn.Linear(2, 1)}
    caller = NamespaceCaller(ns)
    x = np.arange(3.0)
    direct = caller.call("predict", (x,), {})
    channel = read_reply(json.loads(dumps(call_reply(ns, "predict", (x,), {}))), "predict")
    assert np.array_equal(direct, channel) and direct.dtype == channel.dtype
    assert isinstance(caller.call("model", (), {}), ModuleView)


def test_arguments_can_be_observed_after_the_call():
    """A test sees in-place updates (and their absence) through Observe(arguments=True)."""
    def in_place(w):
        with torch.no_grad():
            w -= 1.0

    def rebinds(w):
        with torch.no_grad():
            w = w - 1.0  # noqa: F841 (the classic slip: a new tensor, the caller's w unchanged)

    w = torch.zeros(2, requires_grad=True)
    ctx = Context(NamespaceCaller({"in_place": in_place, "rebinds": rebinds}), seed=0)
    moved = ctx.observe(Observe(arguments=True), "in_place", w)
    still = ctx.observe(Observe(arguments=True), "rebinds", w)
    assert torch.equal(moved.arguments[0], -torch.ones(2)) and moved.arguments[0].requires_grad
    assert torch.equal(still.arguments[0], torch.zeros(2))
    assert torch.equal(w, torch.zeros(2))  # the test's own tensor never reaches the student


def test_probes_run_fixtures_on_the_returned_object():
    model = nn.Linear(2, 2, dtype=torch.float64)
    xb, yb = torch.randn(5, 2, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64)
    ctx = Context(NamespaceCaller({"make": lambda m: torch.optim.SGD(m.parameters(), lr=0.1)}), seed=0)
    probe = functools.partial(fixtures.linear_steps, xb=xb, yb=yb, steps=1)
    seen = ctx.observe(Observe(probe=probe), "make", model)
    grad_w = 2 / yb.numel() * (model(xb) - yb).T @ xb
    assert torch.allclose(seen.probe["weight"], model.weight - 0.1 * grad_w)


def test_stand_ins_travel_as_source_with_the_imports_they_use():
    stand_ins = stand_ins_for(questions("04_autograd")["q3"])
    assert stand_ins.names == ("descend",)
    assert "import torch" in stand_ins.source and "linreg_course" not in stand_ins.source
    assert "descend = descend_stand_in" in stand_ins.source
    assert stand_in_source({}) == StandIns()


# ---------------------------------------------------------------- frames, notebooks and names


def test_frames_are_reassembled_and_capped():
    buffer = FrameBuffer(limit=10)
    data = HEADER.pack(3) + b"abc" + HEADER.pack(2) + b"de"
    assert buffer.feed(data[:5]) == [] and buffer.feed(data[5:]) == [b"abc", b"de"]
    with pytest.raises(ProtocolError):
        FrameBuffer(limit=10).feed(HEADER.pack(11))


def test_exercise_keys_come_only_from_known_exercises(tmp_path):
    assert "01_linear_model" in known_exercises() and len(known_exercises()) == 11
    named = tmp_path / "01_linear_model.ipynb"
    assert choose_exercise(named, None, None) == ("01_linear_model", "")
    assert choose_exercise(tmp_path / "x.ipynb", None, "02_gradients_by_hand") == ("02_gradients_by_hand", "")
    assert choose_exercise(named, None, "../01_linear_model")[0] == "01_linear_model"  # the name still counts
    for bad in ("../01_linear_model", "01.linear_model", 42, {"a": 1}, "ch01_linear_model"):
        key, problem = choose_exercise(tmp_path / "x.ipynb", None, bad)
        assert key is None and "which is not one of the course's" in problem
    assert choose_exercise(named, "01.x", None) == (None, "no exercise is called '01.x'")


def test_notebooks_are_checked_cheaply(tmp_path):
    good = tmp_path / "good.ipynb"
    good.write_text(json.dumps({"nbformat": 4, "metadata": {"linreg_course": {"exercise": "01_linear_model"}},
                                "cells": [{"cell_type": "markdown", "source": ["# a"]},
                                          {"cell_type": "code", "source": ["x = 1\n", "y = 2"]}]}))
    submission = read_submission(good)
    assert submission.cells == [(2, "x = 1\ny = 2")] and submission.metadata_key == "01_linear_model"
    for text, why in [("{", "not valid JSON"), ("[]", "not a notebook"),
                      ('{"nbformat": 3, "cells": []}', "format is 3"),
                      ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', "has no text")]:
        bad = tmp_path / "bad.ipynb"
        bad.write_text(text)
        with pytest.raises(Corrupt, match=why):
            read_submission(bad)
    with pytest.raises(Corrupt, match="not a regular file"):
        read_submission(tmp_path / "missing.ipynb")
    os.mkfifo(tmp_path / "fifo.ipynb")
    with pytest.raises(Corrupt, match="not a regular file"):
        read_submission(tmp_path / "fifo.ipynb")  # never opened: that would block
    bom = tmp_path / "bom.ipynb"
    bom.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    assert read_submission(bom).cells == submission.cells


# ---------------------------------------------------------------- reports


def _report(status, tests):
    return {"submission": "s.ipynb", "exercise": None if status != "graded" else "01_linear_model", "status": status,
            "score": 0.0, "max_score": 0.0, "questions": [{"name": "q1", "tests": tests}] if tests else [],
            "cell_errors": [], "problems": ["not a valid notebook: the file is not valid JSON"], "seconds": 0.1}


def test_an_ungraded_notebook_counts_as_failed_everywhere():
    corrupt = _report("corrupt", [])
    assert count_tests(corrupt) == (0, 1)
    suite = ET.fromstring(junit_xml([corrupt]))[0]
    assert suite.get("tests") == "1" and suite.get("failures") == "1"
    assert suite.find("testcase/failure").get("message").startswith("not a valid notebook")
    passed = _report("graded", [{"name": "t", "status": "passed", "message": ""}])
    assert count_tests(passed) == (1, 0) and ET.fromstring(junit_xml([passed]))[0].get("failures") == "0"


def test_reports_are_replaced_atomically(tmp_path):
    target = tmp_path / "report.json"
    os.mkfifo(target)
    write_atomic(target, "{}\n")  # a FIFO in the way is replaced, never opened (which would block)
    assert target.is_file() and target.read_text() == "{}\n" and os.listdir(tmp_path) == ["report.json"]
    assert submission_file(3, {"submission": "a/Müller, Anna - ex03 (1).ipynb"}) == "0003_M_ller_Anna_-_ex03_1.json"
    assert Path(submission_file(1, {"submission": "../../etc/passwd.ipynb"})).parent == Path(".")
