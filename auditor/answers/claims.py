"""What the answers claim per checklist item: their statements, plus what they show.

Besides the sentences (auditor.report.statements), an answer claims an item by showing
it: the architecture question's figure claims `architecture-diagram`, a link to this
repository on github.com claims `code-on-github`.
"""

from __future__ import annotations

import re

from auditor.lazy_pattern import LazyPattern
from auditor.report.answers import Answers
from auditor.report.links import github_path, images, is_this_repository, links
from auditor.report.statements import Statement, statements

ARCHITECTURE = LazyPattern(r"architecture", re.IGNORECASE)
def answer_statements(answers: Answers, slug: tuple[str | None, str | None]) -> dict[str, list[Statement]]:
    """Every statement per item id: the sentences, the architecture figure, links to this repository."""
    found = statements(answers)
    architecture = answers.asking(ARCHITECTURE)
    if architecture is not None:
        shown = [i for i in images(answers) if i.question == architecture.number and i.shown]
        if shown:
            found.setdefault("architecture-diagram", []).insert(
                0,
                Statement(
                    "architecture-diagram",
                    True,
                    architecture.number,
                    shown[0].line,
                    f"shows the figure {shown[0].target}",
                ),
            )
    for link in links(answers):
        place = github_path(link.target)
        if place is not None and is_this_repository(place.owner, place.repo, slug):
            found.setdefault("code-on-github", []).insert(
                0, Statement("code-on-github", True, link.question, link.line, f"links to {link.target}")
            )
            break
    return found
