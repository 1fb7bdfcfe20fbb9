"""One audit, end to end: read the report, gather the facts, run the rules, judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.catalog import load_catalog
from auditor.engine.run import run_all
from auditor.facts import Repository
from auditor.facts.files import Unreadable
from auditor.facts.gitinfo import read_git_info
from auditor.facts.repository import Problem
from auditor.facts.source import FolderSource, Source
from auditor.model import ChecklistLine, ItemResult
from auditor.report.reader import ReportClaims, ReportError, read_report, study_numbers
from auditor.verdicts import summarize, verdict

DEFAULT_REPORT = "reports/README.md"
MAX_REPORT_BYTES = 5_000_000


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
    """Audit a folder (a git work tree or a plain folder)."""
    root = path.expanduser()
    if not root.exists():
        raise InputError(f"{path} does not exist")
    if not root.is_dir():
        raise InputError(f"{path} is not a folder")
    git = read_git_info(root.resolve())
    return audit_source(FolderSource(root, git.is_repo), git, report_file)


def audit_source(source: Source, git, report_file: Path | None = None) -> AuditResult:
    """Audit the files of any source (a folder, or a commit's tree) with its git facts."""
    catalog = load_catalog()
    data, display = _report_bytes(source, report_file)
    try:
        report = read_report(data, display, catalog)
    except ReportError as exc:
        raise InputError(str(exc)) from exc
    repo = Repository(source.root, source=source, git=git, report_path=display if report.path else None,
                      study_numbers=study_numbers(report.text))
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


def _report_bytes(source: Source, report_file: Path | None) -> tuple[bytes | None, str]:
    """The report's bytes and the name to show for it; a missing default report is not an error."""
    if report_file is None:
        try:
            return source.read_bytes(DEFAULT_REPORT, MAX_REPORT_BYTES), DEFAULT_REPORT
        except Unreadable as exc:
            if "missing" in str(exc) or "not a regular file" in str(exc):
                return None, DEFAULT_REPORT
            raise InputError(f"the report {DEFAULT_REPORT} {exc}") from exc
    if not report_file.exists():
        raise InputError(f"report {report_file} does not exist")
    if not report_file.is_file():
        raise InputError(f"report {report_file} is not a file")
    try:
        display = report_file.resolve().relative_to(source.root).as_posix()
    except ValueError:
        display = str(report_file)
    try:
        if report_file.stat().st_size > MAX_REPORT_BYTES:
            raise InputError(f"report {report_file} is too large")
        return report_file.read_bytes(), display
    except OSError as exc:
        raise InputError(f"cannot read the report {report_file}: {exc.strerror or exc}") from exc


def audit_target(target: str, *, report_file: Path | None = None, at: str | None = None,
                 deadline: str | None = None, tz: str | None = None, keep: Path | None = None) -> AuditResult:
    """Audit what a user names: a folder today; remote URLs, bare repositories, `--at` and
    `--deadline` are the history issue's (they raise InputError until then)."""
    if at or deadline or keep:
        raise InputError("--at, --deadline and --keep are not supported yet")
    return audit(Path(target), report_file)
