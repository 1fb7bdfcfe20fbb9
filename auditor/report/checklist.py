"""Reading the checklist section of a group's report: every checkbox line and its mark.

Students wrap, bold, comment, duplicate and re-bullet their lines; this reader keeps the
line number of each item and never guesses an item from its position.
"""

from __future__ import annotations

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import ChecklistLine, Claim
from auditor.record import field, record

HEADING_START = LazyPattern(r"\s{0,3}(#{1,6})\s*")
CLOSING_HASHES_REVERSED = LazyPattern(r"\s*#*\s*")  # `## Title ##`: the closing part, read from the end
CHECKLIST_HEADING = LazyPattern(r"check\s*-?list", re.IGNORECASE)
QUESTION_HEADING = LazyPattern(r"^(question\s*\d+|group information|coding environment)\b", re.IGNORECASE)
ITEM = LazyPattern(r"^(?P<indent>\s*)(?:[*+-]|\d+[.)])\s+\[(?P<mark>[^\]\n]{0,12})\]\s*(?P<text>.*)$")
BARE_ITEM = LazyPattern(r"^(?P<indent>\s*)\[(?P<mark>[^\]\n]{0,12})\]\s+(?P<text>\S.*)$")
# `- ❌ Add a workflow ...`, `✅ Create a git repository`: a symbol standing for the box, no brackets
SYMBOL_ITEM = LazyPattern(r"^(?P<indent>\s*)(?:(?:[*+-]|\d+[.)])\s+)?(?P<mark>[❌✅✓✔✗✘✖☑☐]\ufe0f?)\s*(?P<text>\w.*)$")
BULLET = LazyPattern(r"^\s*(?:[*+-]|\d+[.)])\s+\S")
HTML_COMMENT = LazyPattern(r"<!--.*?(?:-->|\Z)", re.DOTALL)
NOT_NEWLINE = LazyPattern(r"[^\n]")
MARK_DECORATION = LazyPattern(r"[\s*_()`'\"]")
STRONG_OR_STRUCK = LazyPattern(r"(\*\*|__|~~)")
EMPHASIS_MARK = LazyPattern(r"(?<![\w`])[*_](?=\S)|(?<=\S)[*_](?![\w`])")
WHITESPACE = LazyPattern(r"\s+")
# `[x] Consider running a sweep (M14) - Not applicable`: the group ticked the line to say it does not apply
NOT_APPLICABLE_NOTE = LazyPattern(r"(\)|\s[-–—:]|\s\()\s*(not applicable|n/a|not relevant)\s*\)?[.!]?\s*$", re.IGNORECASE)
TRUE_MARKS = {"x", "✓", "✔", "✅", "☑", "✔️", "ok", "done", "yes", "y"}
FALSE_MARKS = {"", "-", "–", "—", "no", "n", "❌", "✗", "✘", "✖", "✖️", "☐", "n/a", "na"}


@record
class Checklist:
    """The checklist section of a report: where it is and its item lines."""

    start: int | None
    end: int | None
    lines: list[ChecklistLine] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.lines)


def mark_to_claim(mark: str) -> Claim:
    """`x`, `(X)`, `✅` -> True; empty or a dash -> False; anything else -> "partial"."""
    core = MARK_DECORATION.sub("", mark).lower()
    if core in TRUE_MARKS:
        return True
    if core in FALSE_MARKS:
        return False
    return "partial"


@record(frozen=True)
class Heading:
    level: int
    text: str  # without the closing hashes and surrounding spaces


def read_heading(line: str) -> Heading | None:
    """A Markdown heading line (`## Title ##`), or None. Read without a regex over the whole
    line: a lazy title followed by optional closing spaces and hashes backtracks cubically
    on a line of many spaces."""
    start = HEADING_START.match(line)
    if start is None:
        return None
    text = line[start.end() :]
    closing = CLOSING_HASHES_REVERSED.match(text[::-1]).end()
    return Heading(len(start.group(1)), text[: len(text) - closing])


def blank_comments(text: str) -> str:
    """HTML comments replaced by blanks, keeping every newline so line numbers stay true."""
    return HTML_COMMENT.sub(lambda m: NOT_NEWLINE.sub(" ", m.group(0)), text)


def report_lines(text: str) -> list[str]:
    """The report's lines as every reader numbers them: any newline convention, HTML comments blanked."""
    return blank_comments(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")


def clean_item_text(text: str) -> str:
    text = STRONG_OR_STRUCK.sub("", text)
    text = EMPHASIS_MARK.sub("", text)
    return WHITESPACE.sub(" ", text).strip()


def find_section(lines: list[str]) -> tuple[int, int] | None:
    """0-based [start, end) of the checklist: its heading up to the first question heading."""
    start = None
    for index, line in enumerate(lines):
        found = read_heading(line)
        if found and CHECKLIST_HEADING.search(found.text):
            start = index
            break
    if start is None:
        first_question = next((i for i, line in enumerate(lines) if _is_question_heading(line)), len(lines))
        first_item = next((i for i, line in enumerate(lines[:first_question]) if ITEM.match(line)), None)
        if first_item is None:
            return None
        start = first_item
    end = next((i for i in range(start + 1, len(lines)) if _is_question_heading(lines[i])), len(lines))
    return start, end


def _is_question_heading(line: str) -> bool:
    found = read_heading(line)
    return bool(found and QUESTION_HEADING.match(found.text.strip("*_ ")))


def parse_checklist(text: str) -> Checklist:
    lines = report_lines(text)
    section = find_section(lines)
    if section is None:
        return Checklist(None, None)
    start, end = section
    items: list[ChecklistLine] = []
    current: list | None = None   # [line number, mark, text parts]
    for index in range(start, end):
        raw = lines[index]
        match = ITEM.match(raw) or BARE_ITEM.match(raw) or SYMBOL_ITEM.match(raw)
        if match:
            if current:
                items.append(_finish(current))
            current = [index + 1, match.group("mark"), [match.group("text")]]
        elif current and _continues_item(raw):
            current[2].append(raw.strip())
        else:
            if current:
                items.append(_finish(current))
            current = None
    if current:
        items.append(_finish(current))
    return Checklist(start + 1, end, items)


def _continues_item(raw: str) -> bool:
    """A wrapped line of the item above; a new bullet (a sub-point, or a line the reader does not
    take as an item) starts something else."""
    return bool(raw.strip()) and not read_heading(raw) and not BULLET.match(raw) and not raw.lstrip().startswith(
        ("```", "|", ">"))


def _finish(current: list) -> ChecklistLine:
    number, mark, parts = current
    text = clean_item_text(" ".join(parts))
    claimed = mark_to_claim(mark)
    if claimed is True and NOT_APPLICABLE_NOTE.search(text):
        claimed = False
    return ChecklistLine(line=number, text=text, mark=mark.strip(), claimed=claimed)
