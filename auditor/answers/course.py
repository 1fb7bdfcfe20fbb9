"""The course's own `report.py check`: words per answer and images per question.

The limits below are the ones the course's checker applied to each template (27 questions
in 2023-2024, 31 from 2025). Where the checker changed between versions of one template
(question 3 and 31 of the 31-question one), the range the question itself states
("Recommended answer length: 0-200 words") picks the version the group filled in.
Words are counted as the course counts them: whitespace-separated, everything between
the `Answer:` label and the next heading. Images are `![..](..)`, also in code blocks.
"""

from __future__ import annotations

from auditor.lazy_pattern import LazyPattern
from auditor.model import CourseCheck
from auditor.report.answers import Answers, Question

Limits = tuple[tuple[int, int] | None, tuple[int, int] | None]  # (words, images)
MD_IMAGE = LazyPattern(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,1000}\)")

_W = {
    "a": (100, 200),
    "b": (50, 100),
    "c": (200, 300),
    "d": (50, 200),
    "e": (200, 400),
    "f": (25, 100),
    "g": (0, 200),
}


def _table(spec: str) -> dict[int, Limits]:
    """`3:a 14:c/1-3 19:/1-2 ...` -> {question: (words, images)}; `-` means no limit."""
    table: dict[int, Limits] = {}
    for entry in spec.split():
        number, _, rule = entry.partition(":")
        words, _, pictures = rule.partition("/")
        low, _, high = pictures.partition("-")
        table[int(number)] = (_W.get(words), (int(low), int(high)) if pictures else None)
    return table


LIMITS: dict[int, dict[int, Limits]] = {
    27: _table(
        "1:- 2:- 3:a 4:a 5:a 6:b 7:b 8:a 9:a 10:a 11:c 12:b 13:a 14:c/1-3 15:a 16:a 17:d 18:a "
        "19:/1-2 20:/1-1 21:/1-1 22:a 23:a 24:f 25:e/1-1 26:e 27:d"
    ),
    31: _table(
        "1:- 2:- 3:a 4:a 5:a 6:a 7:b 8:a 9:a 10:a 11:c 12:b 13:a 14:c/1-3 15:a 16:a 17:d 18:a "
        "19:/1-2 20:/1-2 21:/1-2 22:a 23:a 24:a 25:a 26:a 27:a 28:g 29:e/1-1 30:e 31:d"
    ),
}
VARIES = {31: {3, 31}}


def course_checks(answers: Answers) -> list[CourseCheck]:
    """Every constraint of the course's checker, passed or not, question by question."""
    count = len(answers.questions)
    if not count:
        return []
    found: list[CourseCheck] = []
    table = LIMITS.get(count)
    if table is None:
        expected = " or ".join(str(n) for n in LIMITS)
        found.append(CourseCheck(0, None, "questions", f"{expected} questions", f"{count} questions", False))
    for question in answers.questions:
        limits = (table or {}).get(question.number, (None, None))
        if question.number in VARIES.get(count, ()) or table is None:
            limits = (question.stated_length or limits[0], limits[1])
        found += _question_checks(question, limits)
    return found


def _question_checks(question: Question, limits: Limits) -> list[CourseCheck]:
    line = question.answer_start or question.start
    checks = [
        CourseCheck(
            question.number,
            line,
            "answered",
            "an answer",
            "answered" if question.filled else "not answered",
            question.filled,
        )
    ]
    words, pictures = limits
    text = question.answer
    if words is not None:
        count = len(text.split())
        checks.append(
            CourseCheck(
                question.number,
                line,
                "words",
                f"{words[0]}-{words[1]} words",
                f"{count} words",
                words[0] <= count <= words[1],
            )
        )
    if pictures is not None:
        count = len(MD_IMAGE.findall(text))
        checks.append(
            CourseCheck(
                question.number,
                line,
                "images",
                f"{pictures[0]}-{pictures[1]} images",
                f"{count} images",
                pictures[0] <= count <= pictures[1],
            )
        )
    return checks
