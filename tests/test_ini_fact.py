"""The INI fact: setup.cfg, tox.ini, .flake8, .coveragerc ... parsed once, every section and key
with its line; a file that does not parse is an error, never a traceback, in bounded time."""

from __future__ import annotations

import time

import pytest

from auditor.facts import Repository
from auditor.facts.ini import read_ini
from conftest import write_tree

SETUP_CFG = """# the package
[metadata]
name = proj

[options]
install_requires =
    click>=8
    # a comment inside the value

    rich
packages = find:

[options.entry_points]
console_scripts =
    train = proj.train:main
[flake8]
Max-Line-Length: 100
[options]
zip_safe = False
"""


def test_every_section_and_key_with_its_line():
    cfg = read_ini("setup.cfg", SETUP_CFG)
    assert cfg.error is None
    assert [(s.name, s.line) for s in cfg.sections.values()] == [
        ("metadata", 2), ("options", 5), ("options.entry_points", 13), ("flake8", 16)]
    requires = cfg.key("options", "install_requires")
    assert (requires.line, requires.end_line) == (6, 10)
    assert requires.value.split() == ["click>=8", "rich"]
    assert cfg.key("options", "zip_safe").line == 19, "a section written twice is merged"
    assert cfg.key("flake8", "max-line-length").value == "100", "keys are lower-cased, `:` delimits too"
    assert (cfg.key("options.entry_points", "console_scripts").line, cfg.key("options.entry_points", "console_scripts").end_line) == (14, 15)
    assert cfg.key("options", "missing") is None and cfg.section("tool:pytest") is None


def test_a_key_written_twice_keeps_its_last_value_and_line():
    cfg = read_ini("tox.ini", "[pytest]\naddopts = -q\naddopts = --cov\n")
    key = cfg.key("pytest", "addopts")
    assert (key.value, key.line) == ("--cov", 3)


@pytest.mark.parametrize("text, why", [
    ("install_requires = torch\n", "line 1 comes before any [section]"),
    ("[options]\ninstall_requires = torch\n[broken\n", "line 3 is neither"),
    ("[a]\nk" + " " * 1_000_000 + "b\n", "line 2 is neither"),
    ("[a]\n" + ("k" + " " * 998 + "b\n") * 2000, "line 2 is neither"),
])
def test_a_file_that_does_not_parse_is_an_error_in_bounded_time(text, why):
    started = time.monotonic()
    cfg = read_ini("setup.cfg", text)
    assert cfg.error.startswith("invalid INI") and why in cfg.error and cfg.sections == {}
    assert time.monotonic() - started < 5, "configparser's own option pattern is quadratic over blanks"


@pytest.mark.parametrize("text", ["[]\n", "[a]\n=\n", "[a]\n: x\n", "[a]\n  \tk\n", "\x00", "[a]\nk = %(x)s %\n",
                                  "[a]\n[a]\nk = 1\n", "[a] ; b\nk=1\n", "\ufeff[a]\nk=1\n", "[a]\n" + "[" * 100_000])
def test_odd_files_give_sections_or_an_error_never_a_traceback(text):
    cfg = read_ini("setup.cfg", text)
    assert cfg.error is None or cfg.error.startswith("invalid INI")
    assert all(key.line > 0 for section in cfg.sections.values() for key in section.keys.values())


def test_a_megabyte_value_is_read():
    cfg = read_ini("setup.cfg", "[options]\ninstall_requires = " + "x" * 1_000_000 + "\n")
    assert len(cfg.key("options", "install_requires").value) == 1_000_000


def test_the_repository_reads_each_ini_file_once_and_reports_what_does_not_parse(tmp_path):
    write_tree(tmp_path, {"setup.cfg": b"[options]\ninstall_requires = caf\xe9\n[x\n", "tox.ini": "[tox]\nenvlist = py311\n",
                          "pytest.ini": b"\x00\x01binary"})
    repo = Repository(tmp_path)
    assert set(repo.ini_files) == {"setup.cfg", "tox.ini", "pytest.ini"}
    assert repo.ini("setup.cfg") is repo.ini_files["setup.cfg"]
    assert repo.ini_files["tox.ini"].key("tox", "envlist").value == "py311"
    assert "invalid INI" in repo.ini_files["setup.cfg"].error
    assert repo.ini_files["pytest.ini"].error
    problems = {p.path: p.message for p in repo.problems}
    assert "invalid INI" in problems["setup.cfg"] and "pytest.ini" in problems


def test_setup_py_is_parsed_once_for_dependencies_and_entry_points(tmp_path, monkeypatch):
    from auditor.facts import python_code

    write_tree(tmp_path, {"setup.py": "from setuptools import setup\nsetup(name='p', install_requires=['torch'],\n"
                                      "      entry_points={'console_scripts': ['train = p.train:main']})\n"})
    parses = []
    original = python_code.read_setup_py
    monkeypatch.setattr("auditor.facts.repository.read_setup_py", lambda text: parses.append(1) or original(text))
    repo = Repository(tmp_path)
    assert [d.name for d in repo.dependencies] == ["torch"]
    assert [e.name for e in repo.entry_points.found] == ["train"]
    assert len(parses) == 1
