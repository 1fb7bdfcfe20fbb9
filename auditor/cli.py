"""The command line: `auditor audit TARGET`, `auditor batch INPUT`, `auditor rules`, `auditor explain ID`."""

from __future__ import annotations

import inspect

import typer

from auditor import __version__
from auditor.audit_command import AUDIT_HELP, EXIT_CODES_HELP, EXIT_OK, fail, run_audit
from auditor.command_options import AUDIT_PARAMETERS, BATCH_HELP, BATCH_PARAMETERS, Parameter
from auditor.entry import main  # noqa: F401  the console script's former home

# The audit, the catalogue and rich are imported by the commands that use them, so that
# `--version`, `--help` and the machine formats start without them.

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, help="Does the repository back up what the report claims?")


def _typer_parameter(parameter: Parameter) -> typer.models.ParameterInfo:
    if not parameter.flags:
        return typer.Argument(parameter.default, metavar=parameter.metavar, help=parameter.help)
    return typer.Option(parameter.default, *parameter.flags, metavar=parameter.metavar, help=parameter.help,
                        min=parameter.minimum)


def _command_from_table(parameters: tuple[Parameter, ...], doc: str, run):
    """A command as typer reads a hand-written one: its signature is the table's, and it calls `run`."""
    def command(**values) -> None:
        run(**values)

    command.__signature__ = inspect.Signature([
        inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=_typer_parameter(p),
                          annotation=p.annotation) for p in parameters])
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = doc
    return command


def _run_audit(**values) -> None:
    run_audit(**values)


def _run_batch(**values) -> None:
    from auditor.batch.command import run_batch_command

    run_batch_command(**values)


audit_command = app.command("audit", epilog=EXIT_CODES_HELP)(_command_from_table(AUDIT_PARAMETERS, AUDIT_HELP, _run_audit))


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
    from auditor.engine.patterns import unused_in_words
    from auditor.engine.run import facts_read
    from auditor.render.explain import LABEL_STYLES, evidence_lines

    specs = by_id()
    spec = specs.get(item) or next((s for s in specs.values() if s.code.lower() == item.lower()), None)
    if spec is None:
        fail(f"unknown item {item!r}; `auditor rules` lists them")
    console = Console()
    console.print(f"[bold]{spec.code} {spec.id}[/bold] ({spec.module or 'no module'}, week {spec.week})")
    console.print(escape(spec.title))
    for label, rest in evidence_lines(spec):
        style = LABEL_STYLES[label]
        console.print(f"[{style}]{label}[/{style}]{escape(rest)}")
    if spec.frameworks:
        console.print("frameworks recognised: " + escape(", ".join(spec.frameworks)))
    console.print("report wording matched: " + escape(", ".join(f"/{p.pattern}/" for p in spec.match)))
    unused = unused_in_words(spec.unused)
    if unused:
        console.print("[yellow]weak[/yellow] when nothing is strong (the shared `unused` step): " + escape(unused))
    facts = facts_read(spec)
    if facts:
        console.print("facts read: " + escape(", ".join(facts)))


batch_command = app.command("batch")(_command_from_table(BATCH_PARAMETERS, BATCH_HELP, _run_batch))


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
