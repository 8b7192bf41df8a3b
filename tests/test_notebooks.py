"""Each committed notebook is one clean top-to-bottom run and follows the chapter conventions."""

from __future__ import annotations

import re

import pytest
from notebook_files import CHAPTERS, STORED, code_cells, load, source, tags

from tools.colab_cell import cell_source, repository_url, version_tag
from tools.notebook_settings import NOTEBOOK_DIRS, notebooks


def ids(paths):
    return [p.as_posix() for p in paths]


@pytest.mark.parametrize("path", STORED, ids=ids(STORED))
def test_one_clean_top_to_bottom_run(path):
    cells = [c for c in code_cells(load(path)) if source(c).strip()]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path}: execution counts {counts} are not 1..{len(cells)}; re-run it with `make refresh NB={path}`"
    )


@pytest.mark.parametrize("path", STORED, ids=ids(STORED))
def test_errors_only_where_expected(path):
    for i, cell in enumerate(load(path)["cells"], start=1):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        expected = "raises-exception" in tags(cell)
        assert not (errors and not expected), f"{path}: cell {i} stores an error but is not tagged raises-exception"
        assert not (expected and not errors), f"{path}: cell {i} is tagged raises-exception but raised nothing"


@pytest.mark.parametrize("path", STORED, ids=ids(STORED))
def test_no_tool_metadata_or_progress_bars(path):
    nb = load(path)
    assert "jupytext" not in nb["metadata"], f"{path}: authoring-tool metadata left in the notebook"
    assert nb["metadata"]["kernelspec"]["name"] == "python3", f"{path}: kernel is not python3"
    for i, cell in enumerate(code_cells(nb), start=1):
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", ""))
            assert "it/s]" not in text and "\r" not in text, f"{path}: code cell {i} stores a progress bar"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_chapter_card_and_summary(path):
    cells = load(path)["cells"]
    number = int(path.name[:2])
    first = source(cells[0])
    assert re.match(rf"# {number}\. \S", first), f"{path}: the first cell must start with '# {number}. Title'"
    assert "What you will learn" in first and "Before you start" in first, (
        f"{path}: the first cell needs 'What you will learn' and 'Before you start'"
    )
    markdown = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"^#+ Summary", markdown, flags=re.MULTILINE), f"{path}: no Summary section"
    assert f"exercises/{path.name}" in markdown, f"{path}: no pointer to exercises/{path.name}"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_chapter_checks_its_results(path):
    code = "\n".join(source(c) for c in code_cells(load(path)))
    assert code.count("assert ") >= 5, f"{path}: fewer than five assertions; check every computed result"


@pytest.mark.parametrize("path", STORED, ids=ids(STORED))
def test_figures_have_caption_and_alt_text(path):
    for i, cell in enumerate(code_cells(load(path)), start=1):
        has_image = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if not has_image:
            continue
        meta = cell["metadata"].get("mystnb", {})
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        assert caption.strip() and alt.strip(), f"{path}: code cell {i} shows a figure without caption and alt text"


ALL = notebooks(NOTEBOOK_DIRS)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_colab_setup_cell(path):
    """The first code cell is the Colab cell tools/colab_cell.py writes (tests/test_colab_cell.py tests the tool).

    Every notebook needs it: chapters load the data sets from the package, exercises and solutions `check`.
    """
    first = code_cells(load(path))[0]
    assert source(first) == cell_source(repository_url(), version_tag()), (
        f"{path}: the first code cell is not the Colab cell; run `make exercises`")
    assert not first["outputs"], f"{path}: the Colab setup cell printed something locally"


def test_colab_cell_does_nothing_outside_colab(tmp_path):
    """Run the exact Colab cell of chapter 1 in a fresh kernel: no output, no error, no install (no pip run)."""
    import nbformat
    from nbclient import NotebookClient

    cell = code_cells(load(CHAPTERS[0]))[0]
    probe = "print('google.colab' in sys.modules, '_pip' in globals())"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source(cell)), nbformat.v4.new_code_cell(probe)])
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert nb.cells[0].outputs == []
    assert nb.cells[1].outputs[0]["text"] == "False False\n"
