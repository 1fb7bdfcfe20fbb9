"""The indicator count that lets small YAML files skip the depth pass never under-counts nesting."""
from __future__ import annotations

import pytest

from auditor.facts.structured import MAX_DEPTH, _event_depth, _may_nest_deeper, parse_yaml

NESTED_TEXTS = [
    "a: 1", "- x", "[1, 2]", "{}", "[]", "a:\n  b:\n    c: d", "- - - x", "[[[[]]]]", "{a: {b: {c: []}}}",
    "[a: b, c: d]", "? complex\n: value", "[? a : b]", "x: !!seq\n  - 1", "a: &anchor\n  b: 1\nc: *anchor",
    "---\na: 1\n---\n- 2", "- a: 1\n  b: [c, {d: e}]", "k: |\n  - not a list\n", "x: \"[{:-?\"",
]


@pytest.mark.parametrize("text", NESTED_TEXTS)
def test_nesting_never_exceeds_the_indicator_count(text):
    depth = _event_depth(text)
    assert depth <= sum(map(text.count, "-?:[{"))
    assert _may_nest_deeper(text, depth - 1) or depth == 0


@pytest.mark.parametrize("text", ["[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
                                  "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 1)) + "  " * (MAX_DEPTH + 1) + "v",
                                  "- " * (MAX_DEPTH + 1) + "x"])
def test_deep_documents_are_still_refused(text):
    assert _may_nest_deeper(text, MAX_DEPTH)
    parsed = parse_yaml(text)
    assert parsed.data is None and "nested more than" in (parsed.error or "")
