"""Reading the questions and free-text answers of a report, every template year.

The 2023-2024 template asks 27 questions, later ones 31; numbers and wording differ, so
questions are kept with their number and the heading as asked, and callers find the one
they need by its wording (`Answers.asking(...)`), never by a fixed number.
"""

from __future__ import annotations

import re
from typing import Iterator

from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record
from auditor.report.checklist import WHITESPACE, read_heading, report_lines
from auditor.report.fences import fence_lines

QUESTION_HEADING = LazyPattern(r"^\s{0,3}#{1,6}\s*(?:[*_]+\s*)?question\s*(\d{1,3})\b", re.IGNORECASE)
ANSWER_MARK = LazyPattern(r"^\s*(?:>\s*)?[*_]*answer[*_]*\s*:[*_]*\s*(?P<rest>.*)$", re.IGNORECASE)
UNFILLED = LazyPattern(r"-{2,20}\s*question\s*\d+\s*fill\s*here\s*-{2,}", re.IGNORECASE)
BOLD = LazyPattern(r"\*\*(.+?)\*\*")
QUOTE_MARK = LazyPattern(r"^\s*>\s?")
ANSWER_WORD = LazyPattern(r"\s*answer", re.IGNORECASE)
HEADING_MARKS = LazyPattern(r"^[#\s*_]*")
STATED_LENGTH = LazyPattern(
    r"answer\s+length\s*(?::\s*)?(?:\*+\s*)?(\d+)\s*(?:-|–|to)\s*(\d+)\s*words", re.IGNORECASE
)


@record(frozen=True)
class AnswerLine:
    """One line of an answer as written, with its line number in the report."""

    number: int
    text: str
    in_code: bool  # inside a fenced code block (shown as code, not rendered)
    in_table: bool  # a Markdown table row


@record(frozen=True)
class Question:
    """One question of the report: as asked, and as answered."""

    number: int
    heading: str  # the question as asked (its bold text), on one line
    start: int  # line of the `### Question N` heading
    end: int  # last line of the question's section
    answer_start: int | None  # first line of the answer (None: no answer part at all)
    lines: tuple[AnswerLine, ...]
    prompt: str = ""  # everything the template says above the answer

    @property
    def answer(self) -> str:
        return "\n".join(line.text for line in self.lines).strip("\n")

    @property
    def filled(self) -> bool:
        """Something besides the template's `--- question N fill here ---` placeholder."""
        return bool(UNFILLED.sub("", self.answer).strip())

    @property
    def stated_length(self) -> tuple[int, int] | None:
        """The word range the template states for this question ("Answer length: 100-200 words")."""
        match = STATED_LENGTH.search(self.prompt)
        return (int(match.group(1)), int(match.group(2))) if match else None

    def prose(self) -> Iterator[AnswerLine]:
        """The answer's lines outside code blocks and tables."""
        return (line for line in self.lines if not line.in_code and not line.in_table)


@record
class Answers:
    """Every question of a report, in the order written."""

    questions: list[Question] = field(default_factory=list)

    @property
    def unanswered(self) -> list[int]:
        return [q.number for q in self.questions if not q.filled]

    @property
    def template(self) -> str:
        count = len({q.number for q in self.questions})
        return {27: "27 questions (2023-2024)", 31: "31 questions (2025+)"}.get(count, f"{count} questions")

    def asking(self, pattern: str | re.Pattern[str]) -> Question | None:
        """The first question whose heading matches `pattern` (case-insensitive)."""
        regex = re.compile(pattern, re.IGNORECASE) if isinstance(pattern, str) else pattern
        return next((q for q in self.questions if regex.search(q.heading)), None)

    def number(self, number: int) -> Question | None:
        return next((q for q in self.questions if q.number == number), None)


def parse_answers(text: str | None) -> Answers:
    """Every `Question N` section of the report with its heading and answer lines."""
    if not text:
        return Answers()
    lines = report_lines(text)
    starts = [i for i, line in enumerate(lines) if QUESTION_HEADING.match(line)]
    questions = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else len(lines)
        end = _section_end(lines, start, limit)
        questions.append(_question(lines, start, end))
    return Answers(questions)


def _section_end(lines: list[str], start: int, limit: int) -> int:
    """0-based exclusive end: the next heading of level 1-3 (a section or the next question)."""
    for index, (line, is_fence, in_code) in enumerate(fence_lines(lines[start + 1:limit]), start + 1):
        found = None if is_fence or in_code else read_heading(line)
        if found and found.level <= 3:
            return index
    return limit


def _question(lines: list[str], start: int, end: int) -> Question:
    number = int(QUESTION_HEADING.match(lines[start]).group(1))
    body = lines[start + 1 : end]  # body[k] is report line start + 2 + k
    answer_at = _answer_marker(body)
    answer_lines: list[AnswerLine] = []
    if answer_at is None:
        cut = _prompt_end(body)
        prompt = body[:cut]
    else:
        cut = answer_at + 1
        prompt = body[:answer_at]
        inline = ANSWER_MARK.match(body[answer_at]).group("rest").strip()
        if inline:
            answer_lines.append(AnswerLine(start + 2 + answer_at, inline, False, False))
    answer_lines += _answer_lines(body[cut:], start + 2 + cut)
    heading = " ".join(
        m.group(1).strip()
        for line in prompt
        for m in BOLD.finditer(line)
        if not ANSWER_WORD.match(m.group(1))
    )
    if not heading:
        heading = HEADING_MARKS.sub("", lines[start]).strip()
    return Question(
        number=number,
        heading=WHITESPACE.sub(" ", heading).strip(),
        start=start + 1,
        end=end,
        answer_start=answer_lines[0].number if answer_lines else None,
        lines=tuple(answer_lines),
        prompt="\n".join(prompt),
    )


def _answer_marker(body: list[str]) -> int | None:
    """The line of the last `Answer:` label (not `Answer length:`) of the question block."""
    found = None
    for index, line in enumerate(body):
        if ANSWER_MARK.match(line):
            found = index
        elif found is not None and line.strip() and not line.lstrip().startswith(">"):
            break
    return found


def _prompt_end(body: list[str]) -> int:
    """Without an `Answer:` label the answer starts after the question's blockquote."""
    index = 0
    while index < len(body) and (not body[index].strip() or body[index].lstrip().startswith(">")):
        index += 1
    return index


def _answer_lines(answer: list[str], first: int) -> list[AnswerLine]:
    found = []
    for number, (raw, is_fence, in_code) in enumerate(fence_lines(answer), first):
        if is_fence:
            found.append(AnswerLine(number, raw, True, False))
            continue
        text = raw if in_code else QUOTE_MARK.sub("", raw)
        found.append(AnswerLine(number, text, in_code, not in_code and text.lstrip().startswith("|")))
    while found and not found[-1].text.strip():
        found.pop()
    while found and not found[0].text.strip():
        found.pop(0)
    return found
