"""Numbers the answers state: how many tests, what coverage.

Students write "7", "We implemented two tests", "in total 9 unit tests ... also 2
integration tests", "a total code coverage of $70\\%$", "approximately 35-40%". The
readers below keep the line the number was read from, so a finding can point at it.
"""

from __future__ import annotations

import re

from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.report.answers import Question

WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
COUNT = r"(?P<n>\d{1,4}|" + "|".join(WORDS) + r")"
# "7 tests", "9 UNIT tests", "2 integration tests", "1 performance test"; not "3 test files"
TEST_COUNT = LazyPattern(
    COUNT
    + r"\s+(?P<kind>(?:[\w-]+\s+){0,3}?)(?:unit\s*)?tests?\b"
    + r"(?!\s*(?:files?|modules?|scripts?|folders?|suites?|cases?|classes?|directory))",
    re.IGNORECASE,
)
# the next two serve only some answers: compiled on first use
BARE_COUNT = LazyPattern(r"\W*" + COUNT + r"\W*", re.IGNORECASE)  # an answer that is only a number
ADDITION = LazyPattern(
    r"^\W*(also|additionally|in addition|finally|furthermore|moreover|besides|lastly|plus)\b"
    r"|\b(also|additionally|as well)\b",
    re.IGNORECASE,
)
RULE_LINE = LazyPattern(r"[-*_=]{3,}")   # a horizontal rule, or the 2023 template's bare `---` around the answer
BLOCK_START = LazyPattern(r"([-*+•]|\d{1,2}[.)]|#|>|\||!\[)\s*")   # a list item, heading, quote, table row or image
SENTENCE_END = LazyPattern(r"(?<=[.!?])\s+(?=[A-Z(\[`*_])")
PERCENT = LazyPattern(
    r"(?P<n>\d{1,3}(?:[.,]\d+)?)\s*(?:(?:-|–|to)\s*\d{1,3}(?:[.,]\d+)?\s*)?(?:\\?%|percent\b)",
    re.IGNORECASE,
)
ALL_CODE = LazyPattern(r"\ball\s+(?:of\s+)?(?:our|the)\s+(?:\w+\s+){0,2}(?:code|files)\b", re.IGNORECASE)
TOTAL = LazyPattern(r"\b(total|overall)\b", re.IGNORECASE)
HYPOTHETICAL = LazyPattern(r"\b(even|would|could|if|close to|near|never|not)\b", re.IGNORECASE)
ABOUT_COVERAGE = LazyPattern(r"coverage|covere", re.IGNORECASE)


@record(frozen=True)
class Stated:
    """A number an answer states, where, and the words it was read from."""

    value: float
    line: int
    quote: str


def sentences(question: Question) -> list[tuple[int, str]]:
    """(line, sentence) of the answer's prose; a sentence keeps the line it starts on."""
    found: list[tuple[int, str]] = []
    for paragraph in _paragraphs(question):
        text = " ".join(text for _, text in paragraph)
        starts = _line_starts(paragraph)
        at = 0
        for part in SENTENCE_END.split(text):
            begin = text.find(part, at)
            at = begin + len(part)
            if part.strip():
                line = next(number for offset, number in reversed(starts) if offset <= begin)
                found.append((line, part.strip()))
    return found


def _paragraphs(question: Question) -> list[list[tuple[int, str]]]:
    """The prose's lines grouped into paragraphs: a hard-wrapped sentence ("we did not\nuse DVC")
    reads as one. A blank line, a list item, a heading or a quote starts a new paragraph."""
    paragraphs: list[list[tuple[int, str]]] = []
    previous_blank = True
    for line in question.prose():
        text = line.text.strip()
        if not text or RULE_LINE.fullmatch(text):
            previous_blank = True
            continue
        if previous_blank or BLOCK_START.match(text) or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append((line.number, text))
        previous_blank = False
    return paragraphs


def _line_starts(paragraph: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """(offset in the joined paragraph, line number) of each line."""
    starts, offset = [], 0
    for number, text in paragraph:
        starts.append((offset, number))
        offset += len(text) + 1
    return starts


def tests_claimed(question: Question | None) -> Stated | None:
    """The number of tests an answer claims: a bare number, or the first "N tests" plus the
    counts it adds later ("there are also 2 integration tests")."""
    if question is None or not question.filled:
        return None
    prose = [line for line in question.prose() if line.text.strip()]
    if len(prose) == 1:
        bare = BARE_COUNT.fullmatch(prose[0].text.strip())
        if bare:
            return Stated(_number(bare.group("n")), prose[0].number, prose[0].text.strip())
    total: Stated | None = None
    for line, sentence in sentences(question):
        for match in TEST_COUNT.finditer(sentence):
            value = _number(match.group("n"))
            if total is None:
                total = Stated(value, line, sentence[:160])
            elif ADDITION.search(sentence[: match.start()]):
                total = Stated(total.value + value, total.line, total.quote)
    return total


def coverage_claimed(question: Question | None) -> Stated | None:
    """The total coverage an answer states: a percentage said of all the code, else of the
    total, else the only percentage of a plain sentence about coverage."""
    if question is None or not question.filled:
        return None
    said = [
        (line, s, [m for m in PERCENT.finditer(s) if not _hypothetical_hundred(s, m)])
        for line, s in sentences(question)
    ]
    said = [(line, s, ms) for line, s, ms in said if ms]
    for wanted in (ALL_CODE, TOTAL):
        for line, sentence, matches in said:
            if wanted.search(sentence):
                return Stated(_number(matches[0].group("n")), line, sentence[:160])
    plain = [
        (line, s, ms)
        for line, s, ms in said
        if ABOUT_COVERAGE.search(s) and not HYPOTHETICAL.search(s)
    ]
    if len(plain) == 1 and len(plain[0][2]) == 1:
        line, sentence, matches = plain[0]
        return Stated(_number(matches[0].group("n")), line, sentence[:160])
    return None


def _hypothetical_hundred(sentence: str, match: re.Match[str]) -> bool:
    """ "Even with 100% coverage ..." is a thought, not a result."""
    return _number(match.group("n")) == 100 and bool(HYPOTHETICAL.search(sentence))


def _number(text: str) -> float:
    text = text.lower().replace(",", ".")
    value = WORDS[text] if text in WORDS else float(text)
    return int(value) if float(value).is_integer() else value
