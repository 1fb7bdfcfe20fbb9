"""A regex kept as its source until its first use: a run compiles only the patterns it needs."""

from __future__ import annotations

import re
from functools import cached_property

from auditor.record import record


@record(frozen=True)
class LazyPattern:
    """Stands in for `re.compile(pattern, flags)`; equal and hashed by source and flags."""

    pattern: str
    flags: int = 0

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)
