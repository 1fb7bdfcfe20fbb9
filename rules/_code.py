"""Shared reading of source code for the week-1 rules: where a function's work is, and the
course template's placeholders, recognised by their shape (never by copying the template)."""

from __future__ import annotations

import re

from auditor.facts.repository import MAX_GREP_LINE, is_source_path
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

# The mlops_template's data.py ships a `MyDataset` whose methods hold only a docstring.
TEMPLATE_STUB_CLASSES = frozenset({"MyDataset"})

# Calls that show no work of their own: output, logging, argument parsing, environment set-up.
NOISE_CALL = LazyPattern(
    r"^(print|super|len|str|int|float|range|isinstance|type|repr|format|enumerate|zip|dict|list|tuple|set|"
    r"typer\.\w+|click\.\w+|argparse\.\w+|fire\.Fire|load_dotenv|find_dotenv|hydra\.main)$"
    r"|(^|\.)(logger|logging|log|_logger|LOGGER|parser)\.\w+$|\.add_argument$|\.parse_args$|^super\(\)\.",
)


def is_template_stub(fn) -> bool:
    """A placeholder method of the template's stub class: a docstring (or `pass`) and nothing else."""
    return fn.trivial and fn.class_name in TEMPLATE_STUB_CLASSES


def does_work(call) -> bool:
    return not NOISE_CALL.search(call.name)


def calls_within(module, start: int, end: int):
    return [c for c in module.calls if start <= c.line <= end]


def working_calls(module, fn) -> list:
    """The calls in `fn`'s body that do something (no prints, loggers or argument parsing)."""
    if fn.trivial:
        return []
    return [c for c in calls_within(module, fn.line + 1, fn.end_line or fn.line) if does_work(c)]


def pyproject_table(repo, *keys) -> dict:
    """A nested table of pyproject.toml (`"tool", "ruff"`), or {} when absent or not a table."""
    node = repo.pyproject.data
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def pyproject_unreadable(repo):
    """An `error` finding when pyproject.toml exists but cannot be parsed (the rule cannot decide)."""
    if repo.pyproject.error:
        return Finding("pyproject.toml", None, f"pyproject.toml cannot be read ({repo.pyproject.error})", "error")
    return None


def unreadable_python(repo, name_pattern: re.Pattern):
    """`error` findings for the project's Python files named like `name_pattern` that cannot be read."""
    for path in repo.files:
        if name_pattern.search(path) and is_source_path(path) and path not in repo.python:
            error = repo.text(path).error
            if error:
                yield Finding(path, None, f"{path} {error}; it cannot be judged", "error")


DATA_PATH = LazyPattern(r"(^|/)(data|datasets|raw|processed|outputs|multirun|wandb|mlruns|lightning_logs|logs)/", re.IGNORECASE)


def grep_text_files(repo, regex: re.Pattern, globs, limit: int = 3, max_files: int = 300):
    """Like `repo.grep`, but skipping data and output folders and reading at most `max_files`
    files, so a repository with thousands of committed text files stays fast."""
    found = []
    for path in [p for p in repo.glob(*globs) if not DATA_PATH.search(p)][:max_files]:
        if not repo.may_hold_match(path, regex.pattern, regex.flags) or not regex.search(repo.searchable_text(path)):
            continue
        for number, line in enumerate(repo.text(path).text.splitlines(), 1):
            if regex.search(line[:MAX_GREP_LINE]):
                found.append((path, number, line.strip()[:160]))
                if len(found) >= limit:
                    return found
    return found
