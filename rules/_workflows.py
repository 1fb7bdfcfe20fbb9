"""Shared reading of GitHub workflows: whether GitHub would accept them, and what their steps run.

A workflow that parses as YAML can still be rejected by GitHub (a `matrix:` outside
`strategy:`, a job without `runs-on`, a step with neither `run` nor `uses`). Such a file
shows intent but runs nothing, so rules count it as weak evidence at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterator

TOP_KEYS = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
JOB_KEYS = {"name", "permissions", "needs", "if", "runs-on", "environment", "concurrency", "outputs", "env",
            "defaults", "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services",
            "uses", "with", "secrets", "snapshot"}
STEP_KEYS = {"id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env", "continue-on-error",
             "timeout-minutes"}
STRATEGY_KEYS = {"matrix", "fail-fast", "max-parallel"}
EVENTS = {
    "branch_protection_rule", "check_run", "check_suite", "create", "delete", "deployment", "deployment_status",
    "discussion", "discussion_comment", "fork", "gollum", "issue_comment", "issues", "label", "merge_group",
    "milestone", "page_build", "project", "project_card", "project_column", "public", "pull_request",
    "pull_request_review", "pull_request_review_comment", "pull_request_target", "push", "registry_package",
    "release", "repository_dispatch", "schedule", "status", "watch", "workflow_call", "workflow_dispatch",
    "workflow_run",
}
ON_LINE = re.compile(r"^['\"]?on['\"]?\s*:")
JOBS_LINE = re.compile(r"^jobs\s*:")
DISABLED = re.compile(r"^\s*(\$\{\{\s*)?false(\s*\}\})?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    """One shell command of a workflow step (continuation lines joined), where it is written."""

    path: str
    line: int | None
    text: str
    job: str
    step: dict


def problems(wf) -> list[str]:
    """Why GitHub would reject this workflow (empty when it would accept it)."""
    if wf.error:
        return [wf.error]
    if not isinstance(wf.data, dict):
        return ["empty or not a mapping"]
    found = []
    unknown = sorted(str(k) for k in wf.data if k not in TOP_KEYS)
    if unknown:
        found.append(f"unexpected top-level key(s) {', '.join(f'`{k}`' for k in unknown)}")
    if "on" not in wf.data:
        found.append("no `on:` trigger")
    else:
        events = [e for e in wf.triggers() if e not in EVENTS]
        if events:
            found.append(f"unknown event(s) {', '.join(f'`{e}`' for e in events)}")
    jobs = wf.data.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        found.append("no `jobs:`")
        return found
    for name, job in jobs.items():
        found += [f"job `{name}`: {p}" for p in _job_problems(job)]
    return found


def _job_problems(job: Any) -> list[str]:
    if not isinstance(job, dict):
        return ["not a mapping"]
    found = [f"unexpected key `{k}`" for k in job if k not in JOB_KEYS]
    if "uses" in job:
        return found
    if "runs-on" not in job:
        found.append("no `runs-on`")
    strategy = job.get("strategy", {})
    if "strategy" in job and not isinstance(strategy, (dict, str)):
        found.append("`strategy:` is empty")
    elif isinstance(strategy, dict):
        found += [f"unexpected key `strategy.{k}`" for k in strategy if k not in STRATEGY_KEYS]
    steps = job.get("steps")
    if not isinstance(steps, list) or not steps:
        found.append("no `steps:`")
        return found
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            found.append(f"step {number} is not a mapping")
            continue
        extra = [k for k in step if k not in STEP_KEYS]
        if extra:
            found.append(f"step {number}: unexpected key `{extra[0]}`")
        if ("run" in step) == ("uses" in step):
            found.append(f"step {number} needs exactly one of `run` / `uses`")
    return found


def accepted(workflows) -> list:
    """The workflows GitHub would run."""
    return [wf for wf in workflows if not problems(wf)]


def rejected(workflows) -> list:
    return [wf for wf in workflows if problems(wf)]


def is_disabled(block: dict) -> bool:
    """A job or step switched off with `if: false`."""
    condition = block.get("if")
    return condition is False or (isinstance(condition, str) and bool(DISABLED.match(condition)))


def live_jobs(wf) -> dict[str, dict]:
    return {name: job for name, job in wf.jobs().items() if not is_disabled(job)}


def live_steps(wf) -> Iterator[tuple[str, dict]]:
    for name, job in live_jobs(wf).items():
        for step in job.get("steps") or []:
            if isinstance(step, dict) and not is_disabled(step):
                yield name, step


def commands(wf) -> Iterator[Command]:
    """Every shell command the workflow's steps run (jobs and steps with `if: false` left out),
    with its line in the file."""
    lines = wf.text.splitlines()
    cursor = 0
    for job, step in live_steps(wf):
        script = step.get("run")
        if not isinstance(script, str):
            continue
        for text, first in shell_commands(script):
            found = locate(lines, first[:60], cursor)
            if found is not None:
                cursor = found
            yield Command(wf.path, None if found is None else found + 1, text, job, step)


def shell_commands(script: str) -> Iterator[tuple[str, str]]:
    """(command, its first physical line) for each non-comment command of a script."""
    pending, first = "", ""
    for raw in script.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith(("#", "//", "REM "))):
            continue
        if not pending:
            first = line
        if line.endswith(("\\", "`", "^")) and not line.endswith("\\\\"):
            pending += line[:-1].rstrip() + " "
            continue
        yield pending + line, first
        pending = ""
    if pending.strip():
        yield pending.strip(), first


def locate(lines: list[str], needle: str, start: int = 0) -> int | None:
    """Index of the first non-comment line at or after `start` holding `needle` (else from the top)."""
    needle = needle.strip()
    if not needle:
        return None
    for origin in (start, 0):
        for index in range(origin, len(lines)):
            stripped = lines[index].strip()
            if needle in lines[index] and not stripped.startswith("#"):
                return index
    return None


def actions(wf) -> Iterator[tuple[str, dict, str, int | None]]:
    """(job, step, action name without version, line) for every `uses:` step that runs."""
    for job, step in live_steps(wf):
        uses = step.get("uses")
        if isinstance(uses, str):
            yield job, step, uses.split("@", 1)[0].strip().lower(), wf.line_of(uses)


def action_version(step: dict) -> int | None:
    """The major version a `uses: owner/action@vN` step pins, when it says one."""
    match = re.search(r"@v?(\d+)", str(step.get("uses", "")))
    return int(match.group(1)) if match else None


def trigger_paths(wf) -> Iterator[tuple[str, str]]:
    """(event, path pattern) of every `paths:` filter in the triggers."""
    for event, config in wf.triggers().items():
        if isinstance(config, dict):
            paths = config.get("paths") or []
            for pattern in paths if isinstance(paths, list) else [paths]:
                yield event, str(pattern)


def commented_lines(wf, pattern: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(line, text) of commented-out lines of the workflow that match `pattern`."""
    for number, line in enumerate(wf.text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#") and pattern.search(stripped):
            yield number, stripped


def place(path: str, line: int | None) -> str:
    """`path:line`, or the path alone when the line is unknown."""
    return f"{path}:{line}" if line else path


def trigger_line(wf) -> int | None:
    return wf.line_of(ON_LINE)


def jobs_line(wf) -> int | None:
    return wf.line_of(JOBS_LINE)


def rejection(wf) -> str:
    """A short reason for a finding message: why GitHub would not run this workflow."""
    reasons = problems(wf)
    return reasons[0] if reasons else ""
