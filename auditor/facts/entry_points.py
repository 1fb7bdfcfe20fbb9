"""The console commands a package installs: `[project.scripts]` / `[tool.poetry.scripts]` of
pyproject.toml, `console_scripts` of setup.cfg's `[options.entry_points]` and of setup.py's
`setup(entry_points=...)`.

setup.py is never run: its `entry_points=` value is read with `ast.literal_eval` (literals only);
a value built from names cannot be read and is reported as such.
"""

from __future__ import annotations

import re
from typing import Iterator

from auditor.lazy_pattern import LazyPattern
from auditor.record import record

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
    places: list[tuple[str, int | None]] = [] if "setup.cfg" in read else _setup_cfg_groups(repo)[:1]
    for hit in repo.grep(r"console_scripts", "setup.py", limit=1) if "setup.py" not in read else []:
        places.append((hit.path, hit.line))
    return tuple(places)


def _setup_cfg_groups(repo) -> list[tuple[str, int | None]]:
    """Where setup.cfg has a `console_scripts` key, in any section; in a setup.cfg that does not
    parse (setuptools would refuse it too), where its text says `console_scripts`."""
    cfg = repo.ini("setup.cfg") if repo.exists("setup.cfg") else None
    if cfg is not None and cfg.error:
        return [(hit.path, hit.line) for hit in repo.grep(r"console_scripts", "setup.cfg", limit=1)]
    return [("setup.cfg", s.keys["console_scripts"].line) for s in (cfg.sections.values() if cfg else ())
            if "console_scripts" in s.keys]


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
    """`console_scripts` of `[options.entry_points]`, one `name = module:function` a line (the INI fact)."""
    cfg = repo.ini("setup.cfg") if repo.exists("setup.cfg") else None
    group = cfg.key("options.entry_points", "console_scripts") if cfg is not None else None
    if group is None:
        return
    lines = (repo.text("setup.cfg").text or "").splitlines()[group.line - 1:group.end_line]
    lines[0] = re.split(r"[=:]", lines[0], maxsplit=1)[-1]   # what follows `console_scripts =`
    for number, value in enumerate(lines, group.line):
        entry = ENTRY.match(value)
        if entry:
            yield EntryPoint("setup.cfg", number, entry.group(1), _compact(entry.group(2)), "[options.entry_points]")


def _setup_py(repo, unreadable: list) -> Iterator[EntryPoint]:
    setup = repo.setup_py if "setup.py" in repo.python else None
    if setup is None:
        return
    import ast  # ~2 ms to import, and only a setup.py with `entry_points=` needs it

    lines = (repo.text("setup.py").text or "").splitlines()
    for call_line, source in setup.keyword_values("entry_points"):
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
