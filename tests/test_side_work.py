"""Side work in a forked child: the same value whichever process computed it, and the parent's own
computation whenever the child cannot give it."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from auditor import side_work
from auditor.side_work import Pending, Work, compute_beside, forking_allowed

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork here: side work always runs in-process")


def _pending(compute, to_plain=lambda value: value, from_plain=lambda plain: plain) -> Pending:
    [pending] = compute_beside([Work(compute, to_plain, from_plain)])
    return pending


def _pid_pending() -> Pending[int]:
    return _pending(os.getpid, from_plain=int)


def test_outside_the_one_audit_command_the_work_is_done_here():
    assert _pid_pending().result() == os.getpid()


def test_allowed_the_work_is_done_by_a_child():
    with forking_allowed():
        pending = _pid_pending()
    assert pending.result() != os.getpid()
    assert not side_work._allowed


def test_one_child_computes_the_works_in_order_and_each_is_used_once_sent():
    release_last = threading.Event()
    with forking_allowed():
        first, second, last = compute_beside([Work(os.getpid, int, int), Work(lambda: [os.getppid(), "two"], list, list),
                                         Work(lambda: release_last.wait(60), bool, bool)])
    child = first.result()
    assert child != os.getpid(), "the first value came while the child still works on the last"
    assert second.result() == [os.getpid(), "two"]
    last.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


def test_a_work_that_fails_in_the_child_is_computed_here_and_the_child_goes_on():
    parent = os.getpid()
    with forking_allowed():
        sent, failed, after = compute_beside([Work(os.getpid, int, int), Work(_raises_in_the_child(parent), str, str),
                                              Work(os.getpid, int, int)])
    child = sent.result()
    assert child != parent
    assert failed.result() == "computed here" and after.result() == child


def test_after_a_child_that_died_its_later_works_are_computed_here():
    parent = os.getpid()
    with forking_allowed():
        sent, killed, after = compute_beside([Work(os.getpid, int, int), Work(_killed_in_the_child(parent), str, str),
                                              Work(os.getpid, int, int)])
    assert sent.result() != parent
    assert killed.result() == "computed here" and after.result() == parent


def test_a_value_no_longer_wanted_leaves_the_child_to_send_the_others():
    with forking_allowed():
        unwanted, wanted = compute_beside([Work(os.getpid, int, int), Work(os.getpid, int, int)])
    unwanted.cancel()
    assert wanted.result() != os.getpid()


def test_the_child_starts_and_talks_to_no_process():
    """The git processes it inherited are the parent's; a work that needs git is the parent's too."""
    import subprocess
    import sys

    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        def uses_processes():
            for attempt in (lambda: subprocess.run(["true"]), running.poll, running.kill):
                try:
                    attempt()
                except side_work.ParentOnly:
                    continue
                return "a process was used"
            return "refused" if os.getpid() != parent else "computed here"

        parent = os.getpid()
        with forking_allowed():
            refused_there, = compute_beside([Work(uses_processes, str, str)])
        assert refused_there.result() == "refused" and running.poll() is None
    finally:
        running.kill()
        running.wait()


def _raises_in_the_child(parent: int):
    def compute():
        if os.getpid() != parent:
            raise RuntimeError("broken in the child")
        return "computed here"
    return compute


def _killed_in_the_child(parent: int):
    def compute():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "computed here"
    return compute


@pytest.mark.parametrize("make_compute, from_plain", [
    (_raises_in_the_child, str),                                          # an exception in the child
    (_killed_in_the_child, str),                                          # the child dies
    (lambda parent: (lambda: "computed here"), lambda plain: int(plain)),  # an answer that does not decode
], ids=["exception", "killed", "undecodable"])
def test_a_child_that_fails_leaves_the_work_to_the_parent(make_compute, from_plain):
    with forking_allowed():
        pending = _pending(make_compute(os.getpid()), from_plain=from_plain)
    assert pending.result() == "computed here"


def test_a_value_marshal_cannot_carry_is_computed_here():
    with forking_allowed():
        pending = _pending(os.getpid, to_plain=lambda pid: object())
    assert pending.result() == os.getpid()


def test_cancel_stops_and_reaps_the_child():
    release_never = threading.Event()
    with forking_allowed():
        pending = _pending(lambda: release_never.wait(60), from_plain=bool)
    pid = pending._child.pid
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_no_fork_while_another_thread_runs():
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with forking_allowed():
            assert _pid_pending().result() == os.getpid()
    finally:
        release.set()
        worker.join()


def test_a_refused_fork_leaves_the_work_to_the_parent(monkeypatch):
    def refused():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with forking_allowed():
        assert _pid_pending().result() == os.getpid()


def _is_open(descriptor: int) -> bool:
    try:
        os.fstat(descriptor)
    except OSError:
        return False
    return True


def test_the_child_keeps_only_its_answer_s_pipe_open():
    """A git process fed through a pipe must see its input end when the parent closes it."""
    reader, writer = os.pipe()
    try:
        with forking_allowed():
            pending = _pending(lambda: (os.getpid(), _is_open(writer)), list, tuple)
        pid, open_in_child = pending.result()
        assert pid != os.getpid() and not open_in_child and _is_open(writer)
    finally:
        os.close(reader)
        os.close(writer)


def test_an_audit_says_the_same_whichever_process_read_the_answers(monkeypatch):
    from pathlib import Path

    from auditor.audit import audit
    from auditor.render.json_report import dumps

    example = Path(__file__).resolve().parent.parent / "fixtures" / "example-repo"
    children = []
    fork = os.fork

    def counted_fork():
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted_fork)
    alone = dumps(audit(example))
    with forking_allowed():
        beside = dumps(audit(example))
    assert children and beside == alone


def test_statements_travel_as_plain_values_and_nothing_else_passes_for_them():
    from auditor.report.statements import Statement, statements_from_plain, statements_to_plain

    said = {"dvc": [Statement("dvc", True, 10, 120, "we used DVC"), Statement("dvc", False, 11, 130, "no", attempt=True)]}
    assert statements_from_plain(statements_to_plain(said)) == said
    for plain in ([], {"dvc": [("dvc", True)]}, {1: []}, {"dvc": ["text"]}):
        with pytest.raises((TypeError, ValueError)):
            statements_from_plain(plain)


def _both_ends(count, compute_one, record_here=None):
    parent = os.getpid()

    def noted(index):
        if os.getpid() == parent and record_here is not None:
            record_here.append(index)
        return compute_one(index)

    both = side_work.FromBothEnds(count, noted, lambda value: value, lambda plain: plain)
    both.follow(compute_beside(both.works()))
    return both


def _slow_in_the_child(parent, seconds):
    def compute(index):
        if os.getpid() != parent:
            time.sleep(seconds)
        return [index, index * index]
    return compute


def test_from_both_ends_without_a_child_every_item_is_computed_here_in_order():
    here = []
    assert _both_ends(5, lambda index: index * 10, here).results() == [0, 10, 20, 30, 40]
    assert sorted(here) == [0, 1, 2, 3, 4]


def test_from_both_ends_the_parent_takes_items_from_the_last_back_instead_of_waiting():
    here = []
    with forking_allowed():
        both = _both_ends(6, _slow_in_the_child(os.getpid(), 0.5), here)
        time.sleep(0.2)   # the child has taken the first item and works on it
    assert both.results() == [[index, index * index] for index in range(6)]
    assert here == [5, 4, 3, 2, 1], "the parent took every item the child had not taken, last first"


def test_from_both_ends_what_the_child_sent_is_not_computed_again():
    here = []
    with forking_allowed():
        both = _both_ends(6, lambda index: [index, os.getpid()], here)
        deadline = time.monotonic() + 30
        while not both._pending[-1].arrived() and time.monotonic() < deadline:
            time.sleep(0.01)
    values = both.results()
    assert [value[0] for value in values] == list(range(6)) and here == []
    assert all(value[1] != os.getpid() for value in values)


def test_from_both_ends_items_the_child_could_not_send_are_computed_here():
    parent, here = os.getpid(), []

    def dies_at_two(index):
        if os.getpid() != parent and index == 2:
            os._exit(3)
        return index

    with forking_allowed():
        both = _both_ends(5, dies_at_two, here)
        time.sleep(0.2)
    assert both.results() == [0, 1, 2, 3, 4]
    assert 2 in here


@pytest.mark.parametrize("back, index, taken", [(5, 0, True), (5, 4, True), (4, 4, False), (3, 5, False)])
def test_the_child_takes_an_item_only_before_the_parent_s_share(back, index, taken):
    ends = side_work._SharedEnds(back)
    assert ends.front == 0 and ends.back == back
    assert ends.child_takes(index) is taken
    assert ends.front == (index + 1 if taken else 0)
