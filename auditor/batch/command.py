"""The `auditor batch` command's console side: a progress bar while it runs, a summary after."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from auditor.batch.outputs import GroupRow
from auditor.batch.roster import Group, RosterError
from auditor.batch.run import BatchResult, run_batch

EXIT_OK, EXIT_GROUP_ERRORS, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_batch_command(source: Path, out: Path, jobs: int | None, deadline: str | None, tz: str | None,
                      no_cache: bool, timeout: float) -> NoReturn:
    """`auditor batch` once its command line is read (by typer or by the quick reading): the exit code."""
    raise SystemExit(batch(source, out, jobs=jobs, deadline=deadline, tz=tz, use_cache=not no_cache,
                           timeout=timeout or None))


def batch(source: Path, out: Path, *, jobs: int | None, deadline: str | None, tz: str | None,
          use_cache: bool, timeout: float | None) -> int:
    """Run a batch with a progress bar (only on a terminal) and print what happened; the exit code."""
    errors = Console(stderr=True)
    progress = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}"), console=errors, disable=not errors.is_terminal,
                        transient=True)
    task = None

    def on_start(groups: list[Group]) -> None:
        nonlocal task
        task = progress.add_task("", total=len(groups))

    def on_row(row: GroupRow) -> None:
        progress.update(task, advance=1, description=Text(row.group.name))

    try:
        with progress:
            result = run_batch(source, out, jobs=jobs, deadline=deadline, tz=tz, use_cache=use_cache,
                               timeout=timeout, on_start=on_start, on_row=on_row)
    except RosterError as exc:
        errors.print(Text("error: ", style="red") + Text(f"{source}: cannot use it as a class"), soft_wrap=True)
        for problem in exc.problems:
            errors.print(Text(f"  {problem}"), soft_wrap=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        errors.print(Text(f"interrupted: the groups audited so far are kept in {out}; run again to go on"),
                     soft_wrap=True)
        return EXIT_INTERRUPTED
    except OSError as exc:
        errors.print(Text("error: ", style="red") + Text(f"cannot write to {out}: {exc.strerror or exc}"))
        return EXIT_INPUT
    print_summary(result, Console())
    return EXIT_GROUP_ERRORS if result.count("error") else EXIT_OK


def print_summary(result: BatchResult, console: Console) -> None:
    audited, cached, failed = result.count("audited"), result.count("cached"), result.count("error")
    console.print(Text(f"{len(result.rows)} groups: {audited} audited, {cached} unchanged since the last run, "
                       f"{failed} could not be audited ({result.seconds:.1f} s)"), soft_wrap=True)
    for row in result.rows:
        if row.status == "error":
            console.print(Text("  error ", style="red") + Text(f"{row.group.name}: {row.error}"), soft_wrap=True)
    console.print(Text(f"dashboard.html, class.json, summary.csv and groups/ in {result.out}"), soft_wrap=True)
