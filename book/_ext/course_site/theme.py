"""Fixes to the theme (sphinx-book-theme 1.3 over pydata-sphinx-theme 0.17) for every reader and screen.

- Templates (`templates/`): no fontawesome.js, no search index outside the search page, no print-only
  table of contents in the page (it opened every search snippet), a search button named by its text.
- `static/course.js`: the visible sidebar buttons work (the themes bind their handlers to a hidden
  duplicate: pydata-sphinx-theme #2451, sphinx-book-theme #988); `static/course.css`: code that fits the
  column and wraps in print, inline code that wraps on phones, a visible focus ring on every control,
  readable search highlights in dark mode, folded "Going deeper" blocks.
- The colour mode follows the reader's system (`default_mode: auto`).
- Inline scripts that two extensions both add are emitted once (sphinx-thebe's `const THEBE_JS_URL`
  declared twice stops the page's script with a SyntaxError).
- The icon fonts are cut down to the glyphs the site uses (about 270 KiB to a few KiB).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
FONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
# Font Awesome's glyphs sit in Unicode's private use area.
_PRIVATE_USE = range(0xE000, 0xF900)


def _configure(app, config) -> None:  # noqa: ANN001 (Sphinx's event signature)
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _add_assets(app) -> None:  # noqa: ANN001
    app.add_css_file("course.css", priority=900)
    app.add_js_file("course.js", loading_method="defer")


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:  # noqa: ANN001
    seen, unique = set(), []
    for script in context.get("script_files", []):
        # an inline script's filename is None or "" depending on who added it
        key = (getattr(script, "filename", str(script)) or None, getattr(script, "attributes", {}).get("body", ""))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"][:] = unique  # in place: it is the builder's list, which later handlers extend


def _codepoints(text: str) -> set[int]:
    """Private-use code points in CSS or HTML text, written as escapes (`\\f0c9`) or as characters."""
    found = {int(h, 16) for h in re.findall(r"\\([0-9a-fA-F]{4,5})", text)}
    found |= {ord(c) for c in text if ord(c) in _PRIVATE_USE}
    return {c for c in found if c in _PRIVATE_USE}


def used_icon_codepoints(outdir: Path) -> set[int]:
    """The icon glyphs the built site can show: classes used in its pages and scripts, and CSS icons."""
    static = outdir / "_static"
    used_classes: set[str] = set()
    for path in [*outdir.rglob("*.html"), *static.rglob("*.js")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        used_classes |= set(re.findall(r"\bfa-[a-z0-9-]+", text))
    codepoints: set[int] = set()
    for path in static.rglob("*.css"):
        css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.DOTALL)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
            points = _codepoints(body)
            if not points:
                continue
            names = [s.strip() for s in selectors.split(",")]
            classes = [re.fullmatch(r"\.(fa-[a-z0-9-]+)::?before", n) for n in names]
            # A rule of the icon set (".fa-bars:before{content:...}") counts only when a page uses its class;
            # any other rule (an admonition's icon, a theme variable) always does.
            if all(classes) and not any(m.group(1) in used_classes for m in classes):
                continue
            codepoints |= points
    for path in outdir.rglob("*.html"):
        codepoints |= _codepoints(path.read_text(encoding="utf-8", errors="replace"))
    return codepoints


def _subset_icon_fonts(app, exception) -> None:  # noqa: ANN001
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    fonts = Path(app.outdir) / FONTS
    if not fonts.is_dir():
        return
    unicodes = sorted(used_icon_codepoints(Path(app.outdir)))
    for path in sorted(fonts.iterdir()):
        if path.suffix not in (".woff2", ".ttf"):
            continue
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        font = subset.load_font(str(path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        subset.save_font(font, str(path), options)
    logger.info("course_site: icon fonts cut to the %d glyphs the site uses", len(unicodes))


def setup(app) -> None:  # noqa: ANN001
    """Connect the theme fixes."""
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _add_assets)
    # Early: html-page-context stops at the first handler that returns a template name.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("build-finished", _subset_icon_fonts)
