"""Module-level patterns most audits never use, compiled on first use instead of at import.

`lazy(source, flags)` stands in for `re.compile(source, flags)`: the first attribute asked for
(`search`, `match`, `pattern` ...) compiles it, and the compiled pattern's methods are then kept
on the object, so later calls cost what a compiled pattern's calls cost.
"""

from __future__ import annotations

import re

KEPT = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "pattern", "flags",
        "groups", "groupindex")


class LazyPattern:
    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags

    def __getattr__(self, name: str):  # only until the first use: then KEPT names are set on the object
        compiled = re.compile(self._source, self._flags)
        for kept in KEPT:
            setattr(self, kept, getattr(compiled, kept))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r}, {self._flags!r})"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(source, flags)
