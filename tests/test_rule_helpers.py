"""Table-driven tests of the shared probe helpers: reading workflow scripts and pytest command lines."""

from __future__ import annotations

import importlib

import pytest

from auditor.catalog import rules_dir
from auditor.facts.repository import Workflow
from auditor.facts.structured import parse_yaml

rules_dir()  # registers the package auditor.rules
workflows = importlib.import_module("auditor.rules._workflows")
testing = importlib.import_module("auditor.rules._testing")


def workflow(text: str) -> Workflow:
    parsed = parse_yaml(text)
    return Workflow(".github/workflows/w.yml", text, parsed.data, parsed.error)


@pytest.mark.parametrize(("command", "targets"), [
    ("pytest", ()),
    ("uv run pytest tests/ -v", ("tests/",)),
    ("coverage run --source=src -m pytest tests/unit", ("tests/unit",)),
    ("pytest --cov-config=.coveragerc --cov tests", ()),
    ("python -m pytest tests/test_api.py::test_root -k slow", ("tests/test_api.py",)),
    ('sh -lc "uv run coverage run -m pytest tests/ && uv run coverage report"', ("tests/",)),
    ("invoke test", ()),
])
def test_pytest_targets(command, targets):
    assert testing.pytest_targets(command) == targets


@pytest.mark.parametrize(("script", "expected"), [
    ("ruff check .\n# mypy .\n", [("ruff check .", "ruff check .")]),
    ("gcloud run deploy api \\\n  --image x \\\n  --region r\n",
     [("gcloud run deploy api --image x --region r", "gcloud run deploy api \\")]),
    ("\n\necho one\necho two", [("echo one", "echo one"), ("echo two", "echo two")]),
])
def test_shell_commands_join_continuations_and_skip_comments(script, expected):
    assert list(workflows.shell_commands(script)) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n", None),
    ("on: push\njobs:\n  a:\n    uses: org/repo/.github/workflows/t.yml@main\n", None),
    ("jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n", "no `on:` trigger"),
    ("on: push\njobs:\n  a:\n    runs-on: x\n    matrix:\n      os: [a]\n    steps:\n      - run: t\n",
     "job `a`: unexpected key `matrix`"),
    ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - name: nothing\n",
     "job `a`: step 1 needs exactly one of `run` / `uses`"),
    ("on: pushed\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: t\n", "unknown event(s) `pushed`"),
    ("on: push\njobs: [1, 2]\n", "no `jobs:`"),
])
def test_workflow_problems(text, problem):
    found = workflows.problems(workflow(text))
    assert (found[0] if found else None) == problem


def test_commands_know_their_lines_and_skip_disabled_steps():
    wf = workflow("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo skip\n        if: false\n"
                  "      - run: |\n          pip install ruff\n          ruff check .\n")
    assert [(c.line, c.text) for c in workflows.commands(wf)] == [(9, "pip install ruff"), (10, "ruff check .")]
