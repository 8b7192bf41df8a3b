"""Run the experiments a chapter invites, the way a learner would: edit, then run to the end.

A chapter invites an experiment with a `# try:` comment on an assignment, for example

    lr = 0.01  # try: 0.005, 0.014
    use_bias = True  # try: False

Variant k of a chapter replaces every such value by its k-th alternative (a knob with fewer
alternatives keeps its first one) and moves every literal seed (`manual_seed(0)`, `default_rng(0)`,
`seed=0`, `random_state=0`, `np.random.seed(0)`) to another value, as a learner trying "another seed"
would: by 1 in variant 1, by 7 in variant 2, by 123 after that. The edited
notebook must then run to the end: only cells tagged `raises-exception` may raise.

    python -m tools.experiments                                   # every chapter, every variant
    python -m tools.experiments chapters/03_gradient_descent.ipynb
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.notebook_settings import CELL_TIMEOUT, KERNEL_NAME, ROOT, apply_environment, notebooks

_KNOB = re.compile(r"^(?P<head>\s*[A-Za-z_][\w.,\s\[\]]*?=\s*)(?P<value>[^#\n]+?)(?P<gap>\s*)#\s*try:\s*(?P<alts>.+)$")
_SEEDS = [
    re.compile(r"(manual_seed\()(\d+)(\))"),
    re.compile(r"(default_rng\()(\d+)(\))"),
    re.compile(r"(\bseed\s*=\s*)(\d+)()"),
    re.compile(r"(\brandom_state\s*=\s*)(\d+)()"),
    re.compile(r"(\.seed\()(\d+)(\))"),  # np.random.seed(0), random.seed(0)
]
#: How far variant k moves every literal seed (the last one for any later variant).
SEED_SHIFTS = (1, 7, 123)
# An edit the prose invites in inline code, in a sentence that says "try": `name = value`.
_INVITED = re.compile(r"`(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>[^`]+)`")


@dataclass
class Knob:
    """One `# try:` line: where it is, its value and the alternatives the text suggests."""

    cell: int
    line: int
    name: str
    value: str
    alternatives: list[str]


def _alternatives(text: str) -> list[str]:
    """The comma-separated Python expressions after `# try:`, as source text."""
    text = text.strip()
    tree = ast.parse(f"({text},)", mode="eval")
    return [ast.get_source_segment(f"({text},)", element) for element in tree.body.elts]


def knobs(nb: nbformat.NotebookNode) -> list[Knob]:
    """Every `# try:` knob of the notebook's code cells, in order."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for j, line in enumerate(cell.source.splitlines()):
            match = _KNOB.match(line)
            if match:
                name = match.group("head").split("=")[0].strip()
                found.append(Knob(i, j, name, match.group("value").strip(), _alternatives(match.group("alts"))))
    return found


def invitations(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """Every `name = value` in inline code of a markdown sentence that says "try": (cell, name, value)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for sentence in re.split(r"(?<=[.!?:])\s+", cell.source):
            if re.search(r"\btry\b", sentence, re.IGNORECASE):
                found += [(i, m.group("name"), m.group("value").strip()) for m in _INVITED.finditer(sentence)]
    return found


def same_expression(a: str, b: str) -> bool:
    """Whether two Python expressions are the same up to spacing and the spelling of literals."""
    try:
        return ast.dump(ast.parse(a, mode="eval")) == ast.dump(ast.parse(b, mode="eval"))
    except SyntaxError:
        return a.strip() == b.strip()


def n_variants(nb: nbformat.NotebookNode) -> int:
    """How many edited versions of the notebook to run: the most alternatives any knob offers (at least 1)."""
    return max([len(k.alternatives) for k in knobs(nb)] + [1])


def variant(nb: nbformat.NotebookNode, k: int) -> nbformat.NotebookNode:
    """A copy of `nb` with the k-th alternative of every knob and every literal seed moved by SEED_SHIFTS[k]."""
    shift = SEED_SHIFTS[min(k, len(SEED_SHIFTS) - 1)]
    edited = nbformat.from_dict(nb)
    for knob in knobs(nb):
        alternative = knob.alternatives[min(k, len(knob.alternatives) - 1)]
        cell = edited.cells[knob.cell]
        lines = cell.source.splitlines()
        match = _KNOB.match(lines[knob.line])
        lines[knob.line] = f"{match.group('head')}{alternative}  # (experiment; was {knob.value})"
        cell.source = "\n".join(lines)
    for cell in edited.cells:
        if cell.cell_type == "code":
            for pattern in _SEEDS:
                cell.source = pattern.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + shift}{m.group(3)}", cell.source)
        cell.outputs = [] if cell.cell_type == "code" else None
        if cell.cell_type != "code":
            cell.pop("outputs", None)
    return edited


def unexpected_errors(nb: nbformat.NotebookNode) -> list[str]:
    """The errors of an executed notebook outside cells tagged raises-exception, with the cell's number."""
    errors = []
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                errors.append(f"cell {i} ({first[:60]!r}): {out.ename}: {out.evalue[:300]}")
    return errors


def run_variant(path: Path, k: int) -> list[str]:
    """Execute variant k of the notebook at `path` (relative to the repository) and return its errors."""
    apply_environment()
    nb = variant(nbformat.read(ROOT / path, as_version=4), k)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME, allow_errors=True,
                            resources={"metadata": {"path": str((ROOT / path).parent)}})
    client.execute()
    return unexpected_errors(nb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve().relative_to(ROOT) for p in args.paths] or notebooks(("chapters",))
    failed = 0
    for path in paths:
        nb = nbformat.read(ROOT / path, as_version=4)
        names = ", ".join(f"{k.name} -> {' / '.join(k.alternatives)}" for k in knobs(nb)) or "no knobs"
        print(f"{path}: {names}")
        for k in range(n_variants(nb)):
            start = time.perf_counter()
            errors = run_variant(path, k)
            failed += bool(errors)
            verdict = "ok" if not errors else "FAILED\n    " + "\n    ".join(errors)
            print(f"  variant {k + 1}: {verdict} ({time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
