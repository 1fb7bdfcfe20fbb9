"""Work that needs only what the audit has already read, done on the machine's other core while
the rules run: a forked copy of the process computes it and sends the results back through a pipe.

An audit is one thread of Python, and the second core mostly idles while the rules run. Two
pieces of an audit need only what is read before the rules start: the Python files parsed (the
`python` fact, ~10-80 ms; the rules that read no Python run first meanwhile) and what the answers
say of every item (~40-60 ms, needed only after the rules). One child forked before the rules
computes them in that order and sends each as soon as it is done. Only the one-audit command
allows this (`forking_allowed`): a batch worker already keeps its core busy, and the library API
stays a plain function call. The child inherits everything and touches nothing outside: it runs
no process (git is the parent's), computes, stores what the auditor's own caches learned (as a
forked batch worker does, since it runs no exit handlers), writes its answers and leaves with
`os._exit`. Whenever forking is not allowed or not possible (no `os.fork`, a thread running, the
fork refused), or the child fails in any way (an exception, a need for git, a crash, an answer
that does not decode), the work it did not send is done here, in this process, and behaves
exactly as it would have without a child. The answers travel as `marshal` data: plain values,
nothing that runs code when it is read.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any, Generic, TypeVar

from auditor.record import record

T = TypeVar("T")
_allowed = False
MAX_ANSWER_BYTES = 64 * 1024 * 1024
FRAME_HEADER = 8


@contextmanager
def forking_allowed() -> Iterator[None]:
    """Around the one-audit command's audit: side work may go to a child process meanwhile."""
    global _allowed
    before, _allowed = _allowed, True
    try:
        yield
    finally:
        _allowed = before


@record(frozen=True)
class Work(Generic[T]):
    """One piece of side work: how to compute it, and how it travels as plain values."""

    compute: Callable[[], T]
    to_plain: Callable[[T], Any]
    from_plain: Callable[[Any], T]


def compute_beside(works: Sequence[Work]) -> list[Pending]:
    """The works, computed one after another by one child (each sent as soon as it is done, so the
    first can be used while the child goes on with the next), else each here when asked for."""
    child = _Child.fork([(work.compute, work.to_plain) for work in works]) if _allowed and works else None
    return [Pending(work.compute, work.from_plain, child, index) for index, work in enumerate(works)]


class Pending(Generic[T]):
    """A value being computed by a child process, or to be computed here when it is asked for."""

    def __init__(self, compute: Callable[[], T], from_plain: Callable[[Any], T], child: _Child | None = None,
                 index: int = 0):
        self._compute, self._from_plain = compute, from_plain
        self._child, self._index = child, index

    def result(self) -> T:
        child, self._child = self._child, None
        if child is not None:
            answer = child.answer(self._index)
            child.release(self._index)
            if answer is not None:
                try:
                    return self._from_plain(answer)
                except (TypeError, ValueError, KeyError, IndexError):
                    pass
        return self._compute()

    def cancel(self) -> None:
        """This value is no longer wanted (the audit ended another way): the child is stopped once no
        other value it computes is waited for."""
        child, self._child = self._child, None
        if child is not None:
            child.release(self._index)


class _Child:
    """A forked child computing works in order, and what the parent has read of its answers so far.

    Each answer is a frame: its length as 8 bytes, then its `marshal` data (none for a work that
    failed there). A frame the child did not finish (it died or was stopped) ends the answers: those
    left are computed here."""

    def __init__(self, pid: int, reader: int, count: int):
        self.pid, self.count = pid, count
        self._pipe: IO[bytes] | None = os.fdopen(reader, "rb", closefd=True)
        self._frames: list[bytes] = []
        self._received = 0   # bytes of answers read so far, all frames together
        self._wanted = set(range(count))   # the works whose values are still to be asked for

    @classmethod
    def fork(cls, works: list[tuple[Callable[[], Any], Callable[[Any], Any]]]) -> _Child | None:
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
            _run_child(writer, works)
        os.close(writer)
        return cls(pid, reader, len(works))

    def answer(self, index: int) -> Any | None:
        """The child's answer for work `index` once it is all here; None on any failure. An interrupt
        while waiting stops the child."""
        try:
            while len(self._frames) <= index and self._pipe is not None:
                self._read_frame()
        except BaseException:
            self.stop()
            raise
        if index >= len(self._frames):
            return None
        frame, self._frames[index] = self._frames[index], b""
        try:
            return marshal.loads(frame)
        except (EOFError, ValueError, TypeError):
            return None

    def _read_frame(self) -> None:
        header = self._read_exactly(FRAME_HEADER)
        size = int.from_bytes(header, "big") if header is not None else None
        frame = self._read_exactly(size) if size is not None and self._received + size <= MAX_ANSWER_BYTES else None
        if frame is None:
            self.stop()
            return
        self._received += size
        self._frames.append(frame)
        if len(self._frames) == self.count:
            self._close()
            _reap(self.pid)

    def _read_exactly(self, size: int) -> bytes | None:
        try:
            data = self._pipe.read(size) if self._pipe is not None else None
        except OSError:
            return None
        return data if data is not None and len(data) == size else None

    def release(self, index: int) -> None:
        """Work `index` was answered or is no longer wanted; once none is, the child is done with."""
        self._wanted.discard(index)
        if not self._wanted:
            self.stop()

    def stop(self) -> None:
        """No more answers: the child is stopped and reaped."""
        if self._pipe is not None:
            self._close()
            _stop(self.pid)

    def _close(self) -> None:
        pipe, self._pipe = self._pipe, None
        pipe.close()


def _run_child(writer: int, works: list[tuple[Callable[[], Any], Callable[[Any], Any]]]) -> None:
    """Everything inherited but the answer's pipe is closed first: a git process the parent talks to
    sees its input end when the parent closes it, not when the child ends. Processes are the
    parent's alone (_refuse_subprocesses): a work that needs git fails here, and the parent
    computes it. A failed work is sent as an empty answer (no `marshal` data is empty) and the
    child goes on with the next."""
    code = 1
    try:
        os.closerange(3, writer)
        os.closerange(writer + 1, _max_fd())
        _refuse_subprocesses()
        with os.fdopen(writer, "wb", closefd=True) as out:
            for number, (compute, to_plain) in enumerate(works, 1):
                answer = _plain_answer(compute, to_plain)
                if number == len(works):   # before the last answer, so the parent never waits for it
                    _store_learned_caches()
                out.write(len(answer).to_bytes(FRAME_HEADER, "big"))
                out.write(answer)
                out.flush()
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent computes what is left itself
        pass
    finally:
        os._exit(code)


def _plain_answer(compute: Callable[[], Any], to_plain: Callable[[Any], Any]) -> bytes:
    try:
        return marshal.dumps(to_plain(compute()))
    except (Exception, ParentOnly):  # noqa: BLE001 - the parent computes this one itself
        return b""


class ParentOnly(BaseException):
    """A side-work child was about to start, wait for, signal or talk to a process. The git
    processes it inherited are the parent's (their pipes are closed here, and their descriptor
    numbers may since name other files), and one it started would outlive it. A BaseException, so
    that no `except Exception` or `except OSError` on the way turns it into a wrong answer: the
    work fails, and the parent computes it."""


def _refuse_subprocesses() -> None:
    import subprocess   # here, not at the top: `auditor --version` imports this module and runs no process

    def refuse(*args, **kwargs):
        raise ParentOnly("side work runs no process")

    for name in ("__init__", "poll", "wait", "communicate", "send_signal", "terminate", "kill"):
        setattr(subprocess.Popen, name, refuse)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 1024


def _store_learned_caches() -> None:
    for name in ("auditor.regex_programs", "auditor.report.anchor_words", "auditor.kept_code"):
        module = sys.modules.get(name)
        if module is not None:
            module.store_learned()


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _stop(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    _reap(pid)


def other_thread_alive() -> bool:
    """Whether a thread other than the main one runs. Python code starts threads through
    `threading`: when no module imported it, none was started, and it need not be imported."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1
