"""The report as one fact the rules ask (`repo.report`): its questions and answers, the images
it shows and the github.com repositories it names, each with its line, and this repository's
GitHub slug. The audit parses the report once and hands the result to the Repository; a rule
never reads or scans the report's text itself."""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from auditor.record import record
from auditor.report.answers import AnswerLine, Answers, Question, parse_answers
from auditor.report import fences
from auditor.report.checklist import report_lines
from auditor.report.links import (HTML_IMAGE, MD_IMAGE, MD_LINK, GitHubMention, ImageSource, Reference,
                                  github_mentions, image_source, images, links, relative_path)
from auditor.lazy_pattern import LazyPattern

CHECKLIST_LINE = LazyPattern(r"^\s*[-*+]\s*\[")
SECTION_HEADING = LazyPattern(r"^#{1,4}\s")


@record(frozen=True)
class ReportImage:
    """An image the report shows (Markdown `![alt](src)` or HTML `<img src>`) and where it sits.

    `question` / `asked` are the number and heading of the `### Question N` section the image
    is in (both None outside any question); `in_answer` is True when the line belongs to the
    group's answer, False in the template's prompt (its example figures); `shown` is False
    inside a fenced code block, where the image is written but not rendered."""

    line: int  # 1-based line of the report
    target: str  # the image's source as written (`<...>` brackets removed)
    question: int | None
    asked: str | None
    in_answer: bool
    shown: bool


class ParsedReport:
    """What the report says, read once. Everything is empty when the repository has no report."""

    def __init__(self, path: str | None, text: str | None, answers: Answers | None = None,
                 slug: tuple[str | None, str | None] = (None, None)):
        self.path = path
        self.text = text
        self._answers = answers
        self.slug = slug  # (owner, repo) on GitHub, lowercased; owner None without a GitHub remote

    @cached_property
    def answers(self) -> Answers:
        return self._answers if self._answers is not None else parse_answers(self.text)

    @property
    def questions(self) -> list[Question]:
        return self.answers.questions

    def asking(self, pattern: str | re.Pattern[str]) -> Question | None:
        """The first question whose heading (as asked) matches `pattern`."""
        return self.answers.asking(pattern)

    @cached_property
    def images(self) -> tuple[ReportImage, ...]:
        """Every image of the whole report, in order, each tied to the question it sits under.
        Code blocks are read as the answers are: an answer's own fences, reset at each question."""
        if not self.text:
            return ()
        lines = report_lines(self.text)
        starts = sorted({1, *(q.start for q in self.questions)})   # 1-based; a section's fences end with it
        found = []
        for start, end in zip(starts, [*starts[1:], len(lines) + 1]):
            for number, (line, is_fence, in_code) in enumerate(fences.fence_lines(lines[start - 1:end - 1]), start):
                if not is_fence and ("<img" in line.lower() or "![" in line):
                    found += self._images_on(number, line, in_code)
        return tuple(found)

    def images_under(self, question: Question, answer_only: bool = True) -> list[ReportImage]:
        """The images inside `question`'s section (only those of its answer, unless told)."""
        answer = {line.number for line in question.lines}
        return [i for i in self.images if question.start <= i.line <= question.end
                and (i.line in answer or not answer_only)]

    def passage_after(self, pattern: re.Pattern[str]) -> Question | None:
        """For a report without `### Question N` headings: the text after the first line (not a
        checklist line) matching `pattern`, up to the next heading, as an unnumbered question
        (number 0) whose answer is every line outside blockquotes (the template's prompt)."""
        lines = report_lines(self.text or "")
        start = next((i for i, line in enumerate(lines) if not CHECKLIST_LINE.match(line) and pattern.search(line)), None)
        if start is None:
            return None
        end = next((i for i in range(start + 1, len(lines)) if SECTION_HEADING.match(lines[i])), len(lines))
        answer = []
        for number, (line, is_fence, in_code) in enumerate(fences.fence_lines(lines[start + 1:end]), start + 1):
            if is_fence:
                answer.append(AnswerLine(number + 1, line, True, False))
            elif in_code or not line.lstrip().startswith(">"):
                answer.append(AnswerLine(number + 1, line, in_code, not in_code and line.lstrip().startswith("|")))
        return Question(0, lines[start].strip(), start + 1, end, answer[0].number if answer else None, tuple(answer))

    def _images_on(self, number: int, line: str, in_code: bool) -> list[ReportImage]:
        question = self._question_at(number)
        answer_line = self._answer_lines.get(number)
        shown = not answer_line.in_code if answer_line is not None else not in_code
        matches = sorted((m.start(), m.group("src")) for pattern in (MD_IMAGE, HTML_IMAGE) for m in pattern.finditer(line))
        return [ReportImage(number, _unbracketed(src), question.number if question else None,
                            question.heading if question else None, answer_line is not None, shown)
                for _, src in matches]

    def _question_at(self, number: int) -> Question | None:
        """The question whose section holds line `number` (sections follow each other in order)."""
        index = bisect.bisect_right(self._starts, number) - 1
        question = self.questions[index] if index >= 0 else None
        return question if question is not None and number <= question.end else None

    @cached_property
    def _starts(self) -> list[int]:
        return [q.start for q in self.questions]

    @cached_property
    def _answer_lines(self) -> dict[int, AnswerLine]:
        return {line.number: line for q in self.questions for line in q.lines}

    @cached_property
    def answer_images(self) -> list[Reference]:
        """The answers' images as the answer checks read them (code blocks included, `shown` False)."""
        return images(self.answers)

    @cached_property
    def links(self) -> list[Reference]:
        """Every link of the answers' prose (Markdown, HTML, bare URLs)."""
        return links(self.answers)

    def repository_path(self, href: str) -> str | None:
        """The repository file a link of the report points at (relative to the report), if any."""
        return relative_path(href, self.path) if self.path else None

    def image_source(self, target: str) -> ImageSource:
        """Where an image of the report lives: a file of this repository (relative to the report,
        or a full GitHub URL to this repository on any branch), an upload, or elsewhere."""
        return image_source(target, self.path, self.slug)

    @cached_property
    def prompt_links(self) -> frozenset[str]:
        """The repository files the template's question prompts link ("You can take inspiration from
        [this figure](figures/wandb.png)"): the template ships them, the group did not make them."""
        hrefs = (m.group("href") for q in self.questions for m in MD_LINK.finditer(q.prompt))
        return frozenset(path for href in hrefs if (path := self.repository_path(href)))

    @cached_property
    def github_mentions(self) -> tuple[GitHubMention, ...]:
        """Every github.com repository the report names, anywhere (links, bare URLs, code)."""
        return tuple(github_mentions(self.text or ""))


def _unbracketed(src: str) -> str:
    """`<figures/a b.png>` -> `figures/a b.png` (Markdown's brackets around a source with spaces)."""
    src = src.strip()
    return src[1:-1].strip() if src.startswith("<") and src.endswith(">") else src
