"""Parsing YAML and TOML safely: the safe loader only, alias bombs refused, errors as messages."""

from __future__ import annotations

import importlib
import json
import re
import sys
import threading
from types import ModuleType
from typing import Any

from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.regex_programs import compiled

# The class of printable characters PyYAML's pure-Python reader compiles when imported: all of
# Unicode in ranges, the costliest pattern of an audit (~5 ms); libyaml's loader never reads it.
PURE_READER_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
_IMPORTING_PARSER = threading.Lock()


def import_parser(name: str) -> ModuleType:
    """A parser library whose import compiles its patterns: each is rebuilt from the program an
    earlier run kept (auditor.regex_programs), and PyYAML's printable class is left until used."""
    if name in sys.modules:
        return sys.modules[name]
    with _IMPORTING_PARSER:
        compile_now = re.compile

        def compile_from_kept_programs(pattern, flags=0):
            if pattern == PURE_READER_PRINTABLE and flags == 0:
                return LazyPattern(pattern)
            if isinstance(pattern, str) and isinstance(flags, int):
                return compiled(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_from_kept_programs
        try:
            return importlib.import_module(name)
        finally:
            re.compile = compile_now


yaml = import_parser("yaml")

MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 100
# libyaml's safe loader when present (several times faster), else PyYAML's; both only build
# plain data, and aliases stay shared references until _expanded_size has vetted them.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@record(frozen=True)
class Parsed:
    """A parsed document, or the reason it could not be parsed."""

    data: Any
    error: str | None = None


def parse_yaml(text: str) -> Parsed:
    """The first YAML document of `text`; GitHub's `on:` key is kept as the string 'on'.

    Documents that nest deeper than MAX_DEPTH, contain themselves or whose aliases would
    expand past MAX_EXPANDED_NODES (alias bombs) are refused, so no rule walks forever."""
    try:
        if _may_nest_deeper(text, MAX_DEPTH) and _event_depth(text) > MAX_DEPTH:
            return Parsed(None, f"refused YAML: nested more than {MAX_DEPTH} levels deep")
        docs = list(yaml.load_all(text, Loader=SAFE_LOADER))
    except yaml.YAMLError as exc:
        if _is_depth_limit(exc):
            return Parsed(None, f"refused YAML: nested more than {MAX_DEPTH} levels deep")
        return Parsed(None, f"invalid YAML: {_first_line(exc)}")
    except (RecursionError, ValueError, TypeError) as exc:
        return Parsed(None, f"invalid YAML: {exc}")
    docs = [d for d in docs if d is not None]
    data = docs[0] if docs else None
    refusal = _refusal(data)
    if refusal:
        return Parsed(None, f"refused YAML: {refusal}")
    if isinstance(data, dict) and True in data and "on" not in data:
        data = {("on" if k is True else k): v for k, v in data.items()}
    return Parsed(data)


def _is_depth_limit(exc: yaml.YAMLError) -> bool:
    """libyaml 0.2.5+ as bundled by PyYAML >= 6.0.4 refuses deep flow nesting itself, as a
    scanner error; that is the same refusal as ours, not a broken document."""
    return "maximum nesting depth" in str(getattr(exc, "problem", "") or exc)


def _may_nest_deeper(text: str, limit: int) -> bool:
    """False when the text cannot nest deeper than `limit`: the parser opens every sequence or
    mapping at an indicator of its own ('-', '?', ':', '[' or '{'), so nesting never exceeds
    their count (most files have fewer than the limit and skip the event pass)."""
    return sum(map(text.count, "-?:[{")) > limit


def _event_depth(text: str) -> int:
    """The deepest nesting of the document, read from parser events before anything is built
    (libyaml's composer recurses in C: a deep enough document would crash the process)."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return deepest


def _refusal(root: Any) -> str | None:
    """Why a parsed document is unsafe to walk: nested too deeply, containing itself, or with
    aliases that would expand past MAX_EXPANDED_NODES. Counted without expanding anything."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(root, 0, True)]
    while stack:
        node, depth, entering = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        if entering:
            if key in sizes:
                continue
            if key in on_path:
                return "a node contains itself (recursive document)"
            if depth > MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep"
            on_path.add(key)
            stack.append((node, depth, False))
            stack.extend((child, depth + 1, True) for child in children if isinstance(child, (dict, list)))
        else:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[key] > MAX_EXPANDED_NODES:
                return f"aliases expand to more than {MAX_EXPANDED_NODES} nodes (an alias bomb)"
    return None


def parse_json(text: str) -> Parsed:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return Parsed(None, f"invalid JSON: {exc}")
    refusal = _refusal(data)
    return Parsed(None, f"refused JSON: {refusal}") if refusal else Parsed(data)


def parse_toml(text: str) -> Parsed:
    tomllib = import_parser("tomllib")  # ~2 ms to import, and 4 of the 21 corpus repositories have no TOML file

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
