"""Dockerfiles and compose files: which files they are, and a Dockerfile's instructions.

A Dockerfile is read as text into its instructions (FROM, RUN, CMD, COPY ...): comments and
blank lines skipped, `\\` continuation lines joined, heredoc bodies (`RUN <<EOF`) kept out.
Nothing is built or run.
"""

from __future__ import annotations

from auditor.facts.files import FileText
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

COMPOSE_FILES = ("**/docker-compose*.y*ml", "**/compose*.y*ml")
OTHER_SPELLING = LazyPattern(r"dockerfile[-_][^/.]*|[^/]*[-_]dockerfile")   # Dockerfile_api, api-Dockerfile
KEYWORDS = frozenset({"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
                      "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"})
HEREDOC = LazyPattern(r"(?<!<)<<-?([\"']?)([A-Za-z_]\w{0,40})\1")   # not a `<<<` here-string


@record(frozen=True)
class Instruction:
    line: int          # where the instruction starts
    keyword: str       # upper case: FROM, RUN ...
    arguments: str     # the rest, continuation lines joined by spaces
    text: str          # its first line as written, stripped


@record(frozen=True)
class Dockerfile:
    path: str
    instructions: tuple[Instruction, ...] = ()
    error: str | None = None   # why the file could not be read

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def first(self, keyword: str) -> Instruction | None:
        return next((i for i in self.instructions if i.keyword == keyword), None)


def is_dockerfile(rel: str) -> bool:
    """`Dockerfile`, `Dockerfile.api`, `api.dockerfile`, `Dockerfile_api`, `api-Dockerfile`."""
    name = rel.rsplit("/", 1)[-1].lower()
    if "dockerfile" not in name:
        return False
    return (name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile")
            or bool(OTHER_SPELLING.fullmatch(name)))


def read_dockerfile(path: str, content: FileText) -> Dockerfile:
    if content.text is None:
        return Dockerfile(path, (), content.error)
    return Dockerfile(path, parse_instructions(content.text))


def parse_instructions(text: str) -> tuple[Instruction, ...]:
    found: list[Instruction] = []
    start, keyword, first, parts = 0, "", "", []   # the instruction being read (start 0: none)
    heredoc = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if heredoc is not None:
            heredoc = None if stripped == heredoc else heredoc
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if not start:
            word, *rest = stripped.split(None, 1)
            if word.upper() not in KEYWORDS:
                continue
            start, keyword, first, parts = number, word.upper(), stripped, rest
        else:
            parts.append(stripped)
        if parts and parts[-1].endswith("\\"):
            parts[-1] = parts[-1][:-1].rstrip()
            continue
        found.append(Instruction(start, keyword, " ".join(p for p in parts if p), first))
        marker = HEREDOC.search(found[-1].arguments)
        heredoc = marker.group(2) if marker else None
        start = 0
    if start:
        found.append(Instruction(start, keyword, " ".join(p for p in parts if p), first))
    return tuple(found)
