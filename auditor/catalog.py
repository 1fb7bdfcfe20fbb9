"""The item catalogue: every rule's metadata, read from the YAML definitions in `rules/`.

The YAML files are the single source of the ids, codes, titles, report wording and
evidence definitions; `auditor rules` and `auditor explain` print them from here.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.digests import sha256
from auditor.facts.structured import SAFE_LOADER, yaml
from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record
from auditor.user_cache import cache_folder, tidy_after_writing, write_whole

WEEK_ORDER = ("1", "2", "3", "extra")
MODULE_NUMBER = LazyPattern(r"M\d+")


@record(frozen=True)
class RuleSpec:
    id: str
    code: str
    module: str | None
    week: str
    title: str
    strong: str
    weak: str
    match: tuple[LazyPattern, ...]   # report wording, compiled when a checklist line holds its words
    also_claims: dict[str, LazyPattern] = field(default_factory=dict)
    evidence: tuple[dict[str, Any], ...] = ()
    na: bool = False
    na_when_absent: bool = False
    probe: str | None = None
    # the shared weak tail: {files, file, imports, imported, uncalled, scope, mentioned, declared, but}
    unused: dict[str, Any] | None = None
    template_is_evidence: bool = False   # the template itself is what the item asks for (cookiecutter)
    frameworks: tuple[str, ...] = ()     # the libraries and tools the probe recognises as doing the item's job
    # a combined item's parts: name -> (the words an answer names it by, the words its evidence names)
    parts: dict[str, tuple[LazyPattern, LazyPattern]] = field(default_factory=dict)
    order: int = 0

    @property
    def modules(self) -> set[str]:
        return set(MODULE_NUMBER.findall(self.module or ""))


def _spec(data: dict[str, Any], order: int) -> RuleSpec:
    return RuleSpec(
        id=data["id"],
        code=data["code"],
        module=data.get("module"),
        week=str(data["week"]),
        title=data["title"],
        strong=data.get("strong", ""),
        weak=data.get("weak", ""),
        match=tuple(LazyPattern(p, re.IGNORECASE) for p in data.get("match", [])),
        also_claims={k: LazyPattern(v, re.IGNORECASE) for k, v in (data.get("also_claims") or {}).items()},
        evidence=tuple(data.get("evidence") or ()),
        na=bool(data.get("na", False)),
        na_when_absent=bool(data.get("na_when_absent", False)),
        probe=data.get("probe"),
        unused=data.get("unused"),
        template_is_evidence=bool(data.get("template_is_evidence", False)),
        frameworks=tuple(str(f) for f in data.get("frameworks") or ()),
        parts=_parts(data.get("parts") or {}),
        order=order,
    )


def _parts(data: dict[str, Any]) -> dict[str, tuple[LazyPattern, LazyPattern]]:
    return {
        name: (LazyPattern(part["said"], re.IGNORECASE), LazyPattern(part["found"], re.IGNORECASE))
        for name, part in data.items()
    }


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    """Where the rule definitions are: `rules/` of the source tree this package runs from, else
    the copy installed inside the package. Registered as the package `auditor.rules`, so
    probes import their shared helpers from there whichever copy is used."""
    here = Path(__file__).resolve().parent
    source_tree = here.parent / "rules"
    candidates = [source_tree] if (here.parent / "pyproject.toml").is_file() else []
    for candidate in (*candidates, here / "rules"):
        if (candidate / "__init__.py").is_file() and any(candidate.glob("*.yaml")):
            _register_rules_package(candidate)
            return candidate
    raise FileNotFoundError("the rule definitions (rules/*.yaml) are missing from this installation")


def _register_rules_package(folder: Path) -> None:
    loaded = sys.modules.get("auditor.rules")
    if loaded is not None and [str(folder)] == list(getattr(loaded, "__path__", [])):
        return
    package = types.ModuleType("auditor.rules", "Rule definitions and probes.")
    package.__path__ = [str(folder)]
    package.__package__ = "auditor.rules"
    sys.modules["auditor.rules"] = package


@lru_cache(maxsize=1)
def load_catalog() -> tuple[RuleSpec, ...]:
    """All rule specs in the spec's order (by code)."""
    raw = rule_definitions(rules_dir())
    raw.sort(key=lambda d: d["code"])
    return tuple(_spec(d, i) for i, d in enumerate(raw))


def rule_definitions(folder: Path) -> list[dict[str, Any]]:
    """The parsed YAML of every rule file, from the user's cache when it was made from these
    very files (same names, sizes and modification times, same auditor, Python and PyYAML)."""
    paths = sorted(folder.glob("*.yaml"))
    files = [[path.name, (info := path.stat()).st_size, info.st_mtime_ns] for path in paths]
    key = [__version__, sys.version, yaml.__version__, str(folder), files]
    cache = _cache_file(folder)
    cached = _read_cached(cache, key) if cache else None
    if cached is not None:
        return cached
    raw = [yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) for path in paths]
    if cache and not _changed_lately(files):
        _write_cached(cache, key, raw)
    return raw


RACY_SECONDS = 2


def _changed_lately(files: list[list[Any]]) -> bool:
    """Whether a rule file changed so lately that a second change could keep its size and
    modification time (a coarse file-system clock): such files are not cached."""
    newest = max((mtime for _, _, mtime in files), default=0)
    return time.time_ns() - newest < RACY_SECONDS * 1_000_000_000


def _cache_file(folder: Path) -> Path | None:
    """One cache file per rules folder (an installed copy and a source checkout keep their own),
    in the auditor's cache folder; None when there is no home to put it in."""
    base = cache_folder()
    if base is None:
        return None
    name = sha256(str(folder).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return base / f"catalog-{name}.json"


def _read_cached(cache: Path, key: list[Any]) -> list[dict[str, Any]] | None:
    """The cached definitions, or None when the cache is missing, unreadable, corrupt or stale."""
    try:
        stored = json.loads(cache.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    definitions = stored.get("definitions")
    if not isinstance(definitions, list) or not all(isinstance(d, dict) for d in definitions):
        return None
    return definitions


def _write_cached(cache: Path, key: list[Any], raw: list[Any]) -> None:
    """Keep the definitions for the next run, whole or not at all; only what JSON gives back
    unchanged is kept, and a cache that cannot be written is silently done without."""
    try:
        text = json.dumps({"key": key, "definitions": raw})
        if json.loads(text) != {"key": key, "definitions": raw}:
            return
    except (TypeError, ValueError):
        return
    if write_whole(cache, lambda out: out.write(text)):
        tidy_after_writing(cache, "catalog-*.json")   # those of checkouts gone or long unused


def by_id() -> dict[str, RuleSpec]:
    return {spec.id: spec for spec in load_catalog()}
