"""Shared reading of source code for the week-1 rules: where a function's work is, and the
course template's placeholders, recognised by their shape (never by copying the template)."""

from __future__ import annotations

import re

# The mlops_template's data.py ships a `MyDataset` whose methods hold only a docstring.
TEMPLATE_STUB_CLASSES = frozenset({"MyDataset"})

# Calls that show no work of their own: output, logging, argument parsing, environment set-up.
NOISE_CALL = re.compile(
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

