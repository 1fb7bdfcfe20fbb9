"""Git LFS: the path patterns `.gitattributes` files hand to the `lfs` filter."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.record import record

if TYPE_CHECKING:
    from auditor.facts.repository import Repository

@record(frozen=True)
class LfsPattern:
    pattern: str   # as written, relative to the folder of its .gitattributes
    path: str      # the .gitattributes file
    line: int


def read_lfs_patterns(repo: "Repository") -> list[LfsPattern]:
    found = []
    for path in repo.glob(".gitattributes", "**/.gitattributes"):
        for number, line in enumerate((repo.text(path).text or "").splitlines(), 1):
            if not line.strip().startswith("#") and re.search(r"filter=lfs", line):
                found.append(LfsPattern(line.split()[0], path, number))
    return found
