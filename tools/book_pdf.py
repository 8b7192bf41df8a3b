"""The whole book as one PDF (`make pdf`): the chapters and exercises, from the same sources as the site.

Chromium prints the book's single-page HTML build, so the PDF shows what the site shows: the same
figures, the math typeset at build time as vector SVG, the course's print style (code wrapped, never
clipped; every "Going deeper" block open). The solutions are left out, as on the student site. The PDF
has bookmarks (one per heading), page numbers, and links inside it.

Steps: write a config and table of contents for the build into `_build/pdf/` (the student book's, see
tools/student_book.py), build `singlehtml` from them, print it with Debian's Chromium through
Playwright, then copy the PDF into the built sites (`_build/html/`, and the student site when it is
built; `make book-student` copies it too when it finishes later), where every page's download menu
links to it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools.notebook_settings import ROOT
from tools.student_book import student_config, student_toc

OUT = ROOT / "_build" / "pdf"
CHROMIUM = Path("/usr/bin/chromium")
SITES = [ROOT / "_build" / "html", ROOT / "_build" / "student" / "_build" / "html"]

SIDE_MARGIN_MM = 15
# The print style of the PDF alone (the site's own print rules are in book/_ext/course_site/static/course.css).
PRINT_CSS = f"""
@page {{ size: A4; margin: 16mm {SIDE_MARGIN_MM}mm 18mm {SIDE_MARGIN_MM}mm; }}
html {{ font-size: 10.5pt; }}
/* Each page of the book (a chapter, an exercise) starts a new sheet. */
span[id^="document-"] + section {{ break-before: page; }}
h1, h2, h3, h4 {{ break-after: avoid; }}
div.cell, figure, table, div.math {{ break-inside: avoid; }}
div.cell_output pre, div.cell_input pre {{ break-inside: auto; }}
.bd-container__inner, .bd-main, .bd-content, .bd-article-container {{ max-width: none !important;
  width: 100% !important; padding: 0 !important; margin: 0 !important; }}
a {{ color: inherit; text-decoration: none; }}
"""
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def pdf_name(config_text: str) -> str:
    """The PDF's file name, from `course_pdf` in the book's _config.yml."""
    name = (yaml.safe_load(config_text).get("sphinx", {}).get("config", {}) or {}).get("course_pdf")
    if not name:
        raise ValueError("_config.yml sets no sphinx.config.course_pdf (the book PDF's file name)")
    return name


def pdf_config(config: str) -> str:
    """The student book's configuration, with the math in MathJax's fonts (see typeset_math.py)."""
    marker = "\n  config:\n"  # sphinx: config: (the only "config:" at that depth)
    if marker not in config:
        raise ValueError("_config.yml has no sphinx: config: section")
    return student_config(config, OUT).replace(marker, marker + "    course_math_output: chtml\n", 1)


def build_single_page() -> Path:
    """Build the book (without solutions) as one HTML page; returns that page."""
    OUT.mkdir(parents=True, exist_ok=True)
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    (OUT / "_toc.yml").write_text(student_toc((ROOT / "_toc.yml").read_text(encoding="utf-8")), encoding="utf-8")
    (OUT / "_config.yml").write_text(pdf_config(config), encoding="utf-8")
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--builder", "singlehtml",
                    "-W", "-n", "--keep-going", "--toc", str(OUT / "_toc.yml"), "--config", str(OUT / "_config.yml"),
                    "--path-output", str(OUT)], check=True, stdout=subprocess.DEVNULL)
    site = OUT / "_build" / "singlehtml"
    # Sphinx writes the page under the root document's name (book/intro.html) but links its assets as if
    # it sat at the top of the site: it is moved there.
    page = site / "book.html"
    shutil.move(site / "book" / "intro.html", page)
    return page


def print_pdf(page: Path, target: Path) -> int:
    """Print `page` to `target` with Chromium; returns the number of pages."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri(), wait_until="load")
            tab.add_style_tag(content=PRINT_CSS)
            tab.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
            tab.evaluate("() => document.fonts.ready.then(() => true)")
            tab.emulate_media(media="print")
            tab.pdf(path=str(target), format="A4", print_background=True, outline=True, tagged=False,
                    display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                    prefer_css_page_size=True)
            return 0
        finally:
            browser.close()


def copy_into_sites(target: Path) -> None:
    """Put the PDF into every built site, where each page's download menu links to it."""
    for site in SITES:
        if site.is_dir():
            shutil.copyfile(target, site / target.name)


def main() -> int:
    name = pdf_name((ROOT / "_config.yml").read_text(encoding="utf-8"))
    if sys.argv[1:] == ["--copy"]:  # after sites were built alongside the PDF (make test)
        copy_into_sites(OUT / name)
        return 0
    if not CHROMIUM.exists():
        print("`make pdf` prints the book with Debian's Chromium: `sudo apt-get install chromium`", file=sys.stderr)
        return 1
    start = time.perf_counter()
    page = build_single_page()
    built = time.perf_counter()
    target = OUT / name
    partial = target.with_suffix(".part")
    print_pdf(page, partial)
    partial.replace(target)  # whole or not at all: `make book-student` may copy it meanwhile
    copy_into_sites(target)
    size = target.stat().st_size / 2**20
    print(f"wrote {target.relative_to(ROOT)} ({size:.1f} MiB; HTML {built - start:.0f} s, "
          f"print {time.perf_counter() - built:.0f} s), copied into the built sites")
    return 0


if __name__ == "__main__":
    sys.exit(main())
