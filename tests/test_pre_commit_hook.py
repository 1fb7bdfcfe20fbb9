"""The pre-commit hook of .pre-commit-hooks.yaml: a valid manifest, and its entry run by pre-commit
in a student's repository, offline (the hook's `language: python` would build a virtualenv from
this repository; here its entry runs as a local `system` hook against the auditor under test)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, make_git_repo

clientlib = pytest.importorskip("pre_commit.clientlib")

HONEST = ("# Report\n\n## Overall project checklist\n\n"
          "* [x] Construct one or multiple docker files for your code (M10)\n")


def the_hook() -> dict:
    hooks = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in hooks] == ["mlops-report-audit"]
    return hooks[0]


def test_the_manifest_is_valid_and_runs_on_push_without_file_names():
    hook = the_hook()
    assert hook["entry"] == "auditor audit ." and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert set(hook["stages"]) == {"pre-push", "manual"}


def run_hook(repo, tmp_path) -> subprocess.CompletedProcess:
    hook = the_hook()
    local = {key: hook[key] for key in ("id", "name", "entry", "pass_filenames", "always_run", "stages")}
    config = {"repos": [{"repo": "local", "hooks": [{**local, "language": "system"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    shims = tmp_path / "bin"
    shims.mkdir(exist_ok=True)
    shim = shims / "auditor"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m auditor "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--hook-stage", "manual",
                           "mlops-report-audit"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def test_pre_commit_runs_the_hook_and_passes_an_honest_repository(tmp_path):
    repo = make_git_repo(tmp_path / "student", {"reports/README.md": HONEST,
                                                "dockerfiles/train.dockerfile": "FROM python:3.11\n"})
    done = run_hook(repo, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_pre_commit_fails_on_an_unsupported_claim(tmp_path):
    repo = make_git_repo(tmp_path / "student", {"reports/README.md": HONEST})
    done = run_hook(repo, tmp_path)
    assert done.returncode == 1 and "Failed" in done.stdout and "unsupported" in done.stdout
