"""A workflow step that lints or type-checks the code; one that only reformats, or is commented out, is weak.

Commands are read as shell (the `commands` fact): the linter is the program a step actually runs,
behind runners (`uvx --with X pre-commit run`, `uv run ruff`, `... | xargs ruff check`), never a
word inside an `echo` or an install.
"""

import re

from auditor.facts.shell import read_shell
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._commands import RUFF_NOT_LINTING, only_prints
from auditor.rules._workflows import actions, place, problems

CHECKERS = {"flake8", "pylint", "mypy", "pyright", "pydocstyle", "pycodestyle", "bandit", "pyflakes", "pylama",
            "prospector", "codespell", "basedpyright", "ty", "pyre", "pytype", "ruff-check"}
FORMATTERS = {"ruff", "black", "isort", "autopep8", "yapf"}
TASK_RUNNERS = {"invoke", "inv", "make", "just", "task"}
LINT_TASK = LazyPattern(r"lint|mypy|ruff|flake8|typecheck|type-check", re.IGNORECASE)
LINT_ACTIONS = LazyPattern(
    r"^(pre-commit/action|pre-commit-ci/lite-action|chartboost/ruff-action|astral-sh/ruff-action|py-actions/flake8|"
    r"suo/flake8-github-action|psf/black|ricardochaves/python-lint|jpetrucciani/(ruff|mypy|black)-check|"
    r"github/super-linter|super-linter/super-linter|reviewdog/action-\w+|wearerequired/lint-action|isort/isort-action)$"
)
# what every LINT_ACTIONS match starts with: an action without one never compiles the pattern
LINT_ACTION_PREFIXES = ("pre-commit/action", "pre-commit-ci/lite-action", "chartboost/ruff-action",
                        "astral-sh/ruff-action", "py-actions/flake8", "suo/flake8-github-action", "psf/black",
                        "ricardochaves/python-lint", "jpetrucciani/", "github/super-linter",
                        "super-linter/super-linter", "reviewdog/action-", "wearerequired/lint-action",
                        "isort/isort-action")
COMMENTED = LazyPattern(r"\b(ruff|flake8|pylint|mypy|black|isort|pre-commit|lint)\b", re.IGNORECASE)


def lint_kind(program: str, args: tuple[str, ...]) -> str | None:
    """`checks` for a command that fails on lint or type errors, `format` for one that only rewrites."""
    program = program.lower()
    if only_prints(args):
        return None
    first = next((a for a in args if not a.startswith("-")), None)
    if program in CHECKERS:
        return "checks"
    if program == "ruff":
        if first == "format":
            return "checks" if {"--check", "--diff"} & set(args) else "format"
        return None if first in RUFF_NOT_LINTING else "checks"
    if program == "black":
        return "checks" if {"--check", "--diff"} & set(args) else "format"
    if program == "isort":
        return "checks" if {"--check", "--check-only", "-c", "--diff"} & set(args) else "format"
    if program in FORMATTERS:
        return "format"
    if program == "pre-commit":
        return "checks" if first == "run" else None
    if program in ("tox", "nox") and any(LINT_TASK.search(a) for a in args if not a.startswith("-")):
        return "checks"
    if program in TASK_RUNNERS and first and LINT_TASK.search(first):
        return "checks"
    return None


def classify(script: str) -> str | None:
    """The strongest lint kind among a script's commands (for tests and single lines)."""
    kinds = {lint_kind(c.program, c.args) for c in read_shell(script).commands}
    return "checks" if "checks" in kinds else "format" if "format" in kinds else None


def _run_through(commands, command) -> tuple[str, str] | None:
    """(lint kind, what runs it) of the linter a `tox` / `nox` step runs in one of its envs or sessions."""
    found = [(lint_kind(c.program, c.args), c) for c in commands.invoked(command)]
    found = [(kind, c) for kind, c in found if kind is not None]
    best = next((item for item in found if item[0] == "checks"), found[0] if found else None)
    if best is None:
        return None
    kind, inner = best
    return kind, f"{inner.program} at {inner.where}"


def probe(workflows, commands):
    strong, weak = [], []
    for command in commands.at("workflow"):
        if not command.live:
            continue
        kind = lint_kind(command.program, command.args)
        detail = f"{command.program}, job {command.job}" if command.job else command.program
        inner = _run_through(commands, command)
        if inner is not None:   # the env's own commands say what it runs, whatever its name
            kind, runs = inner
            detail = f"{runs}, job {command.job}" if command.job else runs
        if kind is None:
            continue
        what = f"`{command.text[:70]}`"
        if kind == "checks":
            item = (command.path, command.line, what, detail, command.rejected)
            (weak if command.rejected else strong).append(item)
        else:
            weak.append((command.path, command.line, f"{what} reformats the code but checks nothing", detail,
                         command.rejected))
    for wf in workflows:
        if not wf.valid:
            continue
        rejected = problems(wf)
        for job, _, action, line in actions(wf):
            if action.startswith(LINT_ACTION_PREFIXES) and LINT_ACTIONS.match(action):
                item = (wf.path, line, f"the `{action}` action", f"job {job}", rejected[0] if rejected else None)
                (weak if rejected else strong).append(item)
        for line, text in ((n, t) for n, t in wf.commented_lines if COMMENTED.search(t)):
            weak.append((wf.path, line, f"a commented-out lint line `{text[:60]}`", "", None))
    for path, line, what, detail, _ in strong[:3]:
        yield Finding(path, line, f"{what} runs in {place(path, line)} ({detail})")
    if strong:
        return
    workflow_paths = {wf.path for wf in workflows}
    for note in [n for n in commands.notes if n.path in workflow_paths][:2]:
        yield Finding(note.path, note.line, f"{note.message}: a lint step there could not be seen", "error")
    for path, line, what, _, rejected in weak[:3]:
        tail = f", but GitHub would reject that workflow: {rejected}" if rejected else ""
        yield Finding(path, line, f"{what} in {place(path, line)}{tail}", "weak")
