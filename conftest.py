"""pytest configuration for `make test`: the notebooks' kernel environment, and a table of the slowest notebooks."""

from __future__ import annotations

from collections import defaultdict

from tools.notebook_settings import apply_environment

# Before nbval starts any kernel (in every xdist worker too), as `make refresh` does.
apply_environment()

_notebook_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    """Add up the time of every nbval cell (setup, call and teardown) per notebook."""
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    ranked = sorted(_notebook_seconds.items(), key=lambda kv: kv[1], reverse=True)
    terminalreporter.section("slowest notebooks (nbval, seconds)")
    for path, seconds in ranked[:10]:
        terminalreporter.write_line(f"{seconds:7.1f}  {path}")
    total = sum(_notebook_seconds.values())
    terminalreporter.write_line(f"{total:7.1f}  all {len(ranked)} notebooks (summed over workers)")
