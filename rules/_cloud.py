"""Shared reading of what a repository can hold about the cloud: Cloud Build configs and the
commands written in workflows, scripts, task files and documentation.

A Cloud Build config is recognised by its content (a top-level `steps:` list of builder
steps), not by its file name: groups call it `cloudbuild.yaml`, `vertex_ai_train.yaml`, ...
"""

from __future__ import annotations

import re
import weakref

from auditor.facts.cloudbuild import JSON_STEPS_KEY, STEPS_KEY, BuildStep, cloudbuild_configs, step_command  # noqa: F401 (shared)
from auditor.facts.commands import LOCAL_SITES
from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.report.anchors import may_search
from auditor.rules._workflows import place

SCRIPT_SITES = LOCAL_SITES   # shell, PowerShell and cmd scripts, Makefiles, invoke tasks, tox, nox: the commands fact
TASK_FILES = ("tasks.py", "**/tasks.py")   # also by their lines: a command built in a variable before c.run(cmd)
DOC_FILES = ("**/*.md", "**/*.rst")
MENTIONS = {"echo", "printf", "cat", "tee"}
SHELL_COMMENT = LazyPattern(r"^\s*(#|//)")


@record(frozen=True)
class Seen:
    """A command (or line) that mentions something, with the kind of file it is written in:
    workflow, workflow-rejected, cloudbuild, script, docs or report."""

    path: str
    line: int | None
    text: str
    kind: str
    note: str = ""   # for a rejected workflow: why GitHub would reject it
    site: str = ""   # for a script: the kind of site of the commands fact (makefile, just, tasks, tox, nox, script)
    holder: str | None = None   # the Makefile target, just recipe, invoke task, tox env or nox session


_COMMANDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _structured_commands(repo) -> list[Seen]:
    """Every workflow, Cloud Build, script, Makefile, invoke-task, justfile, tox and nox command of the repository (the
    `commands` fact, read as shell: one simple command each, `echo` lines that only mention a command
    left out), read once per repository."""
    cached = _COMMANDS.get(repo)
    if cached is None:
        workflow = [c for c in repo.commands.at("workflow") if c.live and c.program not in MENTIONS]
        cached = [Seen(c.path, c.line, c.text, "workflow") for c in workflow if not c.rejected]
        cached += [Seen(c.path, c.line, c.text, "cloudbuild") for c in repo.commands.at("cloudbuild")
                   if c.program not in MENTIONS]
        cached += [Seen(c.path, c.line, c.text, "workflow-rejected", c.rejected) for c in workflow if c.rejected]
        cached += [Seen(c.path, c.line, c.text, "script", site=site, holder=c.job) for site in SCRIPT_SITES
                   for c in repo.commands.at(site) if c.program not in MENTIONS]
        _COMMANDS[repo] = cached
    return cached


def find(repo, pattern: re.Pattern[str], limit: int = 6) -> list[Seen]:
    """Commands and lines matching `pattern`, strongest places first: working workflows and
    Cloud Build steps, then scripts and task files, rejected workflows, documentation, the report."""
    structured = [_excerpt(pattern, s) for s in _structured_commands(repo) if may_search(pattern, s.text)
                  and pattern.search(s.text)]
    found = [s for s in structured if s.kind in ("workflow", "cloudbuild")]
    scripts = [s for s in structured if s.kind == "script"][:limit * 3]
    read = {(c.path, c.line) for c in repo.commands.at("tasks")}   # an echo there stays left out
    for hit in repo.grep(pattern, *TASK_FILES, limit=limit * 3):
        if not SHELL_COMMENT.match(hit.text) and (hit.path, hit.line) not in read:
            scripts.append(_excerpt(pattern, Seen(hit.path, hit.line, hit.text, "script", site="tasks")))
    found += scripts
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
    return Seen(seen.path, seen.line, text, seen.kind, seen.note, seen.site, seen.holder)


# a local site whose commands are held by a named part (the command's `job`): that part, and the file without one;
# a plain script is named as the other kinds are, below
HELD_BY = {"makefile": "Makefile target", "just": "just recipe", "tasks": "invoke task", "tox": "tox env",
           "nox": "nox session"}
HOLDING_FILE = {"makefile": "Makefile", "just": "justfile", "tasks": "invoke tasks file", "tox": "tox config",
                "nox": "noxfile"}


def where(seen: Seen) -> str:
    """How to name the place of a command in a message: "Cloud Build step in cloudbuild.yaml:12",
    "tox env `lint` in tox.ini:7"."""
    kinds = {"workflow": "workflow step", "cloudbuild": "Cloud Build step", "script": "script",
             "docs": "documentation", "report": "the report"}
    if seen.kind == "workflow-rejected":
        return f"a workflow step in {place(seen.path, seen.line)}; GitHub would reject that workflow: {seen.note}"
    if seen.kind == "script" and seen.site in HELD_BY:
        name = f"{HELD_BY[seen.site]} `{seen.holder}`" if seen.holder else HOLDING_FILE[seen.site]
        return f"{name} in {place(seen.path, seen.line)}"
    return f"{kinds.get(seen.kind, seen.kind)} in {place(seen.path, seen.line)}"


def by_kind(seen: list[Seen], *kinds: str) -> list[Seen]:
    return [s for s in seen if s.kind in kinds]
