"""A linter or formatter configured (pyproject, setup.cfg, tox.ini, .flake8 / .isort.cfg / .pylintrc /
.style.yapf, ruff.toml, pre-commit) or run in CI; one only declared as a dependency is weak (the rule's `unused` step)."""

import re
from typing import Callable

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.repository import find_line
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.record import record
from auditor.rules._code import pyproject_table, pyproject_unreadable
from auditor.rules._commands import RUFF_NOT_LINTING, only_prints, runs_what

TOOLS = ("ruff", "flake8", "black", "isort", "pylint", "autopep8", "yapf", "pycodestyle", "pyflakes")
TOOL = LazyPattern(r"\b(ruff|flake8|black|isort|pylint|autopep8|yapf|pycodestyle|pyflakes)\b", re.IGNORECASE)
OWN_CONFIG_FILES = ("ruff.toml", ".ruff.toml")
INI_SECTION = LazyPattern(r"^(tool:)?(flake8|pycodestyle|isort|pylint.*|yapf|autopep8)$", re.IGNORECASE)


@record(frozen=True)
class ToolIni:
    """Which sections of a tool's own INI file configure which tool (None: none)."""

    sections: str
    configures: Callable[[str], str | None]


# a tool's own INI files, read through the INI fact (pylint takes its options from any section of its rc file)
TOOL_INI_FILES = {
    ".flake8": ToolIni("[flake8] section", lambda name: name.removeprefix("tool:") if INI_SECTION.match(name) else None),
    ".isort.cfg": ToolIni("[settings] / [isort] section",
                          lambda name: "isort" if name.lower() in ("settings", "isort", "tool:isort") else None),
    ".pylintrc": ToolIni("section", lambda name: "pylint"),
    "pylintrc": ToolIni("section", lambda name: "pylint"),
    ".style.yapf": ToolIni("[style] section", lambda name: "yapf" if name.lower() == "style" else None),
}
CI_TOOLS = {*TOOLS, "mypy"}


def _pyproject(repo):
    tools = pyproject_table(repo, "tool")
    if not tools:
        return
    text = repo.text("pyproject.toml").text or ""
    for name in TOOLS:
        if isinstance(tools.get(name), dict):
            line = find_line(text, LazyPattern(rf"^\[tool\.{name}\b"))   # name: one of TOOLS
            yield Finding("pyproject.toml", line, f"`[tool.{name}]` configured in pyproject.toml:{line}")


def _tool_ini_file(repo, path, spec):
    """A tool's own INI file configures it only through one of the tool's sections holding settings,
    named at that section's line; an empty, sectionless or unreadable file is weak and says why."""
    cfg = repo.ini(path)
    if cfg.error:
        yield Finding(path, None, f"{path} cannot be read: {cfg.error}", "weak")
        return
    section = next((s for s in cfg.sections.values() if spec.configures(s.name) and s.keys), None)
    if section is None:
        yield Finding(path, None, f"{path} holds no {spec.sections} with settings", "weak")
        return
    first = next(iter(section.keys.values()))
    setting = f"{first.name} = {' '.join(first.value.split())}"[:50]
    yield Finding(path, section.line, f"`[{section.name}]` in {path}:{section.line} configures "
                                      f"{spec.configures(section.name)} (`{setting}`)")


def _ruff_file(repo, path: str) -> Finding:
    """ruff's own TOML file is what `[tool.ruff]` is in pyproject.toml: it configures ruff through a
    setting; one that is empty or holds comments only is weak, one that does not parse an error."""
    parsed = repo.toml(path)
    if parsed.error:
        return Finding(path, None, f"{path} cannot be read ({parsed.error})", "error")
    setting = _first_setting(parsed.data)
    if setting is None:
        return Finding(path, None, f"{path} holds no ruff setting", "weak")
    keys, value = setting
    line = find_line(repo.text(path).text or "", re.compile(rf"^\s*[\"']?{re.escape(keys[-1])}[\"']?\s*=")) or 1
    shown = f"{'.'.join(keys)} = {' '.join(str(value).split())}"[:50]
    return Finding(path, line, f"{path}:{line} configures ruff (`{shown}`)")


def _first_setting(table, keys: tuple[str, ...] = ()) -> tuple[tuple[str, ...], object] | None:
    """(dotted key, value) of the first value that is not a table, in the file's order."""
    for key, value in table.items() if isinstance(table, dict) else ():
        found = _first_setting(value, (*keys, key)) if isinstance(value, dict) else ((*keys, key), value)
        if found is not None:
            return found
    return None


def _config_files(repo, ini_files):
    for path, spec in TOOL_INI_FILES.items():
        if repo.exists(path):
            yield from _tool_ini_file(repo, path, spec)
    for path in repo.glob(*OWN_CONFIG_FILES):
        yield _ruff_file(repo, path)
    for cfg in (ini_files[path] for path in ("setup.cfg", "tox.ini") if path in ini_files):
        if cfg.error and TOOL.search(repo.text(cfg.path).text or ""):
            yield Finding(cfg.path, None, f"{cfg.path} mentions a linter but cannot be read: {cfg.error}", "error")
        section = next((s for s in cfg.sections.values() if INI_SECTION.match(s.name)), None)
        if section is not None:
            yield Finding(cfg.path, section.line, f"`[{section.name}]` section in {cfg.path}:{section.line}")


def _pre_commit(repo):
    for path in repo.glob(".pre-commit-config.yaml", ".pre-commit-config.yml"):
        parsed = repo.yaml(path)
        if parsed.error:
            yield Finding(path, None, f"{path}: {parsed.error}; its hooks cannot be read", "error")
            continue
        data = parsed.data
        repos = data.get("repos") if isinstance(data, dict) else None
        for entry in repos if isinstance(repos, list) else []:
            hooks = entry.get("hooks") if isinstance(entry, dict) else None
            for hook in hooks if isinstance(hooks, list) else []:
                hook_id = str(hook.get("id", "")) if isinstance(hook, dict) else ""
                if TOOL.search(hook_id):
                    line = find_line(repo.text(path).text or "", f"id: {hook_id}")
                    yield Finding(path, line, f"pre-commit hook `{hook_id}` in {path}:{line}")
                    return


def runs_linter(command) -> bool:
    """A linter or formatter actually run (`ruff check .`, `uv run black --check src`), not
    installed, asked for its version or given nothing to check."""
    if command.program not in CI_TOOLS or not command.args or only_prints(command.args):
        return False
    return command.program != "ruff" or command.subcommand not in RUFF_NOT_LINTING


def _ci_commands(commands, path: str):
    """Live lint runs of one workflow; those of a workflow GitHub would reject are weak."""
    for command in commands.at("workflow"):
        if command.path != path or not command.live or not runs_linter(command):
            continue
        if command.rejected:
            yield command.line, Finding(path, command.line, f"`{command.text[:60]}` at {command.where} runs "
                                        f"{runs_what(command)}, but GitHub would reject that workflow: "
                                        f"{command.rejected}", "weak")
        else:
            yield command.line, Finding(path, command.line, f"`{command.text[:60]}` run in CI ({command.where}): "
                                        f"runs {runs_what(command)}")


def _lint_actions(wf):
    for _, step in wf.steps():
        uses = step.get("uses")
        if isinstance(uses, str) and TOOL.search(uses.split("@")[0]):
            line = wf.step_line(step)
            yield line, Finding(wf.path, line, f"lint action `{uses}` in {wf.path}:{line}")


def _ci(workflows, commands):
    """The first lint run or lint action of each workflow."""
    for wf in workflows:
        mention = wf.mention(TOOL) if wf.error else None
        if mention:
            line, tool = mention
            yield Finding(wf.path, line, f"{wf.path} mentions {tool} but cannot be read: {wf.error}", "error")
            continue
        found = [*_ci_commands(commands, wf.path), *_lint_actions(wf)]
        strong = [item for item in found if item[1].strength == "strong"] or found
        if strong:
            yield min(strong, key=lambda item: item[0] or 0)[1]


def _commands(commands):
    """Linter runs in Makefiles, justfiles, invoke tasks, tox envs, nox sessions and shell scripts (read as
    shell: `uv run ruff check` runs ruff, `pip install ruff` does not)."""
    found = [c for c in commands.of(*CI_TOOLS, sites=LOCAL_SITES) if runs_linter(c)][:4]
    for command in found:
        yield Finding(command.path, command.line, f"lint command `{command.text[:60]}` at {command.where} "
                                                  f"runs `{command.program}`")


def probe(repo, workflows, commands, ini_files):
    found = [*_pyproject(repo), *_config_files(repo, ini_files), *_pre_commit(repo), *_ci(workflows, commands),
             *_commands(commands)]
    strong = [f for f in found if f.strength == "strong"]
    yield from strong[:6]
    if strong:
        return
    yield from found
    unreadable = pyproject_unreadable(repo)
    if unreadable:
        yield unreadable
