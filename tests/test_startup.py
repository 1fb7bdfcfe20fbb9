"""Start-up: the machine formats and `--version` do not pay for what only the terminal report needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, git

ROOT = Path(__file__).resolve().parent.parent


def _all_modules_after(script: str) -> set[str]:
    """Every module (dotted name) a fresh interpreter has imported after running `script`."""
    probe = script + "\nimport json, sys\nsys.__stdout__.write(json.dumps(sorted(sys.modules)))\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def _modules_after(script: str) -> set[str]:
    """The top-level modules a fresh interpreter has imported after running `script`."""
    return {name.split(".")[0] for name in _all_modules_after(script)}


def _command(*args: str) -> str:
    """A script that runs the CLI with these arguments, its output thrown away."""
    return (
        "import io, sys\n"
        "from auditor.cli import app\n"
        "sys.stdout = io.StringIO()\n"
        f"try:\n    app({list(args)!r})\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
    )


def test_importing_the_cli_does_not_import_rich_or_the_audit():
    modules = _modules_after("import auditor.cli")
    assert "rich" not in modules
    assert "yaml" not in modules


def test_a_json_audit_does_not_import_rich():
    script = (
        "import io, sys\n"
        "from auditor.cli import app\n"
        "sys.stdout = io.StringIO()\n"
        f"try:\n    app(['audit', {str(FIXTURES / 'example-repo')!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
    )
    assert "rich" not in _modules_after(script)


def _console_entry_script(args: tuple[str, ...]) -> str:
    """A script that runs the console entry (`auditor ARGS`) and, in its exit handlers, writes the
    names of every module imported by then to stderr as a JSON list."""
    return (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.stderr.write(json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['auditor', *{list(args)!r}]\n"
        "from auditor.entry import main\n"
        "main()\n"
    )


def _modules_of_the_console_entry(*args: str) -> set[str]:
    """Every module the console script (`auditor ARGS`) has imported when it runs its exit handlers."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _console_entry_script(args)], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_a_plain_audit_command_line_is_read_without_typer_click_or_rich():
    for args in (["--format", "json"], ["-f", "sarif", "--fail-on=never"], ["--format=markdown", "-o", os.devnull]):
        modules = _modules_of_the_console_entry("audit", str(FIXTURES / "example-repo"), *args)
        assert "auditor.render.json_report" in modules  # the audit did run
        assert sorted(m for m in ("typer", "click", "rich", "auditor.cli") if m in modules) == [], args


def test_a_command_line_the_quick_reading_declines_goes_to_typer():
    modules = _modules_of_the_console_entry("audit", str(FIXTURES / "example-repo"), "-fjson")
    assert {"typer", "auditor.cli", "auditor.render.json_report"} <= modules


def test_help_is_drawn_without_rich():
    script = (
        "import io, sys\n"
        "from auditor.cli import app\n"
        "sys.stdout = io.StringIO()\n"
        "try:\n    app(['audit', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
    )
    assert "rich" not in _modules_after(script)


# What only another command, output format or option needs: the terminal and the other renderers,
# the class run, a --tz deadline's zone database, the parsers of files the repository does not have.
NOT_FOR_A_JSON_AUDIT = ("rich", "zoneinfo", "multiprocessing", "csv", "html", "configparser", "tomllib",
                        "auditor.batch", "auditor.render.terminal", "auditor.render.markdown",
                        "auditor.render.sarif", "auditor.render.explain")


def test_a_json_audit_imports_nothing_only_other_commands_need():
    # example-repo has neither a setup.cfg nor a TOML file
    modules = _all_modules_after(_command("audit", str(FIXTURES / "example-repo"), "--format", "json"))
    assert "auditor.render.json_report" in modules  # the script did run the audit
    assert sorted(m for m in NOT_FOR_A_JSON_AUDIT if m in modules) == []


def test_version_and_help_import_neither_the_audit_nor_its_parsers():
    for args in (["--version"], ["--help"], ["audit", "--help"]):
        modules = _all_modules_after(_command(*args))
        loaded = sorted(m for m in ("auditor.audit", "auditor.model", "auditor.catalog", "yaml", "tree_sitter", "rich")
                        if m in modules)
        assert loaded == [], args



def _run(command: list[str], tmpdir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmpdir))
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, env=env, cwd=ROOT)


def test_the_console_entry_ends_as_the_app_does_with_the_exit_handlers_run(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "example-repo", repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    for args in (["audit", str(repo), "--format", "json"], ["audit", str(tmp_path / "missing")], ["--version"],
                 ["audit", "-v", str(repo), "-f", "markdown", "--fail-on=any"], ["audit", str(repo), "--format=sarif"],
                 ["audit", str(repo), "--report", str(tmp_path / "missing.md")], ["audit", str(repo), "-f", "jsn"],
                 ["audit", str(repo), "--verbose", "--output", str(tmp_path / "missing" / "out.json")]):
        quick = _run(["-m", "auditor", *args], scratch)
        assert list(scratch.iterdir()) == []  # nothing left in the temporary folder
        ordinary = _run(["-c", f"from auditor.cli import app; app({args!r}, prog_name='auditor')"], scratch)
        assert (quick.returncode, quick.stdout, quick.stderr) == (ordinary.returncode, ordinary.stdout, ordinary.stderr)


def test_the_fast_exit_sees_another_thread_and_needs_no_threading_module_to_know_there_is_none(monkeypatch):
    import threading

    from auditor.side_work import other_thread_alive

    assert not other_thread_alive()
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert other_thread_alive()
    finally:
        release.set()
        worker.join()
    monkeypatch.delitem(sys.modules, "threading")
    assert not other_thread_alive() and "threading" not in sys.modules


def test_an_audit_imports_neither_dataclasses_inspect_nor_hashlib():
    """`@record` is built without dataclasses, probes' parameters are read from their code (~10 ms),
    and the digests come from auditor.digests (hashlib's OpenSSL binding ~2.5 ms)."""
    assert sorted(m for m in ("dataclasses", "inspect") if m in _all_modules_after("import auditor.audit")) == []
    modules = _modules_of_the_console_entry("audit", str(FIXTURES / "example-repo"), "--format", "json")
    assert "auditor.render.json_report" in modules  # the audit did run
    assert sorted(m for m in ("dataclasses", "inspect", "hashlib", "_hashlib") if m in modules) == []


def _modules_of_the_console_entry_without_site_hooks(tmp_path: Path, *args: str) -> set[str]:
    """As `_modules_of_the_console_entry`, with `-S`: a `.pth` file of the environment (one here
    imports certifi, and with it tempfile) then imports nothing before the auditor does."""
    import site
    script = _console_entry_script(args)
    path = os.pathsep.join([str(ROOT), *site.getsitepackages()])
    env = dict(os.environ, PYTHONPATH=path, XDG_CACHE_HOME=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True, text=True, env=env, cwd=ROOT)
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_an_audit_of_a_history_imports_no_tempfile_cold_or_warm(tmp_path):
    """The numstat output goes to a memfd, the binary attributes file and the caches are written
    without tempfile, the tree-sitter grammars load without importlib.resources (which imports it)."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "example-repo", repo)
    (repo / "run.sh").write_text("#!/bin/sh\npython -m src.train\n")  # a script for the shell grammar
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    for run in ("cold", "warm"):
        modules = _modules_of_the_console_entry_without_site_hooks(tmp_path, "audit", str(repo), "--format", "json")
        assert {"auditor.render.json_report", "auditor.facts.shell", "auditor.facts.python_code"} <= modules, run
        unwanted = ("tempfile", "shutil", "random", "importlib.resources", "tree_sitter_bash", "tree_sitter_python")
        assert sorted(m for m in unwanted if m in modules) == [], run
    assert list((tmp_path / "cache" / "auditor").glob("binary-*.gitattributes"))
