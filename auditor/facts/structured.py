"""Parsing YAML and TOML safely: the safe loader only, alias bombs refused, errors as messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

MAX_ALIASES = 200
MAX_EXPANDED_NODES = 200_000


class _BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more aliases than any honest config needs."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases (refused as a possible alias bomb)")
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class Parsed:
    """A parsed document, or the reason it could not be parsed."""

    data: Any
    error: str | None = None


def parse_yaml(text: str) -> Parsed:
    """The first YAML document of `text`; GitHub's `on:` key is kept as the string 'on'."""
    try:
        docs = list(yaml.load_all(text, Loader=_BoundedSafeLoader))
    except yaml.YAMLError as exc:
        return Parsed(None, f"invalid YAML: {_first_line(exc)}")
    except (RecursionError, ValueError, TypeError) as exc:
        return Parsed(None, f"invalid YAML: {exc}")
    docs = [d for d in docs if d is not None]
    data = docs[0] if docs else None
    if _expanded_size(data, {}) > MAX_EXPANDED_NODES:
        return Parsed(None, f"invalid YAML: aliases expand to more than {MAX_EXPANDED_NODES} nodes (refused as an alias bomb or a recursive document)")
    if isinstance(data, dict) and True in data and "on" not in data:
        data = {("on" if k is True else k): v for k, v in data.items()}
    return Parsed(data)


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """Nodes the document would have with every alias expanded, counted without expanding it."""
    if not isinstance(node, (dict, list)):
        return 1
    key = id(node)
    if memo.get(key) == -1:
        return MAX_EXPANDED_NODES + 1  # a node that contains itself: refused like a bomb
    if key not in memo:
        memo[key] = -1
        children = list(node.keys()) + list(node.values()) if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += _expanded_size(child, memo)
            if total > MAX_EXPANDED_NODES:
                break
        memo[key] = total
    return memo[key]


def parse_toml(text: str) -> Parsed:
    try:
        return Parsed(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        return Parsed(None, f"invalid TOML: {exc}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"{problem} (line {mark.line + 1})"
    return text.splitlines()[0] if text else exc.__class__.__name__
