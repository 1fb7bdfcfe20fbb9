"""What in an audit needs a student's attention, and which of it fails a run (`--fail-on`).

Shared by the Markdown and SARIF renderers and by the command's exit code, so the three
always agree on what was found."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from auditor.record import record

if TYPE_CHECKING:  # the CLI imports this module for FailOn before any audit runs
    from auditor.audit import AuditResult
    from auditor.model import Finding

KINDS = ("unsupported", "contradicted", "weak", "course")


class FailOn(str, Enum):
    """Which findings make `auditor audit` exit 1. Every policy but `never` includes unsupported
    claims; `unsupported` (the default) fails on them alone."""

    unsupported = "unsupported"
    weak = "weak"
    contradicted = "contradicted"
    course = "course"
    any = "any"
    never = "never"


FAILING_KINDS = {
    FailOn.unsupported: {"unsupported"},
    FailOn.weak: {"unsupported", "weak"},
    FailOn.contradicted: {"unsupported", "contradicted"},
    FailOn.course: {"unsupported", "course"},
    FailOn.any: set(KINDS),
    FailOn.never: set(),
}


@record(frozen=True)
class Attention:
    """One thing to look at: a checklist item, an answer's claim or a course check."""

    kind: str                 # one of KINDS
    source: str               # item | answer | course
    rule: str                 # an item's code (MLO112), else answer-<check> / course-<rule>
    title: str                # what it is about, for people
    message: str              # what was found
    line: int | None          # the line of the report that claims it
    evidence: tuple[Finding, ...] = ()
    item_id: str | None = None


def attention_items(result: AuditResult, skip: dict[str, str] | None = None) -> list[Attention]:
    """Everything that needs a look, worst kind first, each kind in report order; what the
    group's config skips (item id -> reason) is left out."""
    found = [*_items(result), *_answers(result), *_course(result)]
    kept = [a for a in found if a.item_id not in (skip or {})]
    return sorted(kept, key=lambda a: (KINDS.index(a.kind), a.line or 0))


def skipped_items(result: AuditResult, skip: dict[str, str]) -> list[Attention]:
    """What would need a look but the group's config skips, with the group's reason."""
    found = [*_items(result), *_answers(result)]
    return [a for a in found if a.item_id in skip]


def fails(result: AuditResult, policy: FailOn, skip: dict[str, str] | None = None) -> bool:
    """Whether the audit found what the policy fails on (exit code 1). Unsupported claims of the
    answers (a dead link, a missing figure) fail only `any`: the other policies keep to the
    checklist's unsupported items, as the default always has."""
    kinds = FAILING_KINDS[policy]
    return any(a.kind in kinds and (a.source == "item" or a.kind != "unsupported" or policy is FailOn.any)
               for a in attention_items(result, skip))


def _items(result: AuditResult):
    for item in result.items:
        if item.verdict not in ("unsupported", "weak"):
            continue
        placed = tuple(f for f in item.findings if f.path)
        message = item.findings[0].message if item.findings else "no evidence found"
        yield Attention(item.verdict, "item", item.code, f"{item.code} {item.id}: {item.title}", message,
                        item.line, placed, item.id)


def _answers(result: AuditResult):
    sources = {item.id: item.claim_source for item in result.items if item.claimed is not None}
    codes = {item.id: item.code for item in result.items}
    for check in result.answers:
        if check.verdict not in ("unsupported", "weak", "contradicted") or not needs_a_look(check, sources):
            continue
        rule = codes.get(check.item) or f"answer-{check.check}"
        about = f"Q{check.question} {check.check}" if check.question else check.check
        if check.item:
            about += f" ({check.item})"
        yield Attention(check.verdict, "answer", rule, f"{about}: {check.claim}", check.found, check.line,
                        tuple(f for f in check.findings if f.path), check.item)


def _course(result: AuditResult):
    for check in result.course_checks:
        if check.passed:
            continue
        where = f"Q{check.question}" if check.question else "report"
        yield Attention("course", "course", f"course-{check.rule}", f"{where} {check.rule}",
                        f"{check.actual}, expected {check.expected}", check.line)


def needs_a_look(check, sources: dict[str, str]) -> bool:
    """Shown by default: what is not corroborated, except statements that only repeat the
    verdict of their item above (its claim came from the tick or from this very statement)."""
    if check.verdict == "corroborated":
        return False
    if check.check != "statement" or check.verdict in ("contradicted", "unclaimed"):
        return True
    return sources.get(check.item) is None
