"""Whether GitHub would accept a workflow, and which jobs and steps are switched off.

A workflow that parses as YAML can still be rejected by GitHub (a `matrix:` outside
`strategy:`, a job without `runs-on`, a step with neither `run` nor `uses`). Such a file
shows intent but runs nothing.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.lazy_pattern import LazyPattern


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
DISABLED = LazyPattern(r"^\s*(\$\{\{\s*)?false(\s*\}\})?\s*$", re.IGNORECASE)


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


def is_disabled(block: dict) -> bool:
    """A job or step switched off with `if: false`."""
    condition = block.get("if")
    return condition is False or (isinstance(condition, str) and bool(DISABLED.match(condition)))
