"""The built site, as a reader meets it: internal links, then every page in headless Chromium.

`make test` builds the book before it runs pytest, so `_build/html` is fresh here. The browser is
Debian's `/usr/bin/chromium` driven by Playwright (browsers cannot be downloaded on the course's
machines); `.ci/run` installs it. Screenshots of the landing page and one chapter are saved in
`_build/artifacts/`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools.notebook_settings import ROOT

SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "_build" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
REPO = "linreg-course/pytorch-linear-regression"


def pages(site: Path) -> list[Path]:
    """Every HTML page of the site, relative to it (theme and source folders left out)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(p.relative_to(site) for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(attrs[key])


@functools.cache
def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


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


# --- the browser ---------------------------------------------------------------------------------------------


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


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "the browser test needs Debian's Chromium: `sudo apt-get install chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site_url():
    with serve(SITE) as url:
        yield url


_MATHJAX_DONE = "() => (window.MathJax && MathJax.startup) ? MathJax.startup.promise.then(() => true) : false"
_BROKEN_IMAGES = "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
_UNLABELLED_IMAGES = """() => [...document.querySelectorAll('main img')]
    .filter(i => !(i.alt && i.alt.trim()) && !i.closest('figure')?.querySelector('figcaption'))
    .map(i => i.src)"""
_HEADINGS = "() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]" \
            ".map(h => Number(h.tagName[1]))"


def check_page(browser, url: str) -> tuple[list[str], dict]:
    """Load one page; return its problems and what it showed (headings, launch links)."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        page.goto(url, wait_until="load")
        if page.evaluate(_MATHJAX_DONE):
            text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
            for raw in ("$$", "\\(", "\\["):
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
        links = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
        return problems, {"links": links, "headings": levels}
    finally:
        page.close()


def _is_redirect(path: Path) -> bool:
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


@pytest.fixture(scope="module")
def visited(browser, site_url):
    """Every page of the site loaded once in the browser: {page: (problems, what it showed)}."""
    return {path: check_page(browser, site_url + path.as_posix())
            for path in pages(SITE) if not _is_redirect(SITE / path)}  # index.html only forwards


def test_every_page_loads_cleanly(visited):
    problems = [f"{path}: {p}" for path, (found, _) in visited.items() for p in found]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("folder", ["chapters", "exercises", "solutions"])
def test_launch_buttons_open_the_right_notebook(visited, folder):
    built = [p for p in visited if p.parts[0] == folder]
    assert built, f"no {folder} pages were built"
    for page in built:
        source = f"{folder}/{page.stem}.ipynb"
        assert (ROOT / source).exists(), f"{page} has no notebook {source}"
        links = visited[page][1]["links"]
        binder = [u for u in links if "mybinder.org" in u]
        colab = [u for u in links if "colab.research.google.com" in u]
        assert binder and all(u.startswith(f"https://mybinder.org/v2/gh/{REPO}/main?") and
                              u.endswith(source) for u in binder), (str(page), binder)
        assert colab and all(u == f"https://colab.research.google.com/github/{REPO}/blob/main/{source}"
                             for u in colab), (str(page), colab)


def test_search_answers_a_query(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(site_url + "search.html?q=gradient", wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        hits = page.eval_on_selector_all("#search-results ul.search li", "items => items.length")
        assert hits > 0
    finally:
        page.close()


def test_screenshots_of_landing_page_and_a_chapter(browser, site_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        # The landing page itself: index.html only forwards to it, and that navigation would race the screenshot.
        for name, path in [("landing", "book/intro.html"), ("chapter", "chapters/03_gradient_descent.html")]:
            page.goto(site_url + path, wait_until="load")
            page.evaluate(_MATHJAX_DONE)
            page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)
            assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    finally:
        page.close()


def test_browser_check_catches_a_broken_image_and_raw_math(browser, tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><body><main><h1>t</h1><p>$$x^2$$</p><img src='missing.png' alt='gone'>"
        "<script src='mathjax-not-here.js'></script></main></body></html>")
    with serve(tmp_path) as url:
        problems, _ = check_page(browser, url + "page.html")
    assert any("image did not load" in p for p in problems), problems
    assert any("console error" in p for p in problems), problems


def test_headings_and_raw_math_checks_work(browser, tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><script>window.MathJax = {startup: {promise: Promise.resolve()}};</script></head>"
        "<body><main><h1>t</h1><h3>skipped</h3><p>\\(x\\)</p></main></body></html>")
    with serve(tmp_path) as url:
        problems, _ = check_page(browser, url + "page.html")
    assert any("h1 to h3" in p for p in problems) and any("math not rendered" in p for p in problems), problems


def test_site_has_no_cdn_math():
    text = (SITE / "chapters" / "02_gradients_by_hand.html").read_text(encoding="utf-8")
    assert re.search(r'src="[^"]*_static/mathjax/tex-svg\.js', text), "MathJax must be served from the site"
    assert (SITE / "_static" / "mathjax" / "tex-svg.js").exists()
