"""A `.git` that would keep git waiting (a FIFO, socket or device where git opens its files, as a
crafted folder or an unpacked archive may hold) is not handed to git: the folder is read as plain
files, promptly, and the audit says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from auditor.facts.started_early import git_would_block
from conftest import FIXTURES, make_git_repo

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")

REPORT = (FIXTURES / "example-repo" / "reports" / "README.md").read_text(encoding="utf-8")


def _repo(tmp_path):
    return make_git_repo(tmp_path / "repo", {"reports/README.md": REPORT, "src/app.py": "import fastapi\n"})


def _fifo_at(repo, rel, through_link=False):
    path = repo / rel
    path.unlink()
    if through_link:
        os.mkfifo(repo.parent / "fifo")
        path.symlink_to(repo.parent / "fifo")
    else:
        os.mkfifo(path)


def _branch_ref(repo):
    return ".git/" + (repo / ".git" / "HEAD").read_text().removeprefix("ref: ").strip()


@pytest.mark.parametrize("place, through_link", [
    (".git/HEAD", False), (".git/config", False), (".git/index", False), ("branch", False), (".git/HEAD", True),
], ids=["HEAD", "config", "index", "the branch HEAD names", "HEAD linked to a FIFO"])
def test_a_fifo_where_git_reads_is_named_and_the_folder_read_without_git(tmp_path, place, through_link):
    repo = _repo(tmp_path)
    rel = _branch_ref(repo) if place == "branch" else place
    _fifo_at(repo, rel, through_link)
    reason = git_would_block(repo)
    assert reason and reason.startswith(f"{rel} is a FIFO")
    before = sorted(os.listdir(repo / ".git"))
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "auditor", "audit", str(repo), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 30, "git never got to wait on the FIFO"
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr
    assert f"{rel} is a FIFO" in run.stderr, "said on stderr"
    result = json.loads(run.stdout)
    assert result["repository"]["is_git"] is False
    assert [p["path"] for p in result["problems"]] == [".git"], "and in the problems"
    assert result["problems"][0]["message"].endswith("the folder is read as plain files, without git")
    assert sorted(os.listdir(repo / ".git")) == before, "nothing written into the repository"


def test_a_fifo_for_git_itself_is_named(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / ".git")
    assert git_would_block(folder).startswith(".git is a FIFO")


def test_an_ordinary_repository_is_handed_to_git(tmp_path):
    assert git_would_block(_repo(tmp_path)) is None


def test_at_a_commit_such_a_repository_is_refused_with_the_reason(tmp_path):
    repo = _repo(tmp_path)
    _fifo_at(repo, ".git/HEAD")
    run = subprocess.run([sys.executable, "-m", "auditor", "audit", str(repo), "--at", "HEAD"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and ".git/HEAD is a FIFO" in run.stderr and "Traceback" not in run.stderr


def test_no_git_command_is_started_early_for_such_a_repository(tmp_path, monkeypatch):
    from auditor.facts import started_early

    repo = _repo(tmp_path)
    _fifo_at(repo, ".git/config")
    kept = {}
    monkeypatch.setattr(started_early, "_kept", kept)
    started_early.start_folder_reads(str(repo))
    assert kept == {}


def test_a_class_run_does_not_key_its_cache_on_such_a_repository(tmp_path):
    from auditor.batch.cache import repository_state
    from auditor.batch.roster import Group

    repo = _repo(tmp_path)
    _fifo_at(repo, ".git/HEAD")
    started = time.monotonic()
    assert repository_state(Group("g", str(repo), "g")) is None, "not cached: audited, and the audit says why"
    assert time.monotonic() - started < 5
