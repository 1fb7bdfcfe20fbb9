"""The facts parsed once and shared by the rules: DVC and Docker."""

from __future__ import annotations

import pytest

from auditor.facts import Repository
from auditor.facts.dvc import DvcRemote, remotes_in

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
