"""A file's lines found by the words they hold: grep searches only the lines that hold a word of each
group a pattern needs (report.anchors), not the whole file, when most files hold the words but no match.

The text is read folded (report.anchors.folded), which keeps every character one character long, so an
offset in the folded text is an offset in the text, and a line holds a needed word exactly when its
folded form does.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from auditor.report.anchors import folded, holds_words


class WordLines:
    """The lines of a text as `str.splitlines` cuts them, with their folded form to look words up in."""

    def __init__(self, text: str) -> None:
        pieces = text.splitlines(keepends=True)
        self.lines = text.splitlines()
        self._folded = folded(text)
        self._starts = [0, *accumulate(map(len, pieces))]

    def lines_holding(self, needed: tuple[tuple[str, ...], ...]) -> list[int]:
        """Ascending 0-based numbers of the lines that hold a word of each group: every other line lacks
        a word every match needs."""
        rarest = min(needed, key=self._occurrences)
        numbers: list[int] = []
        for word in rarest:
            numbers += self._lines_with(word)
        return [n for n in sorted(set(numbers)) if holds_words(needed, self._folded_line(n))]

    def _occurrences(self, either: tuple[str, ...]) -> int:
        return sum(self._folded.count(word) for word in either)

    def _lines_with(self, word: str) -> list[int]:
        found, at = [], self._folded.find(word)
        while at != -1:
            number = bisect_right(self._starts, at) - 1
            found.append(number)
            at = self._folded.find(word, self._starts[number + 1])
        return found

    def _folded_line(self, number: int) -> str:
        return self._folded[self._starts[number]:self._starts[number + 1]]
