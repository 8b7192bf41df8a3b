"""The site's features that no chapter may show yet, on a small book built here with the course's extension:
a "Going deeper" block (folded, opened from a visible toggle, with the keyboard), a figure drawn in the
course style (sharp, legible on a phone), per-chapter figure numbers, long inline code on a phone.

The fixture (`tests/site_fixture/`) is executed here, as `make refresh` would, so its figures always
come from the current `use_course_style()`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from site_browser import FIGURES, PAGE_WIDTH, PHONE, chromium, figure_problems, new_context, serve, style_text_points

from tools.notebook_settings import ROOT

FIXTURE = ROOT / "tests" / "site_fixture"
PAGE = "chapters/03_fixture.html"
FOLDED_OUTPUT = "folded output 45"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture book, executed and built strictly with the course's extension; returns its HTML folder."""
    book = tmp_path_factory.mktemp("book") / "fixture"
    shutil.copytree(FIXTURE, book, ignore=shutil.ignore_patterns("conftest.py", "__pycache__"))
    notebook = book / "chapters" / "03_fixture.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    nbformat.write(nb, notebook)
    config = book / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("COURSE_SITE_PATH", str(ROOT / "book" / "_ext")),
                      encoding="utf-8")
    build = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(book), "-W", "-n",
                            "--keep-going"], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return book / "_build" / "html"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def url(fixture_site):
    with serve(fixture_site) as base:
        yield base + PAGE


def test_going_deeper_is_folded_in_the_html(fixture_site):
    html = (fixture_site / PAGE).read_text(encoding="utf-8")
    start = html.index('<details class="going-deeper">')
    end = html.index("</details>", start)
    folded = html[start:end]
    assert "Show this deep dive" in folded and FOLDED_OUTPUT in folded and "A subsection of the detour" in folded
    assert "Back on the main path" not in folded and "Going deeper: a detour" in html[:start]
    assert html.count('<details class="going-deeper">') == 1


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_going_deeper_opens_from_a_visible_toggle_with_the_keyboard(browser, url, viewport):
    context = new_context(browser, viewport)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        folded = page.get_by_text(FOLDED_OUTPUT)
        toggle = page.locator("details.going-deeper > summary")
        assert page.get_by_role("heading", name="Going deeper: a detour").is_visible()
        assert page.get_by_role("heading", name="Back on the main path").is_visible()
        assert toggle.is_visible() and toggle.inner_text().strip().endswith("Show this deep dive")
        assert not folded.is_visible(), "the deep dive is not folded"
        toggle.focus()
        page.keyboard.press("Enter")
        assert folded.is_visible() and toggle.inner_text().strip().endswith("Hide this deep dive")
        ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert ring != "none", "the toggle shows no focus"
        page.keyboard.press("Space")
        assert not folded.is_visible()
        toggle.click()
        assert folded.is_visible()
    finally:
        context.close()


def test_print_opens_every_deep_dive(browser, url):
    page = browser.new_page()
    try:
        page.goto(url, wait_until="load")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        assert page.get_by_text(FOLDED_OUTPUT).is_visible()
    finally:
        page.close()


def test_course_style_figures_are_sharp_and_legible_on_a_phone(browser, url):
    min_points, dpi = style_text_points()
    context = new_context(browser, PHONE)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        figures = page.evaluate(FIGURES)
        assert len(figures) == 2
        for figure in figures:
            assert figure_problems(figure, min_points, dpi) == [], figure
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], "the long inline code widened the page"
        shown = page.eval_on_selector_all("main div.cell_output img", "imgs => imgs.map(i => i.getBoundingClientRect())"
                                          ".map(r => r.height / r.width)")
        assert all(0.5 < ratio < 1.5 for ratio in shown), f"figures squashed: {shown}"
    finally:
        context.close()


def test_figures_are_numbered_within_their_chapter(fixture_site):
    html = (fixture_site / PAGE).read_text(encoding="utf-8")
    assert html.count('<span class="caption-number">Fig. 3.1 </span>') == 1
    assert html.count('<span class="caption-number">Fig. 3.2 </span>') == 1
