"""What counts as evidence for one rule, in words: shared by `auditor explain` and SARIF's help."""

from __future__ import annotations

from auditor.catalog import RuleSpec

LABEL_STYLES = {"strong": "green", "weak": "yellow", "always n/a": "cyan", "n/a": "cyan"}


def evidence_lines(spec: RuleSpec) -> list[tuple[str, str]]:
    """The strong / weak / n/a lines of a rule as (label, rest): label + rest reads as the line."""
    lines = [("strong", f": {spec.strong}")]
    if spec.weak:
        lines.append(("weak", f": {spec.weak}"))
    if spec.na:
        lines.append(("always n/a", ": a repository cannot show this"))
    elif spec.na_when_absent:
        lines.append(("n/a", " when the repository holds nothing: this can live only in a cloud console"))
    return lines
