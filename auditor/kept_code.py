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

import atexit
import base64
import marshal
import sys
import threading
from pathlib import Path
from types import CodeType, FunctionType

FORMAT = 1
MAX_KEPT = 400   # a run uses ~80; tests and other versions leave others, dropped first past this
_lock = threading.Lock()
_kept: dict[str, CodeType] | None = None
_learned: dict[str, CodeType] = {}
_used: set[str] = set()


def function_from_source(source: str, name: str, namespace: dict) -> FunctionType:
    """The function `name` that `exec(source, namespace)` defines (source holds that one `def`)."""
    code = _kept_code().get(source)
    if code is None or code.co_name != name:
        module = compile(source, "<string>", "exec")
        code = next(c for c in module.co_consts if isinstance(c, CodeType) and c.co_name == name)
        _learn(source, code)
    _used.add(source)
    return FunctionType(code, namespace, name)


def _kept_code() -> dict[str, CodeType]:
    global _kept
    if _kept is None:
        with _lock:
            if _kept is None:
                _kept = _read(kept_file())
    return _kept


def _learn(source: str, code: CodeType) -> None:
    with _lock:
        if not _learned:
            atexit.register(store_learned)
        _learned[source] = code


def kept_file() -> Path | None:
    from auditor.user_cache import cache_folder   # here: this module is imported before almost any other

    base = cache_folder()
    if base is None or sys.implementation.cache_tag is None:
        return None
    return base / f"kept-code-{sys.implementation.cache_tag}.json"


def _stamp() -> list:
    return [FORMAT, sys.version, marshal.version]


def _read(path: Path | None) -> dict[str, CodeType]:
    from auditor.user_cache import read_stamped

    found = {}
    for source, text in read_stamped(path, _stamp(), "code").items():
        try:
            code = marshal.loads(base64.b64decode(text, validate=True))
        except (TypeError, ValueError, EOFError):
            continue
        if isinstance(code, CodeType):
            found[source] = code
    return found


def store_learned() -> None:
    """At exit (and where a process ends without exit handlers, as a forked batch worker does): the
    code compiled this run, added to what is kept; past MAX_KEPT, what this run did not use is
    dropped first. Once stored, it is not stored again."""
    import json

    from auditor.user_cache import write_whole

    path = kept_file()
    with _lock:
        learned, used = dict(_learned), set(_used)
        _learned.clear()
    if path is None or not learned:
        return
    kept = {**_read(path), **learned}
    if len(kept) > MAX_KEPT:
        kept = {source: kept[source] for source in sorted(kept, key=lambda source: source not in used)[:MAX_KEPT]}
    texts = {source: base64.b64encode(marshal.dumps(code)).decode("ascii") for source, code in kept.items()}
    write_whole(path, lambda out: json.dump({"stamp": _stamp(), "code": texts}, out, separators=(",", ":")))
