"""The course's figure style, in one place: `use_course_style()` at the top of every notebook that plots.

It applies `styles/course.mplstyle` (sizes, fonts and colours chosen for the book's column and for
phones) and asks Jupyter for figures at twice the pixel density, displayed at their nominal size, so
they stay sharp on high-density screens without growing on the page.
"""

from __future__ import annotations

from pathlib import Path

STYLE = Path(__file__).resolve().parent / "styles" / "course.mplstyle"


def use_course_style() -> None:
    """Apply the course's matplotlib style, and 2x ("retina") inline figures when running under IPython."""
    import matplotlib.pyplot as plt

    plt.style.use(str(STYLE))
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not in a notebook: nothing to configure
        return
    try:
        set_matplotlib_formats("retina")
    except Exception:  # no IPython shell (a plain script): the style alone applies
        pass
