"""The git reads started before the auditor is imported: the audit adopts each of them (same JSON, no
command run twice), one it cannot use is stopped, and HEAD's commit is read from `.git` only as far
as its files plainly say."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import auditor.facts.started_early as early
from auditor.audit import audit_target
from auditor.facts.started_early import head_named, start_folder_reads
from auditor.render import json_report
from tests.conftest import git, make_git_repo

FILES = {"README.md": "# project\n", "src/proj/train.py": "import torch\n",
         "reports/README.md": "* [x] Construct one or multiple docker files for your code (M10)\n"}


@pytest.fixture
def repo(tmp_path):
    root = make_git_repo(tmp_path / "r", FILES)
    git(root, "commit", "-q", "--allow-empty", "-m", "second")
    return root


@pytest.fixture(autouse=True)
def nothing_kept_between_tests():
    yield
    early.stop_unadopted()


def _audit_json(target: str, **options) -> dict:
    document = json.loads(json_report.dumps(audit_target(target, **options)))
    document.pop("generated_at", None)
    return document


def test_an_audit_adopts_every_read_started_early_and_says_the_same(repo):
    alone = _audit_json(str(repo))
    start_folder_reads(str(repo))
    kept = dict(early._kept)
    assert {key[0] for key in kept} == {"head", "ls-files", "refs", "history", "branches", "cat-file"}
    assert _audit_json(str(repo)) == alone
    assert early._kept == {}, "every command started early was adopted"


def test_reads_the_audit_does_not_make_are_stopped(repo):
    start_folder_reads(str(repo))
    key = ("history", str(repo.resolve()), git(repo, "rev-parse", "HEAD").strip(), 1)
    history = early._kept[key]
    _audit_json(str(repo), at="HEAD~1")   # another commit: its history is another command
    assert key in early._kept
    early.stop_unadopted()
    assert early._kept == {}
    assert history._log._process is None, "cancelled"


def test_a_plain_folder_starts_nothing(tmp_path):
    (tmp_path / "README.md").write_text("x\n")
    start_folder_reads(str(tmp_path))
    assert early._kept == {}


def test_the_console_audit_of_a_folder_is_the_same_with_the_reads_started_early(repo):
    """The quick reading of the command line starts the reads early; typer's (after `--`) does not."""
    command = [sys.executable, "-m", "auditor", "audit", "--format", "json"]
    quick = subprocess.run([*command, str(repo)], capture_output=True, text=True)
    typer_read = subprocess.run([*command, "--", str(repo)], capture_output=True, text=True)
    assert quick.stderr == typer_read.stderr == ""
    assert quick.returncode == typer_read.returncode
    assert json.loads(quick.stdout) == json.loads(typer_read.stdout)


def _git_dir(tmp_path, files: dict[str, str]) -> os.PathLike:
    git_dir = tmp_path / ".git"
    for rel, text in files.items():
        (git_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (git_dir / rel).write_text(text)
    return git_dir


SHA = "0123456789abcdef0123456789abcdef01234567"
HEADS = [
    ({"HEAD": "ref: refs/heads/main\n", "refs/heads/main": SHA + "\n"}, SHA),
    ({"HEAD": SHA + "\n"}, SHA),                                                     # detached
    ({"HEAD": "ref: refs/heads/main\n", "packed-refs": f"# pack-refs with: peeled\n{SHA} refs/heads/main\n"}, SHA),
    ({"HEAD": "ref: refs/heads/feat/x-1\n", "refs/heads/feat/x-1": SHA}, SHA),
    ({"HEAD": "ref: refs/heads/main\n"}, None),                                     # a branch without commits
    ({"HEAD": "ref: refs/heads/.invalid\n"}, None),                                 # a ref table
    ({"HEAD": "ref: refs/heads/../../../../etc/hostname\n"}, None),
    ({"HEAD": "ref: refs/heads/main\n", "refs/heads/main": "ref: refs/heads/other\n"}, None),
    ({"HEAD": "ref: refs/heads/main\n", "refs/heads/main": "not a commit\n"}, None),
    ({"HEAD": "x" * 1000}, None),
    ({"HEAD": SHA.upper()}, None),
]


@pytest.mark.parametrize("files,named", HEADS)
def test_head_is_named_only_as_plainly_as_its_files_say(tmp_path, files, named):
    assert head_named(_git_dir(tmp_path, files)) == named


def test_head_is_not_read_through_a_link_a_fifo_or_a_git_file(tmp_path):
    outside = tmp_path / "outside"
    outside.write_text(SHA)
    linked = tmp_path / "linked" / ".git"
    linked.mkdir(parents=True)
    (linked / "HEAD").symlink_to(outside)
    assert head_named(linked) is None
    piped = tmp_path / "piped" / ".git"
    piped.mkdir(parents=True)
    os.mkfifo(piped / "HEAD")
    assert head_named(piped) is None, "no wait for a writer"
    worktree = tmp_path / "worktree"
    worktree.mkdir()
    (worktree / ".git").write_text("gitdir: /elsewhere\n")
    assert head_named(worktree / ".git") is None


def test_the_commit_named_is_the_one_git_names(repo):
    assert head_named(repo / ".git") == git(repo, "rev-parse", "HEAD").strip()
    git(repo, "pack-refs", "--all")
    assert head_named(repo / ".git") == git(repo, "rev-parse", "HEAD").strip()


def test_a_large_store_s_shared_line_counts_are_adopted_too(tmp_path, monkeypatch):
    from auditor.facts import history

    root = make_git_repo(tmp_path / "large", FILES)
    for number in range(40):
        (root / "src" / "proj" / "train.py").write_text(f"import torch\nsteps = {number}\n")
        git(root, "commit", "-q", "-am", f"step {number}")
    git(root, "gc", "-q")
    alone = _audit_json(str(root))
    monkeypatch.setattr(history, "SHARED_STORE_BYTES", 1)
    start_folder_reads(str(root))
    [key] = [key for key in early._kept if key[0] == "history"]
    assert key[-1] == history.NUMSTAT_SHARES
    assert _audit_json(str(root)) == alone
    assert early._kept == {}


def test_a_spooled_git_command_gives_what_a_piped_one_gives(repo):
    from auditor.facts.gitcmd import GitError, GitRun

    assert GitRun(repo, "ls-files", "-z", spooled=True).output() == GitRun(repo, "ls-files", "-z").output() != b""
    with pytest.raises(GitError, match="Needed a single revision"):
        GitRun(repo, "rev-parse", "--verify", "nope^{commit}", spooled=True).output()
    cancelled = GitRun(repo, "log", spooled=True)
    cancelled.cancel()
    assert cancelled._spool is None
    with pytest.raises(GitError, match="cancelled"):
        cancelled.output()


def test_without_no_follow_opens_head_is_left_to_git(repo, monkeypatch):
    monkeypatch.delattr(os, "O_NOFOLLOW")
    assert head_named(repo / ".git") is None
    start_folder_reads(str(repo))
    assert not [key for key in early._kept if key[0] in ("history", "branches")]
    assert _audit_json(str(repo))["repository"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
