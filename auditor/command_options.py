"""The options of `auditor audit` and `auditor batch`, declared once: the typer commands are built
from these tables, and so is the quick reading of a plain, well-formed command line that spares
an audit or a class run typer's import.

The quick reading understands only what it can read exactly as typer would: the command, its one
positional argument, and each option as `--long VALUE`, `--long=VALUE` or `-s VALUE` (flags bare),
every required option given. Anything else, help, a bad or out-of-range value or a stray token
included, it declines, and typer reads the command line instead, so every message, help text and
exit code stays typer's."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional, Sequence

from auditor.record import record
from auditor.render.attention import FailOn


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


REQUIRED = ...   # typer's mark of a parameter without a default


@record(frozen=True)
class Parameter:
    """One parameter of the command: the positional argument when it has no flags."""

    name: str                    # the keyword the command is called with
    flags: tuple[str, ...]
    kind: type                   # str, Path, bool, int, float, or an Enum whose values are the choices
    default: Any
    help: str
    metavar: str | None = None
    minimum: int | float | None = None   # the smallest value typer accepts (int and float options)

    @property
    def annotation(self) -> Any:
        return Optional[self.kind] if self.default is None else self.kind

    @property
    def takes_value(self) -> bool:
        return self.kind is not bool


AUDIT_PARAMETERS = (
    Parameter("target", (), str, REQUIRED, metavar="TARGET",
              help="The repository: a folder, a bare repository or a URL (https, ssh, file://)."),
    Parameter("report", ("--report",), Path, None, help="The report file (default: TARGET/reports/README.md)."),
    Parameter("format", ("--format", "-f"), Format, Format.text,
              help="text for people, json for dashboards, markdown for a PR comment or "
                   "job summary, sarif for GitHub code scanning."),
    Parameter("output", ("--output", "-o"), Path, None, help="Also write the JSON document to this file."),
    Parameter("verbose", ("--verbose", "-v"), bool, False, help="Show every finding, not only the best."),
    Parameter("at", ("--at",), str, None, metavar="REV",
              help="Audit the tree of this commit (read from git, nothing checked out)."),
    Parameter("deadline", ("--deadline",), str, None,
              help='Audit the last commit of the default branch committed at or before this time ("2026-01-23 23:59").'),
    Parameter("tz", ("--tz",), str, None,
              help="The deadline's time zone (e.g. Europe/Copenhagen; default: this machine's)."),
    Parameter("keep", ("--keep",), Path, None, metavar="DIR", help="Keep the clone of a URL or bare repository in DIR."),
    Parameter("fail_on", ("--fail-on",), FailOn, None,
              help="Exit 1 on: unsupported claims (the default); weak or contradicted answers or failed course "
                   "checks as well; any of these; or never."),
)

BATCH_HELP = """Audit a whole class in parallel: one report per group, class statistics and a dashboard.

    Exit code 0 when every group was audited, 1 when some could not be (their rows say why),
    2 when the input cannot be used (bad roster rows are listed with their line numbers)."""

BATCH_PARAMETERS = (
    Parameter("source", (), Path, REQUIRED, metavar="INPUT",
              help="A CSV roster (group, repository[, deadline][, commit]) or a folder of repositories."),
    Parameter("out", ("--out", "-o"), Path, REQUIRED,
              help="The output folder: reports, class.json, summary.csv, dashboard.html."),
    Parameter("jobs", ("--jobs", "-j"), int, None, minimum=1, help="Worker processes (default: the number of CPUs)."),
    Parameter("deadline", ("--deadline",), str, None,
              help="Audit every group as it was then (a row's own deadline or commit wins)."),
    Parameter("tz", ("--tz",), str, None, help="Time zone of deadlines without one (e.g. Europe/Copenhagen)."),
    Parameter("no_cache", ("--no-cache",), bool, False,
              help="Audit every group again, even when unchanged since the last run."),
    Parameter("timeout", ("--timeout",), float, 900.0, minimum=0, help="Seconds one group may take (0: no limit)."),
)

COMMANDS = {"audit": AUDIT_PARAMETERS, "batch": BATCH_PARAMETERS}
_DECLINED = object()
# click reads this variable to answer shell completion instead of running the command
_COMPLETION_VARIABLE = "_AUDITOR_COMPLETE"


def quick_arguments(command: str, argv: Sequence[str], environment: dict[str, str]) -> dict[str, Any] | None:
    """The keyword arguments typer would call `command` (audit, batch) with for this command line
    (without the program name), or None when the command line is not that command read here."""
    if not argv or argv[0] != command or _COMPLETION_VARIABLE in environment:
        return None
    parameters = COMMANDS[command]
    by_flag = {flag: p for p in parameters for flag in p.flags}
    values: dict[str, Any] = {p.name: p.default for p in parameters if p.flags}
    positional = []
    tokens = iter(argv[1:])
    for token in tokens:
        if not token.startswith("-"):
            positional.append(token)
            continue
        flag, equals, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        option = by_flag.get(flag)
        if option is None or (equals and not option.takes_value):
            return None
        value = _value(option, attached if equals else next(tokens, None)) if option.takes_value else True
        if value is _DECLINED:
            return None
        values[option.name] = value
    if len(positional) != 1 or not positional[0] or REQUIRED in values.values():
        return None
    argument = next(p for p in parameters if not p.flags)
    return {argument.name: argument.kind(positional[0]), **values}


def _plain_number(kind: type, text: str) -> bool:
    """Digits (for a float, around at most one point): text that int() and float() read as typer does."""
    whole, point, fraction = text.partition(".") if kind is float else (text, "", "")
    return text.isascii() and whole.isdigit() and (not point or fraction.isdigit())


def _value(option: Parameter, text: str | None) -> Any:
    """The option's value from its text; declined when typer might read the text otherwise or
    refuse it (missing, empty, looking like an option, not one of the choices, not a plain number
    or one below the minimum)."""
    if not text or text.startswith("-"):
        return _DECLINED
    if issubclass(option.kind, Enum):
        return option.kind(text) if text in {choice.value for choice in option.kind} else _DECLINED
    if option.kind in (int, float):
        if not _plain_number(option.kind, text):
            return _DECLINED
        value = option.kind(text)
        return _DECLINED if option.minimum is not None and value < option.minimum else value
    return option.kind(text)
