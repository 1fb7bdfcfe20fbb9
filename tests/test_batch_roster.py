"""Reading the class: CSV rosters (good and bad rows) and folders of repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.batch.roster import RosterError, parse_roster, read_input

BASE = Path("/class")


def groups_of(text: str, deadline: str | None = None):
    return [(g.name, g.target, g.deadline, g.at, g.line) for g in parse_roster(text, BASE, deadline)]


@pytest.mark.parametrize("text, expected", [
    pytest.param("group,repository\nalpha,https://example.invalid/a.git\nbeta,repos/beta\n",
                 [("alpha", "https://example.invalid/a.git", None, None, 2), ("beta", "/class/repos/beta", None, None, 3)],
                 id="header"),
    pytest.param("alpha,/abs/alpha\nbeta,git@example.invalid:b/beta.git,2026-01-23 23:59\ngamma,g,,abc1234\n",
                 [("alpha", "/abs/alpha", None, None, 1),
                  ("beta", "git@example.invalid:b/beta.git", "2026-01-23 23:59", None, 2),
                  ("gamma", "/class/g", None, "abc1234", 3)], id="no header, positional"),
    pytest.param("Repo;Team;Members\nrepos/a;A;x y z\n", [("A", "/class/repos/a", None, None, 2)],
                 id="semicolons, other order, extra column ignored"),
    pytest.param("\ufeffgroup\trepository\tcommit\nA\tfile:///srv/a.git\tv1.0\n",
                 [("A", "file:///srv/a.git", None, "v1.0", 2)], id="BOM and tabs"),
    pytest.param("# class of 2026\n\ngroup,repository\n\nA , a \n,,\n# B,b\n", [("A", "/class/a", None, None, 5)],
                 id="comments, blank rows, spaces"),
    pytest.param('group,repository\n"Group, the first",a\n', [("Group, the first", "/class/a", None, None, 2)],
                 id="quoted comma"),
])
def test_good_rosters(text, expected):
    assert groups_of(text) == expected


def test_global_deadline_applies_where_a_row_has_neither_deadline_nor_commit():
    text = "group,repository,deadline,commit\nA,a,,\nB,b,2026-01-20,\nC,c,,deadbeef\n"
    assert [(n, d, at) for n, _, d, at, _ in groups_of(text, "2026-01-23 23:59")] == [
        ("A", "2026-01-23 23:59", None), ("B", "2026-01-20", None), ("C", None, "deadbeef")]


@pytest.mark.parametrize("text, problem", [
    ("group,repository\n,a\n", "line 2: the group name is empty"),
    ("group,repository\nA,\n", "line 2: no repository"),
    ("group,repository,deadline\nA,a,next friday\n", "line 2: deadline 'next friday' is not a date"),
    ("group,repository,commit\nA,a,HEAD; rm -rf /\n", "line 2: commit 'HEAD; rm -rf /' is not a commit"),
    ("group,repository,deadline,commit\nA,a,2026-01-23,abc123\n", "line 2: both a deadline and a commit"),
    ("group,repository\nA,a\nB,b\nA,c\n", "line 4: group 'A' already appears on line 2"),
    ("A,a,2026-01-23,,extra\n", "line 1: 5 columns; expected group, repository, deadline, commit"),
    ("group,members\nA,x\n", "line 1: the header has no repository column"),
    ("# roster\ngroup,members\nA,x\n", "line 2: the header has no repository column"),
    ("group,repository\nA,--upload-pack=touch x\n", "line 2: repository '--upload-pack=touch x' starts with '-'"),
    ("group,repository\nA,ext::sh -c touch% x\n", "line 2: repository 'ext::sh -c touch% x' uses git's ext:: transport"),
    ("# only a comment\n\n", "the roster has no groups"),
    ("group,repository\n", "the roster has a header but no groups"),
    ('group,repository\n"A,a\n', "line 2:"),
])
def test_bad_rows_are_named_with_their_line(text, problem):
    with pytest.raises(RosterError) as caught:
        parse_roster(text, BASE)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_every_bad_row_is_reported_at_once():
    text = "group,repository,deadline\nA,a,\n,b,\nC,,\nD,d,soon\n"
    with pytest.raises(RosterError) as caught:
        parse_roster(text, BASE)
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 3", "line 4", "line 5"]


def test_roster_file_relative_paths_count_from_its_folder(tmp_path):
    roster = tmp_path / "class" / "roster.csv"
    roster.parent.mkdir()
    roster.write_text("group,repository\nA,../repos/a\n", encoding="utf-8")
    [group] = read_input(roster)
    assert Path(group.target) == tmp_path / "class" / ".." / "repos" / "a"


def test_roster_that_is_not_text(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"group,repository\n\xff\xfe,a\n")
    with pytest.raises(RosterError, match="not UTF-8"):
        read_input(roster)


def test_bad_global_deadline(tmp_path):
    with pytest.raises(RosterError, match="--deadline 'tomorrow'"):
        read_input(tmp_path, "tomorrow")


def test_folder_of_repositories(tmp_path):
    for name in ("beta", "alpha", ".hidden", "out", "a b", "a-b"):
        (tmp_path / name).mkdir()
    (tmp_path / "notes.txt").write_text("not a repository")
    groups = read_input(tmp_path, "2026-01-23", exclude=tmp_path / "out")
    assert [(g.name, g.slug, g.deadline) for g in groups] == [
        ("a b", "a-b", "2026-01-23"), ("a-b", "a-b-2", "2026-01-23"),
        ("alpha", "alpha", "2026-01-23"), ("beta", "beta", "2026-01-23")]
    assert groups[2].target == str(tmp_path / "alpha")


@pytest.mark.parametrize("layout, message", [
    ({}, "has no subfolders"),
    ({".git": None}, "looks like one repository"),
])
def test_folders_that_are_not_a_class(tmp_path, layout, message):
    for name in layout:
        (tmp_path / name).mkdir()
    with pytest.raises(RosterError, match=message):
        read_input(tmp_path)


def test_missing_input(tmp_path):
    with pytest.raises(RosterError, match="does not exist"):
        read_input(tmp_path / "nope.csv")


def test_slugs_are_safe_file_names():
    groups = parse_roster("group,repository\n../../etc/passwd,a\nGroup 1,b\ngroup-1,c\n<b>,d\n", BASE)
    assert [g.slug for g in groups] == ["etc-passwd", "Group-1", "group-1-2", "b"]
