"""The words read from a pattern's source, kept across runs: a kept answer is the one reading gives,
and a missing, stale, corrupt or misshapen file is read again."""

from __future__ import annotations

import atexit
import marshal
import re

import pytest

from auditor.report import anchor_words, anchors
from auditor.user_cache import read_kept

SOURCES = [
    (r"\bgcloud\s+run\s+deploy\b", re.IGNORECASE),
    (r"(?i)streamlit\s+run", 0),
    (r"kubectl\s+apply|kubernetes|k8s", re.IGNORECASE),
    (r"a|b(c)?", 0),
    (r"(docker(-|\s+)compose|podman)\s+up", re.IGNORECASE | re.MULTILINE),
    (r" f o o # spaced", re.VERBOSE),
    (r"straße|ſtream", re.IGNORECASE),
    (r"", 0),
]
READERS = [("needed", anchors.words_needed, True), ("all", anchors.all_required_words, False),
           ("either", anchors.required_words, False)]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A fresh cache folder and a run that has read and learned nothing yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _next_run(monkeypatch)
    monkeypatch.setattr(anchor_words.KEPT, "learned", {})
    monkeypatch.setattr(atexit, "register", lambda function: None)
    return tmp_path


def _next_run(monkeypatch) -> None:
    monkeypatch.setattr(anchor_words.KEPT, "stored", None)


def _kept(reader):
    return reader.__wrapped__  # beneath the per-process lru_cache


def _read(reader):
    return reader.__wrapped__.__wrapped__


def _ask(reader, takes_flags, source, flags):
    return _kept(reader)(source, flags) if takes_flags else _kept(reader)(source)


def _expected(reader, takes_flags, source, flags):
    return _read(reader)(source, flags) if takes_flags else _read(reader)(source)


@pytest.mark.parametrize(("kind", "reader", "takes_flags"), READERS)
@pytest.mark.parametrize(("source", "flags"), SOURCES)
def test_a_kept_answer_is_the_one_reading_gives(cache_home, monkeypatch, kind, reader, takes_flags, source, flags):
    first = _ask(reader, takes_flags, source, flags)
    anchor_words.store_learned()
    _next_run(monkeypatch)
    assert anchor_words.KEPT.entries(), "the next run finds the words stored"
    assert _ask(reader, takes_flags, source, flags) == first == _expected(reader, takes_flags, source, flags)
    assert type(_ask(reader, takes_flags, source, flags)) is type(first)


@pytest.mark.parametrize(("kind", "reader", "takes_flags"), READERS)
@pytest.mark.parametrize(("source", "flags"), SOURCES)
def test_the_next_run_reads_nothing_again(cache_home, monkeypatch, kind, reader, takes_flags, source, flags):
    _ask(reader, takes_flags, source, flags)
    anchor_words.store_learned()
    _next_run(monkeypatch)
    _ask(reader, takes_flags, source, flags)
    assert anchor_words.KEPT.learned == {}, "a kept answer is used as stored, not read and learned again"


def _store_one(monkeypatch) -> None:
    _kept(anchors.words_needed)(r"\bgcloud\s+run\b", re.IGNORECASE)
    anchor_words.store_learned()
    _next_run(monkeypatch)


@pytest.mark.parametrize("damage", [
    lambda stored: b"not marshal {",
    lambda stored: marshal.dumps({**stored, "stamp": [0, "another python", 1]}),
    lambda stored: marshal.dumps({**stored, "words": {k: [["gcloud"], 7] for k in stored["words"]}}),
    lambda stored: marshal.dumps({**stored, "words": {k: "gcloud" for k in stored["words"]}}),
    lambda stored: marshal.dumps({**stored, "words": {k: [[""]] for k in stored["words"]}}),
    lambda stored: marshal.dumps([stored]),
    lambda stored: marshal.dumps(stored)[:-5],
])
def test_a_stale_corrupt_or_misshapen_file_is_read_again(cache_home, monkeypatch, damage):
    _store_one(monkeypatch)
    path = anchor_words.words_file()
    path.write_bytes(damage(read_kept(path)))
    assert _kept(anchors.words_needed)(r"\bgcloud\s+run\b", re.IGNORECASE) == (("gcloud",), ("run",))


def test_the_file_is_named_by_the_reader_it_was_read_by(cache_home, monkeypatch):
    _store_one(monkeypatch)
    assert [p.name for p in (cache_home / "auditor").iterdir()] == [anchor_words.words_file().name]
    assert anchor_words.words_file().name.startswith("anchor-words-")


def test_without_a_writable_cache_the_words_are_read_every_run(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _next_run(monkeypatch)
    monkeypatch.setattr(anchor_words.KEPT, "learned", {})
    monkeypatch.setattr(atexit, "register", lambda function: None)
    assert _kept(anchors.words_needed)(r"podman\s+up", 0) == (("podman",), ("up",))
    anchor_words.store_learned()
    assert blocker.read_text(encoding="utf-8") == "x"
