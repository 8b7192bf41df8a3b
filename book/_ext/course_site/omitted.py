"""Links to pages left out of a build show as plain text instead of failing it.

The student site (`make book-student`) excludes `solutions/`, but pages it keeps, such as the status
page, name the solutions with `{doc}` links. In that build such a link is its text alone. A link to a
page that exists in no build still fails the strict build, as before.
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatch

from docutils import nodes


def is_excluded(docname: str, patterns: list[str]) -> bool:
    """Whether the document, or a folder that holds it, matches one of the build's exclude patterns."""
    parts = docname.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch(candidate, pattern) or fnmatch(candidate + ".*", pattern)
               for candidate in candidates for pattern in patterns)


def _as_text(app, env, node, contnode) -> nodes.Node | None:  # noqa: ANN001 (Sphinx's event signature)
    if node.get("reftype") != "doc":
        return None
    target = node["reftarget"]
    if not target.startswith("/"):
        target = posixpath.join(posixpath.dirname(node.get("refdoc", env.docname)), target)
    docname = posixpath.normpath(target.lstrip("/"))
    return contnode if is_excluded(docname, app.config.exclude_patterns) else None


def setup(app) -> None:  # noqa: ANN001
    """Connect the handler for references that Sphinx could not resolve."""
    app.connect("missing-reference", _as_text)
