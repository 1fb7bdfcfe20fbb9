"""The cache folder does not grow without end: writing a cache file drops the files it supersedes
(its JSON predecessor, and those of its family no run has written for a month), nothing else."""

from __future__ import annotations

import os
import time

import pytest

from auditor import catalog, kept_code
from auditor.user_cache import UNWRITTEN_FOR, tidy_after_writing

LONG_AGO = time.time() - UNWRITTEN_FOR - 3600


def _file(folder, name, age=None):
    path = folder / name
    path.write_text("x")
    if age is not None:
        os.utime(path, (age, age))
    return path


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "auditor"
    path.mkdir()
    return path


@pytest.mark.parametrize("written, family, old, age", [
    ("kept-code-cpython-311.marshal", "kept-code-*", "kept-code-cpython-311.json", None),   # the format before marshal
    ("anchor-words-1.marshal", "anchor-words-*", "anchor-words-0badcafe.marshal", LONG_AGO),  # another version's
    ("catalog-ffff.json", "catalog-*.json", "catalog-0123456789abcdef.json", LONG_AGO),      # a checkout long gone
], ids=["predecessor", "stale version", "stale checkout"])
def test_what_the_written_file_supersedes_goes(folder, written, family, old, age):
    written, old = _file(folder, written), _file(folder, old, age)
    tidy_after_writing(written, family)
    assert written.exists() and not old.exists()


def test_recent_files_of_the_family_and_other_files_stay(folder):
    written = _file(folder, "catalog-aaaa.json")
    recent = _file(folder, "catalog-bbbb.json")
    other = _file(folder, "anchor-words-1.marshal", LONG_AGO)
    stranger = _file(folder, "notes.txt", LONG_AGO)
    tidy_after_writing(written, "catalog-*.json")
    assert written.exists() and recent.exists() and other.exists() and stranger.exists()


def test_storing_learned_code_drops_the_json_predecessor(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for name, value in (("stored", None), ("learned", {}), ("used", set())):
        monkeypatch.setattr(kept_code.KEPT, name, value)
    (tmp_path / "auditor").mkdir()
    predecessor = _file(tmp_path / "auditor", kept_code.kept_file().with_suffix(".json").name)
    kept_code.function_from_source("def f(x):\n return x + 1", "f", {})
    kept_code.store_learned()
    assert kept_code.kept_file().exists() and not predecessor.exists()


def test_writing_the_catalog_cache_drops_stale_catalogs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "auditor").mkdir()
    stale = _file(tmp_path / "auditor", "catalog-0000000000000000.json", LONG_AGO)
    cache = catalog._cache_file(catalog.rules_dir())
    catalog._write_cached(cache, ["key"], [{"id": "x"}])
    assert cache.exists() and not stale.exists()
