"""Declared dependencies, the one fact rules and the YAML `dependencies:` kind ask: requirements files
(and the files they `-r` include), pyproject (PEP 621, optional groups, `dynamic` requirement files,
poetry, uv), environment.yml, setup.cfg / setup.py, Pipfile; each with file, line and group."""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from auditor.lazy_pattern import LazyPattern
from auditor.record import record

if TYPE_CHECKING:
    from auditor.facts.repository import Repository

REQUIREMENT_NAME = LazyPattern(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
REQUIREMENT_FILES = ("**/requirements*.txt", "**/requirements*.in", "**/requirements/*.txt")
CONDA_FILES = ("environment.y*ml", "**/environment.y*ml", "**/conda*.y*ml")
CONDA_DEPENDENCIES_KEY = LazyPattern(r"^dependencies\s*:", re.MULTILINE)
NAME_SEPARATORS = LazyPattern(r"[-_.]+")   # PEP 503: runs of - _ . are one -


@record(frozen=True)
class Dependency:
    name: str   # normalized (PEP 503)
    path: str
    line: int | None
    group: str = "main"   # main | dev | extra | conda | lock


@record(frozen=True)
class DependencyFile:
    """A file the dependency fact reads as a declaration: requirements (and what they include),
    conda environments, pyproject, setup.py / setup.cfg, Pipfile; `error` when it cannot be read or parsed."""

    path: str
    kind: str   # requirements | conda | pyproject | setup.py | setup.cfg | pipfile
    error: str | None


def dependency_files(repo: "Repository") -> list[DependencyFile]:
    """Every file `collect` reads, in the order it reads them, each once."""
    found = [DependencyFile(rel, "requirements", repo.text(rel).error) for rel in _requirement_files(repo)]
    if (pyproject := repo.declaring_pyproject) is not None:
        found.append(DependencyFile(pyproject, "pyproject", repo.document(pyproject).error))
    found += [DependencyFile(rel, "conda", repo.text(rel).error or repo.yaml(rel).error) for rel in repo.glob(*CONDA_FILES)]
    if repo.exists("setup.py"):
        found.append(DependencyFile("setup.py", "setup.py", repo.text("setup.py").error))
    if repo.exists("setup.cfg"):
        found.append(DependencyFile("setup.cfg", "setup.cfg", repo.ini("setup.cfg").error))
    if repo.exists("Pipfile"):
        found.append(DependencyFile("Pipfile", "pipfile", repo.text("Pipfile").error or repo.toml("Pipfile").error))
    return found


def normalize(name: str) -> str:
    return NAME_SEPARATORS.sub("-", name).lower()


def collect(repo: "Repository") -> list[Dependency]:
    found: list[Dependency] = []
    for rel in _requirement_files(repo):
        found += _from_requirement_lines(repo, rel)
    pyproject = repo.declaring_pyproject
    if pyproject is not None and repo.document(pyproject).data:
        found += _from_pyproject(repo, pyproject, repo.document(pyproject).data)
    for rel in repo.glob(*CONDA_FILES):
        found += _from_conda(repo, rel)
    if repo.exists("setup.py"):
        found += _from_setup_py(repo, "setup.py")
    if repo.exists("setup.cfg"):
        found += _from_setup_cfg(repo, "setup.cfg")
    if repo.exists("Pipfile"):
        found += _from_pipfile(repo, "Pipfile")
    return found


LOCK_FILES = ("uv.lock", "**/uv.lock", "poetry.lock", "**/poetry.lock")
LOCKED_NAME = LazyPattern(r"""^name\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']""")


def collect_locked(repo: "Repository") -> list[Dependency]:
    """The packages lock files pin (group `lock`), transitive ones included: kept apart from the declarations,
    since a package locked is not a package the group chose."""
    found: list[Dependency] = []
    for rel in repo.glob(*LOCK_FILES):
        in_package = False
        for number, line in enumerate((repo.text(rel).text or "").splitlines(), 1):
            if line.startswith("["):
                in_package = line.strip() == "[[package]]"
                continue
            match = LOCKED_NAME.match(line) if in_package else None
            if match:
                found.append(Dependency(normalize(match.group(1)), rel, number, "lock"))
                in_package = False
    return found


def declared(repo: "Repository", *names: str) -> Dependency | None:
    """The first declaration of one of `names`: dependency files first, then conda environments under other names."""
    wanted = {normalize(n) for n in names}
    found = next((d for d in repo.dependencies if d.name in wanted), None)
    if found is not None:
        return found
    return next((d for d in conda_environments_elsewhere(repo) if d.name in wanted), None)


def _requirement_files(repo: "Repository") -> list[str]:
    """Requirements files by name, the files they include with `-r` / `-c`, and the files a pyproject's
    `dynamic` dependencies point at; in the order found, each once."""
    queue = list(repo.glob(*REQUIREMENT_FILES)) + _dynamic_requirement_files(repo)
    seen: list[str] = []
    while queue:
        rel = queue.pop(0)
        if rel in seen or not repo.exists(rel):
            continue
        seen.append(rel)
        queue += _included_files(repo, rel)
    return seen


INCLUDE = LazyPattern(r"^\s*(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)")


def _included_files(repo: "Repository", rel: str) -> list[str]:
    folder = posixpath.dirname(rel)
    included = []
    for line in (repo.text(rel).text or "").splitlines():
        match = INCLUDE.match(line)
        if match:
            included.append(posixpath.normpath(posixpath.join(folder, match.group(1))))
    return included


def _dynamic_requirement_files(repo: "Repository") -> list[str]:
    """`[tool.setuptools.dynamic] dependencies = {file = ["requirements.txt"]}` (and optional-dependencies)."""
    data = repo.pyproject.data
    if not isinstance(data, dict):
        return []
    dynamic = (((data.get("tool") or {}).get("setuptools") or {}).get("dynamic") or {})
    if not isinstance(dynamic, dict):
        return []
    optional = dynamic.get("optional-dependencies")
    tables = [dynamic.get("dependencies")] + (list(optional.values()) if isinstance(optional, dict) else [])
    files: list[str] = []
    for table in tables:
        entry = table.get("file") if isinstance(table, dict) else None
        files += [entry] if isinstance(entry, str) else [f for f in entry or [] if isinstance(f, str)]
    return [posixpath.normpath(f) for f in files]


def _requirement_group(rel: str) -> str:
    return "dev" if re.search(r"(dev|test|lint|doc)", posixpath.basename(rel), re.IGNORECASE) else "main"


def conda_environments_elsewhere(repo: "Repository") -> list[Dependency]:
    """Packages of conda environments exported under other names (`exe_req.yaml`, `env_gpu.yml`): YAML files
    outside the workflows and the conda files `collect` reads, whose top level holds a `dependencies:` list."""
    collected = set(repo.glob(*CONDA_FILES))
    found: list[Dependency] = []
    for rel in repo.glob("**/*.y*ml"):
        if rel in collected or rel.startswith(".github/") or not CONDA_DEPENDENCIES_KEY.search(repo.text(rel).text or ""):
            continue
        data = repo.yaml(rel).data
        if isinstance(data, dict) and isinstance(data.get("dependencies"), list):
            found += _from_conda(repo, rel)
    return found


def _from_requirement_lines(repo: "Repository", rel: str) -> list[Dependency]:
    text = repo.text(rel).text
    if text is None:
        return []
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith(("-", "git+", "http")):
            continue
        match = REQUIREMENT_NAME.match(stripped)
        if match:
            out.append(Dependency(normalize(match.group(1)), rel, number, _requirement_group(rel)))
    return out


def _pyproject_requirement_lists(data: dict) -> list[tuple[str, str]]:
    """(requirement, group) of every PEP 621, dependency-groups, uv and poetry declaration."""
    project = data.get("project") or {}
    tool = data.get("tool") or {}
    lists: list[tuple[str, object]] = [("main", project.get("dependencies") or [])]
    lists += [("extra", v) for v in (project.get("optional-dependencies") or {}).values()]
    lists += [("dev", v) for v in (data.get("dependency-groups") or {}).values()]
    lists.append(("dev", (tool.get("uv") or {}).get("dev-dependencies") or []))
    named = []
    for group, entries in lists:
        if isinstance(entries, list):
            named += [(e, group) for e in entries if isinstance(e, str)]
    poetry = tool.get("poetry") or {}
    tables = [("main", poetry.get("dependencies")), ("dev", poetry.get("dev-dependencies"))]
    tables += [("dev", g.get("dependencies")) for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
    for group, table in tables:
        if isinstance(table, dict):
            named += [(k, group) for k in table if k.lower() != "python"]
    return named


def _from_pyproject(repo: "Repository", rel: str, data: dict) -> list[Dependency]:
    text = repo.text(rel).text or ""
    out = []
    for entry, group in _pyproject_requirement_lists(data):
        match = REQUIREMENT_NAME.match(entry)
        if match:
            out.append(Dependency(normalize(match.group(1)), rel, _line_mentioning(text, match.group(1)), group))
    return out


def _from_conda(repo: "Repository", rel: str) -> list[Dependency]:
    data = repo.yaml(rel).data
    if not isinstance(data, dict):
        return []
    text = repo.text(rel).text or ""
    out = []
    for entry in data.get("dependencies") or []:
        entries = entry.get("pip", []) if isinstance(entry, dict) else [entry]
        for item in entries if isinstance(entries, list) else []:
            if isinstance(item, str):
                match = REQUIREMENT_NAME.match(item.split("::")[-1])
                if match:
                    out.append(Dependency(normalize(match.group(1)), rel, _line_mentioning(text, match.group(1)), "conda"))
    return out


def _from_setup_py(repo: "Repository", rel: str) -> list[Dependency]:
    """setup.py's install_requires / extras_require / tests_require, read from its syntax tree."""
    setup = repo.setup_py
    found = []
    for declared in setup.requirements if setup is not None else ():
        match = REQUIREMENT_NAME.match(declared.requirement)
        if match:
            found.append(Dependency(normalize(match.group(1)), rel, declared.line, declared.group))
    return found


PIPFILE_GROUPS = (("packages", "main"), ("dev-packages", "dev"))


def _from_pipfile(repo: "Repository", rel: str) -> list[Dependency]:
    """A Pipfile (TOML): `[packages]` and `[dev-packages]` tables; a broken one declares nothing."""
    data = repo.toml(rel).data
    if not isinstance(data, dict):
        return []
    text = repo.text(rel).text or ""
    found = []
    for table, group in PIPFILE_GROUPS:
        packages = data.get(table)
        for name in packages if isinstance(packages, dict) else []:
            if REQUIREMENT_NAME.match(name):
                found.append(Dependency(normalize(name), rel, _line_in_table(text, table, name), group))
    return found


def _line_in_table(text: str, table: str, name: str) -> int | None:
    """The line declaring `name` inside the TOML table `[table]`."""
    key = re.compile(r"""^\s*["']?""" + re.escape(name) + r"""["']?\s*=""", re.IGNORECASE)
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            inside = line.strip() == f"[{table}]"
        elif inside and key.match(line):
            return number
    return None


SETUP_CFG_OPTIONS = (("install_requires", "main"), ("tests_require", "dev"))


def _from_setup_cfg(repo: "Repository", rel: str) -> list[Dependency]:
    """setup.cfg (the INI fact): `[options] install_requires` / `tests_require` and every
    `[options.extras_require]` key, one requirement a line (or a comma list); a file that does not
    parse declares nothing."""
    cfg = repo.ini(rel)
    keys = ((cfg.key("options", name), group) for name, group in SETUP_CFG_OPTIONS)
    listed = [(key, group) for key, group in keys if key is not None]
    extras = cfg.section("options.extras_require")
    listed += [(key, "extra") for key in (extras.keys.values() if extras is not None else ())]
    lines = (repo.text(rel).text or "").splitlines()
    found = []
    for key, group in listed:
        for entry in re.split(r"[\n,]", key.value):
            match = REQUIREMENT_NAME.match(entry.split("#", 1)[0])
            if match:
                line = _line_mentioning("\n".join(lines[key.line - 1:key.end_line]), match.group(1))
                found.append(Dependency(normalize(match.group(1)), rel, line and key.line + line - 1, group))
    return found


NAME_OPENERS = "\"'"  # a name starts after one of these, a space, or the `::` of a conda channel (`conda-forge::torch`)
NAME_CLOSERS = "<>=!~[;\"',@"  # and ends before one of these, a space, or the line's end


def _line_mentioning(text: str, name: str) -> int | None:
    """The first line naming the requirement (as _mentions reads a line)."""
    wanted = name.lower()
    if text.isascii() and name.isascii():
        return _first_ascii_mention(_AsciiLines.of(text), wanted)
    for number, line in enumerate(text.splitlines(), 1):
        if _mentions(" " + line, name, wanted):
            return number
    return None


class _AsciiLines:
    """An ASCII file's lines lowered and joined by newlines after a leading space, with where each
    starts: a name is looked for in the whole file at once (a conda file declares ~200 packages
    over ~200 lines), and a newline bounds a name as the end or the start of a line does."""

    def __init__(self, text: str):
        lines = text.splitlines()
        self.joined = " " + "\n".join(lines).lower()
        self.starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=1))

    @classmethod
    @lru_cache(maxsize=8)
    def of(cls, text: str) -> _AsciiLines:
        return cls(text)


def _first_ascii_mention(lines: _AsciiLines, wanted: str) -> int | None:
    joined = lines.joined
    start = joined.find(wanted, 1)
    while start != -1:
        end = start + len(wanted)
        opened = joined[start - 1] in NAME_OPENERS or joined[start - 1].isspace() or joined[start - 2:start] == "::"
        if opened and (end == len(joined) or joined[end] in NAME_CLOSERS or joined[end].isspace()):
            return bisect_right(lines.starts, start)
        start = joined.find(wanted, start + 1)
    return None


def _mentions(line: str, name: str, wanted: str) -> bool:
    """Whether the line names the requirement (any case), read with string tests when the line is ASCII:
    elsewhere Unicode case folding (`ſ` for `s`) needs the regex."""
    if not (line.isascii() and name.isascii()):
        return bool(_mention_pattern(name).search(line))
    lowered = line.lower()
    start = lowered.find(wanted)
    while start != -1:
        end = start + len(wanted)
        opened = (start >= 1 and (lowered[start - 1] in NAME_OPENERS or lowered[start - 1].isspace())
                  or start >= 2 and lowered[start - 2:start] == "::")
        if opened and (end == len(lowered) or lowered[end] in NAME_CLOSERS or lowered[end].isspace()):
            return True
        start = lowered.find(wanted, start + 1)
    return False


def _mention_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"""(["'\s]|::)""" + re.escape(name) + r"""(?=[\s<>=!~\[;"',@]|$)""", re.IGNORECASE)
