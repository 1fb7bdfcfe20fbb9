"""The command line: `auditor audit TARGET`, `auditor rules`, `auditor explain ID`."""

from __future__ import annotations

import atexit
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from auditor import __version__
from auditor.render.attention import FailOn, fails

# The audit, the catalogue and rich are imported by the commands that use them, so that
# `--version`, `--help` and the machine formats start without them.

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, help="Does the repository back up what the report claims?")

EXIT_OK, EXIT_UNSUPPORTED, EXIT_INPUT = 0, 1, 2


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


EXIT_CODES_HELP = ("Exit codes: 0 nothing found that --fail-on fails on, 1 something found (the report is "
                   "still printed), 2 usage or input error (bad option, path or report).")


def _print_to_stderr(markup: str) -> None:
    from rich.console import Console

    Console(stderr=True, soft_wrap=True).print(markup)


def _fail(message: str) -> None:
    _print_to_stderr(f"[red]error:[/red] {message}")
    raise typer.Exit(EXIT_INPUT)


@app.command("audit", epilog=EXIT_CODES_HELP)
def audit_command(
    target: str = typer.Argument(..., metavar="TARGET",
                                 help="The repository: a folder, a bare repository or a URL (https, ssh, file://)."),
    report: Optional[Path] = typer.Option(None, "--report", help="The report file (default: TARGET/reports/README.md)."),
    format: Format = typer.Option(Format.text, "--format", "-f",
                                  help="text for people, json for dashboards, markdown for a PR comment or "
                                       "job summary, sarif for GitHub code scanning."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the JSON document to this file."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show every finding, not only the best."),
    at: Optional[str] = typer.Option(None, "--at", metavar="REV", help="Audit the tree of this commit (read from git, nothing checked out)."),
    deadline: Optional[str] = typer.Option(
        None, "--deadline", help='Audit the last commit of the default branch committed at or before this time ("2026-01-23 23:59").'),
    tz: Optional[str] = typer.Option(None, "--tz", help="The deadline's time zone (e.g. Europe/Copenhagen; default: this machine's)."),
    keep: Optional[Path] = typer.Option(None, "--keep", metavar="DIR", help="Keep the clone of a URL or bare repository in DIR."),
    fail_on: Optional[FailOn] = typer.Option(
        None, "--fail-on",
        help="Exit 1 on: unsupported claims (the default); weak or contradicted answers or failed course "
             "checks as well; any of these; or never."),
) -> None:
    """Audit one repository against its report and print the honesty report.

    A folder's pyproject.toml may set defaults in [tool.auditor] (report, deadline, tz, fail-on,
    skip); these flags win over it."""
    from auditor.audit import InputError, audit_target
    from auditor.config import ConfigError, project_config

    try:
        config = project_config(target)
        if config.warning:
            from rich.markup import escape

            _print_to_stderr(f"[yellow]warning:[/yellow] {escape(config.warning)}")
        if at is None and deadline is None:
            deadline = config.deadline
        result = audit_target(target, report_file=report or config.report, at=at, deadline=deadline,
                              tz=tz or (config.tz if deadline else None), keep=keep)
    except (InputError, ConfigError) as exc:
        _fail(str(exc))
        return
    from auditor.render import json_report

    policy = fail_on or FailOn(config.fail_on or FailOn.unsupported.value)
    document = json_report.dumps(result) if output is not None or format is Format.json else None
    if output is not None:
        try:
            output.write_text(document + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
    _print_report(lambda: _render(result, format, document, verbose, config.skip))
    raise typer.Exit(EXIT_UNSUPPORTED if fails(result, policy, config.skip) else EXIT_OK)


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
        _drop_stdout()
    except OSError as exc:
        _drop_stdout()
        _fail(f"cannot write the report to standard output: {exc.strerror or exc}")


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):   # a stand-in stdout without a file descriptor
        pass


@app.command("rules")
def rules_command() -> None:
    """List every rule: code, id, module and what counts as evidence."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from auditor.catalog import load_catalog

    table = Table(show_lines=False)
    for column in ("code", "id", "module", "title", "strong", "weak"):
        table.add_column(column, overflow="fold")
    for spec in load_catalog():
        table.add_row(*(escape(v) for v in (spec.code, spec.id, spec.module or "-", spec.title, spec.strong, spec.weak or "-")))
    Console().print(table)


@app.command("explain")
def explain_command(item: str = typer.Argument(..., help="An item id (e.g. dockerfiles) or code (e.g. MLO112).")) -> None:
    """Explain one rule: what it checks and what counts as strong or weak evidence."""
    from rich.console import Console
    from rich.markup import escape

    from auditor.catalog import by_id
    from auditor.engine.run import facts_read
    from auditor.render.explain import LABEL_STYLES, evidence_lines

    specs = by_id()
    spec = specs.get(item) or next((s for s in specs.values() if s.code.lower() == item.lower()), None)
    if spec is None:
        _fail(f"unknown item {item!r}; `auditor rules` lists them")
        return
    console = Console()
    console.print(f"[bold]{spec.code} {spec.id}[/bold] ({spec.module or 'no module'}, week {spec.week})")
    console.print(escape(spec.title))
    for label, rest in evidence_lines(spec):
        style = LABEL_STYLES[label]
        console.print(f"[{style}]{label}[/{style}]{escape(rest)}")
    if spec.frameworks:
        console.print("frameworks recognised: " + escape(", ".join(spec.frameworks)))
    console.print("report wording matched: " + escape(", ".join(f"/{p.pattern}/" for p in spec.match)))
    facts = facts_read(spec)
    if facts:
        console.print("facts read: " + escape(", ".join(facts)))


@app.command("batch")
def batch_command(
    source: Path = typer.Argument(..., metavar="INPUT",
                                  help="A CSV roster (group, repository[, deadline][, commit]) or a folder of repositories."),
    out: Path = typer.Option(..., "--out", "-o", help="The output folder: reports, class.json, summary.csv, dashboard.html."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: the number of CPUs)."),
    deadline: Optional[str] = typer.Option(None, "--deadline", help="Audit every group as it was then (a row's own deadline or commit wins)."),
    tz: Optional[str] = typer.Option(None, "--tz", help="Time zone of deadlines without one (e.g. Europe/Copenhagen)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Audit every group again, even when unchanged since the last run."),
    timeout: float = typer.Option(900.0, "--timeout", min=0, help="Seconds one group may take (0: no limit)."),
) -> None:
    """Audit a whole class in parallel: one report per group, class statistics and a dashboard.

    Exit code 0 when every group was audited, 1 when some could not be (their rows say why),
    2 when the input cannot be used (bad roster rows are listed with their line numbers)."""
    from auditor.batch.command import batch

    raise typer.Exit(batch(source, out, jobs=jobs, deadline=deadline, tz=tz, use_cache=not no_cache,
                           timeout=timeout or None))


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the auditor's version and exit."),
) -> None:
    """Does the repository back up what the report claims?"""


@app.command("version")
def version_command() -> None:
    """Print the auditor's version."""
    typer.echo(__version__)


def main() -> None:
    """The console script and `python -m auditor`: the app, then out of the process at once.

    The interpreter's own exit frees every object of the finished run one by one, which costs
    an audit ~30 ms of CPU. The exit handlers (temporary files, git processes) and the flush of
    the output run first, so nothing is lost; whenever that cannot be vouched for (a thread still
    running, a flush that fails on a closed pipe, an exit code that is a message), the ordinary
    exit runs instead and behaves as before."""
    try:
        app(prog_name="auditor")
        code = EXIT_OK
    except SystemExit as exit_:
        if exit_.code is not None and not isinstance(exit_.code, int):
            raise
        code = exit_.code or EXIT_OK
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)   # CPython's, not a public API
    if _other_thread_alive() or run_exit_handlers is None:
        raise SystemExit(code)
    run_exit_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def _other_thread_alive() -> bool:
    """Whether a thread other than the main one runs. Python code starts threads through
    `threading`: when no module imported it, none was started, and it need not be imported."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1
