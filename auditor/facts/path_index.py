"""The repository's file list indexed once, so a glob costs its candidates, not the whole list.

The globs rules ask for (`**/*.py`, `Dockerfile*`, `.github/workflows/*.y*ml`, `docs/**/*.md`,
exact paths) are answered without any regex: candidates are the paths that start with the glob's literal
start (a binary search in the sorted list) or end with its literal ending (an index by the last
characters), whichever are fewer, and each candidate is tested segment by segment with
plain string tests. That is exact for paths that are ASCII and hold no newline (the regex's
case folding and `.` behave like `str.lower()` and "any character" there); the few other
paths, and globs outside that vocabulary (`?`, `**` inside a name), go through the glob's
regex (`files.glob_to_regex`), compiled only then.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property

from auditor.facts.files import glob_to_regex

TAIL = 3  # characters a path is bucketed by (a shorter ending gathers the buckets ending with it)
GLOBSTAR = "**"


class PathIndex:
    def __init__(self, files: list[str]):
        self.files = files
        self._matches: dict[str, list[int]] = {}

    def matching(self, pattern: str) -> list[int]:
        """Positions in the listing of the paths the glob matches, in listing order."""
        if pattern not in self._matches:
            glob = SegmentGlob.parse(pattern)
            found = self._plain_matches(glob) if glob else self._regex_matches(pattern, self._plain)
            odd = self._regex_matches(pattern, self._odd) if self._odd else []
            self._matches[pattern] = sorted(found + odd) if odd else found
        return self._matches[pattern]

    def holds_folder(self, folder: str) -> bool:
        """Whether some path lies under `folder` (case-sensitive, as `str.startswith`)."""
        prefix = folder.rstrip("/") + "/"
        if any(self.files[i].startswith(prefix) for i in self._starting_with(prefix.lower())):
            return True
        return any(self.files[i].startswith(prefix) for i in self._odd)

    def in_listing_order(self, positions) -> list[str]:
        return [self.files[i] for i in sorted(positions)]

    # --- the plain paths, answered by string tests -------------------------------------------
    @cached_property
    def _lowered(self) -> list[str | None]:
        """Each path lower-cased when it is plain (ASCII, no newline), else None."""
        return [path.lower() if path.isascii() and "\n" not in path else None for path in self.files]

    @cached_property
    def _plain(self) -> list[int]:
        return [i for i, low in enumerate(self._lowered) if low is not None]

    @cached_property
    def _odd(self) -> list[int]:
        return [i for i, low in enumerate(self._lowered) if low is None]

    @cached_property
    def _by_tail(self) -> dict[str, list[int]]:
        """Plain paths by their last TAIL characters (the whole path when shorter)."""
        groups: dict[str, list[int]] = {}
        lowered = self._lowered
        for i in self._plain:
            groups.setdefault(lowered[i][-TAIL:], []).append(i)
        return groups

    @cached_property
    def _sorted(self) -> tuple[list[str], list[int]]:
        """Plain paths sorted lower-cased, for the paths that start with a text."""
        lowered = self._lowered
        order = sorted(self._plain, key=lowered.__getitem__)
        return [lowered[i] for i in order], order

    def _plain_matches(self, glob: SegmentGlob) -> list[int]:
        lowered = self._lowered
        return [i for i in self._candidates(glob) if glob.matches(lowered[i])]

    def _candidates(self, glob: SegmentGlob) -> list[int]:
        """Plain paths that may match, in listing order: those that start with the glob's literal
        start or end with its literal ending, whichever are fewer; else those holding its longest piece."""
        choices = []
        if glob.start:
            choices.append(self._starting_with(glob.start))
        if glob.ending:
            choices.append(self._ending_with(glob.ending))
        if choices:
            return sorted(min(choices, key=len))
        lowered, needle = self._lowered, glob.needle
        return [i for i in self._plain if needle in lowered[i]] if needle else self._plain

    def _starting_with(self, start: str) -> list[int]:
        keys, order = self._sorted
        first = bisect_left(keys, start)
        after = bisect_left(keys, start[:-1] + chr(ord(start[-1]) + 1), first)
        return order[first:after]

    def _ending_with(self, ending: str) -> list[int]:
        if len(ending) >= TAIL:
            return self._by_tail.get(ending[-TAIL:], [])
        return [i for tail, group in self._by_tail.items() if tail.endswith(ending) for i in group]

    # --- the rest, through the glob's regex ----------------------------------------------------
    def _regex_matches(self, pattern: str, positions: list[int]) -> list[int]:
        regex = glob_to_regex(pattern)
        files = self.files
        return [i for i in positions if regex.match(files[i])]


class SegmentGlob:
    """A glob as folder segments: `**` (any number of whole segments) or a name whose only
    wildcard is `*` (any characters but `/`), matched against a lower-cased plain path."""

    def __init__(self, segments: list[str]):
        self.segments = segments
        self.parts = [None if s == GLOBSTAR else s.split("*") for s in segments]
        first, last = segments[0], segments[-1]
        self.start = "" if first == GLOBSTAR else "/".join(segments).partition("*")[0]  # every match starts so
        self.ending = last.rpartition("*")[2]                        # every match ends with it
        self.needle = max(last.split("*"), key=len)                  # every match holds it
        self._fixed_tail = GLOBSTAR not in segments[1:] and (segments[0] == GLOBSTAR or GLOBSTAR not in segments)

    @classmethod
    def parse(cls, pattern: str) -> SegmentGlob | None:
        """The glob in segment form, or None when only its regex can say (`?`, `a**`, non-ASCII)."""
        if not pattern.isascii() or "?" in pattern or "\n" in pattern:
            return None
        segments = pattern.lower().split("/")
        if any(GLOBSTAR in s and s != GLOBSTAR for s in segments):
            return None
        return cls(segments)

    def matches(self, lowered_path: str) -> bool:
        names = lowered_path.split("/")
        if self._fixed_tail:  # `a/*.py` or `**/a/*.py`: the last names are matched one to one
            parts = self.parts
            if parts[0] is None:
                parts = parts[1:]
                if len(names) < len(parts):
                    return False
                names = names[len(names) - len(parts):]
            elif len(names) != len(parts):
                return False
            return all(name_matches(part, name) for part, name in zip(parts, names))
        return self._from(0, names, 0)

    def _from(self, k: int, names: list[str], j: int) -> bool:
        parts = self.parts
        while k < len(parts):
            if parts[k] is None:
                if k == len(parts) - 1:   # a trailing `**` is `.*`: at least the (maybe empty) rest
                    return j < len(names)
                return any(self._from(k + 1, names, at) for at in range(j, len(names)))
            if j >= len(names) or not name_matches(parts[k], names[j]):
                return False
            k, j = k + 1, j + 1
        return j == len(names)


def name_matches(parts: list[str], name: str) -> bool:
    """Whether `name` matches the glob `*`.join(parts), `*` standing for any characters."""
    if len(parts) == 1:
        return name == parts[0]
    first, last = parts[0], parts[-1]
    if len(name) < len(first) + len(last) or not name.startswith(first) or not name.endswith(last):
        return False
    at, end = len(first), len(name) - len(last)
    for middle in parts[1:-1]:
        at = name.find(middle, at, end)
        if at < 0:
            return False
        at += len(middle)
    return True

