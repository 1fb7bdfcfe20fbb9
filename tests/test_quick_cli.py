"""The quick reading of `auditor audit ...` and `auditor batch ...` either declines or calls the command exactly as typer does."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

import pytest
from typer.testing import CliRunner

import auditor.cli as cli
from auditor.command_options import AUDIT_PARAMETERS, BATCH_PARAMETERS, quick_arguments

OPTIONS = [p for p in AUDIT_PARAMETERS if p.flags]


def _samples(option) -> list[str]:
    if issubclass(option.kind, Enum):
        return [choice.value for choice in option.kind]
    return {Path: ["some/dir", "out.json", "a=b"], str: ["abc", "2026-01-23 23:59", "Europe/Copenhagen"]}[option.kind]


def _every_form() -> list[list[str]]:
    """Each flag of each option in each form the quick reading accepts, before and after TARGET."""
    cases = []
    for option in OPTIONS:
        long = option.flags[0]
        if not option.takes_value:
            cases += [["audit", "repo", flag] for flag in option.flags] + [["audit", flag, "repo"] for flag in option.flags]
            continue
        for value in _samples(option):
            cases += [["audit", "repo", flag, value] for flag in option.flags]
            cases += [["audit", f"{long}={value}", "repo"], ["audit", option.flags[-1], value, "repo"]]
    return cases


EVERY_FORM = _every_form()

MIXED = [
    ["audit", "repo"],
    ["audit", "repo", "--format", "json", "--format", "text"],          # repeated: the last wins
    ["audit", "repo", "-v", "--verbose", "-v"],
    ["audit", "--at", "v1", "repo", "--at", "v2", "--deadline", "2026-01-01"],
    ["audit", "-o", "a.json", "--output=b.json", "repo", "-f", "sarif", "--fail-on", "never"],
    ["audit", "repo", "--report", "r.md", "--keep", "clones", "--tz", "UTC", "--fail-on=any", "-v"],
    ["audit", "répo/ø", "--report", "rapport på dansk.md"],
    ["audit", os.fsdecode(b"bin\xe9"), "--output", os.fsdecode(b"\xff.json")],
    ["audit", "https://github.com/a/b.git", "--at=HEAD~1"],
    ["audit", "repo", "--deadline=2026-01-23 23:59", "--tz=Europe/Copenhagen"],
]

# What typer refuses, answers with help, or reads in a way the quick reading leaves to it
DECLINED = [
    [], ["audit"], ["rules"], ["version"], ["--version"], ["--help"], ["explain", "hydra"], ["batch", "x", "--out", "y"],
    ["--version", "audit", "repo"], ["Audit", "repo"],
    ["audit", "--help"], ["audit", "repo", "--help"], ["audit", "repo", "-h"],
    ["audit", "repo", "other"], ["audit", ""], ["audit", "-"], ["audit", "--", "repo"], ["audit", "repo", "--"],
    ["audit", "repo", "--format"], ["audit", "repo", "--format="], ["audit", "repo", "-f"], ["audit", "repo", "--format", "jsn"],
    ["audit", "repo", "--format", "JSON"], ["audit", "repo", "--format", "json "], ["audit", "repo", "-fjson"],
    ["audit", "repo", "-f=json"], ["audit", "repo", "-vf", "json"], ["audit", "repo", "--form", "json"],
    ["audit", "repo", "--formats", "json"], ["audit", "repo", "--FORMAT", "json"],
    ["audit", "repo", "--verbose=1"], ["audit", "repo", "--verbose="], ["audit", "repo", "--no-verbose"],
    ["audit", "repo", "--fail-on", "bogus"], ["audit", "repo", "--fail-on", "Weak"], ["audit", "repo", "--fail-on"],
    ["audit", "repo", "--report", "-x"], ["audit", "repo", "--tz", "-05:00"], ["audit", "repo", "--report="],
    ["audit", "repo", "--at", "--verbose"], ["audit", "repo", "-o=x"], ["audit", "repo", "--report", ""],
    ["audit", "repo", "--jobs", "2"], ["audit", "repo", "---format", "json"],
]


def _typer_arguments(argv: list[str], monkeypatch) -> dict | None:
    """What typer calls the audit with for this command line, or None when it does not call it."""
    called = []

    def record(**arguments):
        called.append(arguments)
        raise SystemExit(0)

    monkeypatch.setattr(cli, "run_audit", record)
    CliRunner().invoke(cli.app, argv)
    return called[0] if called else None


def _typed(arguments: dict) -> dict:
    return {name: (type(value), value) for name, value in arguments.items()}


@pytest.mark.parametrize("argv", EVERY_FORM + MIXED, ids=" ".join)
def test_the_quick_reading_calls_the_audit_as_typer_does(argv, monkeypatch):
    quick = quick_arguments("audit", argv, {})
    assert quick is not None, "a plain command line the quick reading should read"
    assert _typed(quick) == _typed(_typer_arguments(argv, monkeypatch))


@pytest.mark.parametrize("argv", DECLINED, ids=lambda argv: " ".join(argv) or "(empty)")
def test_the_quick_reading_declines_what_it_cannot_read_as_typer_does(argv, monkeypatch):
    assert quick_arguments("audit", argv, {}) is None
    typer_arguments = _typer_arguments(argv, monkeypatch)
    if argv[:1] == ["audit"] and typer_arguments is not None:  # typer reads it: declining costs only time
        assert set(typer_arguments) == {p.name for p in AUDIT_PARAMETERS}


def test_every_option_of_the_table_is_an_option_of_the_typer_command():
    command = cli.typer.main.get_command(cli.app).commands["audit"]
    declared = {param.name: tuple(param.opts) for param in command.params}
    assert declared == {p.name: p.flags or (p.name,) for p in AUDIT_PARAMETERS}


def test_shell_completion_is_left_to_typer():
    assert quick_arguments("audit", ["audit", "repo"], {"_AUDITOR_COMPLETE": "bash_source"}) is None


class _StandIn:
    """A standard stream without a file descriptor, so ending quietly cannot touch the real ones."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        raise ValueError("no descriptor")


@pytest.mark.parametrize("raised", [KeyboardInterrupt(), BrokenPipeError(32, "Broken pipe")], ids=repr)
def test_an_audit_interrupted_or_cut_off_ends_with_typer_s_exit_code(raised, monkeypatch):
    import sys

    import auditor.audit_command
    from auditor.entry import _run_command

    def interrupted(**arguments):
        raise raised

    codes = []
    for module, run in ((cli, lambda: cli.app(["audit", "repo", "--format", "json"], prog_name="auditor")),
                        (auditor.audit_command, lambda: _run_command(["audit", "repo", "--format", "json"]))):
        monkeypatch.setattr(sys, "stdout", _StandIn())
        monkeypatch.setattr(sys, "stderr", _StandIn())
        monkeypatch.setattr(module, "run_audit", interrupted)
        with pytest.raises(SystemExit) as ended:
            run()
        codes.append(ended.value.code)
    assert codes == [130, 130] if isinstance(raised, KeyboardInterrupt) else codes == [1, 1]


# --- batch --------------------------------------------------------------------------------------
BATCH_OPTIONS = [p for p in BATCH_PARAMETERS if p.flags]
BATCH_SAMPLES = {Path: ["out", "some/dir", "a=b"], str: ["2026-01-23 23:59", "Europe/Copenhagen"],
                 int: ["1", "2", "16", "007"], float: ["0", "2.5", "900", "0.0"]}


def _every_batch_form() -> list[list[str]]:
    """Each flag of each batch option in each form the quick reading accepts (with the required --out)."""
    cases = []
    for option in BATCH_OPTIONS:
        long = option.flags[0]
        rest = [] if option.name == "out" else ["--out", "reports"]
        if not option.takes_value:
            cases += [["batch", "class", flag, *rest] for flag in option.flags]
            continue
        for value in BATCH_SAMPLES[option.kind]:
            cases += [["batch", "class", flag, value, *rest] for flag in option.flags]
            cases += [["batch", f"{long}={value}", *rest, "class"], ["batch", *rest, option.flags[-1], value, "class"]]
    return cases


BATCH_MIXED = [
    ["batch", "class", "-o", "out"],
    ["batch", "roster.csv", "--out", "a", "--out", "b", "-j", "1", "--jobs", "3"],   # repeated: the last wins
    ["batch", "class", "-o", "out", "--no-cache", "--no-cache", "--timeout", "0"],
    ["batch", "-o", "ud", "klasse på dansk", "--deadline=2026-01-23 23:59", "--tz", "Europe/Copenhagen"],
    ["batch", os.fsdecode(b"cl\xe9ss"), "--out", os.fsdecode(b"\xff")],
]

BATCH_DECLINED = [
    ["batch"], ["batch", "class"], ["batch", "--out", "out"], ["batch", "class", "--out"], ["batch", "class", "-o="],
    ["batch", "class", "-o", "out", "--help"], ["batch", "--help"], ["batch", "class", "other", "-o", "out"],
    ["batch", "class", "-o", "out", "--jobs", "0"], ["batch", "class", "-o", "out", "-j", "-1"],
    ["batch", "class", "-o", "out", "-j", "1.5"], ["batch", "class", "-o", "out", "-j", " 2"],
    ["batch", "class", "-o", "out", "-j", "+2"], ["batch", "class", "-o", "out", "-j", "2_0"],
    ["batch", "class", "-o", "out", "-j", "\u00b2"], ["batch", "class", "-o", "out", "--jobs="],
    ["batch", "class", "-o", "out", "--timeout", "-1"], ["batch", "class", "-o", "out", "--timeout", "1e3"],
    ["batch", "class", "-o", "out", "--timeout", "inf"], ["batch", "class", "-o", "out", "--timeout", ".5"],
    ["batch", "class", "-o", "out", "--no-cache=1"], ["batch", "class", "-o", "out", "--cache"],
    ["batch", "class", "-o", "out", "--format", "json"], ["batch", "", "-o", "out"], ["Batch", "class", "-o", "out"],
    ["batch", "class", "-o", "out", "--"], ["batch", "class", "-o", "-x"],
]


def _typer_batch_arguments(argv: list[str], monkeypatch) -> dict | None:
    """What typer calls the batch command with for this command line, or None when it does not call it."""
    import auditor.batch.command

    called = []

    def record(**arguments):
        called.append(arguments)
        raise SystemExit(0)

    monkeypatch.setattr(auditor.batch.command, "run_batch_command", record)
    CliRunner().invoke(cli.app, argv)
    return called[0] if called else None


@pytest.mark.parametrize("argv", _every_batch_form() + BATCH_MIXED, ids=" ".join)
def test_the_quick_reading_calls_the_batch_as_typer_does(argv, monkeypatch):
    quick = quick_arguments("batch", argv, {})
    assert quick is not None, "a plain command line the quick reading should read"
    assert _typed(quick) == _typed(_typer_batch_arguments(argv, monkeypatch))


@pytest.mark.parametrize("argv", BATCH_DECLINED, ids=lambda argv: " ".join(argv) or "(empty)")
def test_the_quick_reading_declines_batch_lines_it_cannot_read_as_typer_does(argv, monkeypatch):
    assert quick_arguments("batch", argv, {}) is None
    typer_arguments = _typer_batch_arguments(argv, monkeypatch)
    if typer_arguments is not None:  # typer reads it: declining costs only time
        assert set(typer_arguments) == {p.name for p in BATCH_PARAMETERS}


def test_every_batch_option_of_the_table_is_an_option_of_the_typer_command():
    command = cli.typer.main.get_command(cli.app).commands["batch"]
    declared = {param.name: tuple(param.opts) for param in command.params}
    assert declared == {p.name: p.flags or (p.name,) for p in BATCH_PARAMETERS}
    ranges = {param.name: getattr(param.type, "min", None) for param in command.params}
    assert ranges == {p.name: p.minimum for p in BATCH_PARAMETERS}


def test_a_batch_line_goes_to_the_class_run_without_typer(monkeypatch):
    import sys

    import auditor.batch.command
    from auditor.entry import _run_command

    called = []
    monkeypatch.setattr(auditor.batch.command, "run_batch_command", lambda **arguments: called.append(arguments))
    for module in ("typer", "auditor.cli"):
        monkeypatch.setitem(sys.modules, module, None)   # importing either would fail
    _run_command(["batch", "class", "-o", "out", "-j", "2"])
    assert called == [{"source": Path("class"), "out": Path("out"), "jobs": 2, "deadline": None, "tz": None,
                       "no_cache": False, "timeout": 900.0}]
