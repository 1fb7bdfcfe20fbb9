"""Shared reading of what a repository can hold about the cloud: Cloud Build configs and the
commands written in workflows, scripts, task files and documentation.

A Cloud Build config is recognised by its content (a top-level `steps:` list of builder
steps), not by its file name: groups call it `cloudbuild.yaml`, `vertex_ai_train.yaml`, ...
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from auditor.rules._workflows import accepted, commands, place, rejected, rejection

STEPS_KEY = re.compile(r"^[\"']?steps[\"']?\s*:", re.MULTILINE)
JSON_STEPS_KEY = re.compile(r"^[^\S\n]*+\{?[^\S\n]*+\"steps\"\s*:", re.MULTILINE)
SHELLS = {"bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env"}
SCRIPT_FILES = ("**/*.sh", "**/*.bash", "**/Makefile", "**/*.mk", "**/justfile", "tasks.py", "**/tasks.py",
                "noxfile.py", "**/*.ps1", "**/*.bat", "**/*.cmd", "tox.ini")
DOC_FILES = ("**/*.md", "**/*.rst")
SHELL_COMMENT = re.compile(r"^\s*(#|//|REM\b|::)")


@dataclass(frozen=True)
class BuildStep:
    path: str
    line: int | None
    builder: str
    command: str


@dataclass(frozen=True)
class Seen:
    """A command (or line) that mentions something, with the kind of file it is written in:
    workflow, workflow-rejected, cloudbuild, script, docs or report."""

    path: str
    line: int | None
    text: str
    kind: str
    note: str = ""   # for a rejected workflow: why GitHub would reject it


def cloudbuild_configs(repo) -> list[tuple[str, list[BuildStep]]]:
    """(path, steps) of every Cloud Build config in the repository."""
    found = []
    for path in repo.glob("**/*.yaml", "**/*.yml", "**/*.json"):
        if path.startswith(".github/"):
            continue
        content = repo.text(path)
        key = JSON_STEPS_KEY if path.lower().endswith(".json") else STEPS_KEY
        if content.text is None or not key.search(content.text):
            continue
        data = repo.yaml(path).data
        steps = data.get("steps") if isinstance(data, dict) else None
        if not isinstance(steps, list) or not any(_is_build_step(s) for s in steps):
            continue
        lines = _step_lines(content.text)
        found.append((path, [
            BuildStep(path, lines[i] if i < len(lines) else None, str(s["name"]), step_command(s))
            for i, s in enumerate(steps) if _is_build_step(s)
        ]))
    return found


def _is_build_step(step) -> bool:
    return isinstance(step, dict) and isinstance(step.get("name"), str) and (
        "args" in step or "entrypoint" in step or "script" in step)


def step_command(step: dict) -> str:
    """What a Cloud Build step runs, as one command line: `docker build -t ...`, `gcloud run deploy ...`."""
    if isinstance(step.get("script"), str):
        return step["script"]
    args = step.get("args") or []
    args = [str(a) for a in (args if isinstance(args, list) else [args])]
    entry = str(step.get("entrypoint") or "")
    if entry in SHELLS and args and args[0].startswith("-"):
        return " ".join(args[1:])
    builder = str(step["name"])
    tool = entry or ("kaniko" if "kaniko" in builder else builder.split(":")[0].rsplit("/", 1)[-1])
    if tool in ("cloud-sdk", "google-cloud-cli") and not entry:
        tool = "gcloud"
    return " ".join([tool, *args])


def _step_lines(text: str) -> list[int]:
    """1-based line of each item of the top-level `steps:` list (block style)."""
    lines = text.splitlines()
    start = next((i for i, text in enumerate(lines) if STEPS_KEY.match(text)), None)
    if start is None:
        return []
    found, indent = [], None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace() and not stripped.startswith("-"):
            break
        if stripped.startswith("- ") or stripped == "-":
            depth = len(line) - len(stripped)
            if indent is None:
                indent = depth
            if depth == indent:
                found.append(index + 1)
    return found


_COMMANDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _structured_commands(repo) -> list[Seen]:
    """Every workflow and Cloud Build command of the repository, read once per repository."""
    cached = _COMMANDS.get(repo)
    if cached is None:
        cached = [Seen(c.path, c.line, c.text, "workflow") for wf in accepted(repo.workflows) for c in commands(wf)]
        cached += [Seen(s.path, s.line, s.command, "cloudbuild")
                   for _, steps in cloudbuild_configs(repo) for s in steps]
        cached += [Seen(c.path, c.line, c.text, "workflow-rejected", rejection(wf))
                   for wf in rejected(repo.workflows) if wf.valid for c in commands(wf)]
        _COMMANDS[repo] = cached
    return cached


def find(repo, pattern: re.Pattern[str], limit: int = 6) -> list[Seen]:
    """Commands and lines matching `pattern`, strongest places first: working workflows and
    Cloud Build steps, then scripts and task files, rejected workflows, documentation, the report."""
    structured = [_excerpt(pattern, s) for s in _structured_commands(repo) if pattern.search(s.text)]
    found = [s for s in structured if s.kind != "workflow-rejected"]
    for hit in repo.grep(pattern, *SCRIPT_FILES, limit=limit * 3):
        if not SHELL_COMMENT.match(hit.text):
            found.append(_excerpt(pattern, Seen(hit.path, hit.line, hit.text, "script")))
    found += [s for s in structured if s.kind == "workflow-rejected"]
    report = repo.report_path or "reports/README.md"
    for hit in repo.grep(pattern, *DOC_FILES, limit=limit * 3):
        kind = "report" if hit.path == report else "docs"
        found.append(_excerpt(pattern, Seen(hit.path, hit.line, hit.text, kind)))
    return found


def _excerpt(pattern: re.Pattern[str], seen: Seen) -> Seen:
    """The same Seen, its text starting near the match so that a message's first 70 characters show it."""
    text = " ".join(seen.text.split())
    match = pattern.search(text)
    if match and match.start() > 30:
        text = "..." + text[match.start():]
    return Seen(seen.path, seen.line, text, seen.kind, seen.note)


def where(seen: Seen) -> str:
    """How to name the place of a command in a message: "Cloud Build step in cloudbuild.yaml:12"."""
    kinds = {"workflow": "workflow step", "cloudbuild": "Cloud Build step", "script": "script",
             "docs": "documentation", "report": "the report"}
    if seen.kind == "workflow-rejected":
        return f"a workflow step in {place(seen.path, seen.line)}; GitHub would reject that workflow: {seen.note}"
    return f"{kinds.get(seen.kind, seen.kind)} in {place(seen.path, seen.line)}"


def by_kind(seen: list[Seen], *kinds: str) -> list[Seen]:
    return [s for s in seen if s.kind in kinds]
