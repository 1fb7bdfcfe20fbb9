"""Mentions read as YAML values: in a YAML file (a workflow, a Cloud Build config, a compose or service
file) a line counts only when what matched sits in one of the parsed document's strings, a key or a
value, not in a comment and not in a file that does not parse; other files count by their lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

YAML_PATH = re.compile(r"\.ya?ml$", re.IGNORECASE)
COMMENT_START = re.compile(r"(^|\s)#")
CANDIDATES_PER_MENTION = 10   # lines grepped for each one kept: a commented line costs one of them
MAX_STRINGS = 100_000         # a document holding more is searched on its first strings only


def mentions(repo, pattern: re.Pattern[str], *globs: str, limit: int = 20) -> list:
    """The first `limit` lines of the files `globs` select that mention `pattern`, a YAML file's lines
    only where the mention is one of its values (grep finds the candidates, the parsed file decides)."""
    strings: dict[str, frozenset[str]] = {}
    kept = []
    for hit in repo.grep(pattern, *globs, limit=limit * CANDIDATES_PER_MENTION):
        if not YAML_PATH.search(hit.path) or _is_value(repo, hit, pattern, strings):
            kept.append(hit)
            if len(kept) == limit:
                break
    return kept


def _is_value(repo, hit, pattern: re.Pattern[str], strings: dict[str, frozenset[str]]) -> bool:
    match = pattern.search(hit.text)
    if match is None or COMMENT_START.search(hit.text[:match.start()]):
        return False
    if hit.path not in strings:
        parsed = repo.yaml(hit.path)
        strings[hit.path] = frozenset() if parsed.error else frozenset(_strings(parsed.data))
    return any(match.group(0) in text for text in strings[hit.path])


def _strings(data: Any) -> Iterator[str]:
    """Every string of a parsed document, keys included, depth first."""
    pending, seen = [data], 0
    while pending and seen < MAX_STRINGS:
        node = pending.pop()
        if isinstance(node, str):
            seen += 1
            yield node
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
