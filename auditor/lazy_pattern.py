"""A regex kept as its source until its first use: a run compiles only the patterns it needs."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from auditor.record import record
from auditor.regex_programs import compiled


@record(frozen=True)
class LazyPattern:
    """Stands in for `re.compile(pattern, flags)`; equal and hashed by source and flags.

    Any method of the compiled pattern (`search`, `sub`, `finditer` ...) compiles it on first use;
    the bound method is then kept on the instance, so later calls cost what the compiled one's do."""

    pattern: str
    flags: int = 0

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return compiled(self.pattern, self.flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        method = getattr(self.compiled, name)
        self.__dict__[name] = method
        return method

    def __getstate__(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "flags": self.flags}
