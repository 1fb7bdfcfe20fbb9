"""Work that needs only what the audit has already read, done on the machine's other core while
the rules run: a forked copy of the process computes it and sends the results back through a pipe.

An audit is one thread of Python, and the second core mostly idles while the rules run. Two
pieces of an audit need only what is read before the rules start: the Python files parsed (the
`python` fact, ~10-80 ms; the rules that read no Python run first meanwhile) and what the answers
say of every item (~40-60 ms, needed only after the rules). One child forked before the rules
computes them in that order and sends each as soon as it is done, the Python file by file: when
the rules want the Python before the child is through, this process parses the files left from the
last one back, instead of waiting, until the two meet (FromBothEnds). Only the one-audit command
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
from functools import partial
from typing import IO, Any, Generic, TypeVar

from auditor.record import record

T = TypeVar("T")
_allowed = False
MAX_ANSWER_BYTES = 64 * 1024 * 1024
FRAME_HEADER = 8
READ_BYTES = 1 << 20


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

    def arrived(self) -> bool:
        """Whether asking for the value now would not wait for the child: it has sent it (or failed to),
        or there is no child to wait for. Never waits itself."""
        return self._child is None or self._child.arrived(self._index)

    def cancel(self) -> None:
        """This value is no longer wanted (the audit ended another way): the child is stopped once no
        other value it computes is waited for."""
        child, self._child = self._child, None
        if child is not None:
            child.release(self._index)


class FromBothEnds(Generic[T]):
    """A list of items worked out by the side-work child from the first on, and by this process from
    the last back once it wants them: instead of waiting for the child's share to grow, this process
    takes the rest from the other end until the two meet.

    Who does which item is agreed through two numbers in memory both processes share (mapped before
    the fork): how many items the child has taken from the front, and where this process's share at
    the back begins. Each moves only its own number, toward the other's, and takes an item only while
    the other's number leaves it free. A race can at most have both work out one item (the same value
    either way), never leave one out: whatever the child does not send is worked out here."""

    def __init__(self, count: int, compute_one: Callable[[int], T], to_plain: Callable[[T], Any],
                 from_plain: Callable[[Any], T]):
        self._count, self._compute_one = count, compute_one
        self._to_plain, self._from_plain = to_plain, from_plain
        self._parent = os.getpid()
        self._ends = _SharedEnds(count)
        self._pending: list[Pending[T]] = []

    def works(self) -> list[Work[T]]:
        """One work per item, for compute_beside; then `follow` its Pending values."""
        return [Work(partial(self._compute, index), self._to_plain, self._from_plain) for index in range(self._count)]

    def follow(self, pending: Sequence[Pending[T]]) -> None:
        self._pending = list(pending)

    def results(self) -> list[T]:
        """Every item's value, in order."""
        values: dict[int, T] = {}
        back = self._count
        while back > 0 and not self._pending[back - 1].arrived() and self._ends.front < back:
            back -= 1
            self._ends.back = back
            self._pending[back].cancel()
            values[back] = self._compute_one(back)
        return [values[index] if index in values else self._pending[index].result() for index in range(self._count)]

    def cancel(self) -> None:
        for pending in self._pending:
            pending.cancel()

    def _compute(self, index: int) -> T:
        if os.getpid() != self._parent and not self._ends.child_takes(index):
            raise TakenByParent(index)
        return self._compute_one(index)


class TakenByParent(Exception):
    """The parent works this item out itself: the child sends no answer for it."""


class _SharedEnds:
    """FromBothEnds' two numbers, in a page shared with the child; in this process alone where no
    shared page can be mapped (the child then works out every item, and sends each)."""

    def __init__(self, count: int):
        try:
            import mmap

            self._page: Any = mmap.mmap(-1, 2 * FRAME_HEADER)   # anonymous and shared, inherited by fork
        except (ImportError, OSError, ValueError):
            self._page = bytearray(2 * FRAME_HEADER)
        self.back = count

    @property
    def front(self) -> int:
        """How many items the child has taken."""
        return int.from_bytes(self._page[:FRAME_HEADER], "little")

    @property
    def back(self) -> int:
        """The first item of the parent's share."""
        return int.from_bytes(self._page[FRAME_HEADER:], "little")

    @back.setter
    def back(self, value: int) -> None:
        self._page[FRAME_HEADER:] = value.to_bytes(FRAME_HEADER, "little")

    def child_takes(self, index: int) -> bool:
        """In the child: item `index` is the child's unless the parent's share has reached it."""
        if index >= self.back:
            return False
        self._page[:FRAME_HEADER] = (index + 1).to_bytes(FRAME_HEADER, "little")
        return True


class _Child:
    """A forked child computing works in order, and what the parent has read of its answers so far.

    Each answer is a frame: its length as 8 bytes, then its `marshal` data (none for a work that
    failed there). A frame the child did not finish (it died or was stopped) ends the answers: those
    left are computed here."""

    def __init__(self, pid: int, reader: int, count: int):
        self.pid, self.count = pid, count
        self._pipe: IO[bytes] | None = os.fdopen(reader, "rb", buffering=0, closefd=True)
        self._unread = bytearray()   # what was read of the pipe past the last whole frame
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
        self._read_until(index, wait=True)
        if index >= len(self._frames):
            return None
        frame, self._frames[index] = self._frames[index], b""
        try:
            return marshal.loads(frame)
        except (EOFError, ValueError, TypeError):
            return None

    def arrived(self, index: int) -> bool:
        """Whether work `index` was answered, or no answer can come any more; reads only what the pipe
        already holds."""
        self._read_until(index, wait=False)
        return index < len(self._frames) or self._pipe is None

    def _read_until(self, index: int, wait: bool) -> None:
        try:
            while len(self._frames) <= index and self._pipe is not None and (wait or self._readable()):
                self._read_some()
        except BaseException:
            self.stop()
            raise

    def _readable(self) -> bool:
        import select   # imported by subprocess, which every audit imports: no cost here

        try:
            return bool(select.select([self._pipe], [], [], 0)[0])
        except (OSError, ValueError):
            return True   # the read that follows finds out what is wrong

    def _read_some(self) -> None:
        """What the pipe holds (waiting for the child to write some), split into whole frames. The end
        of the pipe, or a frame that would pass MAX_ANSWER_BYTES, ends the answers."""
        try:
            data = self._pipe.read(READ_BYTES)
        except OSError:
            data = b""
        if not data:
            self.stop()
            return
        self._unread += data
        start = 0
        while len(self._unread) - start >= FRAME_HEADER:
            size = int.from_bytes(self._unread[start:start + FRAME_HEADER], "big")
            if self._received + size > MAX_ANSWER_BYTES:
                self.stop()
                return
            end = start + FRAME_HEADER + size
            if end > len(self._unread):
                break
            self._frames.append(bytes(self._unread[start + FRAME_HEADER:end]))
            self._received += size
            start = end
        del self._unread[:start]
        if len(self._frames) == self.count:
            self._close()
            _reap(self.pid)

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
