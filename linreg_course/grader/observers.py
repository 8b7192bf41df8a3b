"""What the grader learns about objects it cannot receive: models, optimizers and data loaders as data.

A test that asks for an `nn.Module`, an optimizer or a `DataLoader` gets a view instead: the kernel
side (`describe_*`, run where the student's code runs) writes down what the tests inspect, such as a
module's class, sizes, parameters and its outputs on inputs the test chose, an optimizer's parameter
groups, a loader's batches over a few epochs. The grader side (`*View.from_data`) reads that back
into small, inert dataclasses. `Observe` is what a test asks for beyond the returned value; an
`Observation` is what comes back.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The most batches read from one epoch of a loader.
MAX_BATCHES = 10_000


@dataclass
class Observe:
    """What the kernel reports besides the returned value (sent with the request, so it must pickle)."""

    #: A returned or passed module is applied to each of these (under `torch.no_grad()`).
    inputs: tuple = ()
    #: A returned loader is iterated this many times.
    epochs: int = 1
    #: Also send back the arguments as they are after the call (to see in-place updates).
    arguments: bool = False
    #: A function of the returned value, from `linreg_course.grader.fixtures`, run in the kernel.
    probe: Callable | None = None


@dataclass
class Observation:
    """The outcome of a call observed with `Observe`."""

    result: Any
    arguments: tuple | None = None
    keywords: dict | None = None
    probe: Any = None


@dataclass(frozen=True)
class Unreadable:
    """An answer (or part of one) that the channel does not carry: only its type's name comes back."""

    type: str
    why: str = ""

    def __str__(self) -> str:
        article = "an" if self.type[:1].lower() in "aeiou" else "a"
        return f"{article} {self.type}" + (f" ({self.why})" if self.why else "")


@dataclass(frozen=True)
class Raised:
    """The student's code raised while an observer looked at an object (e.g. a loader that fails to iterate)."""

    error: str


def describe_error(error: BaseException) -> str:
    """`Type: message (line N)`, the way a student's exception is reported everywhere."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def _raised(error: BaseException) -> dict[str, str]:
    return {"$": "raised", "error": describe_error(error)}


def _type(value: Any) -> tuple[str, str]:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}", kind.__name__


# ---------------------------------------------------------------- kernel side


def describe_module(module: Any, encoder: Any, depth: int) -> dict[str, Any]:
    """A module's class, sizes, parameters and outputs on the inputs the test asked for."""
    import torch

    qualified, name = _type(module)
    linear = isinstance(module, torch.nn.Linear)
    data: dict[str, Any] = {"$": "module", "type": qualified, "name": name, "linear": linear,
                            "training": bool(getattr(module, "training", False))}
    if linear:
        for attribute in ("in_features", "out_features"):
            value = getattr(module, attribute, None)
            data[attribute] = value if isinstance(value, int) and not isinstance(value, bool) else None
        for attribute in ("weight", "bias"):
            data[attribute] = encoder.value(getattr(module, attribute, None), depth + 1)
    data["parameters"] = [[str(key), encoder.value(value, depth + 1)] for key, value in module.named_parameters()]
    outputs = []
    for x in encoder.observe.inputs:
        try:
            with torch.no_grad():
                outputs.append(encoder.value(module(x), depth + 1))
        except Exception as error:
            outputs.append(_raised(error))
    data["outputs"] = outputs
    return data


def describe_optimizer(optimizer: Any, encoder: Any, depth: int) -> dict[str, Any]:
    """An optimizer's class and parameter groups (hyperparameters and the parameters themselves)."""
    import torch

    qualified, name = _type(optimizer)
    groups = []
    for group in optimizer.param_groups:
        settings = {str(k): encoder.value(v, depth + 2) for k, v in group.items() if k != "params"}
        settings["params"] = [encoder.value(p, depth + 2) for p in group.get("params", [])]
        groups.append(settings)
    return {"$": "optimizer", "type": qualified, "name": name, "sgd": isinstance(optimizer, torch.optim.SGD),
            "param_groups": groups}


def describe_loader(loader: Any, encoder: Any, depth: int) -> dict[str, Any]:
    """A loader's settings and the batches it gives over `Observe.epochs` epochs."""
    qualified, name = _type(loader)
    epochs: list[Any] = []
    for _ in range(max(0, min(int(encoder.observe.epochs), 20))):
        try:
            batches = []
            for batch in loader:
                batches.append(encoder.value(batch, depth + 2))
                if len(batches) >= MAX_BATCHES:
                    break
            epochs.append(batches)
        except Exception as error:
            epochs.append(_raised(error))
    return {"$": "loader", "type": qualified, "name": name,
            "batch_size": encoder.value(getattr(loader, "batch_size", None), depth + 1),
            "drop_last": encoder.value(getattr(loader, "drop_last", None), depth + 1), "epochs": epochs}


# ---------------------------------------------------------------- grader side


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return value[:300] if isinstance(value, str) else "?"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    return value if isinstance(value, list) else []


@dataclass
class ModuleView:
    """A module as data: `linear` says whether it is an `nn.Linear`; `outputs[i]` is its output on input i."""

    type: str
    name: str
    linear: bool
    training: bool
    in_features: int | None = None
    out_features: int | None = None
    weight: Any = None
    bias: Any = None
    parameters: dict[str, Any] = field(default_factory=dict)
    outputs: list[Any] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: dict, decode: Callable[[Any], Any]) -> ModuleView:
        """Read a description written by `describe_module`."""
        parameters = {}
        for entry in _list(data, "parameters"):
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str):
                parameters[entry[0][:200]] = decode(entry[1])
        return cls(_text(data, "type"), _text(data, "name"), data.get("linear") is True, data.get("training") is True,
                   _int(data.get("in_features")), _int(data.get("out_features")), decode(data.get("weight")),
                   decode(data.get("bias")), parameters, [decode(v) for v in _list(data, "outputs")])


@dataclass
class OptimizerView:
    """An optimizer as data: `sgd` says whether it is a `torch.optim.SGD`; groups hold settings and "params"."""

    type: str
    name: str
    sgd: bool
    param_groups: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: dict, decode: Callable[[Any], Any]) -> OptimizerView:
        """Read a description written by `describe_optimizer`."""
        groups = []
        for group in _list(data, "param_groups"):
            if isinstance(group, dict):
                settings = {str(k)[:100]: decode(v) for k, v in group.items() if k != "params"}
                settings["params"] = [decode(p) for p in _list(group, "params")]
                groups.append(settings)
        return cls(_text(data, "type"), _text(data, "name"), data.get("sgd") is True, groups)


@dataclass
class LoaderView:
    """A loader as data: `epochs[e]` is the list of batches of epoch e, or `Raised` if iterating failed."""

    type: str
    name: str
    batch_size: Any = None
    drop_last: Any = None
    epochs: list[Any] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: dict, decode: Callable[[Any], Any]) -> LoaderView:
        """Read a description written by `describe_loader`."""
        epochs = [[decode(b) for b in epoch] if isinstance(epoch, list) else decode(epoch)
                  for epoch in _list(data, "epochs")]
        return cls(_text(data, "type"), _text(data, "name"), decode(data.get("batch_size")),
                   decode(data.get("drop_last")), epochs)
