"""Work that needs only what the audit has already read, done on the machine's other core while
the rules run: a forked copy of the process computes it and sends the result back through a pipe.

An audit is one thread of Python, and the second core mostly idles while the rules run. What the
answers say of every item (~40-60 ms of a ~0.25 s audit) needs only the parsed report, so a child
forked before the rules computes it meanwhile. Only the one-audit command allows this
(`forking_allowed`): a batch worker already keeps its core busy, and the library API stays a plain
function call. The child inherits everything and touches nothing outside: it computes, stores
what the auditor's own caches learned (as a forked batch worker does, since it runs no exit
handlers), writes its answer and leaves with `os._exit`. Whenever forking is not allowed or not
possible (no `os.fork`, a thread running, the fork refused), or the child fails in any way (an
exception, a crash, an answer that does not decode), the work is done here, in this process, and
behaves exactly as it would have without a child. The answer travels as `marshal` data: plain
values, nothing that runs code when it is read.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_allowed = False
MAX_ANSWER_BYTES = 64 * 1024 * 1024


@contextmanager
def forking_allowed() -> Iterator[None]:
    """Around the one-audit command's audit: side work may go to a child process meanwhile."""
    global _allowed
    before, _allowed = _allowed, True
    try:
        yield
    finally:
        _allowed = before


class Pending(Generic[T]):
    """A value being computed by a child process, or to be computed here when it is asked for."""

    def __init__(self, compute: Callable[[], T], to_plain: Callable[[T], Any], from_plain: Callable[[Any], T],
                 *, worth_a_child: bool = True):
        self._compute, self._from_plain = compute, from_plain
        self._child: tuple[int, int] | None = _fork(compute, to_plain) if _allowed and worth_a_child else None

    def result(self) -> T:
        child, self._child = self._child, None
        if child is not None:
            try:
                answer = _answer_of(*child)
            except BaseException:   # an interrupt while waiting: the child goes too
                _stop(child[0])
                raise
            if answer is not None:
                try:
                    return self._from_plain(answer)
                except (TypeError, ValueError, KeyError, IndexError):
                    pass
        return self._compute()

    def cancel(self) -> None:
        """Stop the child, if any (the audit ended another way)."""
        child, self._child = self._child, None
        if child is not None:
            pid, reader = child
            os.close(reader)
            _stop(pid)


def _fork(compute: Callable[[], Any], to_plain: Callable[[Any], Any]) -> tuple[int, int] | None:
    fork = getattr(os, "fork", None)
    if fork is None or other_thread_alive():   # a forked copy of a threaded process may deadlock
        return None
    try:
        reader, writer = os.pipe()
    except OSError:
        return None
    try:
        pid = fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:
        _run_child(writer, compute, to_plain)
    os.close(writer)
    return pid, reader


def _run_child(writer: int, compute: Callable[[], Any], to_plain: Callable[[Any], Any]) -> None:
    """Everything inherited but the answer's pipe is closed first: a git process the parent talks to
    sees its input end when the parent closes it, not when the child ends."""
    code = 1
    try:
        os.closerange(3, writer)
        os.closerange(writer + 1, _max_fd())
        answer = marshal.dumps(to_plain(compute()))
        _store_learned_caches()
        with os.fdopen(writer, "wb", closefd=True) as out:
            out.write(answer)
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent computes it itself
        pass
    finally:
        os._exit(code)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 1024


def _store_learned_caches() -> None:
    for name in ("auditor.regex_programs", "auditor.report.anchor_words"):
        module = sys.modules.get(name)
        if module is not None:
            module.store_learned()


def _answer_of(pid: int, reader: int) -> Any | None:
    """The child's answer, once it has ended well; None on any failure."""
    chunks, size = [], 0
    try:
        with os.fdopen(reader, "rb", closefd=True) as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    _stop(pid)
                    return None
    except OSError:
        _stop(pid)
        return None
    if _exit_status(pid) != 0:
        return None
    try:
        return marshal.loads(b"".join(chunks))
    except (EOFError, ValueError, TypeError):
        return None


def _exit_status(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    _exit_status(pid)


def other_thread_alive() -> bool:
    """Whether a thread other than the main one runs. Python code starts threads through
    `threading`: when no module imported it, none was started, and it need not be imported."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1
