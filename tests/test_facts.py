"""The facts parsed once and shared by the rules: DVC and Docker."""

from __future__ import annotations

import importlib
import re
import time

import pytest

from auditor.audit import audit_target
from auditor.catalog import rules_dir
from auditor.facts import Repository
from auditor.facts.docker import is_dockerfile, parse_instructions
from auditor.facts.dvc import DvcRemote, remotes_in
from auditor.facts.vendored import origin_in_header
from conftest import make_git_repo, write_tree

DVC_CONFIG = """[core]
    remote = remote_storage
['remote "storage"']
    url = gdrive://1abc
['remote "remote_storage"']
    url = gs://my_bucket/
    version_aware = true
# ['remote "old"']
#     url = gs://old-bucket
[cache]
    url = gs://not-a-remote
"""


def test_dvc_remotes_with_lines_and_the_default():
    assert remotes_in(".dvc/config", DVC_CONFIG) == [
        DvcRemote(".dvc/config", 4, "storage", "gdrive://1abc", False),
        DvcRemote(".dvc/config", 6, "remote_storage", "gs://my_bucket/", True),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("[core]\n    remote = x\n", []),
    ('[ remote "s" ]\nurl=s3://b\n', [("s", "s3://b", False)]),
    ("\0\0 not a config [[[\n", []),
])
def test_dvc_remotes_of_odd_configs(text, expected):
    assert [(r.name, r.url, r.default) for r in remotes_in("c", text)] == expected


def test_dvc_fact_lists_config_tracked_files_pipelines_and_nested_remotes(tree):
    repo = Repository(tree({
        ".dvc/config": DVC_CONFIG,
        ".dvc/.gitignore": "/cache\n",
        "data.dvc": "outs:\n- path: data\n",
        "models/model.pt.dvc": "outs:\n- path: model.pt\n",
        "pipeline/dvc.yaml": "stages: {}\n",
        "sub/.dvc/config.local": "['remote \"local\"']\n    url = /tmp/store\n",
    }))
    dvc = repo.dvc
    assert dvc.config == ".dvc/config"
    assert dvc.folder == [".dvc/.gitignore", ".dvc/config"]
    assert dvc.tracked == ["data.dvc", "models/model.pt.dvc"]
    assert dvc.pipelines == ["pipeline/dvc.yaml"]
    assert [(r.path, r.name) for r in dvc.remotes] == [
        (".dvc/config", "storage"), (".dvc/config", "remote_storage"), ("sub/.dvc/config.local", "local")]


def test_dvc_fact_of_a_repository_without_dvc(tree):
    dvc = Repository(tree({"README.md": "# project\n"})).dvc
    assert (dvc.config, dvc.folder, dvc.tracked, dvc.pipelines, dvc.remotes) == (None, [], [], [], [])


def test_an_unreadable_dvc_config_has_no_remotes_and_is_a_problem(tree):
    repo = Repository(tree({".dvc/config": b"\0\0binary"}))
    assert repo.dvc.config == ".dvc/config" and repo.dvc.remotes == []
    assert [p.path for p in repo.problems] == [".dvc/config"]


@pytest.mark.parametrize(("path", "expected"), [
    ("Dockerfile", True), ("docker/Dockerfile.api", True), ("dockerfiles/train.dockerfile", True),
    ("docker/Dockerfile_api", True), ("api-Dockerfile", True), ("TRAIN.DOCKERFILE", True),
    ("dockerfiles/README.md", False), ("dockerfiles/wandb.docker", False), ("Dockerfile_api.txt", False),
    ("dockerfile/app.py", False),
])
def test_which_files_are_dockerfiles(path, expected):
    assert is_dockerfile(path) is expected


DOCKERFILE = """# syntax=docker/dockerfile:1
FROM --platform=linux/amd64 python:3.11-slim AS base
RUN apt-get update \\
    # a comment inside the command
    && apt-get install -y git \\

    && rm -rf /var/lib/apt/lists/*
COPY <<EOF /app/run.py
from src.model import train
FROM not-an-instruction
EOF
run echo done <<<"here-string"
CMD ["uvicorn", "app:app"]
ENTRYPOINT \\
"""


def test_dockerfile_instructions():
    found = [(i.line, i.keyword, i.arguments) for i in parse_instructions(DOCKERFILE)]
    assert found == [
        (2, "FROM", "--platform=linux/amd64 python:3.11-slim AS base"),
        (3, "RUN", "apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*"),
        (8, "COPY", "<<EOF /app/run.py"),
        (12, "RUN", 'echo done <<<"here-string"'),
        (13, "CMD", '["uvicorn", "app:app"]'),
        (14, "ENTRYPOINT", ""),
    ]
    assert parse_instructions(DOCKERFILE)[1].text == "RUN apt-get update \\"


@pytest.mark.parametrize("text", ["", "\n\n# only comments\n", "not a dockerfile at all\n{[(\n", "x" * 100_000])
def test_dockerfiles_without_instructions(text):
    assert parse_instructions(text) == ()


def test_docker_facts_of_a_repository(tree):
    repo = Repository(tree({
        "dockerfiles/train.dockerfile": "FROM python:3.11\nCMD [\"python\", \"train.py\"]\n",
        "docker/Dockerfile_api": "FROM python:3.11-slim\n",
        "Dockerfile": b"\0\0binary",
        "docker-compose.yml": "services: {}\n",
        "src/app.py": "print('hi')\n",
    }))
    assert repo.dockerfiles == ["Dockerfile", "docker/Dockerfile_api", "dockerfiles/train.dockerfile"]
    binary, api, train = repo.docker
    assert binary.error == "is binary, not text" and binary.instructions == ()
    assert api.first("FROM").arguments == "python:3.11-slim" and api.first("CMD") is None
    assert [i.arguments for i in train.all("CMD")] == ['["python", "train.py"]']
    assert repo.compose_files == ["docker-compose.yml"]


def test_grep_matches_only_the_start_of_a_hostile_long_line(tree):
    """A regex with `.*` between two words backtracks quadratically over one huge line; grep
    must look at its first MAX_GREP_LINE characters only, in the whole-file pre-check too."""
    repo = Repository(tree({"README.md": "docker compose " * 10_000 + "\n", "Makefile": "x\ndocker compose up\n"}))
    started = time.monotonic()
    hits = repo.grep(re.compile(r"\bdocker(-|\s+)compose\b.*\b(build|up)\b"), "README.md", "Makefile")
    assert time.monotonic() - started < 2
    assert [(h.path, h.line) for h in hits] == [("Makefile", 2)]


def test_the_rules_text_grep_is_bounded_the_same_way(tree):
    rules_dir()  # registers the package auditor.rules
    grep_text_files = importlib.import_module("auditor.rules._code").grep_text_files
    repo = Repository(tree({"README.md": "docker compose " * 10_000 + "\n", "Makefile": "x\ndocker compose up\n"}))
    started = time.monotonic()
    hits = grep_text_files(repo, re.compile(r"\bdocker(-|\s+)compose\b.*\b(build|up)\b"), ("README.md", "Makefile"))
    assert time.monotonic() - started < 2
    assert hits == [("Makefile", 2, "docker compose up")]


def test_pyproject_is_parsed_once_and_a_broken_one_is_a_problem(tree):
    repo = Repository(tree({"pyproject.toml": "[project\nname = 1\n"}))
    assert repo.pyproject.error.startswith("invalid TOML") and repo.pyproject is repo.document("pyproject.toml")
    assert [p.path for p in repo.problems] == ["pyproject.toml"]


def test_a_plain_folder_walk_skips_the_dvc_cache(tree):
    repo = Repository(tree({".dvc/config": "[core]\n", ".dvc/cache/files/md5/ab/cdef": "data\n",
                            "sub/.dvc/cache/12/34": "data\n", "cache/keep.txt": "kept\n"}))
    assert repo.files == [".dvc/config", "cache/keep.txt"]


@pytest.mark.parametrize("at", [None, "HEAD"])
@pytest.mark.parametrize("report", ["folder", "broken link"])
def test_a_report_path_holding_no_file_means_no_report(tmp_path, report, at):
    root = tmp_path / "repo"
    write_tree(root, {"src/app.py": "print('hi')\n", "reports/README.md/figure.txt": "x\n"} if report == "folder"
               else {"src/app.py": "print('hi')\n"})
    if report == "broken link":
        (root / "reports").mkdir()
        (root / "reports" / "README.md").symlink_to("nowhere.md")
    make_git_repo(root, {})
    result = audit_target(str(root), at=at)
    assert result.report.path is None and "no report" in result.report.message


@pytest.mark.parametrize(("header", "origin"), [
    ("# From https://github.com/huggingface/pytorch-image-models\nimport torch\n",
     "https://github.com/huggingface/pytorch-image-models"),
    ('"""Adapted from: https://github.com/pytorch/examples/blob/main/mnist/main.py"""\n', "https://github.com/pytorch/examples"),
    ("# Copied from https://www.github.com/a/b.\n", "https://www.github.com/a/b"),
    ("import torch\n# see https://github.com/a/b for the paper\n", None),
    ("from torch import nn\n", None),
    ("", None),
])
def test_vendored_origin_is_read_from_the_file_header(header, origin):
    assert origin_in_header(header) == origin


def test_a_lazy_pattern_compiles_on_first_use_and_then_answers_like_the_compiled_one(monkeypatch):
    import re

    from auditor import lazy_pattern

    compiled = []
    real_compile, compile_or_rebuild = re.compile, lazy_pattern.compiled
    monkeypatch.setattr(lazy_pattern, "compiled", lambda *a: compiled.append(a) or compile_or_rebuild(*a))
    pattern = lazy_pattern.LazyPattern(r"^(a+)b", re.IGNORECASE)
    assert compiled == []
    expected = real_compile(r"^(a+)b", re.IGNORECASE)
    assert pattern.search("AAb").group(1) == expected.search("AAb").group(1) == "AA"
    assert pattern.match("xab") is expected.match("xab") is None
    assert pattern.match("aB").group(0) == expected.match("aB").group(0)
    assert len(compiled) == 1


def test_find_line_and_grep_take_a_lazy_pattern_like_a_compiled_one(tmp_path):
    import re

    from auditor.facts.repository import find_line
    from auditor.lazy_pattern import LazyPattern

    assert find_line("a\njobs:\n", LazyPattern(r"^jobs:")) == find_line("a\njobs:\n", "jobs:") == 2
    (tmp_path / "main.tf").write_text('resource "google_cloud_run_service" "api" {}\n')
    repo = Repository(tmp_path)
    lazy, compiled = LazyPattern(r"resource\s+\"google"), re.compile(r"resource\s+\"google")
    assert repo.grep(lazy, "**/*.tf") == repo.grep(compiled, "**/*.tf") != []


GROUP_PACKAGING = {"pyproject.toml": '[project]\nname = "proj"\n', "src/proj/__init__.py": "",
                   "LICENSE": "MIT License\nCopyright (c) 2025 Group 1\n"}


@pytest.mark.parametrize(("files", "path", "vendored"), [
    ({"third_party/x.py": ""}, "third_party/x.py", "in third_party/, a folder for other projects' code"),
    ({"src/proj/vendor/lib.py": ""}, "src/proj/vendor/lib.py", "in src/proj/vendor/, a folder for other projects' code"),
    ({"data/external/readme.py": ""}, "data/external/readme.py", None),
    ({"det/LICENSE": "Apache\n", "det/setup.py": "setup(name='cnn-detect')\n", "det/x.py": ""}, "det/x.py",
     "det/ is another project, `cnn-detect` (its own setup.py and LICENSE)"),
    ({"api/pyproject.toml": '[project]\nname = "api"\n', "api/main.py": ""}, "api/main.py", None),
    ({"det/LICENSE": "MIT License\nCopyright (c) 2025 Group 1\n", "det/README.md": "# det\n", "det/x.py": ""},
     "det/x.py", None),
    ({"data/LICENSE": "CC-BY\n", "data/README.md": "# the data set\n", "data/raw.csv": ""}, "data/raw.csv", None),
    ({"src/proj/LICENSE": "Apache\n", "src/proj/README.md": "# ours\n", "src/proj/x.py": ""}, "src/proj/x.py", None),
    # a folder whose packaging declares the root's own project is the group's project, nested once more
    ({"age/LICENSE": "Apache\n", "age/README.md": "# ours\n", "age/pyproject.toml": '[project]\nname = "proj"\n',
      "age/x.py": ""}, "age/x.py", None),
    ({"det/LICENSE": "Apache\n", "det/README.md": "# det\n", "det/pyproject.toml": '[project]\nname = "det"\n',
      "det/x.py": ""}, "det/x.py", "det/ is another project, `det` (its own pyproject.toml and LICENSE)"),
])
def test_vendored_folders_are_told_by_their_name_license_packaging_or_submodule(tmp_path, files, path, vendored):
    write_tree(tmp_path, {**GROUP_PACKAGING, **files})
    assert Repository(tmp_path).vendored_folders.reason_for(path) == vendored


def test_a_nested_project_with_the_report_is_the_groups_own(tmp_path):
    write_tree(tmp_path, {"project/LICENSE": "MIT\n", "project/README.md": "# ours\n", "project/pyproject.toml":
                          '[project]\nname = "ours"\n', "project/reports/README.md": "# report\n", "project/x.py": ""})
    repo = Repository(tmp_path, report_path="project/reports/README.md")
    assert repo.vendored_folders.reason_for("project/x.py") is None
