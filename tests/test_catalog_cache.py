"""The parsed rule definitions kept in the user's cache: reused only while made from the same
files, and a cache that is missing, corrupt, stale or unwritable changes nothing but speed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from auditor import catalog
from auditor.catalog import rule_definitions, rules_dir


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("ci.yaml", "cli.yaml"):
        shutil.copy2(rules_dir() / name, folder / name)
    return folder


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def parsed_directly(folder: Path) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))]


def yaml_never_parsed(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the YAML was parsed, not read from the cache")
    monkeypatch.setattr(catalog.yaml, "load", refuse)


def test_the_second_load_reads_the_cache_not_the_yaml(rules, cache_home, monkeypatch):
    first = rule_definitions(rules)
    assert first == parsed_directly(rules)
    assert len(list((cache_home / "auditor").glob("catalog-*.json"))) == 1
    yaml_never_parsed(monkeypatch)
    assert rule_definitions(rules) == first


def test_an_edited_rule_file_is_parsed_again(rules, cache_home):
    rule_definitions(rules)
    path = rules / "ci.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Get", "title: Now get"), encoding="utf-8")
    assert rule_definitions(rules)[0]["title"].startswith("Now get")


def test_an_added_rule_file_is_parsed_again(rules, cache_home):
    rule_definitions(rules)
    shutil.copy(rules_dir() / "coverage.yaml", rules / "coverage.yaml")
    assert [d["id"] for d in rule_definitions(rules)] == ["ci", "cli", "coverage"]


@pytest.mark.parametrize("stored", [b"\x00\xff not json", b"[]", b'{"key": 1}', b"", b"{" * 100000, b"[" * 100000 + b"]" * 100000])
def test_a_corrupt_cache_is_replaced(rules, cache_home, stored):
    rule_definitions(rules)
    (cache,) = (cache_home / "auditor").glob("catalog-*.json")
    cache.write_bytes(stored)
    assert rule_definitions(rules) == parsed_directly(rules)
    assert cache.read_bytes() != stored


def test_a_cache_with_the_right_key_but_no_definitions_is_not_used(rules, cache_home):
    rule_definitions(rules)
    (cache,) = (cache_home / "auditor").glob("catalog-*.json")
    cache.write_text(cache.read_text(encoding="utf-8").replace('"definitions": [', '"definitions": [1, '))
    assert rule_definitions(rules) == parsed_directly(rules)


def test_an_unwritable_cache_is_done_without(rules, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert rule_definitions(rules) == parsed_directly(rules)
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("cache_setting", [{"XDG_CACHE_HOME": "relative/cache"}, {}])
def test_no_cache_without_an_absolute_cache_home(rules, tmp_path, monkeypatch, cache_setting):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    for name, value in cache_setting.items():
        monkeypatch.setenv(name, value)
    assert rule_definitions(rules) == parsed_directly(rules)
    assert sorted(os.listdir(tmp_path)) == ["rules"]


def test_a_rule_file_changed_just_now_is_not_cached(rules, cache_home, monkeypatch):
    (rules / "cli.yaml").touch()
    first = rule_definitions(rules)
    assert not (cache_home / "auditor").exists()
    monkeypatch.setattr(catalog, "RACY_SECONDS", 0)
    assert rule_definitions(rules) == first
    yaml_never_parsed(monkeypatch)
    assert rule_definitions(rules) == first


def test_each_rules_folder_keeps_its_own_cache(rules, tmp_path, cache_home):
    other = tmp_path / "other-rules"
    shutil.copytree(rules, other, copy_function=shutil.copy2)
    rule_definitions(rules)
    rule_definitions(other)
    assert len(list((cache_home / "auditor").glob("catalog-*.json"))) == 2
