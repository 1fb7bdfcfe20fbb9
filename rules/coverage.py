"""Code coverage computed: `coverage run` / `--cov` in CI, tasks or Makefile, a coverage config or a
Codecov upload. A coverage dependency, a documented command or a coverage artifact alone is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._artefacts import coverage_badge, screenshots
from auditor.rules._cloud import by_kind, find, where
from auditor.rules._workflows import accepted, actions, place

RUN = LazyPattern(r"\bcoverage\s+run\b|(^|\s)--cov(=|\s|$)|\bcoverage\s+(report|xml|html)\b",
                 re.IGNORECASE)
UPLOAD_ACTIONS = ("codecov/codecov-action", "coverallsapp/github-action", "py-cov-action/python-coverage-comment-action",
                  "orgoro/coverage", "mishakav/pytest-coverage-comment")
COVERAGERC = (".coveragerc", "**/.coveragerc")
CODECOV_FILES = ("codecov.yml", ".codecov.yml", "**/codecov.yml")
INI_COVERAGE_SECTION = LazyPattern(r"^coverage:\w+$")
COVERAGERC_SECTIONS = ("run", "report", "paths", "html", "xml", "json", "lcov")   # coverage.py's own
ARTIFACTS = ("**/.coverage", "**/coverage.xml", "**/htmlcov/index.html", "**/coverage.json")


def probe(repo, workflows, ini_files):
    strong = [Finding(s.path, s.line, f"`{s.text[:70]}` ({where(s)})")
              for s in by_kind(find(repo, RUN), "workflow", "cloudbuild", "script")[:3]]
    configs = list(_configs(repo, ini_files))
    strong += list(_uploads(workflows)) + [f for f in configs if f.strength == "strong"]
    yield from strong[:4]
    if strong:
        return
    yield from (f for f in configs if f.strength != "strong")
    for seen in by_kind(find(repo, RUN), "workflow-rejected", "docs", "report")[:1]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` (only {where(seen)})", "weak")
    for path in repo.glob(*ARTIFACTS)[:1]:
        yield Finding(path, None, f"coverage output {path} committed, without the command that made it", "weak")
    yield from screenshots(repo, "coverage", "a coverage report")
    yield from coverage_badge(repo)


def _uploads(workflows):
    for wf in accepted(workflows):
        for _, _, action, line in actions(wf):
            if action in UPLOAD_ACTIONS:
                yield Finding(wf.path, line, f"coverage uploaded with `{action}` in {place(wf.path, line)}")
                return


def _coveragerc(repo):
    """The first .coveragerc: configuration when a coverage.py section holds settings, else weak."""
    for path in repo.glob(*COVERAGERC)[:1]:
        cfg = repo.ini(path)
        if cfg.error:
            yield Finding(path, None, f"{path} cannot be read: {cfg.error}", "weak")
            return
        section = next((s for s in cfg.sections.values() if s.keys and
                        (s.name in COVERAGERC_SECTIONS or INI_COVERAGE_SECTION.match(s.name))), None)
        if section is None:
            yield Finding(path, None, f"{path} holds no [run] or [report] settings", "weak")
            return
        yield Finding(path, section.line, f"coverage configuration `[{section.name}]` in {path}:{section.line}")


def _configs(repo, ini_files):
    yield from _coveragerc(repo)
    for path in repo.glob(*CODECOV_FILES)[:1]:
        yield Finding(path, 1, f"coverage configuration {path}")
    tool = (repo.pyproject.data or {}).get("tool") or {}
    if isinstance(tool.get("coverage"), dict):
        text = repo.text("pyproject.toml").text or ""
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.strip().startswith("[tool.coverage")), None)
        yield Finding("pyproject.toml", line, f"`[tool.coverage]` configuration in {place('pyproject.toml', line)}")
    addopts = ((tool.get("pytest") or {}).get("ini_options") or {}).get("addopts")
    if addopts and "--cov" in str(addopts):
        yield Finding("pyproject.toml", None, "pytest `addopts` in pyproject.toml measure coverage (`--cov`)")
    for cfg in (ini_files[path] for path in ("setup.cfg", "tox.ini", "pytest.ini") if path in ini_files):
        found = next(_ini_coverage(cfg), None)
        if found is not None:
            yield found


def _ini_coverage(cfg):
    """A `[coverage:*]` section, or pytest `addopts` with `--cov`, the first in the file."""
    for section in cfg.sections.values():
        if INI_COVERAGE_SECTION.match(section.name):
            yield Finding(cfg.path, section.line,
                          f"coverage configuration `[{section.name}]` in {cfg.path}:{section.line}")
        addopts = section.keys.get("addopts")
        if addopts is not None and "--cov" in addopts.value:
            quoted = f"addopts = {' '.join(addopts.value.split())}"[:50]
            yield Finding(cfg.path, addopts.line, f"coverage configuration `{quoted}` in {cfg.path}:{addopts.line}")
