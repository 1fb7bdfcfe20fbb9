"""Matching checklist lines to item ids by their wording and module tag, never by position."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from auditor.lazy_pattern import LazyPattern
from auditor.model import ChecklistLine
from auditor.report.anchors import LITERAL_RUN, all_required_words, folded, holds_words

if TYPE_CHECKING:  # the catalogue is only a parameter's type here (importing it would be circular)
    from auditor.catalog import RuleSpec

MODULE_TAG = LazyPattern(r"\bM\d+\b")

REGEX_SYNTAX = frozenset(".^$*+?{}[]\\|()")
PLAIN_FLAGS = re.IGNORECASE | re.UNICODE


class Wording:
    """One pattern of an item's report wording. Case-insensitive plain text is found in an ASCII
    line's lowered text without the regex; any other is compiled and searched only when the line
    holds the words its every match holds."""

    __slots__ = ("position", "pattern", "literal")

    def __init__(self, position: int, pattern: LazyPattern | re.Pattern[str]):
        self.position = position  # the item's place in the catalogue
        self.pattern = pattern
        source = pattern.pattern
        plain = source.isascii() and REGEX_SYNTAX.isdisjoint(source) and pattern.flags & ~PLAIN_FLAGS == 0
        self.literal = source.lower() if plain and pattern.flags & re.IGNORECASE else None

    def key_words(self) -> tuple[str, ...]:
        """Words one of which every match holds; () when none is known."""
        if self.literal is not None:
            runs = LITERAL_RUN.findall(self.literal)
            return (max(runs, key=len),) if runs else ()
        needed = all_required_words(self.pattern.pattern)
        return needed[0] if needed else ()

    def first_match(self, text: str, lowered: str) -> tuple[int, int] | None:
        """Where the first match starts and how long it is, in the line as written."""
        if self.literal is not None and text.isascii():
            start = lowered.find(self.literal)
            return None if start < 0 else (start, len(self.literal))
        if not holds_words(all_required_words(self.pattern.pattern), lowered):
            return None
        found = self.pattern.search(text)
        return None if found is None else (found.start(), len(found.group(0)))


class WordingIndex:
    """The catalogue's report wording under the words its matches hold: a line is tried only
    with the patterns whose word it holds, so a run compiles only the patterns its lines need."""

    def __init__(self, catalog: tuple[RuleSpec, ...]):
        self.catalog = catalog
        self.by_word: dict[str, list[Wording]] = defaultdict(list)
        self.always: list[Wording] = []  # patterns no needed word is known for
        for position, spec in enumerate(catalog):
            for pattern in spec.match:
                wording = Wording(position, pattern)
                words = wording.key_words()
                for word in words:
                    self.by_word[word].append(wording)
                if not words:
                    self.always.append(wording)
        self.also_claims = [[(other, Wording(position, pattern)) for other, pattern in spec.also_claims.items()]
                            for position, spec in enumerate(catalog)]

    def matches(self, text: str, lowered: str) -> dict[int, list[tuple[int, int]]]:
        """Each matching item's matches (start, length), by catalogue position, in catalogue order."""
        tried = {id(w): w for word, found in self.by_word.items() if word in lowered for w in found}
        tried.update((id(w), w) for w in self.always)
        matches: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for wording in sorted(tried.values(), key=lambda w: w.position):
            if (match := wording.first_match(text, lowered)) is not None:
                matches[wording.position].append(match)
        return matches


def match_line(text: str, catalog: tuple[RuleSpec, ...], index: WordingIndex | None = None) -> tuple[str, ...]:
    """The ids a checklist line claims: the best-matching item, plus any it explicitly also claims."""
    index = index if index is not None and index.catalog is catalog else WordingIndex(catalog)
    lowered = folded(text)
    matches = index.matches(text, lowered)
    tags = set(MODULE_TAG.findall(text))
    scored = []
    for position, found in matches.items():
        spec = catalog[position]
        if length := max(length for _, length in found):
            scored.append((bool(tags & spec.modules), length, -spec.order, position))
    if not scored:
        return ()
    if tags and any(s[0] for s in scored):
        scored = [s for s in scored if s[0]]
    best = max(scored, key=lambda s: s[:3])[3]
    extra = {other: match[0] for other, wording in index.also_claims[best]
             if (match := wording.first_match(text, lowered)) is not None}
    if not extra:
        return (catalog[best].id,)
    # a combined line is about what it names first ("Use W&B ... Additionally, consider a sweep")
    found = {catalog[best].id: min(start for start, _ in matches[best]), **extra}
    return tuple(sorted(found, key=found.__getitem__))


def assign_ids(lines: list[ChecklistLine], catalog: tuple[RuleSpec, ...]) -> list[ChecklistLine]:
    index = WordingIndex(catalog)
    for line in lines:
        line.item_ids = match_line(line.text, catalog, index)
    return lines
