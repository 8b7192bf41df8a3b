"""Small fixes that make the built site self-contained and free of console errors.

- MathJax is served from the site: MathJax 3 from the pinned `sphinx-mathjax-offline` package is copied
  to `_static/mathjax/` at the end of an HTML build, where `mathjax_path` in `_config.yml` points. Math
  then renders offline and no page depends on a CDN.
- Inline scripts that two extensions both add are emitted once (sphinx-thebe's `const THEBE_JS_URL`
  declared twice stops the page's script with a SyntaxError).
- The theme gets a default colour mode, so its script does not log "Got invalid theme mode".
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path


def _default_mode(app, config) -> None:  # noqa: ANN001 (Sphinx's event signature)
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")
    config.html_context = context


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


def _copy_mathjax(app, exception) -> None:  # noqa: ANN001
    if exception is not None or app.builder.format != "html":
        return
    # The package's folder is named with hyphens, so it is found by name rather than imported.
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    source = Path(spec.origin).parent / "static" / "mathjax"
    shutil.copytree(source, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):  # noqa: ANN001, ANN201
    app.connect("config-inited", _default_mode)
    # Early: html-page-context stops at the first handler that returns a template name.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
