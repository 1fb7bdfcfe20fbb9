"""A dependency specification that recreates the environment; an interpreter pin or a README
sentence alone is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._code import pyproject_unreadable

LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock", "pixi.lock", "conda-lock.y*ml", "pixi.toml")
LISTING_KINDS = ("requirements", "conda", "pipfile")  # files whose only purpose is to list packages
INTERPRETER_ONLY = (".python-version", ".tool-versions", ".devcontainer/devcontainer.json", "runtime.txt")
README_SETUP = LazyPattern(r"(conda\s+(env\s+)?create|python3?\s+-m\s+venv|\bvirtualenv\b|uv\s+venv|pyenv\s+virtualenv)", re.IGNORECASE)


def _declaring_files(dependencies):
    counts: dict[str, list] = {}
    for dep in dependencies:
        counts.setdefault(dep.path, []).append(dep)
    return sorted(counts.items(), key=lambda item: ("/" in item[0], -len(item[1]), item[0]))


def probe(repo, dependencies, dependency_files):
    strong = 0
    for path, declared in _declaring_files(dependencies)[:3]:
        strong += 1
        yield Finding(path, declared[0].line, f"{path} declares {len(declared)} dependencies")
    for path in repo.glob(*LOCK_FILES)[:2]:
        strong += 1
        yield Finding(path, None, f"{path} locks the environment")
    if strong:
        return
    unreadable = pyproject_unreadable(repo)
    if unreadable:
        yield unreadable
    for listing in dependency_files:
        if listing.kind not in LISTING_KINDS:
            continue
        if listing.error:
            yield Finding(listing.path, None, f"{listing.path} {listing.error}", "error")
        else:
            yield Finding(listing.path, None, f"{listing.path} exists but lists no package", "weak")
    for path in repo.glob(*INTERPRETER_ONLY):
        yield Finding(path, None, f"{path} pins the interpreter only", "weak")
    for hit in repo.grep(README_SETUP, "README.md", "README.rst", "docs/**/*.md", limit=1):
        yield Finding(hit.path, hit.line, f"{hit.path}:{hit.line} describes creating an environment, "
                                          "but no dependency file recreates it", "weak")
