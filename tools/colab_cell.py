"""Write (or check) the Colab install cell, the first code cell of every notebook.

    python -m tools.colab_cell          # rewrite the cell where it differs (make exercises, make refresh run it)
    python -m tools.colab_cell --check  # change nothing; exit 1 if a notebook's cell is not what this writes

On Colab the cell installs the course's package at the version the notebook was made for, from the
repository the book is built for: `repository.url` in `_config.yml` (the one place it is written) and
the git tag `v` + `version` in `pyproject.toml`. A fork changes `repository.url` and runs `make exercises`.
When pip fails, the cell raises with pip's own message instead of letting a later import fail. Outside
Colab it does nothing and prints nothing. Only the first code cell is touched; the result depends only on
the two settings, so running the tool twice changes nothing.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

from tools.notebook_settings import NOTEBOOK_DIRS, ROOT, notebooks

#: What marks a code cell as the Colab cell (every version of it has had this line).
MARKER = 'if "google.colab" in sys.modules:'

TEMPLATE = '''# On Colab, install the course's package at the version this notebook was made for
# (written by tools/colab_cell.py); elsewhere `make` has installed it.
import sys

if "google.colab" in sys.modules:
    import subprocess

    _package = (
        "linreg-course @ git+"
        "{url}@{tag}"
    )
    _pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", _package],
        capture_output=True,
        text=True,
    )
    if _pip.returncode != 0:
        raise RuntimeError(
            f"Could not install the course's package ({{_package}}):\\n"
            f"{{_pip.stderr[-1500:]}}\\n"
            "Check the connection and that this version exists; run this cell again."
        )
    print(f"Installed {{_package}}")'''


def repository_url(root: Path = ROOT) -> str:
    """The repository the book is built for: `repository.url` in _config.yml, without a trailing slash."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str(config["repository"]["url"]).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"_config.yml: repository.url {url!r} is not an https:// URL")
    return url


def version_tag(root: Path = ROOT) -> str:
    """The git tag of the package's version: `v` + `project.version` in pyproject.toml."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return f"v{project['version']}"


def cell_source(url: str, tag: str) -> str:
    """The exact source of the Colab cell for a repository URL and a tag."""
    return TEMPLATE.format(url=url, tag=tag)


def apply(nb: nbformat.NotebookNode, source: str) -> str:
    """Put `source` into the notebook's first code cell; what was done: "unchanged", "updated", "inserted"."""
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    if index < len(nb.cells) and MARKER in nb.cells[index].source:
        if nb.cells[index].source == source:
            return "unchanged"
        nb.cells[index].source = source
        return "updated"
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.insert(index, cell)
    return "inserted"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a cell differs")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # a copy, for the tests
    args = parser.parse_args(argv)
    source = cell_source(repository_url(args.root), version_tag(args.root))
    stale = []
    for path in notebooks(NOTEBOOK_DIRS) if args.root == ROOT else _notebooks_under(args.root):
        full = args.root / path
        nb = nbformat.read(full, as_version=4)
        outcome = apply(nb, source)
        if outcome == "unchanged":
            continue
        stale.append(f"{path}: Colab cell {outcome if not args.check else 'out of date'}")
        if not args.check:
            nbformat.write(nb, full)
    for line in stale:
        print(line, file=sys.stderr if args.check else sys.stdout)
    if args.check and stale:
        print("run `make exercises` (tools/colab_cell.py) to write the Colab cells", file=sys.stderr)
        return 1
    if any("inserted" in line for line in stale):
        print("a notebook had no Colab cell: re-run it (make refresh NB=...) so its execution counts are 1, 2, ...")
    return 0


def _notebooks_under(root: Path) -> list[Path]:
    return [p.relative_to(root) for d in NOTEBOOK_DIRS for p in sorted((root / d).glob("*.ipynb"))]


if __name__ == "__main__":
    sys.exit(main())
