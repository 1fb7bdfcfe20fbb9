"""Where things are in a workflow's text: its commented-out lines, the line of a job's key and of
a key inside that job. The YAML loader keeps no lines, so they are read from the block layout:
`jobs:` at the top, a job's key one indentation deeper, its block until the next such key."""

from __future__ import annotations

NOT_IN_A_KEY = set("{}[],#")


def commented(lines: list[str]) -> tuple[tuple[int, str], ...]:
    """(line, stripped text) of every line that is only a comment."""
    return tuple((number, line.strip()) for number, line in enumerate(lines, 1) if line.lstrip().startswith("#"))


def top_key_line(lines: list[str], key: str) -> int | None:
    """The line of a top-level key (`on`, `jobs`), quoted or not."""
    return next((number for number, indent, found in _block_keys(lines) if indent == 0 and found == key), None)


def job_span(lines: list[str], job: str) -> tuple[int, int] | None:
    """(first, last) 1-based lines of the block of `job` under the top-level `jobs:`; None when
    the jobs are not written as blocks (a flow mapping `jobs: {test: ...}`)."""
    keys = list(_block_keys(lines))
    top = next((n for n, indent, key in keys if indent == 0 and key == "jobs"), None)
    if top is None:
        return None
    inside = [(n, indent, key) for n, indent, key in keys if n > top]
    end = next((n for n, indent, _ in inside if indent == 0), len(lines) + 1)
    children = [(n, indent, key) for n, indent, key in inside if n < end]
    if not children:
        return None
    depth = min(indent for _, indent, _ in children)
    jobs = [(n, key) for n, indent, key in children if indent == depth]
    for index, (number, key) in enumerate(jobs):
        if key == job:
            following = jobs[index + 1][0] if index + 1 < len(jobs) else end
            return number, following - 1
    return None


def key_line_in(lines: list[str], span: tuple[int, int], key: str) -> int | None:
    """The first line within `span` (a job's block) whose key is `key`, at any depth."""
    first, last = span
    return next((number for number, _, found in _block_keys(lines[first - 1:last], first) if found == key), None)


def _block_keys(lines: list[str], start: int = 1):
    """(line, indentation, key) of every line that opens a `key:` (also a list item's `- key:`)."""
    for number, line in enumerate(lines, start):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        item = stripped[2:].lstrip(" \t") if stripped.startswith("- ") else stripped
        key, colon, rest = item.partition(":")
        key = key.strip().strip("\"'")
        if colon and (not rest or rest[0] in " \t") and key and NOT_IN_A_KEY.isdisjoint(key):
            yield number, len(line) - len(stripped), key
