"""From a report file to claims per item id."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from collections.abc import Iterator

from auditor.lazy_pattern import LazyPattern
from auditor.model import ChecklistLine, Claim
from auditor.record import field, record
from auditor.report.answers import Answers, parse_answers
from auditor.report.checklist import parse_checklist, report_lines
from auditor.report.matching import assign_ids

if TYPE_CHECKING:  # the catalogue is only a parameter's type here (importing it would be circular)
    from auditor.catalog import RuleSpec

MODULE_TAG = LazyPattern(r"\(M\d+")
QUESTION_2 = LazyPattern(r"#+\s*Question\s*2\b", re.IGNORECASE)
STUDY_NUMBER = LazyPattern(r"\b[sS]\d{6}\b")
SIX_DIGITS = LazyPattern(r"(?<![\w.#/-])\d{6}(?![\w.%/-])")
OTHER_STUDENT_ID = LazyPattern(r"(?<![\w.#/-])\d{6,9}(?![\w.%/-])")
UNTAGGED_ONLY = ("torchserve",)


@record
class ReportClaims:
    """What a report claims, item by item."""

    path: str | None
    text: str | None
    template: str
    checklist_lines: list[ChecklistLine] = field(default_factory=list)
    claims: dict[str, tuple[Claim, ChecklistLine]] = field(default_factory=dict)
    unmatched: list[ChecklistLine] = field(default_factory=list)
    message: str | None = None
    answers: Answers | None = None
    checklist_path: str | None = None  # the file the checklist lines are numbered in


    def claim(self, item_id: str) -> tuple[Claim, ChecklistLine | None]:
        if item_id in self.claims:
            return self.claims[item_id]
        return None, None


class ReportError(Exception):
    """The report exists but cannot be read at all."""


def read_report(data: bytes | None, display_path: str, catalog: tuple[RuleSpec, ...]) -> ReportClaims:
    """Claims from the report's bytes (None: there is no report)."""
    if data is None:
        return ReportClaims(None, None, "none", message=f"no report found at {display_path}")
    if b"\0" in data[:8192]:
        raise ReportError(f"the report {display_path} is a binary file, not Markdown")
    text = data.decode("utf-8", "replace")
    report = claims_from_text(text, display_path, catalog)
    report.answers = parse_answers(text)
    return report


def claims_from_text(text: str, display_path: str | None, catalog: tuple[RuleSpec, ...]) -> ReportClaims:
    checklist = parse_checklist(text)
    if not checklist.found:
        return ReportClaims(display_path, text, "none", message="the report has no checklist")
    lines = assign_ids(checklist.lines, catalog)
    report = ReportClaims(display_path, text, _template(lines), lines, checklist_path=display_path)
    for line in lines:
        if not line.item_ids:
            report.unmatched.append(line)
        for item_id in line.item_ids:
            report.claims[item_id] = _merge(report.claims.get(item_id), line, item_id)
    return report


# Where groups keep the checklist when the report holds none, in the order they are tried.
CHECKLIST_ELSEWHERE = ("reports/checklist.md", "reports/CHECKLIST.md", "CHECKLIST.md", "checklist.md", "README.md")
MIN_COURSE_ITEMS = 5  # a checkbox list elsewhere is the group's checklist only when it holds the course's items


def adopt_checklist(report: ReportClaims, text: str, display_path: str, catalog: tuple[RuleSpec, ...]) -> bool:
    """Take the checklist of another file (the root README, CHECKLIST.md ...) into a report
    that has none; False (report unchanged) when that file holds no list of the course's items."""
    found = claims_from_text(text, display_path, catalog)
    if sum(1 for line in found.checklist_lines if line.item_ids) < MIN_COURSE_ITEMS:
        return False
    report.checklist_lines, report.claims, report.unmatched = found.checklist_lines, found.claims, found.unmatched
    report.template, report.checklist_path = found.template, display_path
    where = report.path or "the report"
    report.message = f"the checklist is not in {where} but in {display_path}"
    if report.text is None:
        _adopt_answers(report, text, display_path)
    return True


MIN_REPORT_QUESTIONS = 5  # a file holding the course's checklist and this many answered questions is the report


def _adopt_answers(report: ReportClaims, text: str, display_path: str) -> None:
    """No report file, but the file that holds the checklist is the filled report template
    (the root README with its `### Question N` answers): it is the report."""
    answers = parse_answers(text)
    if len(answers.questions) < MIN_REPORT_QUESTIONS:
        return
    report.path, report.text, report.answers = display_path, text, answers
    report.message = f"no report at the usual place: {display_path} holds the checklist and the report's answers"


def _merge(previous: tuple[Claim, ChecklistLine] | None, line: ChecklistLine,
           item_id: str) -> tuple[Claim, ChecklistLine]:
    """A duplicated line counts as claimed if either copy is (true beats partial beats false);
    between equal marks, the item's own line beats another item's line that also names it."""
    if previous is None:
        return line.claimed, line

    def weight(claim: Claim, where: ChecklistLine) -> tuple[int, bool]:
        return {True: 2, "partial": 1, False: 0}[claim], where.item_ids[0] == item_id

    return previous if weight(*previous) >= weight(line.claimed, line) else (line.claimed, line)


def _template(lines: list[ChecklistLine]) -> str:
    tagged = sum(1 for line in lines if MODULE_TAG.search(line.text))
    if tagged >= len(lines) / 2:
        has_io = any("io-collection" in line.item_ids for line in lines)
        return "2025+ (with io-collection)" if has_io else "2025"
    return "2023-2024"


def study_numbers(text: str | None) -> tuple[list[str], int | None]:
    """The study numbers of Question 2 (none when there is no Question 2) and the line of the first."""
    if not text:
        return [], None
    lines = report_lines(text)
    start = next((i for i, line in enumerate(lines) if QUESTION_2.match(line.strip())), None)
    if start is None:
        return [], None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("#")), len(lines))
    for pattern in (STUDY_NUMBER, OTHER_STUDENT_ID):  # DTU numbers first; other universities' ids else
        first = next((i for i in range(start, end) if pattern.search(lines[i])), None)
        if first is not None:
            return sorted(set(_numbers(pattern, lines[first:end]))), first + 1
    return [], None


def _numbers(pattern: re.Pattern[str], lines: list[str]) -> Iterator[str]:
    for line in lines:
        yield from (number.lower() for number in pattern.findall(line))
        if pattern is STUDY_NUMBER:  # "s194237, 194246": the s forgotten once
            yield from ("s" + number for number in SIX_DIGITS.findall(line))
