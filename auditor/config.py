"""`[tool.auditor]` in the audited repository's pyproject.toml: a group's own defaults for
`auditor audit` (report path, deadline and time zone, --fail-on, items skipped with a reason).

Only data is read, with the facts layer's safe TOML parsing; nothing of the repository runs, and
no path may lead outside it. Command-line flags win over it; `auditor batch` never reads it."""

from __future__ import annotations

from pathlib import Path

from auditor.catalog import load_catalog
from auditor.facts.files import Absent, Unreadable, decode_text, read_folder_bytes
from auditor.facts.structured import parse_toml
from auditor.record import field, record
from auditor.target import is_bare_repository, is_remote, local_path

PYPROJECT = "pyproject.toml"
MAX_PYPROJECT_BYTES = 1_000_000
FAIL_ON_VALUES = ("unsupported", "weak", "contradicted", "course", "any", "never")
KEYS = {"report", "deadline", "tz", "fail-on", "skip"}


class ConfigError(Exception):
    """[tool.auditor] holds something the command cannot use (a usage error, exit 2)."""


@record(frozen=True)
class Config:
    report: Path | None = None
    deadline: str | None = None
    tz: str | None = None
    fail_on: str | None = None
    skip: dict[str, str] = field(default_factory=dict)   # item id -> the group's reason
    warning: str | None = None                           # why the config was not read


def project_config(target: str) -> Config:
    """The config of a folder target; a URL or bare repository has none (read nothing)."""
    path = local_path(target)
    if is_remote(target) or not path.is_dir() or is_bare_repository(path):
        return Config()
    root = path.resolve()
    try:
        text = decode_text(read_folder_bytes(root, PYPROJECT, MAX_PYPROJECT_BYTES)).text
    except Absent:
        return Config()
    except Unreadable as exc:
        return Config(warning=f"{PYPROJECT} {exc}; [tool.auditor] ignored")
    if text is None:
        return Config(warning=f"{PYPROJECT} is binary; [tool.auditor] ignored")
    parsed = parse_toml(text)
    if parsed.error:
        return Config(warning=f"{PYPROJECT}: {parsed.error}; [tool.auditor] ignored")
    tool = parsed.data.get("tool", {})
    section = tool.get("auditor") if isinstance(tool, dict) else None
    if section is None:
        return Config()
    return _config(root, section)


def _config(root: Path, section: object) -> Config:
    if not isinstance(section, dict):
        raise ConfigError("[tool.auditor] must be a table")
    unknown = sorted(set(section) - KEYS)
    if unknown:
        raise ConfigError(f"[tool.auditor] has unknown keys: {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    fail_on = _text(section, "fail-on")
    if fail_on is not None and fail_on not in FAIL_ON_VALUES:
        raise ConfigError(f"[tool.auditor] fail-on must be one of {', '.join(FAIL_ON_VALUES)}, not {fail_on!r}")
    report = _text(section, "report")
    return Config(report=_inside(root, report) if report is not None else None,
                  deadline=_text(section, "deadline"), tz=_text(section, "tz"), fail_on=fail_on,
                  skip=_skip(section.get("skip", {})))


def _text(section: dict, key: str) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"[tool.auditor] {key} must be a non-empty string")
    return value.strip()


def _inside(root: Path, report: str) -> Path:
    """The report path, resolved (links followed) and refused when it leaves the repository."""
    resolved = (root / report).resolve()
    if not resolved.is_relative_to(root):
        raise ConfigError(f"[tool.auditor] report {report!r} leads outside the repository")
    return resolved


def _skip(table: object) -> dict[str, str]:
    """`skip = { hydra = "reason", MLO116 = "reason" }`: every key an item id or code."""
    if not isinstance(table, dict):
        raise ConfigError('[tool.auditor] skip must be a table: item = "reason"')
    ids = {spec.id: spec.id for spec in load_catalog()}
    ids.update({spec.code.lower(): spec.id for spec in load_catalog()})
    skipped = {}
    for key, reason in table.items():
        item = ids.get(key) or ids.get(key.lower())
        if item is None:
            raise ConfigError(f"[tool.auditor] skip names an unknown item {key!r} (`auditor rules` lists them)")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"[tool.auditor] skip {key}: the reason must be a non-empty string")
        skipped[item] = reason.strip()
    return skipped
