"""The console script and `python -m auditor`: a plain `auditor audit ...` or `auditor batch ...`
runs without importing typer (its options read from the same table the typer command is built
from), every other command line goes to the typer app; then out of the process at once."""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys

EXIT_OK = 0


def main() -> None:
    """Run the command, then leave the process at once.

    The interpreter's own exit frees every object of the finished run one by one, which costs
    an audit ~30 ms of CPU. The exit handlers (temporary files, git processes) and the flush of
    the output run first, so nothing is lost; whenever that cannot be vouched for (a thread still
    running, a flush that fails on a closed pipe, an exit code that is a message), the ordinary
    exit runs instead and behaves as before."""
    try:
        _run_command(sys.argv[1:])
        code = EXIT_OK
    except SystemExit as exit_:
        if exit_.code is not None and not isinstance(exit_.code, int):
            raise
        code = exit_.code or EXIT_OK
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)   # CPython's, not a public API
    from auditor.side_work import other_thread_alive

    if other_thread_alive() or run_exit_handlers is None:
        raise SystemExit(code)
    run_exit_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def _run_command(argv: list[str]) -> None:
    from auditor.command_options import quick_arguments

    for command, run in (("audit", _run_audit_as_typer_would), ("batch", _run_batch_as_typer_would)):
        arguments = quick_arguments(command, argv, os.environ)
        if arguments is not None:
            run(arguments)
            return
    from auditor.cli import app

    app(prog_name="auditor")


def _run_batch_as_typer_would(arguments: dict) -> None:
    """The class run without typer's import (~40 ms before the workers start), ended as typer ends it."""
    from auditor.batch.command import run_batch_command

    _ended_as_typer_ends(lambda: run_batch_command(**arguments))


def _run_audit_as_typer_would(arguments: dict) -> None:
    """The audit, ended as typer ends a command.

    The cyclic garbage collector is off for this one-audit process: an audit leaves a few hundred
    cyclic objects, while the collector's passes over everything the audit holds cost ~10 ms, and
    ~20 ms on a 50k-file repository. Reference counting still frees all the rest at once. The
    machine's other core may take side work meanwhile (auditor.side_work), and git the history
    reads of a folder at its HEAD while the rest of the auditor is imported (started_early)."""
    gc.disable()
    if not any(arguments[name] for name in ("at", "deadline", "tz", "keep")):
        from auditor.facts.started_early import start_folder_reads

        start_folder_reads(arguments["target"])
    from auditor.audit_command import run_audit
    from auditor.side_work import forking_allowed

    def audit() -> None:
        with forking_allowed():
            run_audit(**arguments)

    _ended_as_typer_ends(audit)


def _ended_as_typer_ends(run) -> None:
    """An interrupt exits 130 and a closed pipe 1, both without a traceback, as typer ends a command."""
    from auditor.audit_command import point_at_devnull

    try:
        run()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        point_at_devnull(sys.stdout)
        point_at_devnull(sys.stderr)
        raise SystemExit(1) from None
