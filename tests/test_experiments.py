"""The experiments a chapter invites work: a learner who edits a `# try:` value or a seed can run on.

Each chapter offers at least two knobs (`name = value  # try: a, b`). tools/experiments.py builds the
edited notebooks (every knob at its k-th alternative, every literal seed moved) and runs them; no cell
may raise unless it is tagged raises-exception.
"""

from __future__ import annotations

import nbformat
import pytest
from notebook_files import CHAPTERS

from tools.experiments import knobs, n_variants, run_variant, variant
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
        "lr = 0.01  # try: 0.005, 0.02\n_ = torch.manual_seed(0)\nrng = np.random.default_rng(3)\nx = f(seed=7)")])
    first, second = variant(nb, 0).cells[0].source, variant(nb, 1).cells[0].source
    assert first.splitlines()[0].startswith("lr = 0.005") and second.splitlines()[0].startswith("lr = 0.02")
    assert "manual_seed(1)" in first and "default_rng(4)" in first and "seed=8" in first
    assert "manual_seed(2)" in second


@pytest.mark.parametrize(("path", "k"), CASES, ids=[f"{p.stem}-variant{k + 1}" for p, k in CASES])
def test_edited_chapter_runs_to_the_end(path, k):
    errors = run_variant(path, k)
    assert not errors, f"{path}, variant {k + 1} (tools/experiments.py):\n" + "\n".join(errors)
