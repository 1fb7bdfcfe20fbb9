"""Mentions read as YAML values: in a YAML file (a workflow, a Cloud Build config, a compose, service or
training config) a line counts only when what matched is not in a comment and sits in the parsed
document, in a key, a value or a `key: value` pair (quotes, spacing around `:` and case aside). A YAML
file that does not parse counts by its lines outside comments, what it still shows (as a workflow
that does not parse does); other files count by their lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from auditor.lazy_pattern import LazyPattern

YAML_PATH = LazyPattern(r"\.ya?ml$", re.IGNORECASE)
COMMENT_START = LazyPattern(r"(^|\s)#")
QUOTES = LazyPattern(r"[\"']")
COLON = LazyPattern(r"\s*:\s*")
CANDIDATES_PER_MENTION = 10   # lines grepped for each one kept: a commented line costs one of them
MAX_STRINGS = 100_000         # a document holding more is searched on its first strings only


def mentions(repo, pattern: re.Pattern[str], *globs: str, limit: int = 20) -> list:
    """The first `limit` lines of the files `globs` select that mention `pattern`, a YAML file's lines
    only where the mention is one of its values (grep finds the candidates, the parsed file decides)."""
    strings: dict[str, frozenset[str] | None] = {}
    kept = []
    for hit in repo.grep(pattern, *globs, limit=limit * CANDIDATES_PER_MENTION):
        if not YAML_PATH.search(hit.path) or _is_value(repo, hit, pattern, strings):
            kept.append(hit)
            if len(kept) == limit:
                break
    return kept


def _is_value(repo, hit, pattern: re.Pattern[str], strings: dict[str, frozenset[str] | None]) -> bool:
    match = pattern.search(hit.text)
    if match is None or COMMENT_START.search(hit.text[:match.start()]):
        return False
    if hit.path not in strings:
        parsed = repo.yaml(hit.path)
        strings[hit.path] = None if parsed.error else frozenset(_strings(parsed.data))
    if strings[hit.path] is None:
        return True
    mentioned = _normalised(match.group(0).strip().lstrip("-,{[ "))   # a list item, a flow mapping
    return any(mentioned in text for text in strings[hit.path])


def _normalised(text: str) -> str:
    return COLON.sub(": ", QUOTES.sub("", text)).lower()


def _strings(data: Any) -> Iterator[str]:
    """Every string of a parsed document, normalised: its strings, and each key alone and as
    `key: value` (the value written when it is a scalar), depth first."""
    pending, seen = [data], 0
    while pending and seen < MAX_STRINGS:
        node = pending.pop()
        seen += 1
        if isinstance(node, str):
            yield _normalised(node)
        elif isinstance(node, dict):
            yield from (_normalised(_pair(key, value)) for key, value in node.items())
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _pair(key: Any, value: Any) -> str:
    if isinstance(value, bool):
        value = str(value).lower()
    return f"{key}: {value}" if value is not None and not isinstance(value, (dict, list)) else f"{key}: "
