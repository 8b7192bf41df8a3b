"""Questions, tests and results: the part of the grader shared by `check` and the command line.

A question (say "q2" of exercise 02) is a list of tests. A test is a function of a `Context`: it builds
fresh, seeded inputs, asks the context to call the student's function (`ctx.call("grad_w_b", ...)`) or
read a student's variable (`ctx.value("lr_max")`), compares the answer with a reference computed here,
and raises `Fail` with a message that names the likely mistake. The context decides where the student's
code runs: in the notebook itself (`check`) or in a separate kernel (the command-line grader).

When one answer may call the function of another question (question 3's `train` may call question 2's
`descend`), the question that defines that function registers a correct version as its stand-in. While
any other question of the notebook is tested, the stand-in replaces the student's function, so a mistake
costs points on its own question only, and a later question can be answered before an earlier one.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


class Fail(Exception):
    """A test's verdict: the answer is wrong, and the message says how."""


class NotAnswered(Exception):
    """The student has not written this answer yet (the placeholder is still there)."""


class Missing(Exception):
    """A name the question needs is not defined: its cell was deleted, renamed or never run."""


class StudentError(Exception):
    """The student's code raised an exception while a test called it."""


@dataclass
class Test:
    """One test of a question: `func(ctx)` returns on success and raises `Fail` otherwise."""

    name: str
    func: Callable[[Context], None]
    points: float = 1.0
    hidden: bool = False


@dataclass
class Question:
    """A graded question of one exercise notebook."""

    notebook: str
    name: str
    title: str
    tests: list[Test] = field(default_factory=list)
    #: Correct versions of the functions this question's answer defines, by name (see `stand_in`).
    stand_ins: dict[str, Callable] = field(default_factory=dict)

    def test(self, points: float = 1.0, hidden: bool = False) -> Callable:
        """Decorator adding a test; its docstring's first line is the name students see."""

        def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
            doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
            self.tests.append(Test(doc, func, points, hidden))
            return func

        return register

    def stand_in(self, name: str) -> Callable:
        """Decorator registering a correct `name`, used in place of the student's while other questions run.

        The function must be defined at the top level of a public question module, so that the grader's
        kernel can import it by name.
        """

        def register(func: Callable) -> Callable:
            self.stand_ins[name] = func
            return func

        return register

    def max_points(self, hidden: bool = True) -> float:
        return sum(t.points for t in self.tests if hidden or not t.hidden)


#: Every question, by notebook key ("01_linear_model") and question name ("q1").
REGISTRY: dict[str, dict[str, Question]] = {}


def question(notebook: str, name: str, title: str) -> Question:
    """Create (or return) the question `name` of `notebook`."""
    questions = REGISTRY.setdefault(notebook, {})
    if name not in questions:
        questions[name] = Question(notebook, name, title)
    return questions[name]


def module_name(notebook: str) -> str:
    """The module holding the public tests of an exercise: 01_linear_model -> questions.ch01_linear_model."""
    return f"linreg_course.grader.questions.ch{notebook}"


def questions_for(notebook: str) -> dict[str, Question]:
    """Import the public tests of `notebook` and return its questions in order; KeyError if unknown."""
    try:
        importlib.import_module(module_name(notebook))
    except ModuleNotFoundError as error:
        if error.name != module_name(notebook):
            raise
        raise KeyError(f"no questions are defined for the exercise {notebook!r}") from None
    return REGISTRY[notebook]


def seed_for(*parts: str) -> int:
    """A fixed seed per test, so fresh inputs are the same at every run but differ from the notebook's."""
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:4], "little")


class Caller:
    """Where the student's code runs. Subclasses implement `call`, `value` and `standing_in`."""

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        raise NotImplementedError

    def value(self, name: str) -> Any:
        raise NotImplementedError

    def standing_in(self, functions: dict[str, Callable]) -> contextlib.AbstractContextManager:
        """While the context is open, the student's names in `functions` are bound to those functions."""
        raise NotImplementedError


class NamespaceCaller(Caller):
    """Runs the student's functions in this process, from a namespace such as a notebook's globals."""

    def __init__(self, namespace: dict[str, Any]):
        self.namespace = namespace

    def _lookup(self, name: str) -> Any:
        if name not in self.namespace:
            raise Missing(name)
        return self.namespace[name]

    def call(self, name: str, args: tuple, kwargs: dict) -> Any:
        func = self._lookup(name)
        if not callable(func):
            raise Fail(f"`{name}` should be a function, but it is a {type(func).__name__}")
        try:
            return func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except NotImplementedError:
            raise NotAnswered(name) from None
        except Exception as error:  # the student's bug, reported as the test's message
            raise StudentError(_describe(error)) from None

    def value(self, name: str) -> Any:
        value = self._lookup(name)
        if value is Ellipsis:
            raise NotAnswered(name)
        return copy.deepcopy(value)

    @contextlib.contextmanager
    def standing_in(self, functions: dict[str, Callable]) -> Iterator[None]:
        saved = {name: (name in self.namespace, self.namespace.get(name)) for name in functions}
        self.namespace.update(functions)
        try:
            yield
        finally:  # the student's own definitions come back, even after an interrupt
            for name, (present, value) in saved.items():
                if present:
                    self.namespace[name] = value
                else:
                    self.namespace.pop(name, None)


def _describe(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


class Context:
    """What a test sees: a seeded generator for fresh inputs and access to the student's definitions."""

    def __init__(self, caller: Caller, seed: int):
        self._caller = caller
        self.rng = np.random.default_rng(seed)
        self.seed = seed

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function `name` on copies of the arguments and return its result."""
        return self._caller.call(name, args, kwargs)

    def value(self, name: str) -> Any:
        """The value of the student's variable `name`."""
        return self._caller.value(name)


@dataclass
class TestResult:
    name: str
    status: str  # "passed", "failed", "not answered", "missing", "error"
    points: float
    max_points: float
    message: str = ""
    hidden: bool = False


@dataclass
class QuestionResult:
    name: str
    title: str
    status: str  # "passed", "partial", "failed", "not answered"
    points: float
    max_points: float
    tests: list[TestResult]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_test(question: Question, test: Test, caller: Caller) -> TestResult:
    """Run one test; never raises (except KeyboardInterrupt, so a student can stop a runaway loop)."""
    ctx = Context(caller, seed_for(question.notebook, question.name, test.name))
    status, message = "passed", ""
    try:
        test.func(ctx)
    except Fail as verdict:
        status, message = "failed", str(verdict)
    except NotAnswered as answer:
        status, message = "not answered", f"`{answer}` is not answered yet: replace its placeholder with your code"
    except Missing as name:
        status, message = "missing", f"`{name}` is not defined: did you run its cell, or rename or delete it?"
    except StudentError as error:
        status, message = "error", f"your code raised {error}"
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a bug in a test, or a student's object misbehaving inside a comparison
        status, message = "error", f"the test could not finish: {_describe(error)}"
    points = test.points if status == "passed" else 0.0
    return TestResult(test.name, status, points, test.points, message, test.hidden)


def stand_ins_for(question: Question) -> dict[str, Callable]:
    """The stand-ins of every other question of the same notebook: what replaces the student's functions."""
    siblings = REGISTRY.get(question.notebook, {}).values()
    return {name: func for other in siblings if other is not question for name, func in other.stand_ins.items()}


def run_question(question: Question, caller: Caller, hidden: bool = False) -> QuestionResult:
    """Run a question's public tests (and its hidden ones when `hidden`), other questions' stand-ins in place."""
    with caller.standing_in(stand_ins_for(question)):
        results = [run_test(question, t, caller) for t in question.tests if hidden or not t.hidden]
    statuses = {r.status for r in results}
    points = sum(r.points for r in results)
    if statuses == {"passed"}:
        status = "passed"
    elif statuses <= {"not answered", "missing"} and "not answered" in statuses:
        status = "not answered"
    elif points > 0:
        status = "partial"
    else:
        status = "failed"
    return QuestionResult(question.name, question.title, status, points, sum(r.max_points for r in results),
                          results)
