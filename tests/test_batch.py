"""`auditor batch`: isolation of broken repositories, the outputs and their schemas, the cache."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, git, make_git_repo, write_tree
from typer.testing import CliRunner

import auditor.audit
from auditor.batch import dashboard
from auditor.batch import run as batch_run
from auditor.batch.cache import Cache, group_key, repository_state
from auditor.batch.outputs import class_schema
from auditor.batch.roster import Group
from auditor.batch.run import run_batch
from auditor.batch import workers
from auditor.batch.workers import Outcome, Task, WorkerPool, audit_group, largest_first
from auditor.catalog import load_catalog
from auditor.cli import app
from auditor.facts.history import binary_attributes_file
from auditor.render.json_report import schema as report_schema

REPORT = """# Report

## Overall project checklist

* [x] Create a git repository (M5)
* [x] Construct one or multiple docker files for your code (M10)

## Group information

### Question 1
"""


def make_class(root: Path) -> Path:
    """A class of four: the example repository, a git repository, a plain folder, a broken one."""
    shutil.copytree(FIXTURES / "example-repo", root / "example")
    make_git_repo(root / "gitgroup", {"reports/README.md": REPORT, "Dockerfile": "FROM python:3.11\n"})
    write_tree(root / "plain", {"reports/README.md": REPORT, "src/app.py": "print('hi')\n"})
    write_tree(root / "broken", {"reports/README.md": b"\x00\x01 a binary report"})
    return root


@pytest.fixture
def klass(tmp_path):
    return make_class(tmp_path / "class")


def statuses(result) -> dict[str, str]:
    return {row.group.name: row.status for row in result.rows}


def test_a_broken_repository_is_one_error_row_and_the_class_goes_on(klass, tmp_path):
    result = run_batch(klass, tmp_path / "out", jobs=2)
    assert statuses(result) == {"broken": "error", "example": "audited", "gitgroup": "audited", "plain": "audited"}
    broken = next(row for row in result.rows if row.group.name == "broken")
    assert "binary" in broken.error
    assert not (tmp_path / "out" / "groups" / "broken.json").exists()


def test_names_that_are_not_utf8_do_not_stop_the_class(klass, tmp_path):
    """A file name (or a group's folder name) that is not UTF-8 reaches the reports as lone
    surrogates; writing them must neither fail the class nor make the files unreadable."""
    write_tree(klass / "plain", {"tests/placeholder.py": ""})
    (klass / "plain" / "tests" / os.fsdecode(b"test_data\xff.py")).write_text("def test_a():\n    assert 1\n")
    shutil.copytree(klass / "plain", klass / os.fsdecode(b"latin\xe9"))
    result = run_batch(klass, tmp_path / "out", jobs=2)
    assert statuses(result) == {"broken": "error", "example": "audited", "gitgroup": "audited", "plain": "audited",
                                "latin\udce9": "audited"}
    plain = json.loads((tmp_path / "out" / "groups" / "plain.json").read_text(encoding="utf-8"))
    assert "tests/test_data\udcff.py" in json.dumps(plain, ensure_ascii=False)
    for name in ("class.json", "summary.csv", "dashboard.html"):
        assert "\\udce9" in (tmp_path / "out" / name).read_text(encoding="utf-8")
    rerun = run_batch(klass, tmp_path / "out", jobs=2)
    assert statuses(rerun)["plain"] == "cached"


def test_outputs_and_their_schemas(klass, tmp_path):
    out = tmp_path / "out"
    run_batch(klass, out, jobs=2)
    text = (out / "class.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=1, ensure_ascii=False), "the reports written ahead fit in place"
    jsonschema.validate(document, class_schema())
    ids = [spec.id for spec in load_catalog()]
    for entry in document["groups"]:
        if entry["status"] == "error":
            continue
        on_disk = json.loads((out / entry["report_file"]).read_text(encoding="utf-8"))
        jsonschema.validate(on_disk, report_schema())
        assert on_disk == entry["report"]
        assert entry["verdicts"] == {i["id"]: i["verdict"] for i in on_disk["items"]}
    stats = document["statistics"]
    assert (stats["groups"], stats["audited"], stats["errors"]) == (4, 3, 1)
    assert [item["id"] for item in stats["items"]] == ids
    dockerfiles = next(item for item in stats["items"] if item["id"] == "dockerfiles")
    assert (dockerfiles["groups"], dockerfiles["claimed"], dockerfiles["corroborated"], dockerfiles["unsupported"]) == (3, 3, 2, 1)
    for item in stats["items"]:
        verdict_total = sum(item[v] for v in dashboard.VERDICT_ORDER)
        assert verdict_total == item["groups"] == sum(item["evidence"].values())

    rows = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    assert [r["group"] for r in rows] == ["broken", "example", "gitgroup", "plain"]
    assert list(rows[0])[:11] == ["group", "status", "error", "target", "commit", "claimed", "corroborated",
                                  "weak", "unsupported", "unverifiable", "unclaimed"]
    assert list(rows[0])[11:] == ids
    assert rows[0]["status"] == "error" and "binary" in rows[0]["error"] and rows[0]["dockerfiles"] == ""
    plain = rows[3]
    assert (plain["dockerfiles"], plain["unsupported"], plain["commit"]) == ("unsupported", "1", "")
    assert re.fullmatch(r"[0-9a-f]{40}", rows[2]["commit"])
    assert (out / "dashboard.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_rerun_skips_unchanged_groups_and_audits_changed_ones(klass, tmp_path):
    out = tmp_path / "out"
    run_batch(klass, out, jobs=2)
    first = json.loads((out / "class.json").read_text())
    again = run_batch(klass, out, jobs=2)
    assert statuses(again) == {"broken": "error", "example": "cached", "gitgroup": "cached", "plain": "cached"}
    second = json.loads((out / "class.json").read_text())
    assert [g["report"] for g in second["groups"]] == [g["report"] for g in first["groups"]]

    time.sleep(0.01)
    (klass / "plain" / "Dockerfile").write_text("FROM python:3.12\n")       # a plain folder changes
    write_tree(klass / "gitgroup", {"tasks.py": "pass\n"})                   # a new commit
    git(klass / "gitgroup", "add", "-A")
    git(klass / "gitgroup", "commit", "-q", "-m", "tasks")
    (out / "groups" / "example.json").write_text("{ torn")                   # a damaged report
    third = run_batch(klass, out, jobs=2)
    assert statuses(third) == {"broken": "error", "example": "audited", "gitgroup": "audited", "plain": "audited"}
    plain = next(r for r in third.rows if r.group.name == "plain")
    assert next(i for i in plain.document["items"] if i["id"] == "dockerfiles")["verdict"] == "corroborated"

    assert statuses(run_batch(klass, out, jobs=1, use_cache=False))["example"] == "audited"


def test_a_cached_report_edited_by_hand_is_audited_again(klass, tmp_path):
    out = tmp_path / "out"
    run_batch(klass, out, jobs=2)
    report = out / "groups" / "example.json"
    document = json.loads(report.read_text())
    for item in document["items"]:
        del item["verdict"]                                                   # still JSON with items
    report.write_text(json.dumps(document))
    assert statuses(run_batch(klass, out, jobs=2))["example"] == "audited"


def test_a_new_auditor_audits_everyone_again(klass, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_batch(klass, out, jobs=2)
    monkeypatch.setattr(batch_run, "tool_fingerprint", lambda: "0.2.0+new-rules")
    assert set(statuses(run_batch(klass, out, jobs=2)).values()) == {"audited", "error"}


def test_uncommitted_edits_in_a_git_work_tree_change_the_key(tmp_path):
    repo = make_git_repo(tmp_path / "repo", {"reports/README.md": REPORT, "Dockerfile": "FROM python:3.11\n"})
    group = Group("g", str(repo), "g")
    before = group_key(group, "tool", None)
    time.sleep(0.01)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\n")
    assert group_key(group, "tool", None) != before
    pinned = Group("g", str(repo), "g", deadline="2026-01-23")
    assert repository_state(pinned) == f"commit:{git(repo, 'rev-parse', 'HEAD').strip()}"


def test_remote_key_is_the_remote_head(tmp_path):
    repo = make_git_repo(tmp_path / "repo", {"README.md": "hi\n"})
    bare = tmp_path / "repo.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    head = git(repo, "rev-parse", "HEAD").strip()
    assert repository_state(Group("g", f"file://{bare}", "g")) == f"remote:{head}"
    assert repository_state(Group("g", str(bare), "g")) == f"commit:{head}"
    assert repository_state(Group("g", f"file://{tmp_path}/missing.git", "g")) is None
    full = "a" * 40
    assert repository_state(Group("g", "https://example.invalid/x.git", "g", at=full)) == f"commit:{full}"


def test_cache_file_that_is_damaged_is_ignored(tmp_path):
    (tmp_path / "cache.json").write_text("[not, json")
    assert Cache(tmp_path).entries == {}
    (tmp_path / "cache.json").write_text(json.dumps({"format": 1, "groups": {"a": {"key": "k"}, "b": 3}}))
    assert Cache(tmp_path).key("a") == "k" and Cache(tmp_path).key("b") is None


def test_audit_group_passes_commit_deadline_and_zone(monkeypatch, tmp_path):
    seen = {}

    def fake_audit_target(target, **kwargs):
        seen.update(kwargs, target=target)
        raise auditor.audit.InputError("cannot clone: repository not found")

    monkeypatch.setattr(auditor.audit, "audit_target", fake_audit_target)
    group = Group("g", "https://example.invalid/g.git", "g", deadline="2026-01-23 23:59", at=None)
    outcome = audit_group(Task(group, "tool", "Europe/Copenhagen"))
    assert (outcome.status, outcome.error) == ("error", "cannot clone: repository not found")
    assert seen == {"target": "https://example.invalid/g.git", "report_file": None, "at": None,
                    "deadline": "2026-01-23 23:59", "tz": "Europe/Copenhagen"}


def test_a_bug_in_the_auditor_is_that_group_error(monkeypatch, tmp_path):
    def explode(target, **kwargs):
        raise KeyError("items")

    monkeypatch.setattr(auditor.audit, "audit_target", explode)
    outcome = audit_group(Task(Group("g", str(tmp_path), "g"), "tool"))
    assert outcome.status == "error"
    assert "the auditor failed on this repository: KeyError" in outcome.error


def misbehave(task: Task) -> Outcome:
    """A stand-in audit for the worker tests: crashes, hangs or succeeds by group name."""
    if task.group.name == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if task.group.name == "hang":  # like a `git clone` that never ends: a child process that sleeps
        child = subprocess.Popen(["sleep", "60"])
        Path(task.group.target).write_text(str(child.pid))
        child.wait()
    return Outcome(task.group, "audited", document={"items": []})


def compile_a_pattern_of_its_own(task: Task) -> Outcome:
    """A stand-in audit that compiles a pattern no other task or test compiles."""
    from auditor.regex_programs import compiled
    compiled(f"learned-in-a-worker-{task.group.name}-[0-9]+")
    return Outcome(task.group, "audited", document={"items": []})


def test_forked_workers_keep_the_regex_programs_they_compiled(tmp_path, monkeypatch):
    from auditor import regex_programs
    from auditor.user_cache import read_kept
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(regex_programs.KEPT, "stored", {})
    monkeypatch.setattr(regex_programs.KEPT, "learned", {})  # the parent has learned nothing the workers could inherit
    names = ["a", "b", "c", "d"]
    pool = WorkerPool(jobs=2, timeout=30, work=compile_a_pattern_of_its_own)
    assert len(list(pool.run(Task(Group(n, str(tmp_path / n), n), "tool") for n in names))) == 4
    stored = read_kept(regex_programs.program_file())["programs"]
    assert sorted(key for key in stored if "learned-in-a-worker" in key) == [
        f"0:learned-in-a-worker-{n}-[0-9]+" for n in names], "every worker's, none lost to another's"
    assert regex_programs.KEPT.learned == {}, "the parent compiled none of them"


class Knot:
    """An object in a reference cycle: only the cyclic collector frees it."""


LEFT_BY_THE_LAST_AUDIT: dict = {}


def leave_a_cycle_and_report_the_collector(task: Task) -> Outcome:
    """A stand-in audit that leaves a cycle behind and says how the worker's cyclic garbage collector
    stands, and whether the cycle the previous audit left is gone."""
    import gc
    import weakref

    knot = Knot()
    knot.itself = knot
    previous = LEFT_BY_THE_LAST_AUDIT.get("knot")
    LEFT_BY_THE_LAST_AUDIT["knot"] = weakref.ref(knot)
    return Outcome(task.group, "audited", document={
        "frozen": gc.get_freeze_count(), "enabled": gc.isenabled(),
        "previous freed": None if previous is None else previous() is None})


def test_workers_freeze_what_they_inherited_and_collect_each_audit_s_cycles_after_it(tmp_path):
    pool = WorkerPool(jobs=1, timeout=30, work=leave_a_cycle_and_report_the_collector)
    first, second = list(pool.run([Task(Group(n, str(tmp_path / n), n), "tool") for n in ("a", "b")]))
    assert first.document["frozen"] > 1000, "the imported auditor is kept out of the collector's passes"
    assert not first.document["enabled"], "no collector passes while a group is audited"
    assert second.document["previous freed"] is True, "the cycles an audit leaves are collected once it is sent"


def test_a_dead_or_hanging_worker_costs_only_its_group(tmp_path):
    names = ["a", "crash", "b", "hang", "c", "d"]
    pool = WorkerPool(jobs=2, timeout=6, work=misbehave)  # generous: the first task also waits for the spawn
    started = time.monotonic()
    outcomes = {o.group.name: o for o in pool.run(Task(Group(n, str(tmp_path / n), n), "tool") for n in names)}
    assert time.monotonic() - started < 40
    assert sorted(outcomes) == sorted(names)
    assert "worker process stopped" in outcomes["crash"].error and "SIGKILL" in outcomes["crash"].error
    assert "longer than 6 s" in outcomes["hang"].error
    sleeper = int((tmp_path / "hang").read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{sleeper}").exists() or "Z" in Path(f"/proc/{sleeper}/stat").read_text().split()[2], \
        "the hanging worker's own child process was stopped with it"
    assert all(outcomes[n].status == "audited" for n in "abcd")


runner = CliRunner()


def test_cli_batch_exit_codes(klass, tmp_path):
    result = runner.invoke(app, ["batch", str(klass), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert "4 groups: 3 audited" in result.output and "broken" in result.output
    shutil.rmtree(klass / "broken")
    result = runner.invoke(app, ["batch", str(klass), "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "3 groups: 0 audited, 3 unchanged" in result.output


def test_cli_batch_bad_roster_exits_2_naming_lines(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("group,repository,deadline\nA,a,\nB,,\nC,c,someday\n")
    result = runner.invoke(app, ["batch", str(roster), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "line 3: no repository" in result.output and "line 4: deadline 'someday'" in result.output
    assert not (tmp_path / "out").exists()


def test_roster_rows_that_cannot_be_audited_are_error_rows(klass, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"group,repository\n=HYPERLINK(\"x\"),{klass / 'example'}\nmissing,nowhere\n")
    result = run_batch(roster, tmp_path / "out", jobs=2)
    assert statuses(result) == {'=HYPERLINK("x")': "audited", "missing": "error"}
    assert "does not exist" in result.rows[1].error
    summary = (tmp_path / "out" / "summary.csv").read_text()
    assert "'=HYPERLINK" in summary, "a group name never becomes a spreadsheet formula"


def test_dashboard_data_cannot_break_out_of_its_script_block():
    hostile = '</script><script>alert(1)</script><!--'
    page = dashboard.render({
        "input": hostile, "generated_at": "now", "tool": {"version": "x"},
        "statistics": {"groups": 1, "audited": 0, "cached": 0, "errors": 1, "median_unsupported": None, "items": []},
        "groups": [{"group": hostile, "target": hostile, "status": "error", "error": hostile, "report_file": None,
                    "commit": None, "summary": None, "report": None}],
    })
    assert page.count("</script>") == 2 and "<!--" not in page.split("<body>")[1]
    block = re.search(r'<script type="application/json" id="class-data">(.*?)</script>', page, re.DOTALL).group(1)
    assert json.loads(block)["groups"][0]["error"] == hostile
    assert "script-src 'sha256-" in page


def test_a_time_zone_goes_only_with_a_deadline(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(auditor.audit, "audit_target", lambda target, **kw: seen.append(kw["tz"]) or 1 / 0)
    audit_group(Task(Group("g", str(tmp_path), "g"), "tool", "Europe/Copenhagen"))
    audit_group(Task(Group("g", str(tmp_path), "g", deadline="2026-01-23"), "tool", "Europe/Copenhagen"))
    assert seen == [None, "Europe/Copenhagen"]


def test_an_idle_worker_that_died_is_replaced():
    pool = WorkerPool(jobs=1, timeout=30, work=misbehave)
    outcomes = []
    for outcome in pool.run([Task(Group("a", "a", "a"), "tool")]):
        outcomes.append(outcome)
        if len(outcomes) == 1:
            for child in multiprocessing.active_children():
                if child.name == "auditor-batch-worker":
                    child.kill()
                    child.join()
            pool.submit(Task(Group("b", "b", "b"), "tool"))
    assert [(o.group.name, o.status) for o in outcomes] == [("a", "audited"), ("b", "audited")]


def test_without_the_cache_no_key_is_computed(monkeypatch, tmp_path):
    monkeypatch.setattr(workers, "group_key", lambda *args: pytest.fail("a key nobody keeps"))
    monkeypatch.setattr(auditor.audit, "audit_target", lambda target, **kw: 1 / 0)
    outcome = audit_group(Task(Group("g", str(tmp_path), "g"), "tool", keyed=False))
    assert outcome.status == "error" and outcome.key is None


def test_the_biggest_repositories_are_handed_out_first(tmp_path):
    def repo(name: str, files: int) -> Group:
        make_git_repo(tmp_path / name, {f"f{i}.txt": "x\n" for i in range(files)})
        return Group(name, str(tmp_path / name), name)

    plain = Group("plain", str(write_tree(tmp_path / "plain", {"f.txt": "x\n"})), "plain")
    url = Group("url", "https://example.invalid/x.git", "url")
    groups = [repo("small", 1), plain, repo("big", 30), repo("middle", 8), url]
    order = [task.group.name for task in largest_first([Task(g, "tool") for g in groups])]
    assert order == ["big", "middle", "small", "plain", "url"], "unknown sizes last, in the roster's order"


def test_forked_workers_share_the_attributes_file_the_parent_kept(klass, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    binary_attributes_file.cache_clear()
    try:
        run_batch(klass, tmp_path / "out", jobs=2, use_cache=False)
        assert binary_attributes_file.cache_info().currsize == 1, "the parent made it before forking"
        kept = Path(binary_attributes_file())
        assert list((tmp_path / "cache" / "auditor").glob("*gitattributes*")) == [kept], "one file, no partial left"
        assert list(temporary.iterdir()) == []
    finally:
        binary_attributes_file.cache_clear()


def test_without_a_writable_cache_forked_workers_leave_no_temporary_file_behind(klass, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    binary_attributes_file.cache_clear()
    try:
        run_batch(klass, tmp_path / "out", jobs=2, use_cache=False)
        made = list(temporary.glob("auditor-binary-*"))
        assert binary_attributes_file.cache_info().currsize == 1, "the parent made it before forking"
        assert made == [Path(binary_attributes_file())], "the parent's alone (gone at its exit)"
    finally:
        binary_attributes_file.cache_clear()
