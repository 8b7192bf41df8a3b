"""What the site's browser tests share: a local server, Chromium, axe-core, and the checks a page must pass.

The browser is Debian's `/usr/bin/chromium` driven by Playwright (browsers cannot be downloaded on the
course's machines; `.ci/run` installs it). axe-core comes from the npm registry at the version pinned in
package-lock.json (`make node`). Without either, the tests that need them are skipped on a workstation
and fail in CI.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tools.notebook_settings import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
STYLE = ROOT / "linreg_course" / "styles" / "course.mplstyle"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CODE_COLUMNS = 88  # what ruff allows in a notebook line, and what a code cell must show without scrolling


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def chromium():
    """Debian's Chromium under Playwright (skips, or fails in CI, when it is not installed)."""
    if not CHROMIUM.exists():
        _missing("the browser test needs Debian's Chromium: `sudo apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser, viewport: dict, scheme: str = "light", **options):  # noqa: ANN001, ANN201
    """A browser context at that size and colour scheme, with axe-core loaded into every page."""
    if not AXE.exists():
        _missing("the accessibility test needs axe-core: `make node` (npm ci)")
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    context.add_init_script(path=str(AXE))
    return context


# axe-core's rules for WCAG 2.x A and AA, its best practices and its experimental rules (the site was
# judged with those: label-content-name-mismatch is one). MathJax's formulas are left out: each is an
# aria-hidden drawing next to its MathML, which stays in the page for screen readers, and checking the
# thousands of glyphs of a chapter would take most of a minute.
_AXE_RUN = """async (rules) => {
  const options = rules ? {runOnly: {type: 'rule', values: rules}} : {runOnly: {type: 'tag', values:
    ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice', 'experimental']}};
  options.resultTypes = ['violations'];
  const result = await axe.run({exclude: [['mjx-container']]}, options);
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.nodes.length} element(s), e.g. ${v.nodes[0].target.join(' ')}`);
}"""


def axe_violations(page, rules: list[str] | None = None) -> list[str]:  # noqa: ANN001
    """axe-core's serious and critical violations on the loaded page (all rules, or only `rules`)."""
    return page.evaluate(_AXE_RUN, rules)


PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"

# Each figure of a notebook's output, as the page shows it.
FIGURES = """() => [...document.querySelectorAll('main div.cell_output img')].map(img => {
  const figure = img.closest('figure');
  const caption = figure ? figure.querySelector('figcaption') : null;
  return {src: img.src.split('/').pop(), naturalWidth: img.naturalWidth, shownWidth: img.getBoundingClientRect().width,
          styleWidth: parseFloat(img.style.width) || null, alt: img.alt,
          captionPx: caption ? parseFloat(getComputedStyle(caption.querySelector('p') || caption).fontSize) : null};
})"""


def style_text_points() -> tuple[float, float]:
    """The course style's smallest text size in points, and its figure dpi (CSS px per inch at 1x)."""
    from matplotlib import font_manager, rc_params_from_file

    params = rc_params_from_file(str(STYLE), use_default_template=True)
    base = params["font.size"]
    keys = ["font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
            "legend.fontsize", "legend.title_fontsize", "figure.titlesize"]

    def points(value) -> float:  # noqa: ANN001
        if value is None:  # legend.title_fontsize None: as the legend's
            return base
        return float(value) if not isinstance(value, str) else font_manager.font_scalings[value] * base

    return min(points(params[k]) for k in keys), float(params["figure.dpi"])


def figure_problems(figure: dict, min_points: float, dpi: float) -> list[str]:
    """A figure drawn at 2x for high-density screens, whose smallest text is not below its caption's size."""
    problems = []
    css_width = figure["styleWidth"]
    if not css_width or figure["naturalWidth"] < 1.9 * css_width:
        problems.append(f"{figure['src']}: not a 2x image ({figure['naturalWidth']} px shown as {css_width} "
                        "CSS px): call use_course_style() before plotting")
        css_width = css_width or figure["naturalWidth"]
    smallest = min_points / 72 * dpi * figure["shownWidth"] / css_width
    if figure["captionPx"] is None:
        problems.append(f"{figure['src']}: no caption (mystnb.figure.caption in the cell's metadata)")
    elif smallest < figure["captionPx"] - 0.05:
        problems.append(f"{figure['src']}: its smallest text is {smallest:.1f} px on this screen, below the "
                        f"caption's {figure['captionPx']:.1f} px (figure {css_width:.0f} CSS px wide shown at "
                        f"{figure['shownWidth']:.0f}): keep figures 4 in wide (the course style's), stack panels")
    return problems


# Whether a line of CODE_COLUMNS characters fits each code cell without scrolling, in the cell's own font.
CODE_FITS = """(columns) => {
  const canvas = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('main div.cell div.cell_input pre')].map(pre => {
    const style = getComputedStyle(pre);
    canvas.font = `${style.fontSize} ${style.fontFamily}`;
    const needed = canvas.measureText('m'.repeat(columns)).width;
    const room = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {needed, room, fontPx: parseFloat(style.fontSize)};
  });
}"""
