"""Running git on the audited repository: read-only commands, no hooks, no prompts, no helpers.

The audited repository is hostile input, and so is its `.git/config`: every call disables
hooks, fsmonitor and the `ext::` transport (history reads add --no-ext-diff --no-textconv), and strips
the caller's GIT_* variables so nothing points git elsewhere.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SAFE_CONFIG = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "core.quotepath=off",
    "-c", "protocol.ext.allow=never",
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
    return ["git", *SAFE_CONFIG, *location, *args]


def git_bytes(where: Path | None, *args: str, timeout: float = GIT_TIMEOUT) -> bytes:
    """stdout of `git -C where args...`; GitError with git's message when it fails."""
    return GitRun(where, *args, timeout=timeout).output()


class GitRun:
    """A git command started at once and read later, so that independent commands run side by side."""

    def __init__(self, where: Path | None, *args: str, timeout: float = GIT_TIMEOUT):
        self.args, self.timeout = args, timeout
        self._error: GitError | None = None
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                git_command(where, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, env=git_env())
        except OSError as exc:
            self._process, self._error = None, GitError(f"git cannot be run ({exc.strerror or exc})")

    def output(self) -> bytes:
        """The command's stdout; GitError with git's message when it failed or took too long."""
        if self._process is None:
            raise self._error or GitError(f"git {self.args[0]} was cancelled")
        try:
            stdout, stderr = self._process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            raise GitError(f"git {self.args[0]} took longer than {self.timeout:.0f} s") from exc
        code = self._process.returncode
        if code != 0:
            raise GitError(first_complaint(stderr) or f"git {self.args[0]} failed (exit {code})")
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


def git_text(where: Path | None, *args: str, timeout: float = GIT_TIMEOUT) -> str:
    return git_bytes(where, *args, timeout=timeout).decode("utf-8", "replace")


def first_complaint(stderr: bytes) -> str:
    lines = [l.strip() for l in stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    fatal = [l for l in lines if l.lower().startswith(("fatal:", "error:"))]
    return (fatal or lines or [""])[0]


def cat_file(where: Path, mode: str, blobs: list[str]) -> dict[str, tuple[int, bytes]]:
    """`git cat-file --batch(-check)` for these blobs: blob -> (size, content; empty when only checked)."""
    if not blobs:
        return {}
    done = subprocess.run(git_command(where, "cat-file", mode), input="\n".join(blobs).encode() + b"\n",
                          capture_output=True, timeout=GIT_TIMEOUT, env=git_env(), check=False)
    if done.returncode != 0:
        raise GitError(first_complaint(done.stderr))
    out, found, at = done.stdout, {}, 0
    while at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        data = out[at : at + size] if mode == "--batch" else b""
        at += size + 1 if mode == "--batch" else 0
        found[header[0].decode()] = (size, data)
    return found
