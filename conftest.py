"""pytest configuration for `make test`: the notebooks' kernel environment, and a table of the slowest notebooks."""

from __future__ import annotations

from collections import defaultdict

from tools.notebook_settings import apply_environment

# Before nbval starts any kernel (in every xdist worker too), as `make refresh` does.
apply_environment()

_notebook_seconds: dict[str, float] = defaultdict(float)


_measured: list[str] = []


def pytest_runtest_logreport(report):
    """Add up the time of every nbval cell (setup, call and teardown) per notebook; keep what tests measured."""
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _notebook_seconds[path] += report.duration
    if report.when == "call":
        # A test's measurements (record_property("measured", ...)) reach here from every xdist worker.
        _measured.extend(value for name, value in report.user_properties if name == "measured")


def pytest_terminal_summary(terminalreporter):
    if _measured:
        terminalreporter.section("measured by the tests")
        for line in _measured:
            terminalreporter.write_line(line)
    if not _notebook_seconds:
        return
    ranked = sorted(_notebook_seconds.items(), key=lambda kv: kv[1], reverse=True)
    terminalreporter.section("slowest notebooks (nbval, seconds)")
    for path, seconds in ranked[:10]:
        terminalreporter.write_line(f"{seconds:7.1f}  {path}")
    total = sum(_notebook_seconds.values())
    terminalreporter.write_line(f"{total:7.1f}  all {len(ranked)} notebooks (summed over workers)")
