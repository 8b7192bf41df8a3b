"""Questions, tests and results: the part of the grader shared by `check` and the command line.

A question (say "q2" of exercise 02) is a list of tests. A test is a function of a `Context`: it builds
fresh inputs from a generator seeded by the test's identity (exercise, question and function name),
asks the context to call the student's function (`ctx.call("grad_w_b", ...)`) or read a student's
variable (`ctx.value("lr_max")`), compares the answer with a reference computed here, and raises `Fail`
with a message that names the likely mistake. The context decides where the student's code runs: in the
notebook itself (`check`) or in a sandboxed kernel (the command-line grader).

When one answer may call the function of another question (question 3's `train` may call question 2's
`descend`), the course's own version of every earlier question's function stands in for the student's
while a question is tested (`linreg_course.grader.stand_ins`, generated from the solutions), so a
mistake costs points on its own question only, and a later question can be answered before an earlier one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import pickle
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from linreg_course.grader.codec import CorruptReply, contains_unreadable, decode, dumps
from linreg_course.grader.kernel import call_reply, load_stand_ins, value_reply
from linreg_course.grader.observers import Observation, Observe, describe_error


class Fail(Exception):
    """A test's verdict: the answer is wrong, and the message says how."""


class NotAnswered(Exception):
    """The student has not written this answer yet (the placeholder is still there)."""


class Missing(Exception):
    """A name the question needs is not defined: its cell was deleted, renamed or never run."""


class StudentError(Exception):
    """The student's code raised an exception while a test called it."""


class CallFailed(Exception):
    """A call could not complete: its process died or overran its time limit, or grading stopped."""


@dataclass
class Test:
    """One test of a question: `func(ctx)` returns on success and raises `Fail` otherwise."""

    name: str
    func: Callable[[Context], None]
    points: float = 1.0
    hidden: bool = False

    @property
    def key(self) -> str:
        """The test's identity within its question (its function's name): it seeds the test's inputs, so
        rewording the docstring students see never changes the data."""
        return self.func.__name__


@dataclass
class Question:
    """A graded question of one exercise notebook."""

    notebook: str
    name: str
    title: str
    tests: list[Test] = field(default_factory=list)
    level: str = "core"  # "core": the chapter's skill; "stretch": carrying it to new ground

    def test(self, points: float = 1.0, hidden: bool = False) -> Callable:
        """Decorator adding a test; its docstring's first line is the name students see, its function's name
        (unique within the question) seeds its inputs."""

        def register(func: Callable[[Context], None]) -> Callable[[Context], None]:
            doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
            if any(t.key == func.__name__ for t in self.tests):
                raise ValueError(f"{self.notebook} {self.name}: two tests are called {func.__name__}")
            self.tests.append(Test(doc, func, points, hidden))
            return func

        return register

    def max_points(self, hidden: bool = True) -> float:
        return sum(t.points for t in self.tests if hidden or not t.hidden)


#: Every question, by notebook key ("01_linear_model") and question name ("q1").
REGISTRY: dict[str, dict[str, Question]] = {}


#: The difficulty levels of a question, in the order an exercise asks them.
LEVELS = ("core", "stretch")


def question(notebook: str, name: str, title: str, level: str = "core") -> Question:
    """Create (or return) the question `name` of `notebook`, at difficulty `level` (core or stretch)."""
    if level not in LEVELS:
        raise ValueError(f"{notebook} {name}: level must be one of {LEVELS}, not {level!r}")
    questions = REGISTRY.setdefault(notebook, {})
    if name not in questions:
        questions[name] = Question(notebook, name, title, level=level)
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
    """A fixed seed per test identity (exercise, question, test function), the same at every run."""
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:4], "little")


@dataclass(frozen=True)
class StandIns:
    """Correct versions of other questions' functions, as the source of a module and the names it binds.

    They travel as text: the sandbox executes the source only while a question is tested and binds
    `names` over the student's definitions; no reference module is ever importable there.
    """

    source: str = ""
    names: tuple[str, ...] = ()


class Caller:
    """Where the student's code runs. Subclasses implement `call`, `value` and `standing_in`.

    Whatever the place, a result crosses `linreg_course.grader.codec` as data, so a test sees the same
    values from `check` in a notebook and from the sandboxed worker of the command-line grader.
    """

    def call(self, name: str, args: tuple, kwargs: dict, observe: Observe | None = None) -> Any:
        """The decoded result of the student's `name(*args, **kwargs)`; an `Observation` if `observe` is given."""
        raise NotImplementedError

    def value(self, name: str) -> Any:
        raise NotImplementedError

    def standing_in(self, stand_ins: StandIns) -> contextlib.AbstractContextManager:
        """While the context is open, the student's names in `stand_ins.names` are bound to the stand-ins."""
        raise NotImplementedError


def read_reply(reply: Any, name: str, observe: Observe | None = None) -> Any:
    """Turn a reply of `linreg_course.grader.kernel` into the decoded value, or raise the matching exception."""
    if not isinstance(reply, dict):
        raise CallFailed(f"the grader received a damaged reply while calling `{name}`")
    status = reply.get("status")
    if status == "missing":
        raise Missing(name)
    if status == "notanswered":
        raise NotAnswered(name)
    if status == "notcallable":
        raise Fail(f"`{name}` should be a function, but it is a {str(reply.get('type'))[:200]}")
    if status == "error":
        raise StudentError(str(reply.get("error", "no message"))[:4000])
    if status in ("died", "timeout", "broken"):
        raise CallFailed(str(reply.get("error", "no message"))[:4000])
    if status != "ok":
        raise CallFailed(f"the grader received a damaged reply while calling `{name}`")
    try:
        value = decode(reply.get("value"))
        unreadable = contains_unreadable(value)
        if unreadable is not None:
            raise Fail(f"`{name}` returned {unreadable}, which the grader cannot read: return numbers, arrays or "
                       "tensors (in lists, tuples or dicts), or the model, optimizer or loader the question asks for")
        if observe is None:
            return value
        return Observation(value, decode(reply["arguments"]) if "arguments" in reply else None,
                           decode(reply["keywords"]) if "keywords" in reply else None,
                           decode(reply["probe"]) if "probe" in reply else None)
    except CorruptReply as error:
        raise CallFailed(f"the grader received a damaged reply while calling `{name}` ({error})") from None


def copy_request(value: Any) -> Any:
    """A copy of the test's arguments made as the channel makes it (pickled), so the student cannot touch ours."""
    return pickle.loads(pickle.dumps(value))


class NamespaceCaller(Caller):
    """Runs the student's functions in this process, from a namespace such as a notebook's globals."""

    def __init__(self, namespace: dict[str, Any]):
        self.namespace = namespace

    def call(self, name: str, args: tuple, kwargs: dict, observe: Observe | None = None) -> Any:
        args, kwargs, observe = copy_request((args, kwargs, observe))
        return read_reply(json.loads(dumps(call_reply(self.namespace, name, args, kwargs, observe))), name, observe)

    def value(self, name: str) -> Any:
        return read_reply(json.loads(dumps(value_reply(self.namespace, name))), name)

    @contextlib.contextmanager
    def standing_in(self, stand_ins: StandIns) -> Iterator[None]:
        functions = load_stand_ins(stand_ins.source, stand_ins.names) if stand_ins.names else {}
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


class Context:
    """What a test sees: a seeded generator for fresh inputs and access to the student's definitions."""

    def __init__(self, caller: Caller, seed: int):
        self._caller = caller
        self.rng = np.random.default_rng(seed)
        self.seed = seed

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function `name` on copies of the arguments and return its result (as data)."""
        return self._caller.call(name, args, kwargs)

    def observe(self, observe: Observe, name: str, *args: Any, **kwargs: Any) -> Observation:
        """Call `name` like `call`, and also get what `observe` asks for (arguments after the call, a probe)."""
        return self._caller.call(name, args, kwargs, observe)

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
    level: str = "core"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_test(question: Question, test: Test, caller: Caller) -> TestResult:
    """Run one test; never raises (except KeyboardInterrupt, so a student can stop a runaway loop)."""
    ctx = Context(caller, seed_for(question.notebook, question.name, test.key))
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
    except CallFailed as why:
        status, message = "error", str(why)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a bug in a test, or a student's object misbehaving inside a comparison
        status, message = "error", f"the test could not finish: {describe_error(error)}"
    points = test.points if status == "passed" else 0.0
    return TestResult(test.name, status, points, test.points, message, test.hidden)


def stand_ins_for(question: Question) -> StandIns:
    """What replaces the student's functions while `question` is tested: the course's version of every
    function that the earlier questions of its notebook ask for (`linreg_course.grader.stand_ins`)."""
    from linreg_course.grader.stand_ins import stand_ins_before  # the grader's side only, never the sandbox

    return stand_ins_before(question.notebook, question.name)


def run_question(question: Question, caller: Caller, hidden: bool = False) -> QuestionResult:
    """Run a question's public tests (and its hidden ones when `hidden`), earlier questions' stand-ins in place."""
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
                          results, question.level)
