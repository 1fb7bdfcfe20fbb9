"""Parsing YAML and TOML safely: the safe loader only, alias bombs refused, errors as messages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

MAX_EXPANDED_NODES = 200_000
# libyaml's safe loader when present (several times faster), else PyYAML's; both only build
# plain data, and aliases stay shared references until _expanded_size has vetted them.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Parsed:
    """A parsed document, or the reason it could not be parsed."""

    data: Any
    error: str | None = None


def parse_yaml(text: str) -> Parsed:
    """The first YAML document of `text`; GitHub's `on:` key is kept as the string 'on'.

    Documents whose aliases would expand past MAX_EXPANDED_NODES (alias bombs) or that
    contain themselves are refused, so no rule can be made to walk forever."""
    try:
        docs = list(yaml.load_all(text, Loader=SAFE_LOADER))
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
