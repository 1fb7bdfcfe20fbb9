"""Declared dependencies: requirements files, pyproject, environment.yml, setup.cfg, Pipfile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.facts.repository import Repository

REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
REQUIREMENT_FILES = ("**/requirements*.txt", "**/requirements*.in", "**/requirements/*.txt")
CONDA_FILES = ("environment.y*ml", "**/environment.y*ml", "**/conda*.y*ml")
CONDA_DEPENDENCIES_KEY = re.compile(r"^dependencies\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Dependency:
    name: str   # normalized (PEP 503)
    path: str
    line: int | None


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def collect(repo: "Repository") -> list[Dependency]:
    found: list[Dependency] = []
    for rel in repo.glob(*REQUIREMENT_FILES):
        found += _from_requirement_lines(repo, rel)
    if repo.pyproject.data:
        found += _from_pyproject(repo, repo.pyproject.data)
    for rel in repo.glob(*CONDA_FILES):
        found += _from_conda(repo, rel)
    for rel in ("setup.cfg", "setup.py", "Pipfile"):
        if repo.exists(rel):
            found += _from_listing_text(repo, rel)
    return found


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
            out.append(Dependency(normalize(match.group(1)), rel, number))
    return out


def _pyproject_requirement_lists(data: dict) -> list[str]:
    project = data.get("project") or {}
    lists: list = [project.get("dependencies") or []]
    lists += list((project.get("optional-dependencies") or {}).values())
    lists += list((data.get("dependency-groups") or {}).values())
    uv = (data.get("tool") or {}).get("uv") or {}
    lists.append(uv.get("dev-dependencies") or [])
    names = []
    for entries in lists:
        if isinstance(entries, list):
            names += [e for e in entries if isinstance(e, str)]
    poetry = (data.get("tool") or {}).get("poetry") or {}
    groups = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    groups += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
    for table in groups:
        if isinstance(table, dict):
            names += [k for k in table if k.lower() != "python"]
    return names


def _from_pyproject(repo: "Repository", data: dict) -> list[Dependency]:
    text = repo.text("pyproject.toml").text or ""
    out = []
    for entry in _pyproject_requirement_lists(data):
        match = REQUIREMENT_NAME.match(entry)
        if match:
            out.append(Dependency(normalize(match.group(1)), "pyproject.toml", _line_mentioning(text, match.group(1))))
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
                    out.append(Dependency(normalize(match.group(1)), rel, _line_mentioning(text, match.group(1))))
    return out


def _from_listing_text(repo: "Repository", rel: str) -> list[Dependency]:
    """setup.py / setup.cfg / Pipfile: quoted or listed requirement names, read as text only."""
    text = repo.text(rel).text
    if text is None:
        return []
    out = []
    pattern = re.compile(r"""^\s*["']?([A-Za-z][A-Za-z0-9._-]*)\s*(?:[<>=!~]=?|["']\s*[,=]|$)""")
    in_block = False
    for number, line in enumerate(text.splitlines(), 1):
        lowered = line.lower()
        if any(k in lowered for k in ("install_requires", "[packages]", "[dev-packages]", "extras_require", "requires =")):
            in_block = True
            continue
        if in_block and (line.startswith("[") or lowered.strip().startswith(")")):
            in_block = False
        if in_block:
            match = pattern.match(line)
            if match:
                out.append(Dependency(normalize(match.group(1)), rel, number))
    return out


def _line_mentioning(text: str, name: str) -> int | None:
    # a name starts after a quote, a space, or the `::` of a conda channel (`conda-forge::torch`)
    needle = re.compile(r"""(["'\s]|::)""" + re.escape(name) + r"""(?=[\s<>=!~\[;"',@]|$)""", re.IGNORECASE)
    for number, line in enumerate(text.splitlines(), 1):
        if needle.search(" " + line):
            return number
    return None
