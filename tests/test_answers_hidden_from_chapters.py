"""No exercise's answer is printed in its chapter, and no page shows TeX with doubled backslashes.

A question that asks for a value (`lr_best = ...`) is answered by the names its solution cell assigns.
The solutions run here in this process, with their `check` cells skipped; every number they assign in an
answer cell is searched for in the stored outputs of the chapter of the same name, as the chapter would
print it (4 or 3 decimals; an integer of two digits or more as a whole word; a shape as [a, b]).
"""

from __future__ import annotations

import ast
import contextlib
import io
import numbers
import re

import numpy as np
import pytest
import torch
from IPython.core.inputtransformer2 import TransformerManager
from notebook_files import code_cells, load, output_text, source

from linreg_course.grader.stand_ins import CHECK_CALL, answer_cells
from tools.notebook_settings import ROOT

SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
MAX_VALUES = 12  # an answer with more numbers than this is data, not a value a chapter could print


def _assigned_names(source: str) -> list[str]:
    """The names a cell assigns at its top level (value questions answer with them)."""
    names = []
    for node in ast.parse(TransformerManager().transform_cell(source)).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    names.append(leaf.id)
    return names


def _as_plain(value):
    """A number, a tuple of ints (a shape) or a tuple of numbers; None for what a chapter cannot print
    as one value (a function, a model, a large array)."""
    if isinstance(value, bool) or callable(value) or value is None:
        return None
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, numbers.Number):
        return float(value)
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and value.size <= MAX_VALUES:
        return float(value) if value.ndim == 0 else tuple(float(x) for x in value.ravel())
    if isinstance(value, (list, tuple)) and len(value) <= MAX_VALUES:
        items = [_as_plain(item) for item in value]
        if all(isinstance(item, float) for item in items):
            return tuple(items)
    return None


def _printed_forms(value) -> list[str]:
    """Patterns for how a chapter would print an answer: a shape as [a, b] or (a, b), a number with 4 or
    3 decimals, an integer of two digits or more as a whole word."""
    if isinstance(value, tuple):
        if all(float(x).is_integer() for x in value):
            inner = ", ".join(str(int(x)) for x in value)
            return [re.escape(f"[{inner}]"), re.escape(f"({inner})")] if len(value) > 1 else []
        return [form for x in value for form in _printed_forms(x)]
    x = value
    if not np.isfinite(x):
        return []
    if float(x).is_integer():
        return [rf"(?<![\d.]){int(x)}(?![\d])"] if abs(x) >= 10 else []
    forms = {f"{x:.4f}", f"{x:.3f}"}
    forms = {f for f in forms if f.strip("-0.")}  # 0.000 tells nothing
    return [rf"(?<![\d]){re.escape(f)}(?![\d])" for f in forms]


def _value_answers(path) -> dict[str, list]:
    """Each question's numeric answer, from running the solution in this process."""
    sources = [source(c) for c in code_cells(load(path))]
    cells = answer_cells(sources)
    transformer = TransformerManager()
    namespace: dict = {}
    found: dict[str, list] = {}
    by_cell = {index: question for question, index in cells.items()}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import matplotlib

        matplotlib.use("Agg")
        for index, code in enumerate(sources):
            if CHECK_CALL.match(code.strip()) or "google.colab" in code:
                continue
            exec(compile(transformer.transform_cell(code), f"<cell {index}>", "exec"), namespace)  # noqa: S102
            if index in by_cell:
                values = [_as_plain(namespace.get(name)) for name in _assigned_names(code)]
                values = [v for v in values if v is not None]
                if values:
                    found[by_cell[index]] = values
    return found


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_value_answer_is_printed_in_its_chapter(solution):
    chapter = ROOT / "chapters" / solution.name
    printed = output_text(load(chapter))
    leaks = []
    for question, values in _value_answers(solution).items():
        for x in values:
            for form in _printed_forms(x):
                match = re.search(form, printed)
                if match:
                    leaks.append(f"{question}: {match.group(0)}")
    assert not leaks, f"{chapter.relative_to(ROOT)} prints answers of its exercise: {leaks}"


def test_printed_forms_find_a_value_a_chapter_prints():
    printed = "lr = 0.9871, steps 1234, error 12.50"
    assert any(re.search(f, printed) for f in _printed_forms(0.98712))
    assert any(re.search(f, printed) for f in _printed_forms(1234))
    assert not any(re.search(f, printed) for f in _printed_forms(123))
    assert not any(re.search(f, printed) for f in _printed_forms(0.9872))
    assert any(re.search(f, "torch.Size([30, 30])") for f in _printed_forms(_as_plain(torch.Size([30, 30]))))
    assert not any(re.search(f, printed) for f in _printed_forms(_as_plain((30, 1))))
    assert _as_plain(lambda x: x) is None and _as_plain(np.zeros(100)) is None


DOUBLED = re.compile(r"\\\\[A-Za-z]")  # "\\cdot": a backslash escaped once too often shows as "\cdot"


def _pages() -> list:
    return sorted(ROOT.glob("[bces]*/*.ipynb")) + sorted((ROOT / "book").glob("*.md"))


def test_no_page_shows_tex_with_doubled_backslashes():
    found = []
    for path in _pages():
        if path.suffix == ".md":
            texts = [path.read_text(encoding="utf-8")]
        else:
            nb = load(path)
            texts = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"] + [output_text(nb)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for text in texts for m in DOUBLED.finditer(text)]
    assert not found, f"TeX with doubled backslashes: {found}"
    assert DOUBLED.search(r"$a \\cdot b$") and not DOUBLED.search(r"$a \cdot b$ \\ next")
