"""The repository's file list indexed once, so a glob costs its candidates, not the whole list.

The globs rules ask for (`**/*.py`, `Dockerfile*`, `.github/workflows/*.y*ml`, `docs/**/*.md`,
exact paths) are answered without any regex: candidates come from an index by basename, by
first folder or by the last characters, and each candidate is tested segment by segment with
plain string tests. That is exact for paths that are ASCII and hold no newline (the regex's
case folding and `.` behave like `str.lower()` and "any character" there); the few other
paths, and globs outside that vocabulary (`?`, `**` inside a name), go through the glob's
regex (`files.glob_to_regex`), compiled only then.
"""

from __future__ import annotations

from functools import cached_property

from auditor.facts.files import glob_to_regex

TAIL = 3  # characters a path is bucketed by (fewer when the glob's literal ending is shorter)
GLOBSTAR = "**"


class PathIndex:
    def __init__(self, files: list[str]):
        self.files = files
        self._buckets: dict[int, dict[str, list[int]]] = {}
        self._matches: dict[str, list[int]] = {}

    def matching(self, pattern: str) -> list[int]:
        """Positions in the listing of the paths the glob matches, in listing order."""
        if pattern not in self._matches:
            glob = SegmentGlob.parse(pattern)
            found = self._plain_matches(glob) if glob else self._regex_matches(pattern, self._plain)
            odd = self._regex_matches(pattern, self._odd) if self._odd else []
            self._matches[pattern] = sorted(found + odd) if odd else found
        return self._matches[pattern]

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
    def _by_name(self) -> dict[str, list[int]]:
        return self._grouped(lambda low: low.rpartition("/")[2])

    @cached_property
    def _by_top(self) -> dict[str, list[int]]:
        return self._grouped(lambda low: low.partition("/")[0])

    def _grouped(self, key) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        lowered = self._lowered
        for i in self._plain:
            groups.setdefault(key(lowered[i]), []).append(i)
        return groups

    def _by_tail(self, size: int) -> dict[str, list[int]]:
        if size not in self._buckets:
            self._buckets[size] = self._grouped(lambda low: low[-size:])
        return self._buckets[size]

    def _plain_matches(self, glob: SegmentGlob) -> list[int]:
        lowered = self._lowered
        return [i for i in self._candidates(glob) if glob.matches(lowered[i])]

    def _candidates(self, glob: SegmentGlob) -> list[int]:
        """Plain paths that may match, in listing order: a superset of the matches."""
        if glob.name is not None:
            return self._by_name.get(glob.name, [])
        if glob.top is not None:
            return self._by_top.get(glob.top, [])
        if glob.ending:
            size = min(TAIL, len(glob.ending))
            return self._by_tail(size).get(glob.ending[-size:], [])
        return self._plain

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
        last, first = segments[-1], segments[0]
        self.name = last if "*" not in last else None               # the basename every match has
        self.top = first if len(segments) > 1 and "*" not in first else None   # the first folder
        self.ending = last.rpartition("*")[2]                        # every match ends with it

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
        return self._from(0, lowered_path.split("/"), 0)

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

