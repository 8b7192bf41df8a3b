"""What each page says about itself: description and OpenGraph tags, the date it last changed, where to
edit it, and the book's PDF in its download menu.

- `<meta name="description">` and `og:*` tags from the page's title and its first paragraph without
  math (what a link preview or a search engine shows).
- "Last updated on ..." in the footer: the date of the last commit that changed the page's source (today
  when the source has uncommitted changes; nothing when git cannot tell).
- Exercise pages are generated from their solution (`make exercises`), so their "Suggest edit" link opens
  the solution's source, the file a contributor must change; a build without solutions (the student
  site) has no such link.
- The download menu offers the whole book as a PDF (`make pdf`, file name `course_pdf` in `_config.yml`)
  instead of the browser's print of one page.
"""

from __future__ import annotations

import datetime
import html
import re
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from .omitted import is_excluded

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 200


def git_dates(root: Path) -> dict[str, datetime.date]:
    """Each tracked file's last commit date, by path relative to `root`; {} outside a git checkout."""
    try:
        top = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, check=True,
                                  capture_output=True, text=True).stdout.strip())
        log = subprocess.run(["git", "log", "--format=%x00%cs", "--name-only", "--no-renames"], cwd=top,
                             check=True, capture_output=True, text=True).stdout
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=top,
                                check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, datetime.date] = {}
    for entry in log.split("\0")[1:]:
        day, *files = entry.strip().splitlines()
        for name in files:
            if name:
                dates.setdefault(name, datetime.date.fromisoformat(day))
    today = datetime.date.today()
    for line in status.splitlines():
        dates[line[3:].split(" -> ")[-1].strip('"')] = today  # changed since the last commit
    offset = Path(root).resolve().relative_to(top.resolve())
    return {str(Path(name).relative_to(offset)) if offset.parts else name: day
            for name, day in dates.items() if not offset.parts or Path(name).is_relative_to(offset)}


def describe(doctree: nodes.document, limit: int = DESCRIPTION_LENGTH) -> str:
    """The page's first paragraph without math, shortened to `limit` characters at a word boundary."""
    for paragraph in doctree.findall(nodes.paragraph):
        if paragraph.next_node(nodes.math) is not None:
            continue
        if any(isinstance(a, (nodes.Admonition, nodes.table, nodes.footnote)) for a in _ancestors(paragraph)):
            continue
        text = " ".join(paragraph.astext().split())
        if len(text) < 40:
            continue
        if len(text) > limit:
            text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return ""


def _ancestors(node: nodes.Node):  # noqa: ANN202
    while node.parent is not None:
        node = node.parent
        yield node


def _register_dates(app) -> None:  # noqa: ANN001
    app.env.course_git_dates = git_dates(Path(app.srcdir))


def _meta(app, pagename: str, context: dict, doctree: nodes.document | None) -> None:  # noqa: ANN001
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else context.get("title", "")
    description = describe(doctree) if doctree is not None else ""
    tags = [
        ("property", "og:title", title),
        ("property", "og:type", "website"),
        ("property", "og:site_name", app.config.html_title or app.config.project),
    ]
    if description:
        tags += [("name", "description", description), ("property", "og:description", description)]
    if app.config.html_baseurl:
        tags.append(("property", "og:url", app.config.html_baseurl.rstrip("/") + "/" + pagename + ".html"))
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta {kind}="{name}" content="{html.escape(value, quote=True)}" />' for kind, name, value in tags)


def _last_updated(app, pagename: str, context: dict) -> None:  # noqa: ANN001
    if pagename not in app.env.all_docs:
        return
    source = app.env.doc2path(pagename, base=False)
    day = getattr(app.env, "course_git_dates", {}).get(str(source))
    if day is not None:
        context["last_updated"] = f"{day.day} {day:%B %Y}"


def _buttons(app, pagename: str, context: dict) -> None:  # noqa: ANN001
    pdf = app.config.course_pdf
    for group in context.get("header_buttons", []):
        buttons = group.get("buttons", [])
        for button in list(buttons):
            label = button.get("label")
            if label == "source-edit-button" and pagename.startswith("exercises/"):
                solution = "solutions/" + pagename.split("/", 1)[1]
                if is_excluded(solution, app.config.exclude_patterns):
                    buttons.remove(button)
                    continue
                button["url"] = re.sub(r"/exercises/([^/]+)$", r"/solutions/\1", button["url"])
                button["text"] = "Edit the solution"
                button["tooltip"] = "The exercise is generated from its solution: edit that"
            elif label == "download-pdf-button" and pdf:
                button.update(type="link", url=context["pathto"](pdf, 1), text="The book (PDF)",
                              tooltip="The whole book as a PDF", label="download-book-pdf-button")
                button.pop("javascript", None)


def _page_context(app, pagename, templatename, context, doctree) -> None:  # noqa: ANN001
    _meta(app, pagename, context, doctree)
    _last_updated(app, pagename, context)
    _buttons(app, pagename, context)


def setup(app) -> None:  # noqa: ANN001
    """Register `course_pdf` and connect the page handlers (after the theme has made its buttons)."""
    app.add_config_value("course_pdf", "", "html", types=[str])
    app.connect("builder-inited", _register_dates)
    app.connect("html-page-context", _page_context, priority=600)
