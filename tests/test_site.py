"""The built site, as a reader meets it: its files first, then every page in Chromium, on a desktop in the
light theme and on a 390 px phone whose system is dark.

`make test` builds the book (and its PDF) before it runs pytest, so `_build/html` is fresh here.
Screenshots (desktop and phone, light and dark) are saved in `_build/artifacts/` for a person to look at.
"""

from __future__ import annotations

import functools
import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from site_browser import (
    CODE_COLUMNS,
    CODE_FITS,
    DESKTOP,
    FIGURES,
    PAGE_WIDTH,
    PHONE,
    axe_violations,
    chromium,
    figure_problems,
    new_context,
    serve,
    style_text_points,
)

from tools.notebook_settings import ROOT

SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "_build" / "artifacts"
REPO = "linreg-course/pytorch-linear-regression"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
PDF_NAME = CONFIG["sphinx"]["config"]["course_pdf"]
FIRST_VISIT_LIMIT = 1_100_000  # bytes, gzip: a chapter's first visit, everything it loads
ALT_WORDS = 25  # an alt text is one short sentence; the detail goes in the caption


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site, relative to it (theme and source folders left out)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(p.relative_to(site) for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


CONTENT_PAGES = [p for p in pages(SITE) if not _is_redirect(SITE / p)] if SITE.exists() else []
SOURCE_PAGES = [p for p in CONTENT_PAGES if p.parts[0] in ("book", "chapters", "exercises", "solutions")]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key) and tag != "meta":
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(attrs[key])
        if tag == "meta" and (attrs.get("name") or attrs.get("property")):
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content", "")


@functools.cache
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def _html(page: Path) -> str:
    return (SITE / page).read_text(encoding="utf-8")


def broken_internal_links(site: Path) -> list[str]:
    """Links, images and scripts of the site that point at a missing file or a missing anchor."""
    broken = []
    for page in pages(site):
        here = site / page
        for link in _parse(here).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = (here.parent / unquote(parts.path)).resolve() if parts.path else here
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{page}: {link} (no such anchor)")
    return broken


# --- the site's files -------------------------------------------------------------------------------------


def test_site_was_built():
    assert (SITE / "index.html").exists(), "no built site in _build/html: run `make build` first"


def test_no_broken_internal_links_or_anchors():
    broken = broken_internal_links(SITE)
    assert not broken, "broken internal links:\n" + "\n".join(broken[:30])


def test_link_checker_finds_broken_links(tmp_path):
    (tmp_path / "index.html").write_text('<h1 id="top">x</h1><a href="#top">ok</a><a href="other.html">ok</a>'
                                         '<a href="missing.html">no</a><a href="other.html#nowhere">no</a>'
                                         '<img src="lost.png" alt="x">')
    (tmp_path / "other.html").write_text("<p>other</p>")
    broken = broken_internal_links(tmp_path)
    assert len(broken) == 3 and all(b.startswith("index.html") for b in broken), broken


def test_math_is_typeset_when_the_site_is_built():
    """Every formula is in the page as SVG: no math script to wait for, nothing left as TeX."""
    with_math = 0
    for page in CONTENT_PAGES:
        html = _html(page)
        assert "mathjax" not in " ".join(re.findall(r"<script[^>]*>", html)).lower(), f"{page} loads MathJax"
        assert 'class="math notranslate nohighlight">\\(' not in html, f"{page} has untypeset inline math"
        with_math += 'jax="SVG"' in html
    assert with_math >= 10, f"only {with_math} pages have typeset math"


def test_no_empty_index_page():
    assert not (SITE / "genindex.html").exists()
    linked = [str(p) for p in CONTENT_PAGES if any("genindex" in link for link in _parse(SITE / p).links)]
    assert not linked, f"pages link to the index: {linked}"


def test_every_page_has_a_description_and_opengraph_tags():
    for page in SOURCE_PAGES:
        meta = _parse(SITE / page).meta
        description = meta.get("description", "")
        assert 40 <= len(description) <= 200, (str(page), description)
        assert "\\" not in description and "$" not in description, (str(page), description)
        assert meta.get("og:description") == description, str(page)
        assert meta.get("og:title") and meta.get("og:site_name") == CONFIG["title"], (str(page), meta)
        assert meta.get("og:url") == CONFIG["html"]["baseurl"] + page.as_posix(), (str(page), meta.get("og:url"))


def test_every_source_page_says_when_it_last_changed():
    for page in SOURCE_PAGES:
        assert re.search(r"Last updated on \d{1,2} [A-Z][a-z]+ 20\d\d\.", _html(page)), f"{page}: no date"


def test_exercise_pages_edit_their_solution():
    """Exercises are generated from the solutions: "Suggest edit" must open the solution's source."""
    built = [p for p in CONTENT_PAGES if p.parts[0] == "exercises"]
    assert built
    for page in built:
        edits = re.findall(r'href="([^"]*/edit/[^"]*)"', _html(page))
        assert edits == [f"https://github.com/{REPO}/edit/main/solutions/{page.stem}.ipynb"], (str(page), edits)
    chapter = _html(Path("chapters") / "01_linear_model.html")
    assert f"https://github.com/{REPO}/edit/main/chapters/01_linear_model.ipynb" in chapter


def test_download_menu_offers_the_book_pdf():
    for page in SOURCE_PAGES:
        html = _html(page)
        assert f'href="{"../" * (len(page.parts) - 1)}{PDF_NAME}"' in html, f"{page}: no link to the book PDF"
        assert "window.print()" not in html, f"{page} still offers the browser's print as the PDF"
    assert (SITE / PDF_NAME).stat().st_size > 500_000, "the book PDF is missing from the site: run `make pdf`"


def test_figures_are_numbered_per_chapter():
    for page in CONTENT_PAGES:
        numbers = re.findall(r'<span class="caption-number">Fig\. ([\d.]+) ', _html(page))
        if page.parts[0] == "chapters":
            chapter = int(page.stem[:2])
            assert numbers == [f"{chapter}.{k}" for k in range(1, len(numbers) + 1)], (str(page), numbers)
        else:
            assert numbers == [str(k) for k in range(1, len(numbers) + 1)], (str(page), numbers)


def test_icon_fonts_hold_every_icon_the_site_uses():
    """The icon fonts are cut to the glyphs in use: every icon class of every page must still have one."""
    import sys

    from fontTools.ttLib import TTFont

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from course_site.theme import FONTS, used_icon_codepoints

    glyphs = set()
    for font in (SITE / FONTS).glob("*.woff2"):
        glyphs |= set(TTFont(font).getBestCmap())
    css = (SITE / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    needed = {m.group(1): int(m.group(2), 16)
              for m in re.finditer(r"\.(fa-[a-z0-9-]+):+before[^{]*\{content:\"\\\\([0-9a-f]{4})\"", css)}
    used = {c for p in CONTENT_PAGES for c in re.findall(r"\b(fa-[a-z0-9-]+)", _html(p))}
    missing = sorted(c for c in used if c in needed and needed[c] not in glyphs)
    assert not missing, f"icons without a glyph: {missing}"
    assert len(glyphs) < 150, f"{len(glyphs)} glyphs: the fonts were not cut down"
    assert used_icon_codepoints(SITE) <= glyphs


# --- the site in the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site_url():
    with serve(SITE) as url:
        yield url


_BROKEN_IMAGES = "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
_UNLABELLED_IMAGES = """() => [...document.querySelectorAll('main img')]
    .filter(i => !(i.alt && i.alt.trim()) && !i.closest('figure')?.querySelector('figcaption'))
    .map(i => i.src)"""
_HEADINGS = "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]" \
            ".map(h => Number(h.tagName[1]))"
_MAIN_TEXT = "() => (document.querySelector('main') || document.body).innerText"


def check_page(context, url: str, *, phone: bool = False) -> tuple[list[str], dict]:  # noqa: ANN001
    """Load one page; return its problems and what it showed (links, figures, code cells, bytes loaded)."""
    page = context.new_page()
    problems: list[str] = []
    sizes: dict[str, int] = {}

    def record(response) -> None:  # noqa: ANN001
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        sizes[response.url] = min(len(body), len(gzip.compress(body, 6)))  # as a web server would send it

    page.on("response", record)
    page.on("console", lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        page.goto(url, wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        text = page.evaluate(_MAIN_TEXT)
        for raw in ("$$", "\\(", "\\[", "\\frac"):
            if raw in text:
                problems.append(f"math not rendered: {raw} left in the text")
        for src in page.evaluate(_BROKEN_IMAGES):
            problems.append(f"image did not load: {src}")
        for src in page.evaluate(_UNLABELLED_IMAGES):
            problems.append(f"image without alt text or caption: {src}")
        levels = page.evaluate(_HEADINGS)
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"heading levels jump from h{before} to h{after}")
        if levels and levels[0] != 1:
            problems.append(f"the first heading is h{levels[0]}, not h1")
        width = page.evaluate(PAGE_WIDTH)
        if phone and width > PHONE["width"]:
            problems.append(f"the page is {width} px wide on a {PHONE['width']} px phone")
        problems += [f"axe: {v}" for v in axe_violations(page)]
        return problems, {"links": page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)"),
                          "figures": page.evaluate(FIGURES), "code": page.evaluate(CODE_FITS, CODE_COLUMNS),
                          "bytes": sum(sizes.values()), "files": len(sizes)}
    finally:
        page.close()


@pytest.fixture(scope="module")
def visited(browser, site_url):
    """Every page loaded on a desktop (light) and on a phone (dark): {(page, "desktop"|"phone"): results}.

    Each desktop page is a first visit (a new browser context, nothing cached), so its bytes are what a
    new reader downloads."""
    results = {}
    phone = new_context(browser, PHONE, "dark")
    try:
        for path in CONTENT_PAGES:  # index.html only forwards
            desktop = new_context(browser, DESKTOP, "light")
            try:
                results[path, "desktop"] = check_page(desktop, site_url + path.as_posix())
            finally:
                desktop.close()
            results[path, "phone"] = check_page(phone, site_url + path.as_posix(), phone=True)
    finally:
        phone.close()
    return results


def test_every_page_is_clean_on_a_desktop_and_a_phone(visited):
    """No console error, broken image, raw TeX, skipped heading level, sideways scrolling on a phone,
    and no serious or critical axe-core violation, in the light theme on a desktop and the dark one on a phone."""
    problems = [f"{path} ({where}): {p}" for (path, where), (found, _) in visited.items() for p in found]
    assert not problems, "\n".join(problems[:40])


def test_figures_are_sharp_and_their_text_legible_on_a_phone(visited):
    min_points, dpi = style_text_points()
    problems = [f"{path}: {p}" for (path, where), (_, seen) in visited.items() if where == "phone"
                for figure in seen["figures"] for p in figure_problems(figure, min_points, dpi)]
    assert not problems, "\n".join(problems[:30])


def test_alt_texts_are_short(visited):
    long = [f"{path}: {len(f['alt'].split())} words" for (path, where), (_, seen) in visited.items()
            if where == "desktop" for f in seen["figures"] if len(f["alt"].split()) > ALT_WORDS]
    assert not long, f"alt texts over {ALT_WORDS} words (move the detail to the caption):\n" + "\n".join(long)


def test_code_cells_show_88_columns_on_a_desktop(visited):
    cells = [(path, c) for (path, where), (_, seen) in visited.items() if where == "desktop" for c in seen["code"]]
    assert cells, "no code cells found"
    narrow = [f"{path}: {c['room']:.0f} px for {c['needed']:.0f}" for path, c in cells if c["needed"] > c["room"]]
    assert not narrow, "code cells narrower than 88 characters:\n" + "\n".join(narrow[:10])


@pytest.mark.parametrize("width", [1024, 1200, 1440])
def test_code_fits_88_columns_at_other_desktop_widths(browser, site_url, width):
    context = new_context(browser, {"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/03_gradient_descent.html", wait_until="load")
        cells = page.evaluate(CODE_FITS, CODE_COLUMNS)
        assert cells and all(c["needed"] <= c["room"] for c in cells), cells[:3]
        assert all(c["fontPx"] >= 12 for c in cells), cells[:3]
    finally:
        context.close()


@pytest.mark.parametrize("folder", ["chapters", "exercises", "solutions"])
def test_launch_buttons_open_the_right_notebook(visited, folder):
    built = [p for (p, where) in visited if p.parts[0] == folder and where == "desktop"]
    assert built, f"no {folder} pages were built"
    for page in built:
        source = f"{folder}/{page.stem}.ipynb"
        assert (ROOT / source).exists(), f"{page} has no notebook {source}"
        links = visited[page, "desktop"][1]["links"]
        binder = [u for u in links if "mybinder.org" in u]
        colab = [u for u in links if "colab.research.google.com" in u]
        assert binder and all(u.startswith(f"https://mybinder.org/v2/gh/{REPO}/main?") and
                              u.endswith(source) for u in binder), (str(page), binder)
        assert colab and all(u == f"https://colab.research.google.com/github/{REPO}/blob/main/{source}"
                             for u in colab), (str(page), colab)


def _visible(page, selector: str):  # noqa: ANN001, ANN202
    """The one visible element matching `selector` (the theme keeps hidden duplicates of its buttons)."""
    shown = page.locator(selector).filter(visible=True)
    assert shown.count() == 1, f"{shown.count()} visible {selector}"
    return shown.first


def test_phone_opens_the_chapter_list_and_the_page_contents(browser, site_url):
    context = new_context(browser, PHONE)
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/03_gradient_descent.html", wait_until="load")
        chapter_link = page.get_by_role("link", name="1. The linear model").first
        assert not chapter_link.is_visible()
        _visible(page, ".primary-toggle").click()
        page.wait_for_function("() => document.getElementById('pst-primary-sidebar-modal').open")
        assert chapter_link.is_visible(), "the chapter list did not open"
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.getElementById('pst-primary-sidebar-modal').open")
        _visible(page, ".secondary-toggle").click()
        page.wait_for_function("() => document.getElementById('pst-secondary-sidebar-modal').open")
        assert page.get_by_role("link", name="The update rule").first.is_visible(), "the page contents did not open"
        page.screenshot(path=_artifact("phone-contents-open.png"))
    finally:
        context.close()


def test_desktop_sidebar_toggles(browser, site_url):
    context = new_context(browser, DESKTOP)
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/03_gradient_descent.html", wait_until="load")
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible()
        toggle = _visible(page, ".primary-toggle")
        toggle.click()
        page.wait_for_function("() => getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility"
                               " === 'hidden'")
        assert not page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
        toggle.click()
        page.wait_for_function("() => getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility"
                               " === 'visible'")
    finally:
        context.close()


def test_every_control_shows_where_the_keyboard_is(browser, site_url):
    """Tab through a chapter, on a desktop and a phone: each focused control draws a visible focus ring."""
    focus = """() => { const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {what: e.outerHTML.slice(0, 90), ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                || (s.boxShadow !== 'none'), shown: r.width > 0 && r.height > 0}; }"""
    for viewport in (DESKTOP, PHONE):
        context = new_context(browser, viewport)
        try:
            page = context.new_page()
            page.goto(site_url + "chapters/03_gradient_descent.html", wait_until="load")
            seen = []
            for _ in range(60):
                page.keyboard.press("Tab")
                seen.append(page.evaluate(focus))
            stops = [s for s in seen if s["shown"]]
            assert len(stops) >= 10, seen
            bare = [s["what"] for s in stops if not s["ring"]]
            assert not bare, f"no visible focus at {viewport['width']} px:\n" + "\n".join(bare)
            labels = " ".join(s["what"] for s in stops)
            assert "primary-toggle" in labels and "dropdown-toggle" in labels, labels
        finally:
            context.close()


def test_a_chapters_first_visit_is_light(visited, record_property):
    """Everything a first visit downloads, gzip-compressed as a web server sends it, for every chapter."""
    weights = {path: (seen["bytes"], seen["files"]) for (path, where), (_, seen) in visited.items()
               if where == "desktop" and path.parts[0] == "chapters"}
    assert weights and all(files > 10 for _, files in weights.values()), weights
    # Printed at the end of the run, with the slowest notebooks (conftest.py).
    record_property("measured", "a chapter's first visit, gzip: " + ", ".join(
        f"{p.stem[:2]} {w / 1000:.0f} kB ({n} files)" for p, (w, n) in weights.items()))
    heavy = {str(p): w for p, (w, _) in weights.items() if w > FIRST_VISIT_LIMIT}
    assert not heavy, f"over {FIRST_VISIT_LIMIT / 1e6} MB gzip on a first visit: {heavy}"


def test_math_is_readable_without_any_script(browser, site_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/02_gradients_by_hand.html", wait_until="load")
        formulas = page.locator("mjx-container svg")
        assert formulas.count() > 20
        assert formulas.first.bounding_box()["width"] > 5
        text = page.inner_text("main")
        assert "\\frac" not in text and "$$" not in text
    finally:
        context.close()


def test_dark_system_gets_the_dark_theme(browser, site_url):
    for scheme in ("dark", "light"):
        context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto(site_url + "book/intro.html", wait_until="load")
            page.wait_for_function(f"() => document.documentElement.dataset.theme === '{scheme}'")
        finally:
            context.close()


def test_search_highlights_are_readable_in_dark_mode(browser, site_url):
    context = new_context(browser, DESKTOP, "dark")
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/03_gradient_descent.html?highlight=gradient", wait_until="load")
        page.wait_for_selector("span.highlighted")
        assert not axe_violations(page, ["color-contrast"])
    finally:
        context.close()


def test_search_answers_a_query_with_plain_snippets(browser, site_url):
    """Snippets start with the page's text, not a table of contents, and show no TeX."""
    page = browser.new_page()
    try:
        page.goto(site_url + "search.html?q=gradient", wait_until="load")
        page.wait_for_selector("#search-results ul.search li p.context", timeout=30_000)
        page.wait_for_timeout(500)
        snippets = page.eval_on_selector_all("#search-results ul.search li p.context", "ps => ps.map(p => p.innerText)")
        assert len(snippets) >= 5
        for snippet in snippets:
            assert "Contents" not in snippet[:40] and not re.search(r"\\[a-zA-Z]+|\$", snippet), snippet
    finally:
        page.close()


def test_print_wraps_code_instead_of_clipping_it(browser, site_url):
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(site_url + "chapters/03_gradient_descent.html", wait_until="load")
        page.emulate_media(media="print")
        styles = page.eval_on_selector_all("main pre", "ps => ps.map(p => [getComputedStyle(p).whiteSpace,"
                                           " p.scrollWidth - p.clientWidth])")
        assert styles and all(white == "pre-wrap" and overflow <= 1 for white, overflow in styles), styles[:5]
        assert page.locator("main h1").first.is_visible(), "the page title is hidden in print"
    finally:
        page.close()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def test_screenshots_desktop_and_phone_light_and_dark(browser, site_url):
    shots = [("landing", "book/intro.html", DESKTOP, "light"), ("chapter", "chapters/03_gradient_descent.html",
             DESKTOP, "light"), ("chapter-dark", "chapters/03_gradient_descent.html", DESKTOP, "dark"),
             ("chapter-phone", "chapters/03_gradient_descent.html", PHONE, "light"),
             ("chapter-phone-dark", "chapters/03_gradient_descent.html", PHONE, "dark")]
    for name, path, viewport, scheme in shots:
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        try:
            page = context.new_page()
            # The landing page itself: index.html only forwards to it, and that navigation would race the screenshot.
            page.goto(site_url + path, wait_until="load")
            page.screenshot(path=_artifact(f"{name}.png"), full_page=False)
            assert _artifact(f"{name}.png").stat().st_size > 10_000
        finally:
            context.close()


def test_browser_check_catches_problems(browser, tmp_path):
    """The page check itself: a broken image, raw TeX, a skipped heading level, a page wider than a phone,
    an unnamed button (axe-core), all reported."""
    (tmp_path / "page.html").write_text(
        "<html lang='en'><head><title>t</title></head><body><main><h1>t</h1><h3>skipped</h3><p>\\(x\\)</p>"
        "<img src='missing.png' alt='gone'><button></button><div style='width: 700px'>wide</div>"
        "<script src='not-here.js'></script></main></body></html>")
    with serve(tmp_path) as url:
        context = new_context(browser, PHONE)
        try:
            problems, _ = check_page(context, url + "page.html", phone=True)
        finally:
            context.close()
    for expected in ("image did not load", "console error", "h1 to h3", "math not rendered", "px wide on a 390",
                     "critical button-name"):
        assert any(expected in p for p in problems), (expected, problems)


def test_figure_check_catches_a_blurry_or_shrunken_figure():
    min_points, dpi = style_text_points()
    good = {"src": "a.png", "naturalWidth": 822, "styleWidth": 411, "shownWidth": 350, "alt": "x", "captionPx": 14}
    assert figure_problems(good, min_points, dpi) == []
    blurry = dict(good, naturalWidth=411)
    assert any("not a 2x image" in p for p in figure_problems(blurry, min_points, dpi))
    wide = dict(good, naturalWidth=2000, styleWidth=1000, shownWidth=350)
    assert any("below the caption" in p for p in figure_problems(wide, min_points, dpi))
