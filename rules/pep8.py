"""A linter or formatter configured (pyproject, setup.cfg, tox.ini, .flake8, pre-commit) or run in CI;
one only declared as a dependency is weak."""

import re

from auditor.facts.repository import find_line
from auditor.model import Finding

TOOLS = ("ruff", "flake8", "black", "isort", "pylint", "autopep8", "yapf", "pycodestyle", "pyflakes")
TOOL = re.compile(r"\b(ruff|flake8|black|isort|pylint|autopep8|yapf|pycodestyle|pyflakes)\b", re.IGNORECASE)
OWN_CONFIG_FILES = (".flake8", "ruff.toml", ".ruff.toml", ".pylintrc", "pylintrc", ".isort.cfg", ".style.yapf")
INI_SECTION = re.compile(r"^\[(tool:)?(flake8|pycodestyle|isort|pylint[^\]]*|yapf|autopep8)\]", re.IGNORECASE | re.MULTILINE)
COMMAND = re.compile(r"(?<![\w-])(ruff([ \t]+(check|format))?|flake8|black|isort|pylint|autopep8)[ \t]+[-.\w/]", re.IGNORECASE)
INSTALLING = re.compile(r"\b(install|add|sync)\b|==|>=")


def lint_command(text: str) -> str | None:
    """The first line of `text` that runs a linter (installing one does not count)."""
    for line in text.splitlines():
        if COMMAND.search(line) and not INSTALLING.search(line):
            return line.strip()
    return None


def _pyproject(repo):
    tools = (repo.pyproject.data or {}).get("tool") if isinstance(repo.pyproject.data, dict) else None
    if not isinstance(tools, dict):
        return
    text = repo.text("pyproject.toml").text or ""
    for name in TOOLS:
        if isinstance(tools.get(name), dict):
            line = find_line(text, re.compile(rf"^\[tool\.{name}\b"))
            yield Finding("pyproject.toml", line, f"`[tool.{name}]` configured in pyproject.toml:{line}")


def _config_files(repo):
    for path in repo.glob(*OWN_CONFIG_FILES):
        yield Finding(path, 1, f"{path} configures {TOOL.search(path).group(1) if TOOL.search(path) else 'a linter'}")
    for path in repo.glob("setup.cfg", "tox.ini"):
        text = repo.text(path).text or ""
        match = INI_SECTION.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            yield Finding(path, line, f"`{match.group(0)}` section in {path}:{line}")


def _pre_commit(repo):
    for path in repo.glob(".pre-commit-config.yaml", ".pre-commit-config.yml"):
        data = repo.yaml(path).data
        repos = data.get("repos") if isinstance(data, dict) else None
        for entry in repos if isinstance(repos, list) else []:
            hooks = entry.get("hooks") if isinstance(entry, dict) else None
            for hook in hooks if isinstance(hooks, list) else []:
                hook_id = str(hook.get("id", "")) if isinstance(hook, dict) else ""
                if TOOL.search(hook_id):
                    line = find_line(repo.text(path).text or "", f"id: {hook_id}")
                    yield Finding(path, line, f"pre-commit hook `{hook_id}` in {path}:{line}")
                    return


def _ci(workflows):
    for wf in workflows:
        for _, step in wf.steps():
            run, uses = step.get("run"), step.get("uses")
            command = lint_command(run) if isinstance(run, str) else None
            if command:
                line = wf.line_of(command) or wf.step_line(step)
                yield Finding(wf.path, line, f"`{command[:60]}` run in CI ({wf.path}:{line})")
                break
            if isinstance(uses, str) and TOOL.search(uses.split("@")[0]):
                line = wf.step_line(step)
                yield Finding(wf.path, line, f"lint action `{uses}` in {wf.path}:{line}")
                break


def _commands(repo):
    for hit in repo.grep(COMMAND, "tasks.py", "Makefile", "justfile", "noxfile.py", limit=4):
        if not INSTALLING.search(hit.text):
            yield Finding(hit.path, hit.line, f"lint command `{hit.text[:60]}` in {hit.path}:{hit.line}")


def probe(repo, workflows):
    found = [*_pyproject(repo), *_config_files(repo), *_pre_commit(repo), *_ci(workflows), *_commands(repo)]
    yield from found[:6]
    if found:
        return
    for dep in repo.dependencies:
        if dep.name in TOOLS:
            yield Finding(dep.path, dep.line, f"`{dep.name}` declared as a dependency in {dep.path}, but not configured or run", "weak")
            return
