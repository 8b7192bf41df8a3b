"""The course's Sphinx extension: what the book's site needs beyond Jupyter Book and its theme.

- `typeset_math`: math typeset at build time (MathJax in Node.js), so pages need no math script.
- `theme`: fixes to the theme: navigation buttons that work on every screen, no duplicated icon
  payload, focus rings, code that fits, the colour mode of the reader's system.
- `pages`: each page's description, OpenGraph tags and last-updated date; exercise pages' edit link
  pointing at the solution they are generated from; the book's PDF in the download menu.
- `going_deeper`: "Going deeper" sections folded, with a toggle.
- `figure_numbers`: figures numbered per chapter (Fig. 3.2), not across the book.
- `omitted`: links to pages a build leaves out (the student site's solutions) show as text.
"""

from __future__ import annotations

from . import figure_numbers, going_deeper, omitted, pages, theme, typeset_math


def setup(app):  # noqa: ANN001, ANN201
    for part in (typeset_math, theme, pages, going_deeper, figure_numbers, omitted):
        part.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
