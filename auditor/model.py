"""The shared vocabulary: findings, evidence levels, claims and verdicts (see the spec)."""

from __future__ import annotations

from typing import Literal

from auditor.record import field, record

Strength = Literal["strong", "weak", "error", "info", "n/a"]  # n/a: "this repository cannot show it"
Evidence = Literal["strong", "weak", "none", "n/a"]
Claim = bool | Literal["partial"] | None

EVIDENCE_ORDER = {"none": 0, "weak": 1, "strong": 2}


@record(frozen=True)
class Finding:
    """One thing seen in the repository, at a place a person can open."""

    path: str | None
    line: int | None
    message: str
    strength: Strength = "strong"

    def where(self) -> str:
        if self.path is None:
            return "-"
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message, "strength": self.strength}


@record
class ChecklistLine:
    """One checkbox line of the report's checklist, as written."""

    line: int
    text: str
    mark: str
    claimed: Claim
    item_ids: tuple[str, ...] = ()


@record
class ItemResult:
    """What the auditor concludes about one checklist item."""

    id: str
    code: str
    module: str | None
    week: str
    title: str
    claimed: Claim
    line: int | None
    mark: str | None
    evidence: Evidence
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    claim_source: str = "checklist"
    claim_via: str | None = None  # the other item whose checklist line carried the claim


@record
class AnswerCheck:
    """One claim of the free-text answers checked against the repository."""

    check: str            # tests | coverage | link | figure | team | statement
    question: int | None
    line: int | None
    claim: str            # what the answer says
    found: str            # what the repository shows
    verdict: str          # see auditor.answers.checks.ANSWER_VERDICTS
    findings: list[Finding] = field(default_factory=list)
    item: str | None = None

    def to_json(self) -> dict:
        return {"check": self.check, "question": self.question, "line": self.line, "item": self.item,
                "claim": self.claim, "found": self.found, "verdict": self.verdict,
                "findings": [f.to_json() for f in self.findings]}


@record(frozen=True)
class CourseCheck:
    """One of the course's own `report.py check` constraints on an answer."""

    question: int
    line: int | None
    rule: str             # words | images | answered | questions
    expected: str
    actual: str
    passed: bool

    def to_json(self) -> dict:
        return {"question": self.question, "line": self.line, "rule": self.rule,
                "expected": self.expected, "actual": self.actual, "passed": self.passed}
