"""Judging: the tick and the evidence give the verdict (the spec's table). Nothing else decides."""

from __future__ import annotations

from auditor.model import Claim, Evidence

VERDICTS = ("corroborated", "weak", "unsupported", "unverifiable", "unclaimed", "not-claimed", "not-in-checklist")


def verdict(claimed: Claim, evidence: Evidence) -> str:
    if claimed is None:
        return "not-in-checklist"
    if claimed in (True, "partial"):
        return {"strong": "corroborated", "weak": "weak", "none": "unsupported", "n/a": "unverifiable"}[evidence]
    return "unclaimed" if evidence == "strong" else "not-claimed"


def summarize(items) -> dict[str, int]:
    claimed = [i for i in items if i.claimed in (True, "partial")]
    counts = {v: sum(1 for i in items if i.verdict == v) for v in VERDICTS}
    return {
        "claimed": len(claimed),
        "corroborated": counts["corroborated"],
        "weak": counts["weak"],
        "unsupported": counts["unsupported"],
        "unverifiable": counts["unverifiable"],
        "unclaimed": counts["unclaimed"],
    }
