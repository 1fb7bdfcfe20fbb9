"""Generated functions kept across runs: the same function whether compiled now or rebuilt from the
code an earlier run kept, and compiled again whenever what is kept cannot be used."""

from __future__ import annotations

import marshal
import subprocess
import sys

import pytest

from auditor import kept_code
from auditor.user_cache import read_kept

SOURCE = "def __init__(self, a, b):\n self.a = a\n self.b = b * factor"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(kept_code.KEPT, "stored", None)
    monkeypatch.setattr(kept_code.KEPT, "learned", {})
    monkeypatch.setattr(kept_code.KEPT, "used", set())
    return tmp_path / "cache"


class Box:
    pass


def _built(namespace: dict) -> Box:
    box = Box()
    kept_code.function_from_source(SOURCE, "__init__", namespace)(box, 1, 2)
    return box


def test_a_function_is_what_exec_defines_and_is_kept_for_the_next_run(cache):
    box = _built({"factor": 10})
    assert (box.a, box.b) == (1, 20)
    kept_code.store_learned()
    kept_code.KEPT.stored = None
    assert _built({"factor": 3}).b == 6, "rebuilt from the kept code, with this namespace"
    assert kept_code.KEPT.learned == {}, "nothing compiled again"


@pytest.mark.parametrize("damage", [
    lambda stored: b"not marshal",
    lambda stored: marshal.dumps({**stored, "stamp": [0, *stored["stamp"]]}),      # another version's file
    lambda stored: marshal.dumps({**stored, "code": {SOURCE: "a text"}}),           # not bytes
    lambda stored: marshal.dumps({**stored, "code": {SOURCE: b"\xff\x00"}}),      # not marshal data
    lambda stored: marshal.dumps({**stored, "code": {SOURCE: marshal.dumps(7)}}),  # not a code object
], ids=["not marshal", "stale", "not bytes", "not marshal data", "not code"])
def test_kept_code_that_cannot_be_used_is_compiled_again(cache, damage):
    _built({"factor": 1})
    kept_code.store_learned()
    path = kept_code.kept_file()
    path.write_bytes(damage(read_kept(path)))
    kept_code.KEPT.stored = None
    assert _built({"factor": 5}).b == 10
    assert SOURCE in kept_code.KEPT.learned


def test_a_new_interpreter_builds_the_auditor_s_records_from_kept_code(cache):
    run = [sys.executable, "-c", "import auditor.audit, auditor.kept_code as k; print(len(k.KEPT.learned), len(k.KEPT.used))"]
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout.split()
    again = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout.split()
    assert int(first[0]) > 20 and int(again[0]) == 0 and again[1] == first[1]
