"""Traces of building the Dockerfiles locally: build commands in tasks, Makefile, scripts, docs,
Dockerfile comments (`# to run: docker build -f trainer.dockerfile .`) or compose. The report
itself is the claim, not evidence for it."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.repository import find_line
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._code import grep_text_files
from auditor.rules._cloud import HELD_BY as LOCAL_HELD_BY
from auditor.rules._commands import builds_locally, malformed_note

BUILD = LazyPattern(r"\bdocker(-|\s+)compose\b.*\b(build|up)\b|\bdocker(\s+buildx)?\s+build\b")
DOCKERFILE_OPTION = LazyPattern(r"(?:^|\s)(?:-f|--file)(?:=|\s+)(\S+)")
BUILD_HELPER = LazyPattern(r"docker_build|docker\.build|images\.build\(")
WHERE = ("tasks.py", "Makefile", "**/*.md", "**/*.sh", "**/*.mk", "justfile", "**/*.rst", "pyproject.toml", "**/*.txt")


READ_AS_SHELL = LazyPattern(r"(\.sh|(^|/)Makefile|\.mk|(^|/)\.?[jJ]ustfile)$")   # read as shell, not grepped
COMMAND_SITES = (*LOCAL_SITES, "dockerfile", "pre-commit")   # docs: grepped below, as many files
HELD_BY = {**LOCAL_HELD_BY, "pre-commit": "pre-commit hook"}


def _site_name(command) -> str:
    """As a reader names the place: "invoke task `docker_build`", "a Dockerfile comment", "a script"."""
    if command.site in HELD_BY:
        return f"{HELD_BY[command.site]} `{command.job}`" if command.job else f"a {HELD_BY[command.site]}"
    if command.site == "dockerfile":
        return "a Dockerfile comment" if command.kind == "documented" else "a Dockerfile instruction"
    return "a script"


def _read_commands(repo, commands):
    """(path, line, text, where, run) of every build command read as shell outside the workflows and
    the report; `run`: a task, target or script runs it (not a comment)."""
    for site in COMMAND_SITES:
        for command in commands.at(site, kind=None):
            if command.path != repo.report_path and builds_locally(command):
                yield (command.path, command.line, command.text, _site_name(command) + malformed_note(command),
                       command.kind == "run")


def _build_commands(repo):
    for pattern in (BUILD, BUILD_HELPER):
        hits = [h for h in grep_text_files(repo, pattern, WHERE, limit=12)
                if not h[0].startswith(".github/") and h[0] != repo.report_path and not READ_AS_SHELL.search(h[0])]
        if hits:
            return hits
    return []


def _missing_dockerfile(text: str, dockerfiles) -> str | None:
    """The Dockerfile a task's build names with `-f` when the repository holds no file of that name
    (the template's task left building `dockerfiles/train.dockerfile`): a task that cannot run is no
    trace of a build. A build written up in docs or a comment still is, its file name perhaps stale."""
    named = DOCKERFILE_OPTION.search(text)
    if named is None or any(c in named.group(1) for c in "${}<>*"):
        return None
    name = named.group(1).strip("'\"").removeprefix("./")
    return None if any(d == name or d.rsplit("/", 1)[-1] == name.rsplit("/", 1)[-1] for d in dockerfiles) else name


def probe(repo, dockerfiles, compose_files, commands):
    if not dockerfiles:
        return
    seen = set()
    dangling = []
    for path, line, text, where, run in _read_commands(repo, commands):
        if path not in seen and len(seen) < 3:
            if run and (missing := _missing_dockerfile(text, dockerfiles)) is not None:
                dangling.append((path, line, text, missing))
                continue
            seen.add(path)
            yield Finding(path, line, f"build command `{text[:80]}` in {path}:{line} ({where})")
    for path, line, text in _build_commands(repo):
        if path not in seen and len(seen) < 3 and path not in {d[0] for d in dangling}:
            seen.add(path)
            yield Finding(path, line, f"build command `{text[:80]}` in {path}:{line}")
    for path, line, text, missing in dangling[:1]:
        if not seen:
            yield Finding(path, line, f"build command `{text[:80]}` in {path}:{line} names {missing}, "
                                      "which the repository does not hold", "weak")
    for path in compose_files:
        content = repo.text(path).text or ""
        line = find_line(content, re.compile(r"^\s*build\s*:"))
        if line:
            yield Finding(path, line, f"{path}:{line} builds images with compose")
    yield Finding(dockerfiles[0], None, f"{len(dockerfiles)} Dockerfile(s); a local build leaves no other trace", "weak")
