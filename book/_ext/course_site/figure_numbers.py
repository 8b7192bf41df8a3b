"""Figures numbered per chapter: "Fig. 3.2" is the second figure of chapter 3, wherever it sits in the book.

Sphinx numbers figures across the whole book ("Fig. 19" in chapter 9). After it has, each page's numbers
are replaced: a chapter (`chapters/NN_*`) gets (NN, 1), (NN, 2), ...; any other page numbers its own
figures 1, 2, ... Tables and other numbered things follow the same rule. Cross-references (`{numref}`)
use the same numbers.
"""

from __future__ import annotations

import re

_CHAPTER = re.compile(r"^chapters/(\d+)_")


def page_numbers(docname: str, numbers: dict[str, tuple[int, ...]]) -> dict[str, tuple[int, ...]]:
    """The page's numbers for one kind of figure, in the order Sphinx met them, restarted for the page."""
    chapter = _CHAPTER.match(docname)
    prefix = (int(chapter.group(1)),) if chapter else ()
    ordered = sorted(numbers, key=numbers.__getitem__)
    return {figure_id: (*prefix, index) for index, figure_id in enumerate(ordered, start=1)}


def _renumber(app, env) -> list[str]:  # noqa: ANN001 (Sphinx's event signature)
    changed = []
    for docname, kinds in env.toc_fignumbers.items():
        renumbered = {kind: page_numbers(docname, numbers) for kind, numbers in kinds.items()}
        if renumbered != kinds:
            env.toc_fignumbers[docname] = renumbered
            changed.append(docname)
    return changed


def setup(app) -> None:  # noqa: ANN001
    """Renumber after Sphinx's own numbering (its handler runs at the default priority, 500)."""
    app.connect("env-get-updated", _renumber, priority=900)
