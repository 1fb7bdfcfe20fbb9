"""Who committed: authors over the history, one person per identity, bots excluded.

Identities merge when they share an email, a name (letters and digits only), a GitHub
noreply login (`123+login@users.noreply.github.com` <-> name `login`) or a study number
(`s214735` in a name or an email). The study numbers of Question 2 of the report are the
group; a member is named as having no commit only when that is certain.
"""

from __future__ import annotations

import re
import unicodedata

from auditor.facts.history import Commit, History, LineTotals, iso
from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record

BOT = LazyPattern(r"\[bot\]|dependabot|github-actions|copilot|renovate|pre-commit-ci|^noreply@github\.com$", re.IGNORECASE)
NOREPLY = LazyPattern(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)
STUDY = LazyPattern(r"(?<![a-z0-9])s\d{6}(?!\d)", re.IGNORECASE)
NOT_ALPHANUMERIC = LazyPattern(r"[^a-z0-9]")
ALPHANUMERIC_GAPS = LazyPattern(r"[^a-z0-9]+")
PARENTHESIZED = LazyPattern(r"\(([^)]*)\)")   # a nickname: "Jo (jd)"
GENERIC_LOCAL_PARTS = {"info", "admin", "root", "user", "dev", "mail", "contact", "git", "github", "student", "me"}


@record
class Author:
    names: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    commits: int = 0
    merges: int = 0
    shas: list[str] = field(default_factory=list)   # the person's commits, merges excluded
    first: int | None = None
    last: int | None = None

    @property
    def display(self) -> str:
        if self.names:
            return max(sorted(self.names), key=len)
        return min(self.emails) if self.emails else "(anonymous)"

    @property
    def study_numbers(self) -> set[str]:
        return {s.lower() for text in self.names | self.emails for s in STUDY.findall(text)}

    @property
    def keys(self) -> set[str]:
        """What identifies this person: emails, name variants, GitHub logins, study numbers."""
        keys = {f"e:{e}" for e in self.emails} | {f"s:{s}" for s in self.study_numbers}
        keys |= {f"n:{k}" for name in self.names for k in name_keys(name)}
        for email in self.emails:
            login = NOREPLY.match(email)
            local = login.group(1) if login else email.partition("@")[0]
            if login or (len(_norm(local)) >= 8 and _norm(local) not in GENERIC_LOCAL_PARTS):
                keys |= {f"n:{k}" for k in {_norm(local), _norm(local).rstrip("0123456789")} if len(k) > 2}
        return keys

    @property
    def spoken_names(self) -> set[str]:
        """Names and GitHub logins, normalized (not email addresses)."""
        logins = {m.group(1) for m in map(NOREPLY.match, self.emails) if m}
        return {_norm(n) for n in self.names | logins}

    def absorb(self, other: Author) -> None:
        self.names |= other.names
        self.emails |= other.emails
        self.commits += other.commits
        self.merges += other.merges
        self.shas += other.shas
        firsts = [t for t in (self.first, other.first) if t is not None]
        lasts = [t for t in (self.last, other.last) if t is not None]
        self.first = min(firsts) if firsts else None
        self.last = max(lasts) if lasts else None

    def to_json(self, lines: LineTotals) -> dict:
        """The person in the JSON team block; line totals null when git could not count one of their commits."""
        added, deleted = lines.of(self.shas) or (None, None)
        return {
            "name": self.display,
            "names": sorted(self.names),
            "emails": sorted(self.emails),
            "study_numbers": sorted(self.study_numbers),
            "commits": self.commits,
            "merge_commits": self.merges,
            "lines_added": added,
            "lines_deleted": deleted,
            "first_commit": iso(self.first) if self.first is not None else None,
            "last_commit": iso(self.last) if self.last is not None else None,
        }


@record
class Team:
    authors: list[Author]
    study_numbers: list[str]
    study_numbers_line: int | None
    members_without_commits: list[str]   # certain: named only when every author is accounted for
    missing_count: int                   # at least this many members have no commit
    all_members_found: bool              # every study number appears in an author identity
    bot_commits: int = 0
    shallow: bool = False

    @property
    def unmatched_numbers(self) -> list[str]:
        found = {s for a in self.authors for s in a.study_numbers}
        return [n for n in self.study_numbers if n not in found]


FOLDED = str.maketrans({"ø": "oe", "æ": "ae", "å": "aa", "ß": "ss", "đ": "d", "ł": "l"})


def _fold(text: str) -> str:
    if text.isascii():   # nothing to translate, decompose or drop
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(FOLDED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _norm(name: str) -> str:
    return NOT_ALPHANUMERIC.sub("", _fold(name))


def name_keys(name: str) -> set[str]:
    """A name's variants: as written, the nickname in parentheses and the rest, first + last
    name, first + second name, initial + surname (a common GitHub login)."""
    keys = set()
    for part in {name, *PARENTHESIZED.findall(name), PARENTHESIZED.sub(" ", name)}:
        full = _norm(part)
        if len(full) > 2:
            keys.add(full)
        tokens = [t for t in ALPHANUMERIC_GAPS.split(_fold(part)) if t]
        if len(tokens) >= 2:
            keys |= {k for k in (tokens[0] + tokens[-1], tokens[0][0] + "".join(tokens[1:]),
                                 tokens[0] + tokens[1]) if len(k) >= 6}
    return keys


def _prefix_related(a: Author, b: Author) -> bool:
    """One person's name or login is the beginning of the other's (`clarareg` / `clararegine`)."""
    names_a, names_b = a.spoken_names, b.spoken_names
    return any(x.startswith(y) or y.startswith(x) for x in names_a for y in names_b if min(len(x), len(y)) >= 8)


def is_bot(name: str, email: str) -> bool:
    return bool(BOT.search(name) or (BOT.search(email) and not NOREPLY.match(email)))


def authors_of(commits: list[Commit]) -> tuple[list[Author], int]:
    """The people behind the commits (merged identities, most commits first) and the bots' commit count."""
    by_identity: dict[tuple[str, str], Author] = {}
    bot_identities: dict[tuple[str, str], bool] = {}   # a few identities sign hundreds of commits
    bots = 0
    for commit in commits:
        key = (commit.author_name, commit.author_email)
        if key not in bot_identities:
            bot_identities[key] = is_bot(*key)
        if bot_identities[key]:
            bots += 1
            continue
        person = by_identity.get(key)
        if person is None:
            person = by_identity[key] = Author({commit.author_name} if commit.author_name else set(),
                                               {commit.author_email} if commit.author_email else set())
        person.commits += 1
        person.merges += commit.is_merge
        if not commit.is_merge:
            person.shas.append(commit.sha)
        person.first = commit.authored if person.first is None else min(person.first, commit.authored)
        person.last = commit.authored if person.last is None else max(person.last, commit.authored)
    return merge_identities(list(by_identity.values())), bots


def merge_identities(people: list[Author]) -> list[Author]:
    merged: list[Author] = []
    for person in people:
        for match in [m for m in merged if m.keys & person.keys or _prefix_related(m, person)]:
            person.absorb(match)
            merged.remove(match)
        merged.append(person)
    return sorted(merged, key=lambda a: (-a.commits, a.display))


def build_team(history: History, numbers: list[str], line: int | None) -> Team:
    authors, bots = authors_of(history.commits)
    found = {s for a in authors for s in a.study_numbers}
    unmatched = [n for n in numbers if n not in found]
    anonymous = [a for a in authors if not a.study_numbers & set(numbers)]
    missing_count = max(0, len(unmatched) - len(anonymous))
    certain = unmatched if missing_count and not anonymous else []
    return Team(authors, numbers, line, certain, missing_count, bool(numbers) and not unmatched, bots, history.shallow)
