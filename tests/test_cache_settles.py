"""What the auditor keeps across runs settles: a second audit of the same repository finds all it
needs in the user's cache, learns nothing and writes nothing. A cache that never answers (a stored
entry refused when read back) would cost every run its reading again and a rewrite at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT, make_git_repo

EXAMPLE = FIXTURES / "example-repo"
ANSWERS_REPORT = FIXTURES / "reports" / "answers_2025.md"


def _example_with_answers(root: Path) -> Path:
    files = {str(p.relative_to(EXAMPLE)): p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    files["reports/README.md"] = ANSWERS_REPORT.read_bytes()   # the answers are read in the side-work child
    return make_git_repo(root, files)


def _audit(repo: Path, cache: Path, tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), TMPDIR=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(repo), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr


def _cache_files(cache: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (cache / "auditor").iterdir()}


def test_a_second_audit_learns_nothing_and_writes_nothing(tmp_path):
    repo = _example_with_answers(tmp_path / "repo")
    cache = tmp_path / "cache"
    _audit(repo, cache, tmp_path)
    first = _cache_files(cache)
    assert any(name.startswith("anchor-words-") for name in first), "the first run kept what it read"
    _audit(repo, cache, tmp_path)
    assert _cache_files(cache) == first
