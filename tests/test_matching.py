"""Checklist lines to item ids through the wording index: the same ids as searching every
pattern of every item, with only the patterns a line could match compiled."""

from __future__ import annotations

import re

import pytest

from auditor import lazy_pattern
from auditor.catalog import load_catalog
from auditor.lazy_pattern import LazyPattern
from auditor.record import replace
from auditor.report.checklist import parse_checklist
from auditor.report.matching import WordingIndex, assign_ids, match_line
from conftest import FIXTURES

MODULE_TAG = re.compile(r"\bM\d+\b")


def every_pattern_searched(text: str, catalog) -> tuple[str, ...]:
    """The matching as it reads in the spec: every pattern of every item searched in the line."""
    tags = set(MODULE_TAG.findall(text))
    scored = []
    for spec in catalog:
        length = max((len(m.group(0)) for p in spec.match if (m := p.search(text))), default=0)
        if length:
            scored.append((bool(tags & spec.modules), length, -spec.order, spec))
    if not scored:
        return ()
    if tags and any(s[0] for s in scored):
        scored = [s for s in scored if s[0]]
    best = max(scored, key=lambda s: s[:3])[3]
    extra = {other: m.start() for other, pattern in best.also_claims.items() if (m := pattern.search(text))}
    if not extra:
        return (best.id,)
    found = {best.id: min(m.start() for p in best.match if (m := p.search(text))), **extra}
    return tuple(sorted(found, key=found.__getitem__))


def checklist_lines() -> list[str]:
    lines = [line.text for report in sorted((FIXTURES / "reports").glob("*.md"))
             for line in parse_checklist(report.read_text(encoding="utf-8")).lines]
    wording = [p.pattern for spec in load_catalog() for p in (*spec.match, *spec.also_claims.values())]
    return lines + [re.sub(r"[\\?()|\[\]{}.*+^$]", "", source) for source in wording]


# Letters an IGNORECASE pattern matches though they are not ASCII, and case changes.
VARIANTS = {
    "as written": lambda text: text,
    "upper case": str.upper,
    "title case": str.title,
    "dotted capital i": lambda text: text.replace("i", "\u0130"),
    "dotless i": lambda text: text.replace("i", "\u0131"),
    "long s": lambda text: text.replace("s", "\u017f"),
    "kelvin sign": lambda text: text.replace("k", "\u212a"),
    "an emoji first": lambda text: "\u2705 " + text,
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_index_gives_the_ids_of_searching_every_pattern(variant):
    catalog = load_catalog()
    index = WordingIndex(catalog)
    lines = [VARIANTS[variant](text) for text in checklist_lines()]
    assert sum(bool(every_pattern_searched(text, catalog)) for text in lines) > 50
    for text in lines:
        assert match_line(text, catalog, index) == every_pattern_searched(text, catalog), text


@pytest.mark.parametrize(("text", "ids"), [
    ("Create a git repository (M5)", ("git-repo",)),
    ("Use Weights & Biases to log training progress and other important metrics/artifacts in your code. "
     "Additionally, consider running a hyperparameter optimization sweep (M14)", ("wandb", "sweep")),
    ("Write some documentation for your application (M32)", ("documentation",)),
    ("Buy groceries", ()),
    ("", ()),
])
def test_a_line_claims_its_items(text, ids):
    assert match_line(text, load_catalog()) == ids


def fresh_catalog():
    """The catalogue with its wording not yet compiled."""
    def fresh(pattern):
        return LazyPattern(pattern.pattern, pattern.flags)
    return tuple(replace(spec, match=tuple(map(fresh, spec.match)),
                         also_claims={k: fresh(v) for k, v in spec.also_claims.items()})
                 for spec in load_catalog())


def compiles_while(monkeypatch, action) -> list[str]:
    compiled, compile_or_rebuild = [], lazy_pattern.compiled
    monkeypatch.setattr(lazy_pattern, "compiled", lambda *a: compiled.append(a[0]) or compile_or_rebuild(*a))
    action()
    return compiled


def test_a_line_without_the_words_of_any_item_compiles_only_wording_without_words(monkeypatch):
    catalog = fresh_catalog()
    compiled = compiles_while(monkeypatch, lambda: match_line("Buy groceries and cook dinner", catalog))
    assert compiled == [r"\bw ?& ?b\b"]  # single letters: no word to rule it out by


def test_plain_wording_is_found_without_compiling_it(monkeypatch):
    catalog = fresh_catalog()
    compiled = compiles_while(monkeypatch, lambda: match_line("Setup version control for your data (M8)", catalog))
    assert compiled and all(set(source) & set("\\?()|[]{}.*+^$") for source in compiled)


def test_a_whole_checklist_compiles_only_the_regex_wording_its_lines_hold(monkeypatch):
    catalog = fresh_catalog()
    wording = [p for spec in catalog for p in spec.match]
    lines = parse_checklist((FIXTURES / "reports" / "template_2025.md").read_text(encoding="utf-8")).lines
    compiled = compiles_while(monkeypatch, lambda: assign_ids(lines, catalog))
    assert all(line.item_ids for line in lines)
    assert 0 < len(compiled) < len(wording) / 2
