"""Table-driven rule tests: each fixtures/rules/<id>.yaml holds positive and negative mini-repositories."""

from __future__ import annotations

import pytest

from auditor.catalog import by_id, load_catalog
from auditor.engine.run import run_rule
from auditor.facts import Repository
from conftest import git, load_rule_cases

CASES = load_rule_cases()


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}:{c['name']}" for r, c in CASES])
def test_rule_case(rule_id, case, tree):
    root = tree(case.get("files") or {}, as_git=case.get("git", False) or "remote" in case)
    if "remote" in case:
        git(root, "remote", "add", "origin", case["remote"])
    if "commit_message" in case:
        git(root, "commit", "-q", "--amend", "-m", case["commit_message"])
    repo = Repository(root, report_path=case.get("report_path"),
                      study_numbers=(case.get("study_numbers", []), 1 if case.get("study_numbers") else None))
    outcome = run_rule(by_id()[rule_id], repo)
    described = [f"{f.where()} {f.strength}: {f.message}" for f in outcome.findings]
    assert outcome.evidence == case["expect"], described
    if "message" in case:
        assert any(case["message"] in f.message and f.strength == case.get("message_strength", f.strength)
                   for f in outcome.findings), described
    if "not_message" in case:
        assert not any(case["not_message"] in f.message for f in outcome.findings), described
    for finding in outcome.findings:
        assert finding.message
        if finding.strength in ("strong", "weak") and outcome.evidence != "n/a":
            assert finding.path is not None or rule_id in ("git-repo", "requirements"), described


def test_every_rule_has_a_positive_and_a_negative_case():
    """Positive: a mini-repository with strong evidence; negative: one that falls short of it."""
    seen: dict[str, set[str]] = {}
    for rule_id, case in CASES:
        seen.setdefault(rule_id, set()).add("positive" if case["expect"] == "strong" else "negative")
    required = {s.id for s in load_catalog() if not s.na}
    lacking = sorted(r for r in required if seen.get(r) != {"positive", "negative"})
    assert not lacking, f"rules without both a positive and a negative case: {lacking}"
