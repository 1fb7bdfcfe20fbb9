"""The console commands a package installs: `[project.scripts]` / `[tool.poetry.scripts]` of
pyproject.toml, `console_scripts` of setup.cfg's `[options.entry_points]` and of setup.py's
`setup(entry_points=...)`.

setup.py is never run: its `entry_points=` value is read with `ast.literal_eval` (literals only);
a value built from names cannot be read and is reported as such.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from auditor.facts.python_code import setup_keyword_values
from auditor.lazy_pattern import LazyPattern
from auditor.record import record

CFG_SECTION = LazyPattern(r"^\s*\[([^\]]+)\]")
CFG_KEY = LazyPattern(r"^([\w.-]+)\s*[=:]\s*(.*)$")
ENTRY = LazyPattern(r"^\s*([\w.-]+)\s*=\s*([\w.]+(\s*:\s*[\w.]+)?)")


@record(frozen=True)
class EntryPoint:
    path: str            # the file declaring it
    line: int | None
    name: str            # the command installed: `train`
    target: str          # what it runs: `proj.train:main`
    table: str           # [project.scripts], [tool.poetry.scripts], [options.entry_points], setup()


@record(frozen=True)
class EntryPoints:
    found: list[EntryPoint]
    unreadable: list[tuple[str, int | None, str]]   # (path, line, why) of declarations that cannot be read
    # (path, line) where setup.py / setup.cfg writes `console_scripts` but neither an entry point
    # nor an unreadable declaration came out of the file (an empty group, a string-valued
    # `entry_points=`, a setup.py that does not parse)
    written_only: tuple[tuple[str, int | None], ...] = ()


def read_entry_points(repo) -> EntryPoints:
    found = list(_pyproject(repo)) + list(_setup_cfg(repo))
    unreadable: list[tuple[str, int | None, str]] = []
    found += _setup_py(repo, unreadable)
    return EntryPoints(found, unreadable, _written_only(repo, found, unreadable))


def _written_only(repo, found: list[EntryPoint], unreadable: list) -> tuple[tuple[str, int | None], ...]:
    read = {e.path for e in found} | {u[0] for u in unreadable}
    places: list[tuple[str, int | None]] = []
    for hit in repo.grep(r"console_scripts", "setup.py", "setup.cfg", limit=2):
        if hit.path not in read:
            read.add(hit.path)
            places.append((hit.path, hit.line))
    return tuple(places)


def _line_of(lines: list[str], start: int, pattern: re.Pattern[str]) -> int | None:
    return next((n for n in range(start, len(lines)) if pattern.search(lines[n])), -1) + 1 or None


def _pyproject(repo) -> Iterator[EntryPoint]:
    data = repo.pyproject.data if isinstance(repo.pyproject.data, dict) else {}
    text = (repo.text("pyproject.toml").text or "") if data else ""
    lines = text.splitlines()
    tables = (("project", "scripts"), ("tool", "poetry", "scripts"))
    for keys in tables:
        node = data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue
        table = "[" + ".".join(keys) + "]"
        start = _line_of(lines, 0, re.compile(rf"^\s*\[\s*{re.escape('.'.join(keys))}\s*\]")) or 0
        for name, target in node.items():
            line = _line_of(lines, start, re.compile(rf"^\s*['\"]?{re.escape(str(name))}['\"]?\s*="))
            yield EntryPoint("pyproject.toml", line, str(name), _target_text(target), table)


def _target_text(target) -> str:
    """`proj.train:main`; poetry's `{reference = "...", type = "file"}` form by its reference."""
    if isinstance(target, dict):
        return str(target.get("reference") or target.get("callable") or target)
    return str(target)


def _setup_cfg(repo) -> Iterator[EntryPoint]:
    if not repo.exists("setup.cfg"):
        return
    section, key = None, None
    for number, raw in enumerate((repo.text("setup.cfg").text or "").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith(("#", ";")):
            continue
        header = CFG_SECTION.match(raw)
        if header:
            section, key = header.group(1).strip(), None
            continue
        if section != "options.entry_points":
            continue
        if not raw[0].isspace():
            match = CFG_KEY.match(raw)
            key, value = (match.group(1), match.group(2)) if match else (None, "")
        else:
            value = raw
        entry = ENTRY.match(value) if key == "console_scripts" else None
        if entry:
            yield EntryPoint("setup.cfg", number, entry.group(1), _compact(entry.group(2)), "[options.entry_points]")


def _setup_py(repo, unreadable: list) -> Iterator[EntryPoint]:
    text = repo.text("setup.py").text if "setup.py" in repo.python else None
    if text is None:
        return
    lines = text.splitlines()
    for call_line, source in setup_keyword_values(text, "entry_points"):
        try:
            value = ast.literal_eval(source)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            unreadable.append(("setup.py", call_line, "`entry_points=` cannot be read as a literal"))
            continue
        scripts = value.get("console_scripts") if isinstance(value, dict) else None
        for spec in [scripts] if isinstance(scripts, str) else scripts if isinstance(scripts, (list, tuple)) else []:
            entry = ENTRY.match(str(spec))
            if entry:
                line = _line_of(lines, max(call_line - 1, 0), re.compile(re.escape(str(spec).strip()[:40])))
                yield EntryPoint("setup.py", line or call_line, entry.group(1), _compact(entry.group(2)), "setup()")


def _compact(target: str) -> str:
    return re.sub(r"\s+", "", target)
