"""Running git on the audited repository: read-only commands, no hooks, no prompts, no helpers.

The audited repository is hostile input, and so is its `.git/config`: every call disables
hooks, fsmonitor and the `ext::` transport (history reads add --no-ext-diff --no-textconv), and strips
the caller's GIT_* variables so nothing points git elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import weakref
from collections.abc import Iterator
from pathlib import Path

from auditor.facts.started_early import adopted

SAFE_CONFIG = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.quotepath=off",
    "-c", "protocol.ext.allow=never",
)
# git maps its pack files into memory in windows of up to 1 GiB, kept while under 8 GiB in all: a
# history walk over a large pack then holds every page it touched (a 350 MB pack, 150 MB resident).
# Small windows, unmapped past a small total, keep any git process near its working memory.
PACK_WINDOWS = (
    "-c", "core.packedGitWindowSize=1m",
    "-c", "core.packedGitLimit=16m",
)
GIT_TIMEOUT = 120


class GitError(Exception):
    """A git command failed; the message is git's own first line of complaint."""


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
        "GCM_INTERACTIVE": "never",
        "GIT_NO_LAZY_FETCH": "1",  # a partial clone must not fetch missing objects while we read
    })
    return env


def git_command(where: Path | None, *args: str) -> list[str]:
    location = ["-C", str(where)] if where is not None else []
    return ["git", *SAFE_CONFIG, *PACK_WINDOWS, *location, *args]


def scratch_file(name: str):
    """A file for a git process's output, in memory where the system allows (no disk, no temporary
    folder), else a temporary file; either is gone once closed."""
    if hasattr(os, "memfd_create"):
        try:
            return os.fdopen(os.memfd_create(name), "w+b")
        except OSError:
            pass
    import tempfile  # ~3 ms, with shutil and random: only where there is no memfd_create

    return tempfile.TemporaryFile()


def git_bytes(where: Path | None, *args: str, timeout: float = GIT_TIMEOUT) -> bytes:
    """stdout of `git -C where args...`; GitError with git's message when it fails."""
    return GitRun(where, *args, timeout=timeout).output()


class GitRun:
    """A git command started at once and read later, so that independent commands run side by side.
    `spooled`: its output goes to a scratch file instead of a pipe, so that git finishes however
    long it is left unread (a 53k-file listing started before the auditor is imported)."""

    def __init__(self, where: Path | None, *args: str, timeout: float = GIT_TIMEOUT, spooled: bool = False):
        self.args, self.timeout = args, timeout
        self._error: GitError | None = None
        self._stdout: bytes | None = None
        self._spool = None
        try:
            self._spool = scratch_file("auditor-git") if spooled else None
            self._process: subprocess.Popen | None = subprocess.Popen(
                git_command(where, *args), stdout=self._spool or subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, env=git_env())
        except OSError as exc:
            self._close_spool()
            self._process, self._error = None, GitError(f"git cannot be run ({exc.strerror or exc})")

    def output(self) -> bytes:
        """The command's stdout (read once, then kept); GitError with git's message when it failed
        or took too long."""
        if self._stdout is not None:
            return self._stdout
        if self._process is None:
            raise self._error or GitError(f"git {self.args[0]} was cancelled")
        try:
            stdout, stderr = self._process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise GitError(f"git {self.args[0]} took longer than {self.timeout:.0f} s") from exc
        code = self._process.returncode
        if code != 0:
            self._close_spool()
            self._process, self._error = None, GitError(first_complaint(stderr) or f"git {self.args[0]} failed (exit {code})")
            raise self._error
        if self._spool is not None:
            self._spool.seek(0)
            stdout = self._spool.read()
            self._close_spool()
        self._stdout = stdout
        return stdout

    def text(self) -> str:
        return self.output().decode("utf-8", "replace")

    def cancel(self) -> None:
        """Stops the command when its answer is no longer wanted."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
        if process is not None:
            process.communicate()
        self._close_spool()

    def _close_spool(self) -> None:
        spool, self._spool = self._spool, None
        if spool is not None:
            spool.close()


def git_text(where: Path | None, *args: str, timeout: float = GIT_TIMEOUT) -> str:
    return git_bytes(where, *args, timeout=timeout).decode("utf-8", "replace")


def first_complaint(stderr: bytes) -> str:
    lines = [l.strip() for l in stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    fatal = [l for l in lines if l.lower().startswith(("fatal:", "error:"))]
    return (fatal or lines or [""])[0]


class GitUnavailable(GitError):
    """git itself cannot be started."""


class CatFile:
    """A long-lived `git cat-file` for every object an audit reads from git: sizes and kinds asked in
    bulk, contents one at a time (so a huge blob is never asked for unread). One `--batch-command`
    process answers both (git 2.36 and later); an older git gets a `--batch-check` and a `--batch`."""

    BULK = 500   # info requests written at once: their answers stay well below a pipe's buffer
    INFO, CONTENTS = "--batch-check", "--batch"
    BOTH = "--batch-command"
    VERBS = {INFO: b"info ", CONTENTS: b"contents "}
    PROBE = b"info " + b"0" * 40 + b"\n"   # any `missing` answer says the process understood the command

    def __init__(self, where: Path):
        self.where = where
        self._processes: dict[str, subprocess.Popen] = {}
        self._combined: bool | None = None   # whether git takes --batch-command; None until first asked
        self._asked: subprocess.Popen | None = None   # a --batch-command process asked so, not yet answered
        self._finalizer = weakref.finalize(self, _stop_all, self._processes)

    @classmethod
    def start(cls, where: Path) -> CatFile:
        """The repository's cat-file, or the one started early (auditor.facts.started_early)."""
        return adopted(("cat-file", str(where)), lambda: cls(where))

    def prepare(self) -> None:
        """Starts the --batch-command process and asks whether git takes it; the answer is read on
        first use, so git starts up meanwhile."""
        if self._combined is not None or self._asked is not None:
            return
        try:
            process = self._start(self.BOTH)
            process.stdin.write(self.PROBE)
            process.stdin.flush()
        except (GitUnavailable, OSError, ValueError):
            return
        self._asked = self._processes["asked"] = process   # stopped with the others

    def sizes(self, objects: list[str]) -> dict[str, int]:
        """object -> size, for the objects among these that are blobs in the object store."""
        return {header[0].decode(): int(header[2]) for _, header in self._blob_headers(objects)}

    def blob_ids(self, names: list[str]) -> dict[str, str]:
        """name -> object id, for the names (`commit:path`) that name a blob."""
        return {name: header[0].decode() for name, header in self._blob_headers(names)}

    def _blob_headers(self, names: list[str]) -> Iterator[tuple[str, list[bytes]]]:
        """(name, `id blob size` header) for the names that name a blob, asked BULK at a time."""
        for start in range(0, len(names), self.BULK):
            chunk = names[start : start + self.BULK]
            for name, header in zip(chunk, self._ask(self.INFO, [name.encode() for name in chunk])):
                if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
                    yield name, header

    def kind(self, name: str) -> str | None:
        """The object's type (`blob`, `tree`, `commit`, `tag`); None when the name resolves to nothing."""
        [header] = self._ask(self.INFO, [name.encode("utf-8", "surrogateescape")])
        return header[1].decode() if len(header) == 3 and header[2].isdigit() else None

    def read(self, name: str) -> bytes | None:
        """The object's content; None when the object store lacks it."""
        [header] = self._ask(self.CONTENTS, [name.encode()])
        return self._content(header)

    def read_many(self, names: list[str]) -> dict[str, bytes]:
        """object -> content, for the objects among these that the object store holds, asked in bulk
        (one round trip per BULK names): every content is read whole, so the caller has checked the sizes."""
        found = {}
        for start in range(0, len(names), self.BULK):
            chunk = names[start : start + self.BULK]
            process = self._running(self.CONTENTS)
            try:
                process.stdin.write(self._requests(self.CONTENTS, [name.encode() for name in chunk]))
                process.stdin.flush()
                for name in chunk:
                    data = self._content(process.stdout.readline().split())
                    if data is not None:
                        found[name] = data
            except (OSError, ValueError) as exc:
                self.close()
                raise GitError(str(exc)) from exc
        return found

    def _content(self, header: list[bytes]) -> bytes | None:
        """The content announced by a contents header, read from the process; None for a missing object."""
        if not header:
            self.close()
            raise GitError("git cat-file stopped early")
        if len(header) != 3 or not header[2].isdigit():
            return None
        size = int(header[2])
        try:
            stdout = self._processes[self._serving(self.CONTENTS)].stdout
            data = stdout.read(size)
            stdout.read(1)
        except (OSError, ValueError, KeyError) as exc:
            self.close()
            raise GitError(str(exc)) from exc
        if len(data) != size:
            self.close()
            raise GitError("git cat-file stopped early")
        return data

    def _ask(self, mode: str, names: list[bytes]) -> list[list[bytes]]:
        process = self._running(mode)
        try:
            process.stdin.write(self._requests(mode, names))
            process.stdin.flush()
            headers = [process.stdout.readline().split() for _ in names]
        except (OSError, ValueError) as exc:
            self.close()
            raise GitError(str(exc)) from exc
        if not all(headers):
            self.close()
            raise GitError("git cat-file stopped early")
        return headers

    def _requests(self, mode: str, names: list[bytes]) -> bytes:
        verb = self.VERBS[mode] if self._combined else b""
        return b"".join(b"%s%s\n" % (verb, name) for name in names)

    def _serving(self, mode: str) -> str:
        """The process that answers `mode`'s requests."""
        return self.BOTH if self._combined else mode

    def _running(self, mode: str) -> subprocess.Popen:
        if self._combined is None:
            self._combined = self._start_combined()
        key = self._serving(mode)
        process = self._processes.get(key)
        if process is None or process.poll() is not None:
            process = self._processes[key] = self._start(key)
        return process

    def _start_combined(self) -> bool:
        """Whether a `--batch-command` process answers (it is kept when it does); an older git
        refuses the option and the two single-purpose processes are used instead."""
        process, self._asked = self._asked, None
        self._processes.pop("asked", None)
        try:
            if process is None:
                process = self._start(self.BOTH)
                process.stdin.write(self.PROBE)
                process.stdin.flush()
            answer = process.stdout.readline()
        except (OSError, ValueError):
            answer = b""
        if answer.endswith(b" missing\n"):
            self._processes[self.BOTH] = process
            return True
        _stop(process)
        return False

    def _start(self, mode: str) -> subprocess.Popen:
        try:
            return subprocess.Popen(
                git_command(self.where, "cat-file", mode), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=git_env())
        except OSError as exc:
            raise GitUnavailable(str(exc.strerror or exc)) from exc

    def close(self) -> None:
        """Ends the processes (a later request starts new ones)."""
        self._asked = None
        _stop_all(self._processes)

    cancel = close


def _stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        _stop(process)
    processes.clear()


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        process.stdin.close()
        process.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()
