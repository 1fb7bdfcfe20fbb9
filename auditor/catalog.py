"""The item catalogue: every rule's metadata, read from the YAML definitions in `rules/`.

The YAML files are the single source of the ids, codes, titles, report wording and
evidence definitions; `auditor rules` and `auditor explain` print them from here.
"""

from __future__ import annotations

import re
import sys
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from auditor.facts.structured import SAFE_LOADER
from auditor.record import field, record

WEEK_ORDER = ("1", "2", "3", "extra")


@record(frozen=True)
class RuleSpec:
    id: str
    code: str
    module: str | None
    week: str
    title: str
    strong: str
    weak: str
    match: tuple[re.Pattern[str], ...]
    also_claims: dict[str, re.Pattern[str]] = field(default_factory=dict)
    evidence: tuple[dict[str, Any], ...] = ()
    na: bool = False
    na_when_absent: bool = False
    probe: str | None = None
    unused: dict[str, Any] | None = None   # the shared weak tail: {imports, imported, scope, declared, but}
    template_is_evidence: bool = False   # the template itself is what the item asks for (cookiecutter)
    frameworks: tuple[str, ...] = ()     # the libraries and tools the probe recognises as doing the item's job
    order: int = 0

    @property
    def modules(self) -> set[str]:
        return set(re.findall(r"M\d+", self.module or ""))


def _spec(data: dict[str, Any], order: int) -> RuleSpec:
    return RuleSpec(
        id=data["id"],
        code=data["code"],
        module=data.get("module"),
        week=str(data["week"]),
        title=data["title"],
        strong=data.get("strong", ""),
        weak=data.get("weak", ""),
        match=tuple(re.compile(p, re.IGNORECASE) for p in data.get("match", [])),
        also_claims={k: re.compile(v, re.IGNORECASE) for k, v in (data.get("also_claims") or {}).items()},
        evidence=tuple(data.get("evidence") or ()),
        na=bool(data.get("na", False)),
        na_when_absent=bool(data.get("na_when_absent", False)),
        probe=data.get("probe"),
        unused=data.get("unused"),
        template_is_evidence=bool(data.get("template_is_evidence", False)),
        frameworks=tuple(str(f) for f in data.get("frameworks") or ()),
        order=order,
    )


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
    raw = [yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) for path in sorted(rules_dir().glob("*.yaml"))]
    raw.sort(key=lambda d: d["code"])
    return tuple(_spec(d, i) for i, d in enumerate(raw))


def by_id() -> dict[str, RuleSpec]:
    return {spec.id: spec for spec in load_catalog()}
