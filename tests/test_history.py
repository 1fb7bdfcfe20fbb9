"""Audits of git history: commits read from git objects, --at, --deadline, remote clones, teams."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import jsonschema
import pytest
from conftest import git, make_git_repo, write_tree
from typer.testing import CliRunner

from auditor.audit import InputError, audit, audit_target
from auditor.cli import app
from auditor.facts import Repository
from auditor.facts.files import Unreadable
from auditor.facts.gitsource import GitTreeSource
from auditor.render import json_report, terminal

ANN = ("Ann Example", "s111111@student.dtu.dk")
ANN_AGAIN = ("Ann Example", "ann.example@gmail.com")
BOB = ("bob-dev", "12345+bob-dev@users.noreply.github.com")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
CARL = ("Carl", "s333333@dtu.dk")

REPORT_BEFORE = """# Exam report

## Overall project checklist

* [x] Create a git repository (M5)
* [x] Make sure that all team members have write access to the GitHub repository (M5)
* [ ] Write one or multiple configurations files for your experiments (M11)

## Group information

### Question 2
> **Enter the study number for each member in the group**
>
> Answer: s111111, s222222, s333333
"""
REPORT_AFTER = REPORT_BEFORE.replace("* [ ] Write one", "* [x] Write one")


def commit(root: Path, files: dict, message: str, author: tuple[str, str] = ANN,
           date: str = "2026-01-20T10:00:00+01:00") -> str:
    write_tree(root, files)
    env = {**os.environ, "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_NAME": author[0], "GIT_COMMITTER_EMAIL": author[1], "GIT_COMMITTER_DATE": date}
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def project(tmp_path) -> Path:
    """Three authors and a bot before the deadline (2026-01-23 23:59 Copenhagen), Carl after it."""
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"README.md": "# project\n", "reports/README.md": REPORT_BEFORE}, "start", ANN, "2026-01-10T09:00:00+01:00")
    commit(root, {"src/proj/data.py": "def load():\n    return [1, 2]\n"}, "data", ANN_AGAIN, "2026-01-12T09:00:00+01:00")
    commit(root, {"src/proj/train.py": "print('train')\n"}, "train", BOB, "2026-01-15T09:00:00+01:00")
    commit(root, {"requirements.txt": "torch==2.5\n"}, "Bump torch", BOT, "2026-01-16T09:00:00+01:00")
    commit(root, {"notes.md": "late evening\n"}, "before the deadline", BOB, "2026-01-23T23:30:00+01:00")
    commit(root, {"configs/train.yaml": "lr: 0.1\n", "reports/README.md": REPORT_AFTER}, "after the deadline",
           CARL, "2026-01-23T23:30:00+00:00")
    return root


def status(root: Path) -> tuple[str, str]:
    return git(root, "status", "--porcelain", "--untracked-files=all"), git(root, "rev-parse", "HEAD")


# --- reading a commit's tree -----------------------------------------------------------------
def test_tree_source_reads_the_commit_not_the_work_tree(project):
    first = git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    (project / "README.md").write_text("# edited, not committed\n")
    before = status(project)
    source = GitTreeSource(project, first)
    try:
        assert source.list_files() == ["README.md", "reports/README.md"]
        assert source.read_bytes("README.md") == b"# project\n"
    finally:
        source.close()
    assert status(project) == before


def test_tree_source_follows_links_only_inside_the_tree(tmp_path):
    root = tmp_path / "links"
    root.mkdir()
    git(root, "init", "-q")
    write_tree(root, {"src/real.py": "x = 1\n", "big.txt": "y" * 100})
    os.symlink("src/real.py", root / "inside.py")
    os.symlink("src", root / "folder_link")
    os.symlink("../../../etc/passwd", root / "src" / "outside")
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    sha = commit(root, {}, "links")
    source = GitTreeSource(root, sha)
    try:
        assert source.read_bytes("inside.py") == b"x = 1\n"
        assert source.read_bytes("folder_link/real.py") == b"x = 1\n"
        with pytest.raises(Unreadable, match="leaves the repository"):
            source.read_bytes("src/outside")
        with pytest.raises(Unreadable, match="loop"):
            source.read_bytes("loop_a")
        with pytest.raises(Unreadable, match="missing"):
            source.read_bytes("nothing.py")
        with pytest.raises(Unreadable, match="not a regular file"):
            source.read_bytes("src")
        with pytest.raises(Unreadable, match="too large"):
            source.read_bytes("big.txt", limit=10)
    finally:
        source.close()


# --- --at and --deadline ---------------------------------------------------------------------
def test_deadline_audits_the_last_commit_before_it(project):
    before = status(project)
    result = audit_target(str(project), deadline="2026-01-23 23:59", tz="Europe/Copenhagen")
    repo = result.repository
    assert repo.git.commit == git(project, "rev-parse", "HEAD~1").strip()
    assert repo.git.commits_after_deadline == 1
    assert repo.git.deadline == "2026-01-23T23:59:00+01:00"
    assert "configs/train.yaml" not in repo.files
    claims = {item.id: item.claimed for item in result.items}
    assert claims["config-files"] is False  # the report as it was at the deadline
    assert status(project) == before


def test_deadline_in_another_time_zone_moves_the_cut(project):
    result = audit_target(str(project), deadline="2026-01-24 01:00", tz="Europe/Copenhagen")
    assert result.repository.git.commits_after_deadline == 0
    assert "configs/train.yaml" in result.repository.files


def test_at_audits_an_older_commit(project):
    first = git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    result = audit_target(str(project), at=first[:8])
    assert result.repository.git.commit == first
    assert result.repository.git.at == first[:8]
    assert result.repository.files == ["README.md", "reports/README.md"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"at": "no-such-rev"}, "no such commit"),
    ({"at": "--output=x"}, "not a revision"),
    ({"deadline": "2020-01-01 00:00"}, "no commit of"),
    ({"deadline": "next friday"}, "expected a date and time"),
    ({"deadline": "2026-01-23 23:59", "tz": "Mars/Olympus"}, "unknown time zone"),
    ({"at": "HEAD", "deadline": "2026-01-23 23:59"}, "exclude each other"),
    ({"keep": Path("kept")}, "--keep applies"),
])
def test_bad_point_in_time_is_an_input_error(project, kwargs, message):
    with pytest.raises(InputError, match=message):
        audit_target(str(project), **kwargs)


def test_at_needs_history(tmp_path):
    write_tree(tmp_path / "plain", {"README.md": "# plain\n"})
    with pytest.raises(InputError, match="plain folder"):
        audit_target(str(tmp_path / "plain"), at="HEAD")


def test_deadline_json_and_header(project):
    result = audit_target(str(project), deadline="2026-01-23 23:59", tz="Europe/Copenhagen")
    document = json_report.to_document(result)
    jsonschema.validate(document, json_report.schema())
    assert document["repository"]["deadline"] == "2026-01-23T23:59:00+01:00"
    assert document["repository"]["commits_after_deadline"] == 1
    console = terminal.make_console()
    with console.capture() as captured:
        terminal.render(result, console)
    assert "1 commit after the deadline" in captured.get()


# --- remote repositories ---------------------------------------------------------------------
@pytest.fixture
def bare_remote(project, tmp_path) -> Path:
    remote = tmp_path / "remote" / "project.git"
    git(tmp_path, "clone", "-q", "--bare", str(project), str(remote))
    return remote


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_file_url_is_cloned_audited_and_removed(bare_remote, scratch):
    url = bare_remote.as_uri()
    result = audit_target(url, deadline="2026-01-23 23:59", tz="Europe/Copenhagen")
    assert result.repository.git.remote == url
    assert result.repository.git.commits_after_deadline == 1
    document = json_report.to_document(result)
    jsonschema.validate(document, json_report.schema())
    assert document["repository"]["path"] == url
    assert document["team"]["commits"] == 5
    assert list(scratch.iterdir()) == []


def test_bare_repository_path_is_cloned_and_kept_on_request(bare_remote, scratch, tmp_path):
    kept = tmp_path / "kept"
    result = audit_target(str(bare_remote), keep=kept)
    assert (kept / "HEAD").is_file()
    assert result.repository.git.commit == git(bare_remote, "rev-parse", "HEAD").strip()
    assert "configs/train.yaml" in result.repository.files
    assert list(scratch.iterdir()) == []
    with pytest.raises(InputError, match="not empty"):
        audit_target(str(bare_remote), keep=kept)


def test_clone_failure_is_exit_2(tmp_path, scratch):
    missing = (tmp_path / "nowhere.git").as_uri()
    with pytest.raises(InputError, match="cannot clone"):
        audit_target(missing)
    outcome = CliRunner().invoke(app, ["audit", missing])
    assert outcome.exit_code == 2
    assert list(scratch.iterdir()) == []


def test_cli_deadline_options(bare_remote, scratch):
    outcome = CliRunner().invoke(app, ["audit", bare_remote.as_uri(), "--deadline", "2026-01-23 23:59",
                                       "--tz", "Europe/Copenhagen", "--format", "json"])
    assert outcome.exit_code in (0, 1), outcome.output
    assert json.loads(outcome.stdout)["repository"]["commits_after_deadline"] == 1


# --- team evidence ---------------------------------------------------------------------------
def team_item(result):
    return next(item for item in result.items if item.id == "team-write-access")


def test_team_up_to_the_deadline(project):
    result = audit_target(str(project), deadline="2026-01-23 23:59", tz="Europe/Copenhagen")
    team = result.repository.team
    assert sorted(a.display for a in team.authors) == ["Ann Example", "bob-dev"]
    assert team.bot_commits == 1
    item = team_item(result)
    assert item.evidence == "weak"
    assert "at least 1 member without a commit among s222222, s333333" in item.findings[0].message
    members = json_report.to_document(result)["team"]["members"]
    ann = next(m for m in members if m["name"] == "Ann Example")
    assert ann["commits"] == 2 and ann["lines_added"] == 1 + REPORT_BEFORE.count("\n") + 2
    assert ann["first_commit"].startswith("2026-01-10T08:00")


def test_team_after_the_deadline_is_complete(project):
    result = audit(project)
    assert len(result.repository.team.authors) == 3
    assert team_item(result).evidence == "strong"


def test_members_without_commits_are_named_when_certain(tmp_path):
    root = tmp_path / "named"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"reports/README.md": REPORT_BEFORE}, "start", ANN)
    commit(root, {"a.py": "a = 1\n"}, "more", CARL)
    result = audit(root)
    assert result.repository.team.members_without_commits == ["s222222"]
    assert "no commit from s222222" in team_item(result).findings[0].message


def test_merges_and_branches_are_seen(project):
    git(project, "checkout", "-q", "-b", "feature/api")
    commit(project, {"src/proj/api.py": "app = None\n"}, "api", BOB, "2026-01-25T10:00:00+01:00")
    git(project, "checkout", "-q", "main")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-25T11:00:00+01:00", "GIT_COMMITTER_DATE": "2026-01-25T11:00:00+01:00"}
    git(project, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from group/feature/api", "feature/api", env=env)
    team = json_report.to_document(audit(project))["team"]
    assert team["merge_commits"] == 1
    assert team["pull_requests"] == [7]
    assert "feature/api" in team["branches"]


def test_shallow_clone_still_audits(project, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", project.as_uri(), str(shallow))
    result = audit(shallow)
    assert result.repository.git.shallow
    item = team_item(result)
    assert item.evidence == "weak"
    assert "shallow" in item.findings[0].message
    jsonschema.validate(json_report.to_document(result), json_report.schema())


def test_plain_folder_says_why_history_cannot_be_judged(tmp_path):
    root = write_tree(tmp_path / "plain", {"reports/README.md": REPORT_BEFORE})
    result = audit(root)
    item = team_item(result)
    assert item.evidence == "weak"
    assert "plain folder" in item.findings[0].message
    document = json_report.to_document(result)
    assert document["team"] == {"available": False, "reason": "a plain folder without git history",
                                "study_numbers": ["s111111", "s222222", "s333333"], "study_numbers_line": 14}
    jsonschema.validate(document, json_report.schema())


# --- code on GitHub --------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["git@github.com:group42/project.git", "https://oauth:secret@github.com/group42/project"])
def test_github_remote_is_strong_and_credentials_are_not_shown(project, url):
    git(project, "remote", "add", "origin", url)
    result = audit(project)
    item = next(i for i in result.items if i.id == "code-on-github")
    assert item.evidence == "strong"
    assert "github.com/group42/project" in item.findings[0].message
    assert "secret" not in json_report.dumps(result)


def test_repository_reads_history_without_audit(project):
    repo = Repository(project)
    assert len(repo.history.commits) == 6
    assert repo.history.first_parent_chain()[0].subject == "start"


@pytest.mark.parametrize("target", ["ext::sh -c touch% {marker}", "--upload-pack=touch {marker}"])
def test_hostile_targets_run_nothing(tmp_path, target):
    marker = tmp_path / "pwned"
    with pytest.raises(InputError):
        audit_target(target.format(marker=marker))
    assert not marker.exists()


def test_an_unknown_commit_is_an_input_error(project):
    with pytest.raises(InputError, match="no such commit"):
        audit_target(str(project), at="0" * 40)


def test_line_counts_skip_model_and_image_files_as_binary_without_reading_them(tmp_path):
    """A Git LFS pointer (`model.pt`, three text lines) counts as binary like the model it stands for."""
    from auditor.facts.history import LineCounts
    root = tmp_path / "lfs"
    root.mkdir()
    git(root, "init", "-q")
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
    sha = commit(root, {"models/model.pt": pointer, "figures/Loss.PNG": "not really\n", "src/a.py": "x = 1\n"}, "add")
    assert LineCounts(root, sha).result().per_commit == {sha: (1, 0)}
    assert list(root.rglob("*.gitattributes")) == []


def _attributes_file(monkeypatch, cache: Path) -> Path:
    from auditor.facts.history import binary_attributes_file
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    binary_attributes_file.cache_clear()
    try:
        return Path(binary_attributes_file())
    finally:
        binary_attributes_file.cache_clear()


def test_the_binary_attributes_file_is_kept_once_in_the_cache_named_after_its_content(tmp_path, monkeypatch):
    from auditor.facts.history import BINARY_ATTRIBUTES
    kept = _attributes_file(monkeypatch, tmp_path)
    assert kept.parent == tmp_path / "auditor" and kept.read_text() == BINARY_ATTRIBUTES
    assert "*.png -diff\n*.PNG -diff\n" in BINARY_ATTRIBUTES
    made = kept.stat()
    assert _attributes_file(monkeypatch, tmp_path) == kept
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns), "reused, not rewritten"
    assert sorted(p.name for p in kept.parent.iterdir()) == [kept.name], "no partial file left"


def test_a_damaged_binary_attributes_file_is_replaced_whole(tmp_path, monkeypatch):
    from auditor.facts.history import BINARY_ATTRIBUTES
    kept = _attributes_file(monkeypatch, tmp_path)
    kept.write_text("*.png -diff\n")
    assert _attributes_file(monkeypatch, tmp_path) == kept and kept.read_text() == BINARY_ATTRIBUTES


def test_without_a_writable_cache_the_binary_attributes_file_is_a_temporary_one(tmp_path, monkeypatch):
    from auditor.facts.history import BINARY_ATTRIBUTES
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    made = _attributes_file(monkeypatch, blocker)
    assert made.parent == tmp_path / "tmp" and made.read_text() == BINARY_ATTRIBUTES


def test_line_counts_are_the_same_without_memfd_create(tmp_path, monkeypatch):
    from auditor.facts.history import LineCounts
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    sha = commit(root, {"src/a.py": "x = 1\ny = 2\n", "figures/loss.png": "not really\n"}, "add")
    in_memory = LineCounts(root, sha).result()
    monkeypatch.delattr(os, "memfd_create", raising=False)
    assert LineCounts(root, sha).result() == in_memory and in_memory.per_commit == {sha: (2, 0)}


@pytest.mark.parametrize("combined", [True, False], ids=["one-process", "git-before-2.36"])
def test_the_cat_file_reader_gives_sizes_in_bulk_and_contents_one_by_one(project, monkeypatch, combined):
    from auditor.facts.gitcmd import CatFile

    if not combined:   # an option this git refuses, as git before 2.36 refuses --batch-command
        monkeypatch.setattr(CatFile, "BOTH", "--batch-not-an-option")
    blob = git(project, "rev-parse", "HEAD:src/proj/train.py").strip()
    tree = git(project, "rev-parse", "HEAD^{tree}").strip()
    absent = "0" * 40
    store = CatFile(project)
    try:
        many = [blob, tree, absent] * 400   # more than one bulk of requests
        assert store.sizes(many) == {blob: len(store.read(blob))}
        assert store.read(absent) is None
        assert store.read(blob) == (project / "src/proj/train.py").read_bytes()
        assert store.read_many([blob, absent, blob]) == {blob: store.read(blob)}
        assert store.kind(f"HEAD:{'src/proj'}") == "tree"
        expected = {CatFile.BOTH} if combined else {CatFile.INFO, CatFile.CONTENTS}
        assert set(store._processes) == expected
    finally:
        store.close()
    assert store.read(blob) is not None   # a closed reader starts again
    store.close()


@pytest.mark.parametrize("combined", [True, False], ids=["one-process", "git-before-2.36"])
def test_a_cat_file_reader_prepared_early_answers_as_one_started_on_first_use(project, monkeypatch, combined):
    from auditor.facts.gitcmd import CatFile

    if not combined:
        monkeypatch.setattr(CatFile, "BOTH", "--batch-not-an-option")
    blob = git(project, "rev-parse", "HEAD:src/proj/train.py").strip()
    prepared = CatFile(project)
    prepared.prepare()
    prepared.prepare()   # asked once
    assert set(prepared._processes) == {"asked"}
    try:
        assert prepared.read(blob) == (project / "src/proj/train.py").read_bytes()
        assert prepared.blob_ids([f"HEAD:src/proj/train.py", "HEAD:src/proj", "HEAD:absent.py"]) == {
            "HEAD:src/proj/train.py": blob}
        assert set(prepared._processes) == ({CatFile.BOTH} if combined else {CatFile.INFO, CatFile.CONTENTS})
    finally:
        prepared.close()
    unused = CatFile(project)
    unused.prepare()
    process = unused._asked   # None when git refused the option before the question was written
    unused.cancel()
    assert (process is None or process.poll() is not None) and unused._processes == {}


@pytest.mark.parametrize("chunk", [7, 1 << 16], ids=["records-across-reads", "whole-records"])
def test_changed_paths_are_every_commit_s_name_only_diff_oldest_first(project, monkeypatch, chunk):
    from auditor.facts.history import ChangedPaths, read_history

    monkeypatch.setattr(ChangedPaths, "CHUNK", chunk)

    git(project, "checkout", "-q", "-b", "side")
    commit(project, {"side.txt": "side\n"}, "side work")
    git(project, "checkout", "-q", "main")
    commit(project, {"main.txt": "main\n"}, "main work")
    git(project, "merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side")
    head = git(project, "rev-parse", "HEAD").strip()
    listing = git(project, "log", "-z", "--topo-order", "--no-renames", "--name-only", "--format=%x1e%H", head, "--")
    expected = []
    for record in listing.split("\x1e")[1:]:
        sha, _, names = record.partition("\0")
        expected.append((sha, tuple(p for p in names.lstrip("\n").split("\0") if p)))
    history = read_history(project, head)
    assert any(c.is_merge for c in history.commits)
    seen = [(commit.sha, paths) for commit, paths in history.changed_paths()]
    assert seen == expected[::-1]
    assert [(c.sha, p) for c, p in history.changed_paths()] == seen   # read once, kept for the next reader
    first = next(history.changed_paths())
    assert first == (history.commits[0], expected[-1][1])


def test_changed_paths_of_an_unreadable_history_are_none_and_git_is_not_left_running(project):
    import gc

    from auditor.facts.history import ChangedPaths

    assert list(ChangedPaths(project, "0" * 40)) == []
    head = git(project, "rev-parse", "HEAD").strip()
    reader = ChangedPaths(project, head)
    next(iter(reader))
    process = reader._process
    del reader
    gc.collect()
    assert process.poll() is not None


def test_packed_objects_larger_than_a_pack_window_read_whole(tmp_path):
    """git maps packs in small windows (PACK_WINDOWS): an object spanning several still reads whole,
    by content and in the history's line counts."""
    from auditor.facts.gitcmd import PACK_WINDOWS, CatFile, git_command
    from auditor.facts.history import LineCounts
    root = tmp_path / "packed"
    root.mkdir()
    git(root, "init", "-q")
    big = os.urandom(3 * 1024 * 1024).hex()   # 6 MiB of text, ~3 MiB packed: beyond a 1 MiB window
    sha = commit(root, {"data/big.txt": big + "\n", "src/a.py": "x = 1\n"}, "add")
    git(root, "gc", "-q", "--aggressive")
    assert list((root / ".git/objects/pack").glob("*.pack"))
    assert set(PACK_WINDOWS) <= set(git_command(root, "log"))
    blob = git(root, "rev-parse", "HEAD:data/big.txt").strip()
    store = CatFile(root)
    try:
        assert store.read(blob) == (big + "\n").encode()
    finally:
        store.close()
    assert LineCounts(root, sha).result().per_commit == {sha: (2, 0)}


def test_a_repository_audited_at_a_commit_reads_its_blobs_through_the_tree_reader(project):
    first = git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    source = GitTreeSource(project, first)
    try:
        repo = Repository(project, source=source)
        assert repo.cat_file is source.cat_file
    finally:
        source.close()


def test_git_reads_started_early_are_stopped_when_the_report_cannot_be_read(tmp_path, monkeypatch):
    from auditor.facts.repository import GitReads

    root = make_git_repo(tmp_path / "r", {"reports/README.md": b"\x00\x01binary report"})
    started = []
    real_start = GitReads.start
    monkeypatch.setattr(GitReads, "start", classmethod(lambda cls, *a: started.append(real_start(*a)) or started[-1]))
    with pytest.raises(InputError):
        audit(root)
    [reads] = started
    assert reads.history._log._process is None and reads.refs._process is None


@pytest.mark.parametrize(("ref", "rel", "expected"), [
    ("main", "src/proj/train.py", True),
    ("main", "src/proj/", True),            # a folder
    ("main", "src/proj/absent.py", False),
    ("no-such-branch", "src/proj/train.py", None),
    ("--output=x", "src/proj/train.py", None),  # not a ref name: never handed to git
    ("main", "src/proj/train.py\ninfo HEAD", None),
])
def test_a_path_at_a_ref_is_asked_of_the_cat_file_process(project, ref, rel, expected):
    from auditor.facts.git_paths import path_at_ref
    from auditor.facts.gitcmd import CatFile

    objects = CatFile(project)
    try:
        assert path_at_ref(objects, ref, rel) is expected
    finally:
        objects.close()


@pytest.mark.parametrize(("name", "folded"), [
    ("John DOE", "john doe"), ("Søren Ærø", "soeren aeroe"), ("José Núñez", "jose nunez"), ("Łukasz", "lukasz"),
])
def test_author_names_are_folded_to_plain_letters_before_they_are_compared(name, folded):
    from auditor.facts.team import _fold
    assert _fold(name) == folded
