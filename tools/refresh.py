"""Re-execute notebooks in place and store their outputs: the command to run after editing a notebook.

    python -m tools.refresh                      # every notebook in chapters/ and solutions/
    python -m tools.refresh chapters/02_*.ipynb  # just these

Each notebook runs top to bottom in a fresh kernel with the settings of tools.notebook_settings (the ones
nbval uses in `make test`), so what is stored is what CI reproduces. The run time of each notebook goes to
book/notebook_times.json, from which book/status.md is written.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from tools.notebook_settings import (
    CELL_TIMEOUT,
    KERNEL_NAME,
    ROOT,
    apply_environment,
    notebooks,
)

TIMES_FILE = ROOT / "book" / "notebook_times.json"
STATUS_PAGE = ROOT / "book" / "status.md"
#: Notebooks stored with outputs; exercises are generated with outputs cleared and are not refreshed.
REFRESHED_DIRS = ("chapters", "solutions")
#: Packages whose versions the status page reports.
KEY_PACKAGES = ("torch", "numpy", "matplotlib", "jupyter-book", "nbval")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL_NAME}
#: The budget for one notebook, in seconds, measured on a 2-core machine.
BUDGET_SECONDS = 20.0


class NotebookFailed(Exception):
    """A notebook raised outside a cell tagged raises-exception; the message names the notebook and cell."""


def _failing_cell(nb: nbformat.NotebookNode) -> tuple[int, str, str]:
    """Index (1-based, counting every cell), first source line and error of the first unexpected error."""
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return i, first, f"{out.ename}: {out.evalue}"
    return 0, "", ""


def execute(path: Path) -> float:
    """Run the notebook at `path` (absolute, or relative to the repository root) in place; return seconds."""
    apply_environment()
    full = ROOT / path  # an absolute `path` stays as it is
    nb = nbformat.read(full, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(full.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellTimeoutError as err:
        raise NotebookFailed(f"{path}: a cell ran longer than {CELL_TIMEOUT} s ({err})") from None
    except CellExecutionError as err:
        index, first_line, error = _failing_cell(nb)
        where = f"cell {index} ({first_line!r})" if index else "a cell"
        raise NotebookFailed(f"{path}: {where} failed with {error or err}") from None
    seconds = time.perf_counter() - start
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("jupytext", None)  # left by authoring tools; not part of the notebook
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, full)
    return seconds


def _versions() -> dict[str, str]:
    found = {"Python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def render_status(record: dict) -> str:
    """The status page (Markdown) for a timing record as stored in notebook_times.json."""
    lines = [
        "# Status of the notebooks",
        "",
        "Each notebook's run time when its stored outputs were last refreshed (`make refresh`), on a",
        f"2-core machine. The budget is {BUDGET_SECONDS:.0f} s a notebook; CI re-executes every one of them",
        "with nbval and fails when an output differs.",
        "",
        "| Notebook | Run time (s) |",
        "| --- | ---: |",
    ]
    for nb_path, seconds in sorted(record["seconds"].items()):
        doc = "../" + nb_path.removesuffix(".ipynb")
        lines.append(f"| {{doc}}`{nb_path} <{doc}>` | {seconds:.1f} |")
    lines += ["", "Versions used for the last refresh:", "", "| Package | Version |", "| --- | --- |"]
    lines += [f"| {name} | {version} |" for name, version in record["versions"].items()]
    return "\n".join(lines) + "\n"


def load_record() -> dict:
    if TIMES_FILE.exists():
        return json.loads(TIMES_FILE.read_text())
    return {"seconds": {}, "versions": {}}


def write_record(record: dict) -> None:
    text = json.dumps(record, indent=1, sort_keys=True) + "\n"
    TIMES_FILE.write_text(text)
    STATUS_PAGE.write_text(render_status(json.loads(text)))  # from what was stored, in its (sorted) order


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks to refresh (default: all)")
    args = parser.parse_args(argv)
    paths = [p.resolve().relative_to(ROOT) for p in args.paths] or notebooks(REFRESHED_DIRS)
    record = load_record()
    # Forget notebooks that no longer exist.
    record["seconds"] = {k: v for k, v in record["seconds"].items() if (ROOT / k).exists()}
    failed = []
    for path in paths:
        try:
            seconds = execute(path)
        except NotebookFailed as err:
            print(f"FAILED  {err}", file=sys.stderr)
            failed.append(path)
            continue
        record["seconds"][path.as_posix()] = round(seconds, 1)
        flag = "  (over the budget)" if seconds > BUDGET_SECONDS else ""
        print(f"{seconds:6.1f} s  {path}{flag}")
    record["versions"] = _versions()
    write_record(record)
    if failed:
        print(f"{len(failed)} notebook(s) failed; their stored outputs were left as they were.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
