"""The refresh command stores one clean run, names a failing notebook and cell, and keeps the status page true."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from notebook_files import STORED

from tools import refresh
from tools.notebook_settings import KERNEL_ENV


def write_notebook(path, *sources, tagged=()):
    cells = [new_markdown_cell("# A notebook")]
    for i, src in enumerate(sources):
        cell = new_code_cell(src)
        if i in tagged:
            cell.metadata["tags"] = ["raises-exception"]
        cells.append(cell)
    nbformat.write(new_notebook(cells=cells), path)


def test_refresh_stores_a_clean_run_in_the_kernel_environment(tmp_path):
    path = tmp_path / "good.ipynb"
    keys = sorted(KERNEL_ENV)
    write_notebook(path, "import os", f"print([os.environ.get(k) for k in {keys!r}])", "1 / 0", tagged=(2,))
    seconds = refresh.execute(path)
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[1].outputs[0].text.strip() == str([KERNEL_ENV[k] for k in keys])
    assert code[2].outputs[0].output_type == "error"
    assert seconds > 0


def test_a_failing_notebook_is_named_with_its_cell_and_left_untouched(tmp_path):
    path = tmp_path / "broken.ipynb"
    write_notebook(path, "x = 1", "undefined_name + x")
    before = path.read_bytes()
    with pytest.raises(refresh.NotebookFailed) as err:
        refresh.execute(path)
    message = str(err.value)
    assert "broken.ipynb" in message
    assert "cell 3" in message and "undefined_name + x" in message and "NameError" in message
    assert path.read_bytes() == before


def test_status_page_is_generated_from_the_timing_record():
    record = json.loads(refresh.TIMES_FILE.read_text(encoding="utf-8"))
    assert refresh.STATUS_PAGE.read_text(encoding="utf-8") == refresh.render_status(record), (
        "book/status.md is stale: run `make refresh`"
    )


def test_every_stored_notebook_has_a_time_within_budget():
    record = json.loads(refresh.TIMES_FILE.read_text(encoding="utf-8"))["seconds"]
    missing = [p.as_posix() for p in STORED if p.as_posix() not in record]
    assert not missing, f"never refreshed (no time on the status page): {missing}"
    slow = {p: s for p, s in record.items() if s > refresh.BUDGET_SECONDS}
    assert not slow, f"over the {refresh.BUDGET_SECONDS:.0f} s budget: {slow}"
