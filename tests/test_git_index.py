"""A work tree whose git index does not hold its files (a failed checkout, an emptied index, a
sparse checkout) is audited from HEAD's tree, never as an empty repository, and never written to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.audit import audit
from conftest import FIXTURES, ROOT, git, make_git_repo

EXAMPLE = FIXTURES / "example-repo"
INDEX_NOTE = "the git index lists no file"


def _example_clone(where: Path) -> Path:
    shutil.copytree(EXAMPLE, where, ignore=shutil.ignore_patterns(".git"))
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "commit", "-q", "-m", "initial")
    return where


def _empty_index(root: Path) -> None:
    git(root, "read-tree", "--empty")


def _no_index(root: Path) -> None:
    (root / ".git" / "index").unlink()


def _sparse_checkout(root: Path) -> None:
    git(root, "sparse-checkout", "set", "--no-cone", "/reports/", "/requirements.txt")


def _verdicts(root: Path) -> dict[str, str]:
    return {item.id: item.verdict for item in audit(root).items}


def _git_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under .git with its size and modification time, and the .git folder's own mtime."""
    state = {".git": (0, (root / ".git").stat().st_mtime_ns)}
    for path in sorted((root / ".git").rglob("*")):
        stat = path.lstat()
        state[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return state


def _checkout_failed_halfway(root: Path) -> None:
    """No index, and part of the work tree never written: those files come from HEAD's blobs."""
    _no_index(root)
    shutil.rmtree(root / "src")
    (root / ".github" / "workflows" / "tests.yaml").unlink()


@pytest.mark.parametrize(("damage", "note"), [
    (_empty_index, True),        # `git read-tree --empty`: an index with no entry
    (_checkout_failed_halfway, True),
    (_no_index, True),           # a checkout that failed before writing the index
    (_sparse_checkout, False),   # the index lists every path, the disk holds the cone only
])
def test_files_git_holds_but_the_index_or_disk_lacks_are_audited_from_head(tmp_path, damage, note):
    intact = _verdicts(_example_clone(tmp_path / "intact"))
    root = _example_clone(tmp_path / "damaged")
    damage(root)
    before = _git_state(root)
    result = audit(root)
    assert {item.id: item.verdict for item in result.items} == intact
    assert "unsupported" not in intact.values()
    notes = [p for p in result.problems if p.message.startswith(INDEX_NOTE)]
    assert bool(notes) is note
    if note:
        assert notes[0].path == ".git/index" and "git read-tree HEAD" in notes[0].message
    assert _git_state(root) == before


def test_a_fresh_repository_without_commits_is_audited_as_before(tmp_path):
    root = tmp_path / "fresh"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".git"))
    git(root, "init", "-q")
    result = audit(root)
    assert not [p for p in result.problems if p.message.startswith(INDEX_NOTE)]
    assert result.repository.files == []


def test_a_head_without_files_beside_an_empty_index_is_audited_as_before(tmp_path):
    root = tmp_path / "empty"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".git"))
    git(root, "init", "-q")
    git(root, "commit", "-q", "--allow-empty", "-m", "nothing yet")
    result = audit(root)
    assert not [p for p in result.problems if p.message.startswith(INDEX_NOTE)]
    assert result.repository.files == []


def test_an_intact_work_tree_reads_no_git_objects(tmp_path):
    root = make_git_repo(tmp_path / "repo", {"README.md": "x\n", "src/a.py": "print(1)\n"})
    result = audit(root)
    assert result.repository.source_notes == []
    assert not result.repository.file_source.reads_git_objects


def test_an_untracked_file_absent_from_head_is_still_absent(tmp_path):
    root = make_git_repo(tmp_path / "repo", {"README.md": "x\n"})
    (root / "README.md").unlink()
    source = audit(root).repository.file_source
    assert source.read_bytes("README.md") == b"x\n"   # tracked, deleted on disk: HEAD's blob
    with pytest.raises(Exception, match="missing"):
        source.read_bytes("never-there.md")


def test_the_cli_warns_about_an_empty_index_and_lists_it_in_the_json_problems(tmp_path):
    root = _example_clone(tmp_path / "damaged")
    _empty_index(root)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(root), "--format", "json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "git read-tree HEAD" in done.stderr
    problems = json.loads(done.stdout)["problems"]
    assert [p["path"] for p in problems if p["message"].startswith(INDEX_NOTE)] == [".git/index"]


def test_an_audit_that_raises_midway_still_ends_the_git_reader_of_head(tmp_path, monkeypatch):
    root = make_git_repo(tmp_path / "repo", {"README.md": "x\n", "src/a.py": "print(1)\n"})
    (root / "src" / "a.py").unlink()
    held = []   # the source itself is held, so that no garbage collection stops git in its place

    def read_then_fail(repo):
        assert repo.file_source.read_bytes("src/a.py") == b"print(1)\n"   # HEAD's blob: starts cat-file
        held.append(repo.file_source)
        raise RuntimeError("a rule failed")

    monkeypatch.setattr("auditor.audit.run_all", read_then_fail)
    with pytest.raises(RuntimeError, match="a rule failed"):
        audit(root)
    assert held[0]._head_tree.cat_file._processes == {}
