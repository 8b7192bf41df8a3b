"""The student-facing site (`make book-student`, which `make test` runs before pytest): the book without its
solutions, built from a fresh clone, and what its config and table of contents are made from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from site_browser import DESKTOP, axe_violations, chromium, new_context, serve

from tools.notebook_settings import ROOT, notebooks
from tools.student_book import OUT, relocate_local_extensions, student_config, student_toc

STUDENT_SITE = OUT / "_build" / "html"


def test_student_toc_drops_only_the_solutions_part():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    student = student_toc(toc)
    assert "file: solutions/" in toc and "file: solutions/" not in student
    assert "caption: Solutions" in toc and "caption: Solutions" not in student
    removed = [line for line in toc.splitlines() if line not in student.splitlines()]
    assert all("solutions/" in line or "Solutions" in line or line.strip() == "chapters:" for line in removed), removed
    assert "exercises/01_linear_model" in student and "chapters/12_capstone" in student


def test_student_config_excludes_solutions_and_finds_the_extension_from_its_own_folder():
    config = yaml.safe_load(student_config((ROOT / "_config.yml").read_text(encoding="utf-8")))
    assert "solutions" in config["exclude_patterns"]
    for name, path in config["sphinx"]["local_extensions"].items():
        assert (OUT / path / name).resolve() == (ROOT / "book" / "_ext" / name).resolve(), path


def test_local_extensions_are_rewritten_and_nothing_else():
    config = ("title: x\nsphinx:\n  local_extensions:\n    one: book/_ext\n    two: other/dir\n"
              "  config:\n    a: book/_ext\n")
    moved = relocate_local_extensions(config, Path("/repo/_build/student"), Path("/repo"))
    assert "    one: ../../book/_ext\n    two: ../../other/dir\n" in moved
    assert moved.endswith("  config:\n    a: book/_ext\n")


def test_the_student_site_was_built_without_solutions():
    assert (STUDENT_SITE / "book" / "intro.html").exists(), "no student site: run `make book-student`"
    assert not (STUDENT_SITE / "solutions").exists()
    built = {p.relative_to(STUDENT_SITE).with_suffix("").as_posix() for p in STUDENT_SITE.rglob("*.html")}
    for notebook in notebooks(("chapters", "exercises")):
        assert notebook.with_suffix("").as_posix() in built, f"{notebook} is missing from the student site"
    linking = [p.name for p in STUDENT_SITE.rglob("*.html")
               if re.search(r'href="[^"]*solutions/', p.read_text(encoding="utf-8"))]
    assert not linking, f"student pages link to solutions: {linking}"
    status = (STUDENT_SITE / "book" / "status.html").read_text(encoding="utf-8")
    assert "solutions/01_linear_model.ipynb" in status, "the status page lost the solutions' names"


@pytest.fixture(scope="module")
def student_url():
    with serve(STUDENT_SITE) as url:
        yield url


def test_a_student_page_works_in_the_browser(student_url):
    with chromium() as browser:
        context = new_context(browser, DESKTOP)
        try:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(student_url + "exercises/02_gradients_by_hand.html", wait_until="load")
            assert page.locator("mjx-container svg").count() > 0
            assert not errors and not axe_violations(page)
            assert page.get_by_role("link", name="Exercise 1. The linear model").count() > 0
            assert page.get_by_role("link", name=re.compile("^Solution")).count() == 0
        finally:
            context.close()
