"""Run a job of one of the course's GitHub Actions workflows here, step by step, as a runner would.

`act` (which runs workflows in Docker) cannot be installed offline here, so the tests run the workflow
file itself: every `run:` step with bash (`-eo pipefail`, as GitHub does) in the checked-out workspace,
with GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STEP_SUMMARY files, the job's `if:` conditions, and the
expressions the course's workflows use (`steps.*.outputs.*`, `needs.*.outputs.*`, `matrix.*`,
`inputs.*`, `fromJSON`). A `uses:` step is played by a function the test supplies (checkout is a
`git clone` of the student's repository, so only what was committed is there). Anything else in an
expression fails loudly instead of being guessed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_REFERENCE = re.compile(r"^(steps|needs)\.([\w-]+)\.outputs\.([\w-]+)$|^(matrix|inputs)\.([\w-]+)$")


def load(path: Path) -> dict[str, Any]:
    """A workflow file (YAML's `on:` key, which PyYAML reads as True, is put back as "on")."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


@dataclass
class Job:
    """What a job left: each step's outputs and outcome, the environment it exported, its summary."""

    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    logs: dict[str, str] = field(default_factory=dict)
    failed: bool = False


@dataclass
class Context:
    """The values expressions can read."""

    job: Job
    matrix: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    needs: dict[str, dict[str, str]] = field(default_factory=dict)


def _value(reference: str, context: Context) -> Any:
    if reference.startswith("fromJSON(") and reference.endswith(")"):
        return json.loads(str(_value(reference[len("fromJSON("):-1].strip(), context)))
    match = _REFERENCE.match(reference)
    if match is None:
        raise ValueError(f"the test's workflow runner does not know the expression {reference!r}")
    if match.group(1) == "steps":
        return context.job.outputs.get(match.group(2), {}).get(match.group(3), "")
    if match.group(1) == "needs":
        return context.needs[match.group(2)][match.group(3)]
    source = context.matrix if match.group(4) == "matrix" else context.inputs
    return source[match.group(5)]


def substitute(text: str, context: Context) -> str:
    """`${{ ... }}` replaced by its value."""
    return _EXPRESSION.sub(lambda m: str(_value(m.group(1), context)), text)


def condition(text: str | None, context: Context) -> bool:
    """A step's `if:`: always(), success(), `X == 'v'`, `X != 'v'`, joined by &&."""
    if text is None:
        return not context.job.failed
    result = True
    for part in _EXPRESSION.sub(lambda m: m.group(1), text).split("&&"):
        part = part.strip()
        if part == "always()":
            continue
        if part == "success()":
            result &= not context.job.failed
            continue
        match = re.fullmatch(r"(\S+)\s*(==|!=)\s*'([^']*)'", part)
        if match is None:
            raise ValueError(f"the test's workflow runner does not know the condition {part!r}")
        equal = str(_value(match.group(1), context)) == match.group(3)
        result &= equal if match.group(2) == "==" else not equal
    if "always()" not in text and "success()" not in text:
        result &= not context.job.failed
    return result


def _read_pairs(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line:
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


Action = Callable[[dict[str, str], Context, Path], dict[str, str] | None]


def run_job(workflow: dict[str, Any], name: str, workspace: Path, actions: dict[str, Action],
            matrix: dict[str, Any] | None = None, inputs: dict[str, Any] | None = None,
            needs: dict[str, dict[str, str]] | None = None, skip: tuple[str, ...] = ()) -> Job:
    """Run the steps of job `name` in `workspace`; steps named in `skip` are left out (the test says why)."""
    job = Job()
    context = Context(job, matrix or {}, inputs or {}, needs or {})
    workspace.mkdir(parents=True, exist_ok=True)  # GITHUB_WORKSPACE exists before any checkout
    files = workspace.parent / f".{workspace.name}-runner"
    files.mkdir(exist_ok=True)
    summary = files / "summary.md"
    summary.touch()
    for number, step in enumerate(workflow["jobs"][name]["steps"]):
        step_id = step.get("id", f"step{number}")
        if step.get("name") in skip or not condition(step.get("if"), context):
            job.outcomes[step_id] = "skipped"
            continue
        if "uses" in step:
            action = next((f for prefix, f in actions.items() if step["uses"].startswith(prefix)), None)
            if action is None:
                raise ValueError(f"no stand-in for the action {step['uses']}")
            given = {k: substitute(str(v), context) for k, v in step.get("with", {}).items()}
            job.outputs[step_id] = action(given, context, workspace) or {}
            job.outcomes[step_id] = "success"
            continue
        output, exported = files / f"{step_id}.output", files / f"{step_id}.env"
        output.write_text("")
        exported.write_text("")
        env = dict(os.environ, **job.env, CI="true", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=str(workspace),
                   GITHUB_OUTPUT=str(output), GITHUB_ENV=str(exported), GITHUB_STEP_SUMMARY=str(summary),
                   PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        env.update({k: substitute(str(v), context) for k, v in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                               substitute(step["run"], context)], cwd=workspace / step.get("working-directory", "."),
                              env=env, capture_output=True, text=True, timeout=1500)
        job.logs[step_id] = done.stdout + done.stderr
        job.outputs[step_id] = _read_pairs(output)
        job.env.update(_read_pairs(exported))
        job.outcomes[step_id] = "success" if done.returncode == 0 else "failure"
        job.failed |= done.returncode != 0
    job.summary = summary.read_text(encoding="utf-8")
    return job


def job_outputs(workflow: dict[str, Any], name: str, job: Job) -> dict[str, str]:
    """A job's declared `outputs:`, from its steps' outputs."""
    context = Context(job)
    return {k: substitute(str(v), context) for k, v in workflow["jobs"][name].get("outputs", {}).items()}
