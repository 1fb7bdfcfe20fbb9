"""Regex programs kept across runs: a LazyPattern is rebuilt from the program `re` made for its
source in an earlier run, not parsed and compiled again (an audit compiles ~175 of them, ~0.1 ms
each; rebuilding one costs microseconds).

A pattern not kept yet is compiled as `re` compiles it (parsed, turned into CPython's program by
`re._compiler._code`, built by `_sre.compile`), which leaves its program at hand to keep: a first
run costs what it did. That way of compiling is checked against `re.compile` on a few patterns once a
run before it is used. Programs are kept per Python build, in the user's cache. Anything missing,
stale, corrupt or unexpected (another interpreter, a changed `re`) falls back to `re.compile`: only
speed changes.
Only the auditor's own patterns (and those its parser libraries compile when imported) come here,
never a pattern built from an audited repository's text.
"""

from __future__ import annotations

import re
import sys
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor.user_cache import KeptAcrossRuns, cache_folder

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # another Python implementation: every pattern is compiled as usual
    _sre = None

# The auditor has ~800 patterns; the file is read whole on every run (~1 ms per 200 programs), so
# programs no run has asked for lately make way for new ones (tests and other versions leave some).
MAX_PROGRAMS = 1200
# `re.compile` itself, kept apart: while a parser library is imported, `re.compile` is pointed here
# (auditor.facts.structured).
RE_COMPILE = re.compile


def compiled(source: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, rebuilt from a stored program when there is one; else compiled
    as `re` compiles it, its program kept for the next run."""
    key = f"{flags}:{source}"
    entry = KEPT.get(key)
    if entry is not None:
        pattern = _rebuilt(source, entry)
        if pattern is not None:
            return pattern
    made = _made(source, flags) if _compiles_as_re() and not flags & re.DEBUG else None
    if made is None:
        return RE_COMPILE(source, flags)
    pattern, entry = made
    KEPT.learn(key, entry)
    return pattern


def _rebuilt(source: str, entry: list[Any]) -> re.Pattern[str] | None:
    try:
        flags, code, groups, groupindex, indexgroup = entry
        return _sre.compile(source, flags, _code_list(code), groups, groupindex, tuple(indexgroup))
    except (TypeError, ValueError, KeyError, RuntimeError, OverflowError, AttributeError):
        return None


# A program's code is kept as the bytes of its words (one string of bytes reads far faster than thousands of numbers).
CODE_WORD = {2: "H", 4: "I", 8: "Q"}


def _code_bytes(code: list[int]) -> bytes:
    return array(CODE_WORD[_sre.CODESIZE], code).tobytes()


def _code_list(data: bytes) -> list[int]:
    words = array(CODE_WORD[_sre.CODESIZE])
    words.frombytes(data)
    return words.tolist()


def _made(source: str, flags: int) -> tuple[re.Pattern[str], list[Any]] | None:
    """The pattern compiled as `re._compiler.compile` compiles it (parsed, turned into a program, built
    by `_sre.compile`), and that program: its flags, code, groups and group names."""
    try:
        flags = int(flags)
        tree = _parser.parse(source, flags)
        code = [int(op) for op in _compiler._code(tree, flags)]
        groupindex = dict(tree.state.groupdict)
        indexgroup = [None] * tree.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        entry = [int(flags | tree.state.flags), _code_bytes(code), tree.state.groups - 1, groupindex, indexgroup]
    except Exception:  # noqa: BLE001 - re's internals differ here (or a word does not fit): compiled by re
        return None
    pattern = _rebuilt(source, entry)
    return None if pattern is None else (pattern, entry)


# Patterns whose compiling the way `re` does is checked against `re.compile` once a run, before any other
# pattern is compiled that way: named and numbered groups, case folding, flags, classes beyond ASCII.
PROBES = ((r"(?P<name>a+)|(b)\2", 0), (r"\bdvc\s+pull\b", re.IGNORECASE), (r"^x$", re.MULTILINE),
          (r"[^\x00-\x7f]|\u017f", re.IGNORECASE | re.DOTALL))


@lru_cache(maxsize=1)
def _compiles_as_re() -> bool:
    if _sre is None:
        return False
    for source, flags in PROBES:
        made, expected = _made(source, flags), RE_COMPILE(source, flags)
        if made is None or not same_pattern(made[0], expected):
            return False
    return True


def same_pattern(pattern: re.Pattern[str], expected: re.Pattern[str]) -> bool:
    """The same program (code and flags, which Pattern equality compares) and the same groups."""
    return pattern == expected and (pattern.groups, pattern.groupindex) == (expected.groups, expected.groupindex)


def program_file() -> Path | None:
    """$XDG_CACHE_HOME/auditor (or ~/.cache/auditor), one file per Python build; None without a home."""
    base = cache_folder()
    if base is None or _sre is None:
        return None
    implementation = sys.implementation
    tag = f"{implementation.name}-{implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return base / f"regex-programs-{tag}.marshal"


FORMAT = 2


def _stamp() -> list[Any]:
    return [FORMAT, sys.version, _sre.MAGIC, _sre.CODESIZE, sys.maxunicode]


# Programs this run compiled are added to the file at exit; past MAX_PROGRAMS, those this run neither
# compiled nor rebuilt are dropped first.
KEPT = KeptAcrossRuns(lambda: program_file(), lambda: _stamp(), "programs", MAX_PROGRAMS, family="regex-programs-*",
                      valid=lambda entry: isinstance(entry, list) and len(entry) == 5)
store_learned = KEPT.store_learned
