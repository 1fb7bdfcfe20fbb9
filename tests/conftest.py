"""Shared helpers: build mini-repositories from fixture tables in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def git(root: Path, *args: str, env: dict | None = None) -> str:
    base = ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]
    return subprocess.run([*base, *args], check=True, capture_output=True, text=True, env=env).stdout


def make_git_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    write_tree(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def load_rule_cases() -> list[tuple[str, dict]]:
    """Every case of fixtures/rules/<id>.yaml as (rule id, case)."""
    cases = []
    for path in sorted((FIXTURES / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            cases.append((data["rule"], case))
    return cases


@pytest.fixture
def tree(tmp_path):
    def build(files: dict[str, str | bytes], as_git: bool = False) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        return make_git_repo(root, files) if as_git else write_tree(root, files)

    return build
