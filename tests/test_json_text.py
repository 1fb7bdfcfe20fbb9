"""The indented JSON writer against json.dumps: fixture audits and random nested documents."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from auditor.render.json_text import dumps_indented

ODD_STRINGS = ["", "plain", "tab\tnew\nline\r", "\x00\x01\x1f\x7f", 'quote " back \\ slash', "é ü ß 日本",
               "emoji 😀", "\ud800 lone", "\udcff tail", "\u2028\u2029", "</script>"]
ODD_FLOATS = [0.0, -0.0, 1e16, 1e-7, 1.5, -2.25, 123456789.123, 1e308, 5e-324, float("nan"),
              float("inf"), float("-inf")]
ODD_LEAVES = [None, True, False, 0, -1, 2**70, *ODD_STRINGS, *ODD_FLOATS]


def _random_document(rng: random.Random, depth: int = 0):
    kind = rng.random()
    if depth > 4 or kind < 0.45:
        return rng.choice(ODD_LEAVES)
    size = rng.choice([0, 1, 2, 3, 5])
    if kind < 0.7:
        return [_random_document(rng, depth + 1) for _ in range(size)]
    if kind < 0.8:
        return tuple(_random_document(rng, depth + 1) for _ in range(size))
    return {rng.choice(ODD_STRINGS + ["k1", "k2", "k3"]) + str(i): _random_document(rng, depth + 1)
            for i in range(size)}


@pytest.mark.parametrize("indent", [1, 2, 4])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_random_documents_match_json_dumps(indent, ensure_ascii):
    rng = random.Random(indent * 10 + ensure_ascii)
    for _ in range(400):
        document = _random_document(rng)
        assert dumps_indented(document, indent, ensure_ascii) == json.dumps(
            document, indent=indent, ensure_ascii=ensure_ascii)


@pytest.mark.parametrize("leaf", ODD_LEAVES + [[], {}, [[]], {"a": {}}])
def test_every_leaf_alone_and_nested(leaf):
    for document in (leaf, [leaf], {"k": leaf}, {"k": [leaf, {"x": leaf}]}):
        assert dumps_indented(document, 2, False) == json.dumps(document, indent=2, ensure_ascii=False)


def test_non_string_keys_are_written_as_json_writes_them():
    document = {1: "a", 2.5: "b", True: "c", None: "d", -0.0: "e"}
    assert dumps_indented(document, 2, False) == json.dumps(document, indent=2, ensure_ascii=False)


def test_unserialisable_values_raise_type_error_like_json():
    for bad in ({"a": object()}, [{1, 2}], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            json.dumps(bad, indent=2)
        with pytest.raises(TypeError):
            dumps_indented(bad, 2, False)


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORTS = sorted(p.name for p in (FIXTURES / "reports").glob("*.md"))


def _assert_both_documents_match(result):
    from auditor.render import json_report, sarif

    for document in (json_report.to_document(result), sarif.to_document(result, None)):
        assert dumps_indented(document, 2, False) == json.dumps(document, indent=2, ensure_ascii=False)


def test_example_repository_audit_matches_json_dumps():
    from auditor.audit import audit

    _assert_both_documents_match(audit(FIXTURES / "example-repo"))


@pytest.mark.parametrize("report", REPORTS)
def test_fixture_report_audits_match_json_dumps(report, tree):
    from auditor.audit import audit

    text = (FIXTURES / "reports" / report).read_bytes()
    root = tree({"reports/README.md": text, "src/app.py": "import torch\n"}, as_git=True)
    _assert_both_documents_match(audit(root))


@pytest.mark.parametrize("indent", [1, 2])
def test_a_value_written_at_its_depth_is_put_in_place_as_the_whole_document_would_write_it(indent):
    from auditor.render.json_text import Written

    rng = random.Random(indent)
    for _ in range(200):
        inner = [_random_document(rng) for _ in range(3)]
        document = {"a": 1, "groups": [{"x": inner[0], "report": inner[1]}, {"report": inner[2]}]}
        written = {"a": 1, "groups": [{"x": inner[0], "report": Written(dumps_indented(inner[1], indent, False, depth=3))},
                                      {"report": Written(dumps_indented(inner[2], indent, False, depth=3))}]}
        assert dumps_indented(written, indent, False) == json.dumps(document, indent=indent, ensure_ascii=False)
