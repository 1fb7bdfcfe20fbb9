"""What `auditor audit` does once its command line is read, by typer or by the quick reading:
audit, print, and end with the exit code. Nothing here imports typer, and rich only for the
terminal report and for messages."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

from auditor.command_options import Format
from auditor.render.attention import FailOn, fails

EXIT_OK, EXIT_UNSUPPORTED, EXIT_INPUT = 0, 1, 2

AUDIT_HELP = """Audit one repository against its report and print the honesty report.

    A folder's pyproject.toml may set defaults in [tool.auditor] (report, deadline, tz, fail-on,
    skip); these flags win over it."""

EXIT_CODES_HELP = ("Exit codes: 0 nothing found that --fail-on fails on, 1 something found (the report is "
                   "still printed), 2 usage or input error (bad option, path or report).")


def print_to_stderr(markup: str) -> None:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(markup)


def fail(message: str) -> NoReturn:
    print_to_stderr(f"[red]error:[/red] {message}")
    raise SystemExit(EXIT_INPUT)


def run_audit(target: str, report: Path | None, format: Format, output: Path | None, verbose: bool,
              at: str | None, deadline: str | None, tz: str | None, keep: Path | None,
              fail_on: FailOn | None) -> NoReturn:
    from auditor.audit import InputError, audit_target
    from auditor.config import ConfigError, project_config

    try:
        config = project_config(target)
        if config.warning:
            _warn(config.warning)
        if at is None and deadline is None:
            deadline = config.deadline
        result = audit_target(target, report_file=report or config.report, at=at, deadline=deadline,
                              tz=tz or (config.tz if deadline else None), keep=keep)
    except (InputError, ConfigError) as exc:
        fail(str(exc))
    _warn_about_source(result)
    from auditor.render import json_report

    policy = fail_on or FailOn(config.fail_on or FailOn.unsupported.value)
    document = json_report.dumps(result) if output is not None or format is Format.json else None
    if output is not None:
        try:
            output.write_text(document + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    _print_report(lambda: _render(result, format, document, verbose, config.skip))
    raise SystemExit(EXIT_UNSUPPORTED if fails(result, policy, config.skip) else EXIT_OK)


def _warn(message: str) -> None:
    from rich.markup import escape

    print_to_stderr(f"[yellow]warning:[/yellow] {escape(message)}")


def _warn_about_source(result) -> None:
    """What the audit had to work around in the repository (an empty git index), said on stderr."""
    for note in result.repository.source_notes:
        _warn(note)


def _render(result, format: Format, document: str | None, verbose: bool, skip: dict[str, str]) -> None:
    if format is Format.json:
        sys.stdout.write(document + "\n")
    elif format is Format.markdown:
        from auditor.render import markdown

        sys.stdout.write(markdown.render(result, skip))
    elif format is Format.sarif:
        from auditor.render import sarif

        sys.stdout.write(sarif.dumps(result, skip) + "\n")
    else:
        from auditor.render import terminal

        terminal.render(result, terminal.make_console(), verbose, skip)


def _print_report(render) -> None:
    """Print to standard output: a reader that closed the pipe early (`| head`) ends the output
    quietly, a full disk or another write error is an error message, never a traceback."""
    try:
        render()
        sys.stdout.flush()
    except BrokenPipeError:
        point_at_devnull(sys.stdout)
    except OSError as exc:
        point_at_devnull(sys.stdout)
        fail(f"cannot write the report to standard output: {exc.strerror or exc}")


def point_at_devnull(stream) -> None:
    """Point an output stream at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):   # a stand-in stdout without a file descriptor
        pass
