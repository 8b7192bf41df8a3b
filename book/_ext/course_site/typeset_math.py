"""Math typeset when the book is built: no MathJax script for the reader to download.

A Sphinx HTML math renderer (`html_math_renderer = "course_mathjax"`) sends each formula to MathJax
running in Node.js (`typeset.js`, one process for the whole build) and writes what it returns, with the
formula's MathML for screen readers. Math is then readable as soon as the text is, and a chapter's
first visit no longer waits for a 660 KiB script. A TeX error is a build warning (so the strict build
fails) at the formula's source line.

`course_math_output` chooses the output: "svg" (the site: each formula draws its own glyphs, nothing
else to load) or "chtml" (the PDF, tools/book_pdf.py: text in MathJax's web fonts, copied to
`_static/mathjax-fonts/`, which Chromium embeds once instead of repeating every glyph's outline; the
PDF is then several times smaller and prints faster).

Without Node.js or the npm packages (`npm ci`, which `make` runs), the book falls back to MathJax in the
browser, served from the site (`mathjax_path` in `_config.yml`), and says so in the build log.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

RENDERER = "course_mathjax"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
WORKER = HERE / "typeset.js"
STYLESHEET = "course-math.css"
FONTS = "mathjax-fonts"
MATHJAX_FONTS = REPO / "node_modules" / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / "woff-v2"


class Typesetter:
    """One Node.js process running MathJax; `html(tex, display)` returns the typeset formula."""

    def __init__(self, node: str, output: str = "svg") -> None:
        if output not in ("svg", "chtml"):
            raise ValueError(f"course_math_output must be svg or chtml, not {output!r}")
        self.output = output
        self._pid = os.getpid()
        self._process = subprocess.Popen(
            [node, str(WORKER), output, FONTS], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8",
        )
        atexit.register(self.close)

    def _ask(self, request: dict) -> dict:
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the MathJax process (book/_ext/course_site/typeset.js) stopped")
        return json.loads(line)

    def html(self, tex: str, display: bool) -> str:
        """The typeset formula; ValueError with MathJax's message when the TeX is wrong."""
        answer = self._ask({"tex": tex, "display": display})
        if "error" in answer:
            raise ValueError(answer["error"])
        return answer["html"]

    def stylesheet(self) -> str:
        """The CSS that the SVG output needs (sizes, alignment, the hidden MathML)."""
        return self._ask({"stylesheet": True})["css"]

    def close(self) -> None:
        """End the Node.js process (only the process that started it does)."""
        if self._pid == os.getpid() and self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)


def node_available() -> str | None:
    """The `node` executable when it and the npm package mathjax-full are installed, else None."""
    node = shutil.which("node")
    if node and (REPO / "node_modules" / "mathjax-full" / "js" / "mathjax.js").exists():
        return node
    return None


_typesetter: Typesetter | None = None


def typesetter(output: str) -> Typesetter:
    """The build's MathJax process (a new one in a forked writer process, which cannot share its pipes)."""
    global _typesetter
    if _typesetter is None or _typesetter._pid != os.getpid() or _typesetter.output != output:
        _typesetter = Typesetter(node_available(), output)
    return _typesetter


def _typeset(self, node: nodes.Element, tex: str, display: bool) -> str:  # noqa: ANN001 (a translator)
    try:
        return typesetter(self.builder.config.course_math_output).html(tex, display)
    except ValueError as error:
        logger.warning("TeX error in %r: %s", tex, error, location=node)
        return f'<code class="math-error">{self.encode(tex)}</code>'


def visit_inline(self, node: nodes.math) -> None:  # noqa: ANN001
    """An inline formula, `$...$`."""
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_typeset(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_block(self, node: nodes.math_block) -> None:  # noqa: ANN001
    """A display formula, `$$...$$` or an amsmath environment; numbered ones keep their number and link."""
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if not node["nowrap"] and node["number"]:
        from sphinx.locale import _
        from sphinx.util.math import get_node_equation_number

        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    tex = node.astext()
    if not node["nowrap"]:
        # As Sphinx's MathJax renderer does: paragraphs become aligned lines, a line break a split.
        parts = [part for part in tex.split("\n\n") if part.strip()]
        parts = [rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p else p for p in parts]
        tex = r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}" if len(parts) > 1 else parts[0]
    self.body.append(_typeset(self, node, tex, display=True) + "</div>\n")
    raise nodes.SkipNode


def _choose_renderer(app, config) -> None:  # noqa: ANN001 (Sphinx's event signature)
    if node_available():
        config.html_math_renderer = RENDERER
    else:
        # Named explicitly: with two renderers registered, Sphinx would otherwise pick the one that is not MathJax.
        config.html_math_renderer = "mathjax"
        logger.info("course_site: Node.js or node_modules/mathjax-full not found (run `npm ci`): "
                    "the math is typeset in the reader's browser by MathJax instead of at build time")


def _write_stylesheet(app, exception) -> None:  # noqa: ANN001
    if exception is not None or getattr(app.builder, "math_renderer_name", None) != RENDERER:
        return
    static = Path(app.outdir) / "_static"
    (static / STYLESHEET).write_text(typesetter(app.config.course_math_output).stylesheet(), encoding="utf-8")
    if app.config.course_math_output == "chtml":
        shutil.copytree(MATHJAX_FONTS, static / FONTS, dirs_exist_ok=True)


def _copy_mathjax(app, exception) -> None:  # noqa: ANN001
    """The fallback: MathJax 3 from the pinned `sphinx-mathjax-offline` package, served from the site."""
    if exception is not None or app.builder.format != "html":
        return
    if getattr(app.builder, "math_renderer_name", None) != "mathjax":
        return
    # The package's folder is named with hyphens, so it is found by name rather than imported.
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    source = Path(spec.origin).parent / "static" / "mathjax"
    shutil.copytree(source, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def _register_stylesheet(app) -> None:  # noqa: ANN001
    if getattr(app.builder, "math_renderer_name", None) == RENDERER:
        app.add_css_file(STYLESHEET)


def setup(app) -> None:  # noqa: ANN001
    """Register the renderer; choose it when Node.js and MathJax are installed."""
    app.add_config_value("course_math_output", "svg", "html", types=[str])
    app.add_html_math_renderer(RENDERER, (visit_inline, None), (visit_block, None))
    app.connect("config-inited", _choose_renderer)
    app.connect("builder-inited", _register_stylesheet)
    app.connect("build-finished", _write_stylesheet)
    app.connect("build-finished", _copy_mathjax)
