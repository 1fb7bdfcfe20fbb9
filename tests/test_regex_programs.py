"""Regex programs kept across runs: a pattern rebuilt from its stored program is the one `re.compile`
gives, and a cache that is missing, stale, corrupt or tampered with changes nothing but speed."""

from __future__ import annotations

import atexit
import marshal
import re

import pytest

from auditor import regex_programs
from auditor.lazy_pattern import LazyPattern
from auditor.user_cache import read_kept

PATTERNS = [
    (r"\bcloud\s+training\b", re.IGNORECASE),
    (r"(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?$", 0),
    (r"^\s*#.*$", re.MULTILINE),
    (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", 0),
    (r"(a)(b)?(?(2)c|d)\2?", 0),
    (r"x{2,}y{0,4294967294}", 0),
    (r"straße|ſ|\u212a", re.IGNORECASE),
    (r" a b  # spaced", re.VERBOSE),
]
TEXTS = ["Cloud  Training done", "github.com/me/proj.git", "x = 1\n  # note\n", "bell\x07", "abc ad abcb",
         "xxyyyy", "STRASSE ſ k K", "ab", ""]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A fresh cache folder and a run that has read and learned nothing yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(regex_programs.KEPT, "stored", None)
    monkeypatch.setattr(regex_programs.KEPT, "learned", {})
    monkeypatch.setattr(regex_programs.KEPT, "used", set())
    monkeypatch.setattr(atexit, "register", lambda function: None)
    return tmp_path


def _next_run(monkeypatch) -> None:
    monkeypatch.setattr(regex_programs.KEPT, "stored", None)


def _same(rebuilt: re.Pattern[str], source: str, flags: int) -> None:
    expected = re.compile(source, flags)
    assert rebuilt == expected and rebuilt.flags == expected.flags and rebuilt.pattern == source
    assert (rebuilt.groups, rebuilt.groupindex) == (expected.groups, expected.groupindex)
    for text in TEXTS:
        assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in expected.finditer(text)]
        assert rebuilt.sub("-", text) == expected.sub("-", text)


@pytest.mark.parametrize(("source", "flags"), PATTERNS)
def test_a_pattern_rebuilt_from_its_stored_program_is_the_compiled_one(cache_home, monkeypatch, source, flags):
    first = regex_programs.compiled(source, flags)
    regex_programs.store_learned()
    _next_run(monkeypatch)
    key = f"{flags}:{source}"
    assert key in regex_programs.KEPT.entries()
    rebuilt = regex_programs.compiled(source, flags)
    assert rebuilt is not re.compile(source, flags)   # built from the program, not compiled again
    _same(rebuilt, source, flags)
    _same(first, source, flags)


def test_a_lazy_pattern_is_compiled_through_the_stored_programs(cache_home, monkeypatch):
    LazyPattern(r"\bdvc\s+pull\b", re.IGNORECASE).search("dvc pull")
    regex_programs.store_learned()
    _next_run(monkeypatch)
    rebuilt = LazyPattern(r"\bdvc\s+pull\b", re.IGNORECASE)
    assert rebuilt.search("we ran DVC  pull").group(0) == "DVC  pull"
    assert f"{re.IGNORECASE}:\\bdvc\\s+pull\\b" in regex_programs.KEPT.entries()


@pytest.mark.parametrize("content", [
    b"not marshal", marshal.dumps([]), marshal.dumps({"stamp": [], "programs": {}}), marshal.dumps({}), b"\x00\x01",
    marshal.dumps({"stamp": "x", "programs": {}})[:-3],
])
def test_a_missing_corrupt_or_stale_cache_only_costs_the_compile(cache_home, content):
    path = regex_programs.program_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    _same(regex_programs.compiled(r"\bmodels?\b", re.IGNORECASE), r"\bmodels?\b", re.IGNORECASE)


@pytest.mark.parametrize("entry", [
    [32, b"\0\0\0\0", 0, {}, [None]],       # code the regex engine refuses
    [32, b"\0\0\0", 0, {}, [None]],          # not whole words
    [32, "AAAA", 0, {}, [None]],
    ["32", b"\0\0\0\0", 0, {}, [None]],
    [32, [1, 2], 0, {}, [None]],
    [32, b"\0\0\0\0", 0, [], None],
])
def test_a_tampered_program_falls_back_to_compiling(cache_home, monkeypatch, entry):
    path = regex_programs.program_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({"stamp": regex_programs._stamp(), "programs": {"0:abc": entry}}))
    _same(regex_programs.compiled("abc"), "abc", 0)


def test_programs_are_kept_per_python_build_and_stored_whole(cache_home, monkeypatch):
    regex_programs.compiled(r"a+b", 0)
    regex_programs.store_learned()
    stored = read_kept(regex_programs.program_file())
    assert stored["stamp"] == regex_programs._stamp() and list(stored["programs"]) == ["0:a+b"]
    assert not list(cache_home.glob("auditor/*.partial"))
    monkeypatch.setattr(regex_programs, "_stamp", lambda: ["another Python"])
    _next_run(monkeypatch)
    assert regex_programs.KEPT.entries() == {}


def test_no_home_means_no_cache(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "")
    assert regex_programs.program_file() is None
    monkeypatch.setattr(regex_programs.KEPT, "stored", None)
    _same(regex_programs.compiled(r"x|y"), r"x|y", 0)


def test_past_the_limit_the_programs_no_run_used_lately_make_way(cache_home, monkeypatch):
    monkeypatch.setattr(regex_programs.KEPT, "limit", 3)
    for source in ("old1", "old2", "old3"):
        regex_programs.compiled(source)
    regex_programs.store_learned()
    _next_run(monkeypatch)
    monkeypatch.setattr(regex_programs.KEPT, "used", set())
    regex_programs.compiled("old2")            # rebuilt: used by this run
    regex_programs.compiled("new1")
    regex_programs.compiled("new2")
    regex_programs.store_learned()
    _next_run(monkeypatch)
    assert set(regex_programs.KEPT.entries()) == {"0:old2", "0:new1", "0:new2"}


@pytest.mark.parametrize(("source", "flags"), PATTERNS)
def test_a_pattern_compiled_the_way_re_compiles_it_is_the_compiled_one(source, flags):
    assert regex_programs._compiles_as_re()
    pattern, _ = regex_programs._made(source, flags)
    _same(pattern, source, flags)


def test_where_re_compiles_otherwise_every_pattern_is_left_to_re(cache_home, monkeypatch):
    monkeypatch.setattr(regex_programs, "_compiles_as_re", lambda: False)
    assert regex_programs.compiled(r"a(b)c") is re.compile(r"a(b)c")
    assert regex_programs.KEPT.learned == {}
