"""Functions the auditor writes as source at run time (each record's `__init__`, auditor.record),
compiled once and kept across runs: an audit builds ~80 of them, ~0.12 ms of compiling each, and a
kept one is rebuilt from its code object in microseconds.

The code objects are kept per Python build in the user's cache (`marshal` data, as Python keeps
its own bytecode), keyed by the function's whole source: a source not kept yet is compiled as
`exec` would compile it, and kept for the next run. Anything missing, stale, corrupt or unexpected
is compiled again: only speed changes. Only the auditor's own generated source comes here, never
anything read from an audited repository.
"""

from __future__ import annotations

import marshal
import sys
from pathlib import Path
from types import CodeType, FunctionType

from auditor.user_cache import KeptAcrossRuns, cache_folder

FORMAT = 2
MAX_KEPT = 400   # a run uses ~80; tests and other versions leave others, dropped first past this


def kept_file() -> Path | None:
    base = cache_folder()
    if base is None or sys.implementation.cache_tag is None:
        return None
    return base / f"kept-code-{sys.implementation.cache_tag}.marshal"


def _stamp() -> list:
    return [FORMAT, sys.version, marshal.version]


KEPT = KeptAcrossRuns(lambda: kept_file(), lambda: _stamp(), "code", MAX_KEPT, family="kept-code-*",
                      valid=lambda entry: isinstance(entry, bytes))
store_learned = KEPT.store_learned


def function_from_source(source: str, name: str, namespace: dict) -> FunctionType:
    """The function `name` that `exec(source, namespace)` defines (source holds that one `def`)."""
    code = _code(KEPT.get(source))
    if code is None or code.co_name != name:
        module = compile(source, "<string>", "exec")
        code = next(c for c in module.co_consts if isinstance(c, CodeType) and c.co_name == name)
        KEPT.learn(source, marshal.dumps(code))
    return FunctionType(code, namespace, name)


def _code(kept: bytes | None) -> CodeType | None:
    if kept is None:
        return None
    try:
        code = marshal.loads(kept)
    except (TypeError, ValueError, EOFError):
        return None
    return code if isinstance(code, CodeType) else None
