"""Per-author line totals when git cannot read every object: never a silent, partial count.

One history, damaged a different way per case: a partial clone (blobs not fetched), a loose
blob deleted, an older commit's tree deleted. Commits git counted before it stopped keep their
lines; a member with an uncounted commit has null totals, and the team block says why.
"""

from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import pytest
from conftest import git, write_tree

from auditor.audit import audit
from auditor.facts.history import LineCounts
from auditor.render import json_report, terminal

ANN = ("Ann Example", "s111111@student.dtu.dk")
BOB = ("Bob Builder", "s222222@student.dtu.dk")
CARL = ("Carl Late", "s333333@student.dtu.dk")
REPORT = "# Exam report\n\n### Question 2\n> Answer: s111111, s222222, s333333\n"


def commit(root: Path, files: dict, message: str, author: tuple[str, str]) -> str:
    write_tree(root, files)
    date = "2026-01-20T10:00:00+01:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1], "GIT_COMMITTER_DATE": date}
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, env=env)
    return git(root, "rev-parse", "HEAD").strip()


def ann_and_bob(root: Path) -> Path:
    """Ann writes a file, Bob rewrites it (his diff needs Ann's version of it)."""
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"reports/README.md": REPORT, "src/model.py": "a = 1\nb = 2\n"}, "start", ANN)
    commit(root, {"src/model.py": "a = 1\nb = 3\nc = 4\n"}, "model", BOB)
    return root


def carl_adds_a_file(root: Path) -> Path:
    """Carl's newest commit only adds a file: its diff reads nothing older."""
    commit(root, {"src/train.py": "print('train')\n"}, "train", CARL)
    return root


def complete(tmp_path: Path) -> Path:
    return carl_adds_a_file(ann_and_bob(tmp_path / "complete"))


def partial_clone(tmp_path: Path) -> Path:
    """`git clone --filter=blob:none`: only the checked-out blobs are fetched, Ann's old model.py is not."""
    origin = ann_and_bob(tmp_path / "origin")
    git(origin, "config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--filter=blob:none", origin.as_uri(), str(clone))
    return carl_adds_a_file(clone)


def missing_blob(tmp_path: Path) -> Path:
    root = complete(tmp_path)
    _delete_object(root, git(root, "rev-parse", "HEAD~2:src/model.py").strip())
    return root


def missing_tree(tmp_path: Path) -> Path:
    """The tree of Bob's commit is gone: git cannot diff even the newest commit against it."""
    root = complete(tmp_path)
    _delete_object(root, git(root, "rev-parse", "HEAD~1^{tree}").strip())
    return root


def _delete_object(root: Path, sha: str) -> None:
    loose = root / ".git" / "objects" / sha[:2] / sha[2:]
    assert loose.is_file(), "the test repository keeps its objects loose"
    loose.unlink()


# (case, repository, status in the team block (None: complete), members counted (name -> lines added or None))
CASES = [
    ("complete", complete, None, {"Ann Example": 6, "Bob Builder": 2, "Carl Late": 1}),
    ("partial-clone", partial_clone, "partial", {"Ann Example": None, "Bob Builder": None, "Carl Late": 1}),
    ("missing-blob", missing_blob, "partial", {"Ann Example": None, "Bob Builder": None, "Carl Late": 1}),
    ("missing-tree", missing_tree, "unavailable", {"Ann Example": None, "Bob Builder": None, "Carl Late": None}),
]


@pytest.mark.parametrize("make, status, added", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_line_totals_are_null_for_members_git_could_not_count(tmp_path, make, status, added):
    result = audit(make(tmp_path))
    document = json_report.to_document(result)
    jsonschema.validate(document, json_report.schema())
    team = document["team"]
    assert team["commits"] == 3   # the commit history itself is read whole in every case
    assert {m["name"]: m["lines_added"] for m in team["members"]} == added
    assert all((m["lines_deleted"] is None) == (m["lines_added"] is None) for m in team["members"])
    if status is None:
        assert "line_counts" not in team
    else:
        assert team["line_counts"]["status"] == status
        assert team["line_counts"]["counted_commits"] == sum(v is not None for v in added.values())
        assert team["line_counts"]["reason"].startswith("git log --numstat stopped: ")
    assert (f"line counts {status}" in _terminal(result)) == (status is not None)


def _terminal(result) -> str:
    console = terminal.make_console()
    with console.capture() as captured:
        terminal.render(result, console)
    return captured.get()


def test_the_commit_git_stopped_on_is_not_counted(tmp_path):
    """The blob git cannot read belongs to Bob's diff: his commit is written without lines, then git stops."""
    root = missing_blob(tmp_path)
    bob = git(root, "rev-parse", "HEAD~1").strip()
    totals = LineCounts(root, "HEAD").result()
    assert not totals.complete and bob not in totals.per_commit
    assert totals.of([git(root, "rev-parse", "HEAD").strip()]) == (1, 0)
    assert totals.of([bob]) is None


def test_a_failing_git_is_a_reason_not_empty_totals(tmp_path):
    totals = LineCounts(tmp_path, "HEAD").result()   # not a repository
    assert totals.per_commit == {} and totals.problem
    assert totals.of(["0" * 40]) is None


@pytest.mark.parametrize(("record", "totals"), [
    (b"abc123\x00\n3\t1\tsrc/a.py\x004\t0\tREADME.md\x00", (7, 1)),
    (b"abc123\x00\n-\t-\tdata/1.jpg\x002\t2\tsrc/a.py\x00-\t-\tdata/2.jpg\x00", (2, 2)),   # binary files count 0
    (b"abc123\x00\n5\t0\tname\twith\t9\t9\ttabs.py\x00", (5, 0)),       # numbers inside a path are not counts
    (b"abc123\x00\n", (0, 0)),                                          # a commit that changed no file
])
def test_a_commit_s_numstat_record_is_summed_over_its_counted_files(record, totals):
    from auditor.facts.history import _commit_lines
    assert _commit_lines(record) == ("abc123", totals)


# --- a large history's line counts, shared out among several processes -------------------
def forty_commits(tmp_path: Path) -> Path:
    root = tmp_path / "forty"
    root.mkdir()
    git(root, "init", "-q")
    people = (ANN, BOB, CARL)
    for number in range(40):
        commit(root, {"src/model.py": "".join(f"line {i}\n" for i in range(number + 1)),
                      f"notes/{number % 7}.md": f"note {number}\n" * (number % 5)}, f"c{number}", people[number % 3])
    return root


def test_shared_line_counts_are_those_one_process_counts(tmp_path):
    root = forty_commits(tmp_path)
    whole = LineCounts(root, "HEAD").result()
    shared = LineCounts(root, "HEAD", shares=4, commits=40)
    assert len(shared._runs) == 4
    assert shared.result() == whole and whole.complete and len(whole.per_commit) == 40


@pytest.mark.parametrize("commits", [39, 41, 60], ids=["short", "long", "longer"])
def test_shares_that_do_not_add_up_to_the_history_are_counted_again_in_one_process(tmp_path, commits):
    root = forty_commits(tmp_path)
    assert LineCounts(root, "HEAD", shares=4, commits=commits).result() == LineCounts(root, "HEAD").result()


@pytest.mark.parametrize("make", [missing_blob, missing_tree, partial_clone])
@pytest.mark.parametrize("shares", [2, 3])
def test_shares_git_could_not_count_end_where_one_process_stops(tmp_path, make, shares):
    root = make(tmp_path)
    assert LineCounts(root, "HEAD", shares=shares, commits=3).result() == LineCounts(root, "HEAD").result()


def test_a_damaged_history_shared_out_counts_what_one_process_counts(tmp_path):
    root = forty_commits(tmp_path)
    for back in (3, 17, 31):   # loose blobs of three older versions gone
        _delete_object(root, git(root, "rev-parse", f"HEAD~{back}:src/model.py").strip())
    whole = LineCounts(root, "HEAD").result()
    assert not whole.complete and 0 < len(whole.per_commit) < 40
    for shares in (2, 4, 8):
        assert LineCounts(root, "HEAD", shares=shares, commits=40).result() == whole


def test_cancelled_shares_start_nothing_more(tmp_path):
    shared = LineCounts(forty_commits(tmp_path), "HEAD", shares=4, commits=40)
    shared.cancel()
    assert shared.result().problem == "git log --numstat was cancelled"


def test_only_a_large_object_store_shares_out_its_line_counts(tmp_path, monkeypatch):
    from auditor.facts import history

    root = forty_commits(tmp_path)
    assert history.numstat_shares(root, 40) == 1, "a small store"
    git(root, "gc", "-q")
    monkeypatch.setattr(history, "SHARED_STORE_BYTES", 1)
    assert history.numstat_shares(root, 40) == history.NUMSTAT_SHARES
    assert history.numstat_shares(root, 10) == 1, "too few commits to share"
