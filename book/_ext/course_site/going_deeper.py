""""Going deeper" sections folded: a heading whose title starts with "Going deeper" opens a block that runs
to the next heading of the same or a higher level (the section it heads), code cells included.

The heading stays a heading (in the page's contents, linkable); what follows it is wrapped in a native
`<details>` element, closed by default, whose `<summary>` is the toggle: visible, focusable, opened
with Enter or Space, announced as expanded or collapsed. Subsections stay sections, so the page's
contents still list them. The browser's print and the book's PDF open every block (static/course.js,
tools/book_pdf.py). Builders other than HTML ignore the wrapper and show the whole text.
"""

from __future__ import annotations

from docutils import nodes

PREFIX = "going deeper"
OPEN = ('<details class="going-deeper"><summary>'
        '<span class="going-deeper__show">Show this deep dive</span>'
        '<span class="going-deeper__hide">Hide this deep dive</span></summary>'
        '<div class="going-deeper__body">')
CLOSE = "</div></details>"


def is_going_deeper(section: nodes.section) -> bool:
    """Whether the section's heading starts with "Going deeper" (any case)."""
    title = section.next_node(nodes.title)
    return title is not None and title.parent is section and title.astext().strip().lower().startswith(PREFIX)


def fold(doctree: nodes.document) -> int:
    """Wrap the body of every Going deeper section in a closed `<details>`; returns how many were folded."""
    folded = 0
    for section in list(doctree.findall(nodes.section)):
        if not is_going_deeper(section) or "going-deeper" in section["classes"]:
            continue
        section["classes"].append("going-deeper")
        section.insert(1, nodes.raw("", OPEN, format="html"))
        section.append(nodes.raw("", CLOSE, format="html"))
        folded += 1
    return folded


def _fold(app, doctree) -> None:  # noqa: ANN001 (Sphinx's event signature)
    fold(doctree)


def setup(app) -> None:  # noqa: ANN001
    """Fold the sections when each page is read."""
    app.connect("doctree-read", _fold)
