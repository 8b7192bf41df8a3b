"""The book's PDF (`make pdf`, which `make test` runs before pytest on a fresh clone): every chapter and
exercise, no solution, every line of their code whole (wrapped, never clipped), the math typeset and the
figures in it, and linked from the site.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tools.book_pdf import CHROMIUM, OUT, pdf_config, pdf_name, print_pdf
from tools.notebook_settings import ROOT, notebooks

CONFIG_TEXT = (ROOT / "_config.yml").read_text(encoding="utf-8")
PDF = OUT / pdf_name(CONFIG_TEXT)
IN_BOOK = notebooks(("chapters", "exercises"))


def _cells(path) -> list[dict]:  # noqa: ANN001
    return json.loads((ROOT / path).read_text(encoding="utf-8"))["cells"]


def _title(path) -> str:  # noqa: ANN001
    first = "".join(_cells(path)[0]["source"])
    title = re.search(r"^# (.+)$", first, flags=re.MULTILINE).group(1).strip()
    return title.replace("`", "")  # inline code's backticks are markup, not text


def _squeeze(text: str) -> str:
    """The text without any whitespace: how a wrapped line and the original compare."""
    return re.sub(r"\s+", "", text)


def page_text(page) -> str:  # noqa: ANN001 (a pypdfium2 page)
    """A page's text in reading order: its characters sorted into lines by their baseline, then by x.

    The PDF's own order follows Chromium's painting, which draws a code cell's tokens colour by colour.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    chars = []
    for i in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0, 0x0A, 0x0D):  # line ends PDFium adds
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
        chars.append((-y.value, x.value, "-" if code == 0x02 else chr(code)))  # 0x02: a hyphen where a line wraps
    lines, line, baseline = [], [], None
    for down, across, char in sorted(chars):
        if baseline is None or abs(down - baseline) > 1.5:
            lines.append(line)
            line, baseline = [], down
        line.append((across, char))
    lines.append(line)
    return "\n".join("".join(char for _, char in sorted(chars_of_line)) for chars_of_line in lines if chars_of_line)


def read(pdf) -> list[str]:  # noqa: ANN001
    """Each page's text (see page_text)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page_text(document[i]) for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def pages() -> list[str]:
    """The text of every page of the PDF."""
    assert PDF.exists(), f"no {PDF.relative_to(ROOT)}: run `make pdf`"
    return read(PDF)


def test_the_pdf_is_the_one_the_site_links(pages):
    assert len(pages) > 100
    site_copy = ROOT / "_build" / "html" / PDF.name
    assert site_copy.read_bytes() == PDF.read_bytes(), "the site serves another PDF than the one just made"


def test_every_chapter_and_exercise_is_in_and_no_solution(pages):
    text = _squeeze("".join(pages))
    missing = [_title(p) for p in IN_BOOK if _squeeze(_title(p)) not in text]
    assert not missing, f"not in the PDF: {missing}"
    solutions = [_title(p) for p in notebooks(("solutions",)) if _squeeze(_title(p)) in text]
    assert not solutions, f"solutions in the PDF: {solutions}"


def test_clipping_check_catches_a_line_that_does_not_wrap(tmp_path):
    """The check below, on a page printed as the book is, with a code line that cannot wrap: Chromium leaves
    the clipped part of a line out of the PDF, so the line is not found whole."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium")
    long_line = "x = " + " + ".join(f"value_{i}" for i in range(40))
    (tmp_path / "page.html").write_text(f"<html><body><pre style='white-space: pre; overflow: hidden'>{long_line}"
                                        "</pre><p>a short line</p></body></html>", encoding="utf-8")
    print_pdf(tmp_path / "page.html", tmp_path / "page.pdf")
    [text] = read(tmp_path / "page.pdf")
    assert _squeeze(long_line) not in _squeeze(text), "a clipped line went unnoticed"
    assert _squeeze(long_line[:40]) in _squeeze(text) and "ashortline" in _squeeze(text)


def test_no_line_of_code_is_lost(pages):
    """Each line of every code cell of the book is in the PDF whole (a long one wrapped onto the next)."""
    text = _squeeze("".join(pages))
    checked, clipped = 0, []
    for path in IN_BOOK:
        for cell in _cells(path):
            if cell["cell_type"] != "code" or {"remove-input", "remove-cell"} & set(cell["metadata"].get("tags", [])):
                continue
            for line in "".join(cell["source"]).splitlines():
                if not line.strip():
                    continue
                checked += 1
                if _squeeze(line) not in text:
                    clipped.append(f"{path}: {line}")
    assert checked > 500
    assert not clipped, f"{len(clipped)} code lines not whole in the PDF, e.g.:\n" + "\n".join(clipped[:10])


def test_math_is_typeset_and_figures_are_in(pages):
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    text = "\n".join(pages)
    for tex in ("\\frac", "\\mathbf", "\\begin{", "$$", "\\("):
        assert tex not in text, f"raw TeX {tex!r} in the PDF"
    figures = sum(1 for p in IN_BOOK for c in _cells(p) if c["cell_type"] == "code"
                  for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    document = pypdfium2.PdfDocument(str(PDF))
    try:
        images = sum(1 for i in range(len(document))
                     for _ in document[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    finally:
        document.close()
    assert images >= figures > 0, (images, figures)


def test_pdf_build_uses_the_student_book_with_math_in_fonts():
    config = yaml.safe_load(pdf_config(CONFIG_TEXT))
    assert "solutions" in config["exclude_patterns"]
    assert config["sphinx"]["config"]["course_math_output"] == "chtml"
    extension = (OUT / config["sphinx"]["local_extensions"]["course_site"]).resolve()
    assert extension == (ROOT / "book" / "_ext").resolve()
