"""One audit, end to end: read the report, gather the facts, run the rules, judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.catalog import load_catalog
from auditor.engine.run import run_all
from auditor.facts import Repository
from auditor.facts.repository import Problem
from auditor.model import ChecklistLine, ItemResult
from auditor.report.reader import ReportClaims, read_report, study_numbers
from auditor.verdicts import summarize, verdict

DEFAULT_REPORT = "reports/README.md"


class InputError(Exception):
    """The command cannot audit what it was given (bad path, unreadable report)."""


@dataclass
class AuditResult:
    repository: Repository
    report: ReportClaims
    items: list[ItemResult]
    summary: dict[str, int]
    unmatched: list[ChecklistLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def audit(path: Path, report_file: Path | None = None) -> AuditResult:
    root = path.expanduser()
    if not root.exists():
        raise InputError(f"{path} does not exist")
    if not root.is_dir():
        raise InputError(f"{path} is not a folder")
    report_path, display = _locate_report(root.resolve(), report_file)
    catalog = load_catalog()
    try:
        report = read_report(report_path, display, catalog)
    except Exception as exc:  # the report reader raises ReportError for unreadable reports
        raise InputError(str(exc)) from exc
    repo = Repository(root, report_path=display if report.path else None, study_numbers=study_numbers(report.text))
    outcomes = run_all(repo)
    items = []
    for spec in catalog:
        outcome = outcomes[spec.id]
        claimed, line = report.claim(spec.id)
        items.append(ItemResult(
            id=spec.id, code=spec.code, module=spec.module, week=spec.week, title=spec.title,
            claimed=claimed, line=line.line if line else None, mark=line.mark if line else None,
            evidence=outcome.evidence, verdict=verdict(claimed, outcome.evidence), findings=outcome.findings,
        ))
    return AuditResult(repo, report, items, summarize(items), report.unmatched, repo.problems)


def _locate_report(root: Path, report_file: Path | None) -> tuple[Path | None, str]:
    if report_file is None:
        candidate = root / DEFAULT_REPORT
        return (candidate if candidate.is_file() else None), DEFAULT_REPORT
    explicit = report_file if report_file.is_absolute() else Path.cwd() / report_file
    if not explicit.exists():
        raise InputError(f"report {report_file} does not exist")
    if not explicit.is_file():
        raise InputError(f"report {report_file} is not a file")
    try:
        display = explicit.resolve().relative_to(root).as_posix()
    except ValueError:
        display = str(report_file)
    return explicit, display
