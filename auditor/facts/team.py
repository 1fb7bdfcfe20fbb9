"""Who committed: authors over the history, one person per identity, bots excluded."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from auditor.facts.files import _git_env

BOT = re.compile(r"\[bot\]|dependabot|github-actions|copilot|renovate|pre-commit-ci|noreply@github\.com$", re.I)
NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.I)
STUDY = re.compile(r"s\d{6}", re.I)


@dataclass
class Author:
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    commits: int = 0

    @property
    def display(self) -> str:
        if self.names:
            return sorted(self.names, key=len)[-1]
        return sorted(self.emails)[0] if self.emails else "(anonymous)"

    @property
    def keys(self) -> set[str]:
        keys = {f"e:{e}" for e in self.emails} | {f"n:{_norm(n)}" for n in self.names if len(_norm(n)) > 2}
        for email in self.emails:
            login = NOREPLY.match(email)
            if login:
                keys.add(f"n:{_norm(login.group(1))}")
        for text in self.names | self.emails:
            keys |= {f"s:{s.lower()}" for s in STUDY.findall(text)}
        return keys


@dataclass
class Team:
    authors: list[Author]
    study_numbers: list[str]
    study_numbers_line: int | None
    members_without_commits: list[str]
    all_members_found: bool


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def read_authors(root: Path) -> list[Author] | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "--all", "--format=%aN%x1f%aE"],
            capture_output=True, timeout=60, check=True, env=_git_env(),
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    people: list[Author] = []
    for line in out.splitlines():
        name, _, email = line.partition("\x1f")
        if BOT.search(name) or BOT.search(email) and not NOREPLY.match(email):
            continue
        person = Author({name.strip()} if name.strip() else set(), {email.strip().lower()} if email.strip() else set(), 1)
        people.append(person)
    return merge_identities(people)


def merge_identities(people: list[Author]) -> list[Author]:
    merged: list[Author] = []
    for person in people:
        matches = [m for m in merged if m.keys & person.keys]
        for match in matches:
            person.names |= match.names
            person.emails |= match.emails
            person.commits += match.commits
            merged.remove(match)
        merged.append(person)
    return sorted(merged, key=lambda a: -a.commits)


def build_team(authors: list[Author], numbers: list[str], line: int | None) -> Team:
    found = {s for a in authors for k in a.keys if k.startswith("s:") for s in [k[2:]]}
    missing = [n for n in numbers if n not in found]
    return Team(authors, numbers, line, missing if len(authors) < len(numbers) else [], bool(numbers) and not missing)
