"""The data-only channel: a student's answer as JSON, and back.

`encode` runs where the student's code runs (the sandboxed worker, or the notebook for `check`); it
turns an answer into JSON built from numbers (NaN and infinities tagged), strings, lists and tagged
objects: tuples, dicts, sets, bytes, complex numbers, NumPy arrays and scalars, and torch tensors as
dtype, shape and base64 bytes with their flags (`requires_grad`, parameter or not). A model, an
optimizer or a data loader is described by the observers of `linreg_course.grader.observers`; anything
else becomes an `Unreadable` naming its type. `decode` runs in the grader: it rebuilds those values
from the data, checking every field, and never imports or calls anything the data names.
"""

from __future__ import annotations

import base64
import json
import math
import sys
from typing import Any

import numpy as np

from linreg_course.grader import observers
from linreg_course.grader.observers import LoaderView, ModuleView, Observe, OptimizerView, Raised, Unreadable

#: Array dtypes that cross the channel (little-endian bytes); bfloat16 travels as its 16-bit patterns.
DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
          "float64", "complex64", "complex128")
TORCH_ONLY_DTYPES = ("bfloat16",)

MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_ELEMENTS = 16_000_000


class CorruptReply(Exception):
    """The data is not what `encode` writes (a forged or damaged reply)."""


class TooLarge(Exception):
    """The answer is larger than the channel carries."""


# ---------------------------------------------------------------- encoding (where the student's code runs)


class Encoder:
    """Turns one answer into JSON-ready data; counts nodes and array elements against the caps."""

    def __init__(self, observe: Observe | None = None):
        self.observe = observe or Observe()
        self.nodes = 0
        self.elements = 0

    def value(self, value: Any, depth: int = 0) -> Any:
        """The JSON-ready form of `value`."""
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise TooLarge("the answer is nested too deeply or holds too many values")
        if value is None or isinstance(value, bool):
            return bool(value) if value is not None else None
        if isinstance(value, int):
            number = int(value)
            return number if number.bit_length() <= 4096 else unreadable(value, "an integer with too many digits")
        if isinstance(value, float):
            return _float(float(value))
        if isinstance(value, str):
            return str(value)
        if isinstance(value, complex):
            return {"$": "complex", "re": _float(value.real), "im": _float(value.imag)}
        if isinstance(value, bytes | bytearray):
            self._count(len(value))
            return {"$": "bytes", "b64": base64.b64encode(bytes(value)).decode("ascii")}
        if isinstance(value, np.ndarray | np.generic):
            return self._numpy(value)
        torch = sys.modules.get("torch")
        if torch is not None:
            described = self._torch(torch, value, depth)
            if described is not None:
                return described
        if isinstance(value, list):
            return [self.value(v, depth + 1) for v in value]
        if isinstance(value, tuple):
            return {"$": "tuple", "items": [self.value(v, depth + 1) for v in value]}
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value):
                return {"$": "dict", "items": {str(k): self.value(v, depth + 1) for k, v in value.items()}}
            return {"$": "dict", "pairs": [[self.value(k, depth + 1), self.value(v, depth + 1)]
                                           for k, v in value.items()]}
        if isinstance(value, set | frozenset):
            return {"$": "set", "items": [self.value(v, depth + 1) for v in value]}
        return unreadable(value)

    def _count(self, elements: int) -> None:
        self.elements += elements
        if self.elements > MAX_ELEMENTS:
            raise TooLarge("the answer holds more numbers than the grader reads")

    def _numpy(self, value: np.ndarray | np.generic) -> Any:
        array = np.asarray(value)
        name = array.dtype.name
        if name not in DTYPES:
            return unreadable(value, f"a NumPy {'array' if isinstance(value, np.ndarray) else 'scalar'} of dtype "
                                     f"{name}, not of numbers")
        self._count(array.size)
        data = base64.b64encode(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())
        if isinstance(value, np.generic):
            return {"$": "npscalar", "dtype": name, "b64": data.decode("ascii")}
        return {"$": "ndarray", "dtype": name, "shape": list(array.shape), "b64": data.decode("ascii")}

    def _torch(self, torch: Any, value: Any, depth: int) -> Any:
        if isinstance(value, torch.Tensor):
            return self.tensor(torch, value)
        nn, optim, data = torch.nn, torch.optim, sys.modules.get("torch.utils.data")
        if isinstance(value, nn.Module):
            return observers.describe_module(value, self, depth)
        if isinstance(value, optim.Optimizer):
            return observers.describe_optimizer(value, self, depth)
        if data is not None and isinstance(value, data.DataLoader):
            return observers.describe_loader(value, self, depth)
        return None

    def tensor(self, torch: Any, value: Any) -> Any:
        """A tensor as dtype, shape, bytes and flags."""
        if value.layout != torch.strided or value.is_meta or value.is_quantized:
            return unreadable(value, "a tensor that is not an ordinary dense tensor")
        plain = value.detach().cpu().contiguous()
        name = str(plain.dtype).removeprefix("torch.")
        if name == "bfloat16":
            array = plain.view(torch.int16).numpy()
        elif name in DTYPES:
            array = plain.numpy()
        else:
            return unreadable(value, f"a tensor of dtype {name}")
        self._count(array.size)
        data = base64.b64encode(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())
        return {"$": "tensor", "dtype": name, "shape": list(plain.shape), "b64": data.decode("ascii"),
                "requires_grad": bool(value.requires_grad),
                "parameter": isinstance(value, torch.nn.Parameter)}


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return {"$": "float", "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}


def type_name(value: Any) -> str:
    """The qualified name of a value's type, as a student would recognise it."""
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", None) or getattr(kind, "__name__", "object")
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def unreadable(value: Any, why: str = "") -> dict[str, Any]:
    """The data standing for a value the channel does not carry."""
    try:
        name = str(type_name(value))
    except Exception:  # a type whose name itself misbehaves
        name = "object"
    return {"$": "unreadable", "type": name[:200], "why": why}


def encode(value: Any, observe: Observe | None = None) -> Any:
    """The JSON-ready form of one answer (a value too large becomes an `Unreadable`)."""
    try:
        return Encoder(observe).value(value)
    except TooLarge as error:
        return {"$": "unreadable", "type": "answer", "why": str(error)}


def dumps(data: Any) -> bytes:
    """JSON bytes of already encoded data."""
    return json.dumps(data, allow_nan=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- decoding (the grader)


def loads(payload: bytes) -> Any:
    """Parse JSON bytes from the channel; `CorruptReply` if they are not JSON."""
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CorruptReply(f"the reply is not JSON: {type(error).__name__}") from None


def decode(data: Any, depth: int = 0) -> Any:
    """The value that `data` describes; `CorruptReply` if it is not something `encode` writes."""
    if depth > MAX_DEPTH + 8:
        raise CorruptReply("the reply is nested too deeply")
    if data is None or isinstance(data, bool | str):
        return data
    if isinstance(data, int):
        return data
    if isinstance(data, float):
        if not math.isfinite(data):
            raise CorruptReply("a bare non-finite number")
        return data
    if isinstance(data, list):
        return [decode(v, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise CorruptReply(f"unexpected {type(data).__name__}")
    tag = data.get("$")
    if tag == "float":
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[_field(data, "v", str, ("nan", "inf", "-inf"))]
    if tag == "complex":
        return complex(_number(data.get("re")), _number(data.get("im")))
    if tag == "tuple":
        return tuple(decode(v, depth + 1) for v in _field(data, "items", list))
    if tag == "dict":
        if "items" in data:
            return {k: decode(v, depth + 1) for k, v in _field(data, "items", dict).items()}
        pairs = _field(data, "pairs", list)
        result = {}
        for pair in pairs:
            if not isinstance(pair, list) or len(pair) != 2:
                raise CorruptReply("a dict entry is not a pair")
            result[_hashable(decode(pair[0], depth + 1))] = decode(pair[1], depth + 1)
        return result
    if tag == "set":
        return {_hashable(decode(v, depth + 1)) for v in _field(data, "items", list)}
    if tag == "bytes":
        return _b64(data)
    if tag == "ndarray":
        return _array(data, DTYPES)
    if tag == "npscalar":
        dtype = _field(data, "dtype", str, DTYPES)
        array = _array({"dtype": dtype, "shape": [], "b64": data.get("b64")}, DTYPES)
        return array.reshape(())[()]
    if tag == "tensor":
        return _tensor(data)
    if tag == "unreadable":
        return Unreadable(str(data.get("type", "object"))[:200], str(data.get("why", ""))[:500])
    if tag == "raised":
        return Raised(str(data.get("error", ""))[:2000])
    if tag == "module":
        return ModuleView.from_data(data, lambda v: decode(v, depth + 1))
    if tag == "optimizer":
        return OptimizerView.from_data(data, lambda v: decode(v, depth + 1))
    if tag == "loader":
        return LoaderView.from_data(data, lambda v: decode(v, depth + 1))
    raise CorruptReply(f"unknown tag {str(tag)[:40]!r}")


def _field(data: dict, key: str, kind: type, choices: tuple | None = None) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (choices is not None and value not in choices):
        raise CorruptReply(f"field {key!r} is missing or wrong")
    return value


def _number(value: Any) -> float:
    if isinstance(value, dict):
        value = decode(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CorruptReply("a number is expected")
    return float(value)


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        raise CorruptReply("an unhashable key") from None
    return value


def _b64(data: dict) -> bytes:
    try:
        return base64.b64decode(_field(data, "b64", str), validate=True)
    except ValueError:
        raise CorruptReply("bad base64") from None


def _array(data: dict, dtypes: tuple[str, ...]) -> np.ndarray:
    dtype = np.dtype(_field(data, "dtype", str, dtypes)).newbyteorder("<")
    shape = _field(data, "shape", list)
    if len(shape) > 32 or not all(isinstance(s, int) and not isinstance(s, bool) and 0 <= s for s in shape):
        raise CorruptReply("bad shape")
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        raise CorruptReply("an array larger than the channel carries")
    raw = _b64(data)
    if len(raw) != size * dtype.itemsize:
        raise CorruptReply("the bytes do not match the shape and dtype")
    return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def _tensor(data: dict) -> Any:
    import torch

    name = _field(data, "dtype", str, DTYPES + TORCH_ONLY_DTYPES)
    if name == "bfloat16":
        tensor = torch.from_numpy(_array(dict(data, dtype="int16"), ("int16",))).view(torch.bfloat16)
    else:
        tensor = torch.from_numpy(_array(data, DTYPES))
    grad = data.get("requires_grad") is True and (tensor.is_floating_point() or tensor.is_complex())
    if data.get("parameter") is True:
        return torch.nn.Parameter(tensor, requires_grad=grad)
    return tensor.requires_grad_(grad)


def contains_unreadable(value: Any, depth: int = 0) -> Unreadable | None:
    """The first `Unreadable` inside a decoded value (outside the views, which report their own), if any."""
    if isinstance(value, Unreadable):
        return value
    if depth > MAX_DEPTH + 8:
        return None
    if isinstance(value, list | tuple | set):
        items = value
    elif isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    else:
        return None
    for item in items:
        found = contains_unreadable(item, depth + 1)
        if found is not None:
            return found
    return None
