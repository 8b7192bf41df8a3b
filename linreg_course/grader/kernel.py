"""What happens where the student's code runs: calling an answer, reading a variable, binding stand-ins.

The sandboxed worker (command-line grader) and `check` in a notebook both use these functions, and both
send the outcome through `linreg_course.grader.codec`, so the two always see the same data. A reply is
a dict: {"status": "ok", "value": ...} (plus "arguments", "keywords" and "probe" when the test asked to
observe them), or "missing", "notanswered", "notcallable" or "error" with a message.
"""

from __future__ import annotations

from typing import Any

from linreg_course.grader.codec import Encoder, TooLarge, type_name
from linreg_course.grader.observers import Observe, describe_error

#: The name stand-ins are executed under (never importable: they exist only while a question is tested).
STAND_IN_MODULE = "linreg_course_stand_ins"


def _error(error: BaseException) -> dict[str, Any]:
    text = describe_error(error)
    if isinstance(error, SystemExit):
        text += " (sys.exit() ends the program: return a value instead)"
    return {"status": "error", "error": text[:4000]}


def ok_reply(result: Any, args: tuple = (), kwargs: dict | None = None, observe: Observe | None = None) -> dict:
    """The reply carrying `result` (and what `observe` asks for) as data."""
    encoder = Encoder(observe)
    try:
        reply: dict[str, Any] = {"status": "ok", "value": encoder.value(result)}
        if observe is not None and observe.arguments:
            reply["arguments"] = encoder.value(tuple(args))
            reply["keywords"] = encoder.value(dict(kwargs or {}))
        if observe is not None and observe.probe is not None:
            try:
                reply["probe"] = encoder.value(observe.probe(result))
            except Exception as error:
                reply["probe"] = {"$": "raised", "error": describe_error(error)}
    except TooLarge as error:
        return {"status": "ok", "value": {"$": "unreadable", "type": type_name(result), "why": str(error)}}
    return reply


def call_reply(namespace: dict[str, Any], name: str, args: tuple, kwargs: dict,
               observe: Observe | None = None) -> dict[str, Any]:
    """Call the student's `name` from `namespace` and describe the outcome."""
    if name not in namespace:
        return {"status": "missing"}
    func = namespace[name]
    if not callable(func):
        return {"status": "notcallable", "type": type_name(func)}
    try:
        result = func(*args, **kwargs)
    except NotImplementedError:
        return {"status": "notanswered"}
    except (Exception, SystemExit) as error:  # the student's bug (or exit), reported as the test's message
        return _error(error)
    try:
        return ok_reply(result, args, kwargs, observe)
    except (Exception, SystemExit) as error:  # an object whose methods fail while it is described
        return _error(error)


def value_reply(namespace: dict[str, Any], name: str, observe: Observe | None = None) -> dict[str, Any]:
    """Read the student's variable `name` from `namespace` and describe it."""
    if name not in namespace:
        return {"status": "missing"}
    if namespace[name] is Ellipsis:
        return {"status": "notanswered"}
    try:
        return ok_reply(namespace[name], observe=observe)
    except (Exception, SystemExit) as error:
        return _error(error)


def load_stand_ins(source: str, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """Execute a stand-in module's source in a fresh namespace and return the functions to bind."""
    scope: dict[str, Any] = {"__name__": STAND_IN_MODULE}
    exec(compile(source, "<stand-ins>", "exec"), scope)  # noqa: S102 (the grader's own reference code)
    return {name: scope[name] for name in names}
