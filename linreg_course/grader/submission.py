"""A submitted notebook as the grader reads it: its bytes, its code cells, and which exercise it answers.

The structure is checked by hand, cheaply (nbformat's validator pulls in a JSON-schema stack that
costs more than a second per process): a JSON object with a list of cells, each a dict whose
`cell_type` is code, markdown or raw and whose `source` is a string or a list of strings. The exercise
key comes from `--exercise`, the notebook's metadata or its file name, and counts only when it names
an exercise the grader knows (so `"../01_linear_model"` or `"01.linear"` cannot pick a module).
"""

from __future__ import annotations

import functools
import json
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path

#: The largest notebook the grader reads.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass
class Submission:
    """A notebook that could be read: its bytes, its code cells (cell number, source), its metadata's key."""

    data: bytes
    cells: list[tuple[int, str]] = field(default_factory=list)
    metadata_key: object = None


class Corrupt(Exception):
    """The file is not a notebook the grader can run; the message says why."""


@functools.cache
def known_exercises() -> tuple[str, ...]:
    """The exercises that have public tests: `01_linear_model`, ..."""
    from linreg_course.grader import questions

    names = (m.name for m in pkgutil.iter_modules(questions.__path__))
    return tuple(sorted(n[2:] for n in names if n.startswith("ch") and n[2:4].isdigit()))


def read_submission(path: Path) -> Submission:
    """Read and check a notebook; `Corrupt` with the reason when it is not one."""
    if not path.is_file():  # a FIFO, a device or a folder named like a notebook would block or fail
        raise Corrupt("not a regular file")
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as error:
        raise Corrupt(f"the file cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Corrupt(f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        nb = json.loads(data.decode("utf-8-sig"))  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError:
        raise Corrupt("the file is not UTF-8 text") from None
    except (ValueError, RecursionError) as error:
        raise Corrupt(f"the file is not valid JSON ({str(error)[:200]}); was it truncated or edited by hand?") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Corrupt("the file is JSON but not a notebook (it has no list of cells)")
    if nb.get("nbformat") != 4:
        raise Corrupt(f"the notebook format is {nb.get('nbformat')!r}; the grader reads format 4 (Jupyter's)")
    cells = []
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise Corrupt(f"cell {number} is not a notebook cell")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise Corrupt(f"cell {number} has no text")
        if cell["cell_type"] == "code":
            cells.append((number, source))
    metadata = nb.get("metadata")
    course = metadata.get("linreg_course") if isinstance(metadata, dict) else None
    key = course.get("exercise") if isinstance(course, dict) else None
    return Submission(data, cells, key)


def key_from_name(path: Path) -> str | None:
    """The exercise a file name such as `02_gradients_by_hand.ipynb` names, if the grader knows it."""
    return path.stem if path.stem in known_exercises() else None


def choose_exercise(path: Path, forced: str | None, metadata_key: object) -> tuple[str | None, str]:
    """(the exercise key, or None; a problem to report, or ""): --exercise, then metadata, then file name."""
    if forced:
        return (forced, "") if forced in known_exercises() else (None, f"no exercise is called {forced!r}")
    if metadata_key is not None:
        if isinstance(metadata_key, str) and metadata_key in known_exercises():
            return metadata_key, ""
        by_name = key_from_name(path)
        if by_name:
            return by_name, ""
        shown = repr(metadata_key)[:80]
        return None, (f"the notebook's metadata names the exercise {shown}, which is not one of the course's "
                      f"({', '.join(known_exercises())})")
    by_name = key_from_name(path)
    if by_name:
        return by_name, ""
    return None, "cannot tell which exercise this is: name it like NN_topic.ipynb (e.g. 01_linear_model.ipynb)"
