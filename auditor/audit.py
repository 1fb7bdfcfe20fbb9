"""One audit, end to end: read the report, gather the facts, run the rules, judge."""

from __future__ import annotations

from itertools import chain
from pathlib import Path

from auditor.catalog import load_catalog
from auditor.engine.run import look_in_older_branch_versions, run_all
from auditor.facts import Repository
from auditor.facts.files import Absent, Unreadable, is_generated
from auditor.facts.gitcmd import GitError
from auditor.facts.gitinfo import commit_info, read_git_info, redact
from auditor.facts.gitsource import GitTreeSource
from auditor.facts.repository import GitReads, Problem
from auditor.facts.python_read import PythonFile, python_file_from_plain, python_file_to_plain, python_read_of
from auditor.facts.template import project_folders
from auditor.facts.source import FolderSource, Source
from auditor.model import AnswerCheck, ChecklistLine, CourseCheck, ItemResult
from auditor.record import field, record
from auditor.target import CLONE_TIMEOUT, TargetError, cloned, is_bare_repository, is_remote, local_path, resolve
from auditor.report.reader import (CHECKLIST_ELSEWHERE, ReportClaims, ReportError, adopt_checklist, read_report,
                                   study_numbers)
from auditor.verdicts import summarize, verdict
from auditor.answers.checks import check_answers
from auditor.answers.claims import answer_statements
from auditor.report.links import github_path, github_slug, is_this_repository, markdown_links, relative_path
from auditor.report.parsed import ParsedReport
from auditor.answers.course import course_checks
from auditor.report.statements import Statement, answer_claim, statements_from_plain, statements_to_plain
from auditor.side_work import FromBothEnds, Pending, Work, compute_beside

DEFAULT_REPORT = "reports/README.md"
# Where the course's report is looked for, in this order: some groups renamed the folder.
REPORT_PLACES = (DEFAULT_REPORT, "report/README.md", "Reports/README.md")
MAX_REPORT_BYTES = 5_000_000


class InputError(Exception):
    """The command cannot audit what it was given (bad path, unreadable report)."""


@record
class AuditResult:
    repository: Repository
    report: ReportClaims
    items: list[ItemResult]
    summary: dict[str, int]
    unmatched: list[ChecklistLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    answers: list[AnswerCheck] = field(default_factory=list)
    course_checks: list[CourseCheck] = field(default_factory=list)


def audit(path: Path, report_file: Path | None = None) -> AuditResult:
    """Audit a folder (a git work tree or a plain folder)."""
    root = local_path(str(path))
    if not root.exists():
        raise InputError(f"{path} does not exist")
    if not root.is_dir():
        raise InputError(f"{path} is not a folder")
    git = read_git_info(root.resolve())
    source = FolderSource(root, git.is_repo, head=git.commit)
    if git.error and not git.is_repo:   # a `.git` git would wait on: read as plain files, and said
        source.notes.append((".git", f"{git.error}; the folder is read as plain files, without git"))
    try:
        result = audit_source(source, git, report_file)
        if source.reads_git_objects:   # HEAD's blobs stood in for the disk: read what is left while git is open
            _settle(result)
    finally:
        source.close()
    return result


def audit_source(source: Source, git, report_file: Path | None = None) -> AuditResult:
    """Audit the files of any source (a folder, or a commit's tree) with its git facts."""
    started = GitReads.start(source, git)
    try:
        catalog = load_catalog()
        data, display = _report_bytes(source, report_file)
        try:
            report = read_report(data, display, catalog)
        except ReportError as exc:
            raise InputError(str(exc)) from exc
        if not report.checklist_lines:
            _checklist_elsewhere(source, report, catalog, git)
    except BaseException:
        started.cancel()
        raise
    slug = github_slug(git.remote, source.root.resolve().name)
    parsed = ParsedReport(report.path, report.text, report.answers, slug)
    repo = Repository(source.root, source=source, git=git, report_path=report.path,
                      study_numbers=study_numbers(report.text), report=parsed, started=started)
    python_beside, said_pending = _side_work(repo, report, slug)
    try:
        outcomes = run_all(repo)
    except BaseException:
        said_pending.cancel()
        raise
    finally:
        if python_beside is not None:
            python_beside.cancel()   # also when no rule read the Python files
    started.cancel_branch_log()
    items = []
    for spec in catalog:
        outcome = outcomes[spec.id]
        claimed, line = report.claim(spec.id)
        items.append(ItemResult(
            id=spec.id, code=spec.code, module=spec.module, week=spec.week, title=spec.title,
            claimed=claimed, line=line.line if line else None, mark=line.mark if line else None,
            evidence=outcome.evidence, verdict=verdict(claimed, outcome.evidence), findings=outcome.findings,
            claim_via=claimed_via(spec.id, line),
        ))
    said = said_pending.result()
    if said is not None:
        claims_from_answers(items, said)
    _unsupported_on_older_branch_versions(items, outcomes, repo)
    answers, course = _answers(report, parsed, repo, items, said)
    return AuditResult(repo, report, items, summarize(items), report.unmatched, repo.problems,
                       answers=answers, course_checks=course)


def _checklist_elsewhere(source: Source, report: ReportClaims, catalog, git) -> None:
    """A report without a checklist: the group may keep it in a file of its own, the root
    README, or a Markdown file the report links to."""
    for candidate in dict.fromkeys((*CHECKLIST_ELSEWHERE, *_linked_files(report, git, source))):
        if candidate == report.path:
            continue
        try:
            data = source.read_bytes(candidate, MAX_REPORT_BYTES)
        except (Absent, Unreadable):
            continue
        if b"\0" not in data[:8192] and adopt_checklist(report, data.decode("utf-8", "replace"), candidate, catalog):
            return


MAX_LINKED_FILES = 10


def _linked_files(report: ReportClaims, git, source: Source) -> list[str]:
    """The repository's Markdown files the report links to (relative or to this repository on GitHub)."""
    if not report.text or not report.path:
        return []
    slug = github_slug(git.remote, source.root.name)
    found = []
    for href in markdown_links(report.text)[:50]:
        place = github_path(href)
        if place is not None:
            found += [place.path] if is_this_repository(place.owner, place.repo, slug) and place.path else []
        elif (rel := relative_path(href, report.path)) is not None:
            found.append(rel)
    return found[:MAX_LINKED_FILES]


def claimed_via(item_id: str, line: ChecklistLine | None) -> str | None:
    """The item whose line carried this claim when the line is another item's (the 2023
    W&B line that also mentions a sweep): a soft claim, the students ticked the other item."""
    if line is None or not line.item_ids or line.item_ids[0] == item_id:
        return None
    return line.item_ids[0]


def _side_work(repo: Repository, report: ReportClaims, slug: tuple[str | None, str | None]
               ) -> tuple[FromBothEnds[PythonFile] | None, Pending[dict[str, list[Statement]] | None]]:
    """What needs only what has been read so far, worked out beside the rules (auditor.side_work):
    the Python files parsed, which most rules read (those that read none run first meanwhile; when
    one asks before the child is done, this process parses the rest from the last file back), then
    what the answers say of each item (None for a report without answers), which only the report
    needs. The Python files go to the child only when they are read from the disk (a commit's tree
    is read through git, which is this process's); the file listing is read first for that reason."""
    repo.files
    python = None
    works: list[Work] = []
    if isinstance(repo.file_source, FolderSource):
        files = repo.python_files()
        python = FromBothEnds(len(files), lambda index: repo.read_python_file(files[index]),
                              python_file_to_plain, python_file_from_plain)
        works += python.works()
    answers = report.answers
    said = None
    if answers is not None and answers.questions:
        said = Work(lambda: answer_statements(answers, slug), statements_to_plain, statements_from_plain)
    pending = compute_beside(works + ([said] if said else []))
    if python is not None:
        python.follow(pending[:len(works)])
        repo.python_arriving(lambda: python_read_of(files, python.results()))
    return python, pending[-1] if said else Pending(lambda: None, lambda plain: plain)


def _unsupported_on_older_branch_versions(items: list[ItemResult], outcomes: dict, repo: Repository) -> None:
    for item in items:
        outcome = outcomes[item.id]
        if item.verdict == "unsupported" and look_in_older_branch_versions(outcome, repo):
            item.evidence, item.findings = outcome.evidence, outcome.findings
            item.verdict = verdict(item.claimed, item.evidence)


def _answers(report: ReportClaims, parsed: ParsedReport, repo: Repository, items: list[ItemResult],
             said: dict[str, list[Statement]] | None) -> tuple[list[AnswerCheck], list[CourseCheck]]:
    """The answers' claims, filled into the items the checklist lacks, checked against the evidence."""
    if said is None or report.answers is None:
        return [], []
    checked = check_answers(parsed, repo, items, report.path or DEFAULT_REPORT, repo.report.slug, said)
    return checked, course_checks(report.answers)


def claims_from_answers(items: list[ItemResult], said: dict[str, list[Statement]]) -> None:
    """What the answers say was (or was not) done claims every item the checklist lacks (all of
    them when the report has no checklist); an item they say nothing about stays
    `not-in-checklist` (the spec's `null`)."""
    for item in items:
        if item.claimed is not None:
            continue
        decided = answer_claim(said.get(item.id, []))
        if decided is not None:
            item.claimed, item.claim_source, item.line = decided.used, "answers", decided.line
            item.verdict = verdict(item.claimed, item.evidence)


def _report_bytes(source: Source, report_file: Path | None) -> tuple[bytes | None, str]:
    """The report's bytes and the name to show for it; a missing default report is not an error."""
    if report_file is None:
        return _default_report_bytes(source)
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


def _default_report_bytes(source: Source) -> tuple[bytes | None, str]:
    """The report at the first of the usual places that holds one, else in the one project folder
    the template was rendered into (`<project>/reports/README.md`); none there is not an error."""
    for place in chain(REPORT_PLACES, _report_in_project_folder(source)):
        try:
            return source.read_bytes(place, MAX_REPORT_BYTES), place
        except Absent:
            continue
        except Unreadable as exc:
            raise InputError(f"the report {place} {exc}") from exc
    return None, DEFAULT_REPORT


def _report_in_project_folder(source: Source):
    """The report of a template rendered into a project folder, read only when the root has none
    and only when a single project folder holds one (two would leave the group's report unknown)."""
    listed = [rel for rel in source.list_files() if not is_generated(rel)]   # as Repository.files lists them
    found = {f"{folder}{place}" for folder in project_folders(listed) for place in REPORT_PLACES} & set(listed)
    yield from found if len(found) == 1 else ()


def audit_target(target: str, *, report_file: Path | None = None, at: str | None = None,
                 deadline: str | None = None, tz: str | None = None, keep: Path | None = None,
                 clone_timeout: float = CLONE_TIMEOUT) -> AuditResult:
    """Audit what a user names: a folder (its files as they are, or a commit of its history
    with `at` / `deadline`), or a URL / bare repository, cloned first (kept in `keep`)."""
    try:
        path = local_path(target)
        if is_remote(target) or is_bare_repository(path):
            with cloned(target, keep, clone_timeout) as where:
                shown = None if keep else redact(target)
                return _audit_commit(where, report_file, at, deadline, tz, shown)
        if keep is not None:
            raise InputError("--keep applies to repositories that are cloned (URLs and bare repositories)")
        if not (at or deadline or tz):
            return audit(path, report_file)
        if not path.is_dir():
            raise InputError(f"{target} does not exist" if not path.exists() else f"{target} is not a folder")
        git = read_git_info(path.resolve())
        if not git.is_repo:
            raise InputError(f"{target}: {git.error}; --at and --deadline need its git history" if git.error
                             else f"{target} is a plain folder: --at and --deadline need its git history")
        return _audit_commit(path.resolve(), report_file, at, deadline, tz, None)
    except TargetError as exc:
        raise InputError(str(exc)) from exc


def _audit_commit(where: Path, report_file: Path | None, at: str | None, deadline: str | None,
                  tz: str | None, shown: str | None) -> AuditResult:
    """Audit one commit of the repository at `where`, its files read from git objects."""
    revision = resolve(where, at, deadline, tz)
    git = commit_info(where, revision.commit, at=revision.at, deadline=revision.deadline,
                      commits_after_deadline=revision.commits_after_deadline, target=shown)
    source = GitTreeSource(where, revision.commit)
    try:
        source.list_files()
    except GitError as exc:
        raise InputError(f"cannot read the files of commit {revision.commit[:10]}: {exc}") from exc
    try:
        result = audit_source(source, git, report_file)
        _settle(result)
    finally:
        source.close()
    return result


def _settle(result: AuditResult) -> None:
    """Gather the lazily read facts the renderers show while the repository is still there."""
    repo = result.repository
    repo.team, repo.template_scaffold  # noqa: B018 (cached on first access)
    if repo.history is not None:
        repo.history.line_counts()
