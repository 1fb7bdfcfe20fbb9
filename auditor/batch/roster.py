"""The class to audit: a CSV roster or a folder whose subfolders are repositories.

A roster has one row per group: the group's name, its repository (a URL or a path,
relative paths counting from the roster's folder) and optionally a deadline or a commit.
A header row (`group,repository,deadline,commit`, any order, extra columns ignored) is
optional; without one the columns are taken in that order. Every bad row is reported
with its line number before anything is audited, so one pass fixes the roster.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from auditor.lazy_pattern import LazyPattern
from auditor.record import record

MAX_ROSTER_BYTES = 5_000_000
COLUMNS = ("group", "repository", "deadline", "commit")
HEADER_NAMES = {
    "group": "group", "name": "group", "team": "group", "group name": "group",
    "repository": "repository", "repo": "repository", "url": "repository", "path": "repository",
    "repository url": "repository", "repository path": "repository", "git": "repository", "github": "repository", "link": "repository",
    "deadline": "deadline", "due": "deadline",
    "commit": "commit", "at": "commit", "rev": "commit", "revision": "commit",
}
URL = LazyPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[\w.-]+@[\w.-]+:")
REVISION = LazyPattern(r"^[A-Za-z0-9][A-Za-z0-9._/^~-]{0,199}$")
UNSAFE_NAME_CHARS = LazyPattern(r"[^A-Za-z0-9._-]+")


class RosterError(Exception):
    """The roster cannot be used; `problems` lists every bad row ("line 4: ...")."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@record(frozen=True)
class Group:
    """One group to audit: what to audit and at which point in its history."""

    name: str
    target: str
    slug: str
    deadline: str | None = None
    at: str | None = None
    line: int | None = None

    @property
    def is_remote(self) -> bool:
        return bool(URL.match(self.target))


def read_input(path: Path, deadline: str | None = None, exclude: Path | None = None) -> list[Group]:
    """The groups of a roster file or of a folder of repositories (`exclude`: the output folder)."""
    if deadline is not None and not is_deadline(deadline):
        raise RosterError([f"--deadline {deadline!r} is not a date like 2026-01-23 or 2026-01-23 23:59"])
    if path.is_dir():
        return read_folder(path, deadline, exclude)
    if path.is_file():
        return read_roster(path, deadline)
    raise RosterError([f"{path} does not exist" if not path.exists() else f"{path} is neither a file nor a folder"])


def read_folder(folder: Path, deadline: str | None = None, exclude: Path | None = None) -> list[Group]:
    """One group per subfolder (hidden folders and the output folder left out)."""
    if (folder / ".git").exists() or (folder / "reports" / "README.md").is_file():
        raise RosterError([(f"{folder} looks like one repository; `auditor audit` audits one, "
                            "`auditor batch` wants a roster or a folder of repositories")])
    skip = exclude.resolve() if exclude is not None else None
    names = sorted(p.name for p in folder.iterdir()
                   if p.is_dir() and not p.name.startswith(".") and p.resolve() != skip)
    if not names:
        raise RosterError([f"{folder} has no subfolders to audit"])
    slugs = _Slugs()
    return [Group(name, str(folder / name), slugs.make(name), deadline) for name in names]


def read_roster(path: Path, deadline: str | None = None) -> list[Group]:
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError([f"{path} is too large for a roster"])
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError([f"{path} is not UTF-8 text (byte {exc.start})"]) from exc
    except OSError as exc:
        raise RosterError([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    return parse_roster(text, base=path.resolve().parent, deadline=deadline)


def parse_roster(text: str, base: Path, deadline: str | None = None) -> list[Group]:
    """The groups of a roster's text; raises RosterError naming every bad line."""
    rows = [(number, row) for number, row in _rows(text.removeprefix("\ufeff")) if any(c.strip() for c in row)
            and not row[0].lstrip().startswith("#")]
    if not rows:
        raise RosterError(["the roster has no groups"])
    columns, problems = _columns(rows[0][1], rows[0][0])
    if columns is not None:
        rows = rows[1:]
    groups: list[Group] = []
    first_line: dict[str, int] = {}
    slugs = _Slugs()
    for number, row in rows:
        fields, error = _fields(row, columns)
        if error:
            problems.append(f"line {number}: {error}")
            continue
        errors = _row_errors(fields)
        name = fields["group"]
        if name in first_line:
            errors.append(f"group {name!r} already appears on line {first_line[name]}")
        if errors:
            problems.extend(f"line {number}: {e}" for e in errors)
            continue
        first_line[name] = number
        row_deadline = fields["deadline"] or (None if fields["commit"] else deadline)
        groups.append(Group(name, _target(fields["repository"], base), slugs.make(name),
                            row_deadline, fields["commit"] or None, number))
    if problems:
        raise RosterError(problems)
    if not groups:
        raise RosterError(["the roster has a header but no groups"])
    return groups


def is_deadline(value: str) -> bool:
    """A date or date-time the history reader understands: 2026-01-23, 2026-01-23 23:59, ISO 8601."""
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise RosterError([f"line {reader.line_num}: {exc}"]) from exc
    return rows


def _delimiter(text: str) -> str:
    """Comma, or what a spreadsheet in another locale wrote: tab or semicolon (first line decides)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"
    return ";" if first.count(";") > first.count(",") else ","


def _columns(first_row: list[str], line: int) -> tuple[dict[str, int] | None, list[str]]:
    """The header's column positions, or None when the first row is a group (no header)."""
    names = [c.strip().lower() for c in first_row]
    if "group" not in names and sum(name in HEADER_NAMES for name in names) < 2:
        return None, []
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        key = HEADER_NAMES.get(name)
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in ("group", "repository") if c not in columns]
    if missing:
        return columns, [(f"line {line}: the header has no {' or '.join(missing)} column "
                          f"(expected {', '.join(COLUMNS)})")]
    return columns, []


def _fields(row: list[str], columns: dict[str, int] | None) -> tuple[dict[str, str], str | None]:
    cells = [c.strip() for c in row]
    if columns is None:
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > len(COLUMNS):
            return {}, f"{len(cells)} columns; expected {', '.join(COLUMNS)} (the last two optional)"
        columns = {name: i for i, name in enumerate(COLUMNS)}
    return {name: cells[columns[name]] if name in columns and columns[name] < len(cells) else ""
            for name in COLUMNS}, None


def _row_errors(fields: dict[str, str]) -> list[str]:
    errors = []
    if not fields["group"]:
        errors.append("the group name is empty")
    repository = fields["repository"]
    if not repository:
        errors.append("no repository (a URL or a path in the second column)")
    elif repository.startswith("-"):
        errors.append(f"repository {repository!r} starts with '-' (it would read as an option)")
    elif repository.lower().startswith("ext::"):
        errors.append(f"repository {repository!r} uses git's ext:: transport, which runs commands")
    if fields["deadline"] and not is_deadline(fields["deadline"]):
        errors.append(f"deadline {fields['deadline']!r} is not a date like 2026-01-23 or 2026-01-23 23:59")
    if fields["commit"] and not REVISION.match(fields["commit"]):
        errors.append(f"commit {fields['commit']!r} is not a commit hash or revision name")
    if fields["deadline"] and fields["commit"]:
        errors.append("both a deadline and a commit: give one of them")
    return errors


def _target(repository: str, base: Path) -> str:
    if URL.match(repository):
        return repository
    path = Path(repository).expanduser()
    return str(path if path.is_absolute() else base / path)


class _Slugs:
    """File-name-safe, unique (also on case-insensitive file systems) names for the groups."""

    def __init__(self):
        self.taken: set[str] = set()

    def make(self, name: str) -> str:
        base = UNSAFE_NAME_CHARS.sub("-", name).strip("-.")[:80] or "group"
        slug, n = base, 1
        while slug.lower() in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug.lower())
        return slug
