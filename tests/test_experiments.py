"""The experiments a chapter invites work: a learner who edits a `# try:` value or a seed can run on.

Each chapter offers at least two knobs (`name = value  # try: a, b`). tools/experiments.py builds the
edited notebooks (every knob at its k-th alternative, every literal seed moved by 1, then by 7) and runs
them; no cell may raise unless it is tagged raises-exception. An edit the prose invites in code (`lr = 0.3`
in a sentence that says "try") must be one of these knobs, so that the test makes it too.
"""

from __future__ import annotations

import nbformat
import pytest
from notebook_files import CHAPTERS

from tools.experiments import invitations, knobs, n_variants, run_variant, same_expression, variant
from tools.notebook_settings import ROOT

CASES = [(path, k) for path in CHAPTERS for k in range(n_variants(nbformat.read(ROOT / path, as_version=4)))]


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_invites_experiments(path):
    nb = nbformat.read(ROOT / path, as_version=4)
    found = knobs(nb)
    assert len(found) >= 2, f"{path}: invite at least two experiments with `value  # try: a, b` comments"
    for knob in found:
        assert knob.alternatives, f"{path}: the knob {knob.name} offers no alternative"


def test_variant_edits_knobs_and_seeds():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "lr = 0.01  # try: 0.005, 0.02\n_ = torch.manual_seed(0)\nrng = np.random.default_rng(3)\nx = f(seed=7)\n"
        "np.random.seed(5)\ng = torch.Generator().manual_seed(4)")])
    first, second = variant(nb, 0).cells[0].source, variant(nb, 1).cells[0].source
    assert first.splitlines()[0].startswith("lr = 0.005") and second.splitlines()[0].startswith("lr = 0.02")
    assert "manual_seed(1)" in first and "default_rng(4)" in first and "seed=8" in first
    assert "np.random.seed(6)" in first and "Generator().manual_seed(5)" in first
    assert "manual_seed(7)" in second and "default_rng(10)" in second


def test_invitations_are_read_from_sentences_that_say_try():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "We set `lr = 0.1` here. Try `lr = 0.3` or `batch_size = 4`: what changes? Then `epochs = 9` is used.")])
    assert invitations(nb) == [(0, "lr", "0.3"), (0, "batch_size", "4")]
    assert same_expression("1e-9", "1e-09") and same_expression("(1, 2)", "(1,2)")
    assert not same_expression("0.3", "0.03")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_invited_edits_are_knobs(path):
    """An edit the prose invites (`name = value` in a sentence that says "try") is one the test makes."""
    nb = nbformat.read(ROOT / path, as_version=4)
    by_name = {knob.name: knob for knob in knobs(nb)}
    for cell, name, value in invitations(nb):
        assert name in by_name, (
            f"{path}, cell {cell}: the text invites `{name} = {value}`, and no `# try:` knob sets {name}")
        choices = [by_name[name].value, *by_name[name].alternatives]
        assert any(same_expression(value, choice) for choice in choices), (
            f"{path}, cell {cell}: the text invites `{name} = {value}`, not among the knob's {choices}")


@pytest.mark.parametrize(("path", "k"), CASES, ids=[f"{p.stem}-variant{k + 1}" for p, k in CASES])
def test_edited_chapter_runs_to_the_end(path, k):
    errors = run_variant(path, k)
    assert not errors, f"{path}, variant {k + 1} (tools/experiments.py):\n" + "\n".join(errors)
