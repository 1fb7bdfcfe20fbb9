"""A workflow step that lints or type-checks the code; one that only reformats, or is commented out, is weak."""

import re

from auditor.model import Finding
from auditor.rules._workflows import actions, commands, commented_lines, place, problems

# A tool in command position: at the start of a command (after `&&`, `;`, `|`, env assignments)
# or behind a runner (`python -m`, `uv run`, `poetry run`, ...); not a word inside a message.
# `uv run`'s options (`--frozen`, `--with pkg=1`) are read one way only: a hostile line of many
# options must not make the regex try every way of splitting them.
TOOL = (r"(?:^|&&|\|\||;|\||\$\()\s*(?:sudo\s+)?(?:\w+=\S*\s+)*(?:python3?\s+-m\s+|uv\s+run\s+(?:-\S+(?:\s+[^\s-][^\s=]*=\S+)?\s+)*"
        r"|poetry\s+run\s+|pdm\s+run\s+|pipenv\s+run\s+|uvx\s+|pipx\s+run\s+|conda\s+run\s+(?:-n\s+\S+\s+)?)?")
CHECKS = re.compile(
    TOOL + r"(ruff(\s+check)?(\s|$)(?!\s*format)|ruff\s+format\s+.*--(check|diff)|flake8\b|pylint\b|mypy\b|pyright\b|"
    r"black\b.*--(check|diff)|isort\b.*(--check|\s-c\b|--diff)|pre-commit\s+run\b|pydocstyle\b|pycodestyle\b|"
    r"bandit\b|(invoke|inv|make|tox\s+-e|nox\s+-s)\s+\w*lint)",
    re.IGNORECASE,
)
FORMAT_ONLY = re.compile(TOOL + r"(ruff\s+format|black|isort|autopep8|yapf)\b", re.IGNORECASE)
LINT_ACTIONS = re.compile(
    r"^(pre-commit/action|pre-commit-ci/lite-action|chartboost/ruff-action|astral-sh/ruff-action|py-actions/flake8|"
    r"suo/flake8-github-action|psf/black|ricardochaves/python-lint|jpetrucciani/(ruff|mypy|black)-check|"
    r"github/super-linter|super-linter/super-linter|reviewdog/action-\w+|wearerequired/lint-action|isort/isort-action)$"
)
INSTALL = re.compile(
    r"^\s*(sudo\s+)?(python3?\s+-m\s+)?(pip3?|uv\s+pip|uv\s+add|uv\s+tool|poetry\s+add|pipx|conda|mamba|apt(-get)?|brew|npm|yarn)"
    r"\s+(install|add|i)\b|^\s*echo\b",
    re.IGNORECASE,
)
VERSION_ONLY = re.compile(r"\s(--version|-V|--help|-h)\s*$")
COMMENTED = re.compile(r"\b(ruff|flake8|pylint|mypy|black|isort|pre-commit|lint)\b", re.IGNORECASE)


def probe(workflows):
    strong, weak = [], []
    for wf in workflows:
        if not wf.valid:
            continue
        rejected = problems(wf)
        for command in commands(wf):
            if INSTALL.search(command.text) or VERSION_ONLY.search(command.text):
                continue
            if CHECKS.search(command.text):
                (weak if rejected else strong).append((wf, command.line, f"`{command.text[:70]}`", rejected))
            elif FORMAT_ONLY.search(command.text):
                weak.append((wf, command.line, f"`{command.text[:70]}` reformats the code but checks nothing", rejected))
        for _, _, action, line in actions(wf):
            if LINT_ACTIONS.match(action):
                (weak if rejected else strong).append((wf, line, f"the `{action}` action", rejected))
        for line, text in commented_lines(wf, COMMENTED):
            weak.append((wf, line, f"a commented-out lint line `{text[:60]}`", []))
    for wf, line, what, _ in strong[:3]:
        yield Finding(wf.path, line, f"{what} runs in {place(wf.path, line)}")
    if strong:
        return
    for wf, line, what, rejected in weak[:3]:
        tail = f", but GitHub would reject that workflow: {rejected[0]}" if rejected else ""
        yield Finding(wf.path, line, f"{what} in {place(wf.path, line)}{tail}", "weak")
