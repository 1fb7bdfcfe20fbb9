"""Fenced code blocks as CommonMark reads them, for every reader of Markdown lines.

A fence is three or more backticks or tildes. A backtick fence's info string holds no backtick, so
the template's ```--- question 1 fill here ---``` is inline code, not a block. A block ends at a line
holding only the fence's character, at least as many as opened it, so ```markdown opens a block and
never closes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from auditor.lazy_pattern import LazyPattern

OPENING = LazyPattern(r"^\s*(```+|~~~+)\s*([\w+-]*)")


def opening(line: str) -> tuple[str, str] | None:
    """(the fence, its language lowered) when the line opens a fenced block."""
    found = OPENING.match(line)
    if found is None or found.group(1)[0] == "`" and "`" in line[found.end(1):]:
        return None
    return found.group(1), found.group(2).lower()


def closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and stripped == fence[0] * len(stripped)


def fence_lines(lines: Iterable[str]) -> Iterator[tuple[str, bool, bool]]:
    """Each line with whether it is a fence line (opening or closing a block) and whether it lies
    inside a block (an unclosed block runs to the end)."""
    fence = None
    for line in lines:
        if fence is None and (opened := opening(line)) is not None:
            fence = opened[0]
            yield line, True, False
        elif fence is not None and closes(line, fence):
            fence = None
            yield line, True, False
        else:
            yield line, False, fence is not None
