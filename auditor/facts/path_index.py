"""The repository's file list indexed once, so a glob costs its candidates, not the whole list.

A glob ending in literal text (`*.yaml`, `**/dvc.lock`) can only match paths ending in that
text, so only paths sharing its last few characters are tried against the glob's regex.
"""

from __future__ import annotations

from auditor.facts.files import glob_to_regex

TAIL = 3  # characters a path is bucketed by (fewer when the glob's literal ending is shorter)
WILDCARDS = "*?"


class PathIndex:
    def __init__(self, files: list[str]):
        self.files = files
        self._buckets: dict[int, tuple[dict[str, list[int]], list[int]]] = {}
        self._matches: dict[str, list[int]] = {}

    def matching(self, pattern: str) -> list[int]:
        """Positions in the listing of the paths the glob matches, in listing order."""
        if pattern not in self._matches:
            regex = glob_to_regex(pattern)
            files = self.files
            self._matches[pattern] = [i for i in self._candidates(pattern) if regex.match(files[i])]
        return self._matches[pattern]

    def in_listing_order(self, positions) -> list[str]:
        return [self.files[i] for i in sorted(positions)]

    def _candidates(self, pattern: str):
        ending = literal_ending(pattern)
        if not ending or not ending.isascii():
            return range(len(self.files))
        size = min(TAIL, len(ending))
        by_tail, uncertain = self._bucketed(size)
        sure = by_tail.get(ending[-size:].lower(), [])
        return sorted(sure + uncertain) if uncertain else sure

    def _bucketed(self, size: int) -> tuple[dict[str, list[int]], list[int]]:
        """Paths by their last `size` characters lower-cased; non-ASCII endings can't be bucketed
        (case-insensitive matching folds some of them onto ASCII letters), so they are always tried."""
        if size not in self._buckets:
            by_tail: dict[str, list[int]] = {}
            uncertain: list[int] = []
            for i, path in enumerate(self.files):
                tail = path[-size:]
                if len(tail) < size:
                    continue
                if tail.isascii():
                    by_tail.setdefault(tail.lower(), []).append(i)
                else:
                    uncertain.append(i)
            self._buckets[size] = by_tail, uncertain
        return self._buckets[size]


def literal_ending(pattern: str) -> str:
    """The text after the glob's last wildcard: every match ends with it (case aside)."""
    cut = max(pattern.rfind(w) for w in WILDCARDS)
    ending = pattern[cut + 1:]
    if pattern.endswith("**", 0, cut + 1) and ending.startswith("/"):
        return ending[1:]  # `**/` may match nothing, slash included
    return ending
