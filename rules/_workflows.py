"""Shared reading of GitHub workflows: whether GitHub would accept them, their jobs, steps and
triggers (what the steps run is the `commands` fact, auditor/facts/commands.py).

A workflow that parses as YAML can still be rejected by GitHub (a `matrix:` outside
`strategy:`, a job without `runs-on`, a step with neither `run` nor `uses`). Such a file
shows intent but runs nothing, so rules count it as weak evidence at most.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.facts.workflow_checks import DISABLED, EVENTS, is_disabled, problems  # noqa: F401 (shared)
from auditor.lazy_pattern import LazyPattern

ACTION_MAJOR = LazyPattern(r"@v?(\d+)")



def accepted(workflows) -> list:
    """The workflows GitHub would run."""
    return [wf for wf in workflows if not problems(wf)]


def rejected(workflows) -> list:
    return [wf for wf in workflows if problems(wf)]


def live_jobs(wf) -> dict[str, dict]:
    return {name: job for name, job in wf.jobs().items() if not is_disabled(job)}


def live_steps(wf) -> Iterator[tuple[str, dict]]:
    for name, job in live_jobs(wf).items():
        for step in job.get("steps") or []:
            if isinstance(step, dict) and not is_disabled(step):
                yield name, step


def actions(wf) -> Iterator[tuple[str, dict, str, int | None]]:
    """(job, step, action name without version, line) for every `uses:` step that runs."""
    for job, step in live_steps(wf):
        uses = step.get("uses")
        if isinstance(uses, str):
            yield job, step, uses.split("@", 1)[0].strip().lower(), wf.line_of(uses)


def action_version(step: dict) -> int | None:
    """The major version a `uses: owner/action@vN` step pins, when it says one."""
    match = ACTION_MAJOR.search(str(step.get("uses", "")))
    return int(match.group(1)) if match else None


def trigger_paths(wf) -> Iterator[tuple[str, str]]:
    """(event, path pattern) of every `paths:` filter in the triggers."""
    for event, config in wf.triggers().items():
        if isinstance(config, dict):
            paths = config.get("paths") or []
            for pattern in paths if isinstance(paths, list) else [paths]:
                yield event, str(pattern)


def place(path: str, line: int | None) -> str:
    """`path:line`, or the path alone when the line is unknown."""
    return f"{path}:{line}" if line else path


def trigger_line(wf) -> int | None:
    return wf.trigger_line


def jobs_line(wf) -> int | None:
    return wf.jobs_line


def rejection(wf) -> str:
    """A short reason for a finding message: why GitHub would not run this workflow."""
    reasons = problems(wf)
    return reasons[0] if reasons else ""
