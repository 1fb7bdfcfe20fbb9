"""Matching checklist lines to item ids by their wording and module tag, never by position."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.model import ChecklistLine

if TYPE_CHECKING:  # the catalogue is only a parameter's type here (importing it would be circular)
    from auditor.catalog import RuleSpec

MODULE_TAG = re.compile(r"\bM\d+\b")


def match_line(text: str, catalog: tuple[RuleSpec, ...]) -> tuple[str, ...]:
    """The ids a checklist line claims: the best-matching item, plus any it explicitly also claims."""
    tags = set(MODULE_TAG.findall(text))
    scored = []
    for spec in catalog:
        length = max((len(m.group(0)) for p in spec.match if (m := p.search(text))), default=0)
        if length:
            tag_agrees = bool(tags & spec.modules)
            scored.append((tag_agrees, length, -spec.order, spec))
    if not scored:
        return ()
    if tags and any(s[0] for s in scored):
        scored = [s for s in scored if s[0]]
    best = max(scored, key=lambda s: s[:3])[3]
    extra = {other: m.start() for other, pattern in best.also_claims.items() if (m := pattern.search(text))}
    if not extra:
        return (best.id,)
    # a combined line is about what it names first ("Use W&B ... Additionally, consider a sweep")
    found = {best.id: min(m.start() for p in best.match if (m := p.search(text))), **extra}
    return tuple(sorted(found, key=found.__getitem__))


def assign_ids(lines: list[ChecklistLine], catalog: tuple[RuleSpec, ...]) -> list[ChecklistLine]:
    for line in lines:
        line.item_ids = match_line(line.text, catalog)
    return lines
