"""[tool.auditor] in the audited repository's pyproject.toml: defaults that flags override,
safe to read (no path outside the repository, nothing run), ignored by `batch`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import Config, ConfigError, project_config
from conftest import git, make_git_repo, write_tree

runner = CliRunner()

REPORT = """# Report

## Overall project checklist

* [x] Create a git repository (M5)
* [x] Construct one or multiple docker files for your code (M10)

## Group information
"""


def repo(tree, pyproject: str | None, extra: dict | None = None, as_git: bool = False):
    files = {"reports/README.md": REPORT, **(extra or {})}
    if pyproject is not None:
        files["pyproject.toml"] = pyproject
    return tree(files, as_git=as_git)


def audit(root, *args):
    return runner.invoke(app, ["audit", str(root), *args])


def test_no_pyproject_or_no_section_is_an_empty_config(tree):
    assert project_config(str(repo(tree, None))) == Config()
    assert project_config(str(repo(tree, "[project]\nname = 'x'\n"))) == Config()


def test_every_key_is_read(tree):
    root = repo(tree, '[tool.auditor]\nreport = "docs/report.md"\ndeadline = "2026-01-23 23:59"\n'
                      'tz = "Europe/Copenhagen"\nfail-on = "weak"\n'
                      '[tool.auditor.skip]\ndockerfiles = "the TA agreed we use a devcontainer"\nMLO116 = "x"\n')
    config = project_config(str(root))
    assert config.report == (root / "docs/report.md").resolve()
    assert (config.deadline, config.tz, config.fail_on) == ("2026-01-23 23:59", "Europe/Copenhagen", "weak")
    assert config.skip == {"dockerfiles": "the TA agreed we use a devcontainer", "profiling": "x"}


@pytest.mark.parametrize("section, message", [
    ('fail-on = "sometimes"', "fail-on must be one of"),
    ('report = "../outside.md"', "leads outside the repository"),
    ('report = "/etc/passwd"', "leads outside the repository"),
    ("report = 3", "must be a non-empty string"),
    ('colour = "red"', "unknown keys: colour"),
    ('skip = { nonsense = "why" }', "unknown item 'nonsense'"),
    ('skip = { hydra = "" }', "reason must be a non-empty string"),
    ('skip = ["hydra"]', "skip must be a table"),
])
def test_bad_config_is_a_usage_error(tree, section, message):
    root = repo(tree, f"[tool.auditor]\n{section}\n")
    with pytest.raises(ConfigError, match=message):
        project_config(str(root))
    result = audit(root)
    assert result.exit_code == 2 and "error" in result.output


def test_a_report_path_through_a_link_out_of_the_repository_is_refused(tree, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "report.md").write_text(REPORT, encoding="utf-8")
    root = repo(tree, '[tool.auditor]\nreport = "docs/report.md"\n')
    (root / "docs").mkdir()
    (root / "docs" / "report.md").symlink_to(outside / "report.md")
    assert audit(root).exit_code == 2


def test_a_pyproject_link_out_of_the_repository_is_not_read(tree, tmp_path):
    (tmp_path / "evil.toml").write_text('[tool.auditor]\nfail-on = "never"\n', encoding="utf-8")
    root = repo(tree, None)
    (root / "pyproject.toml").symlink_to(tmp_path / "evil.toml")
    config = project_config(str(root))
    assert config.fail_on is None and "leaves the repository" in config.warning
    assert audit(root).exit_code == 1  # the unsupported docker claim still fails


@pytest.mark.parametrize("content", ["[tool.auditor\nbroken", b"\x00\x01binary", "x = [" * 5000])
def test_a_broken_pyproject_is_a_warning_not_a_crash(tree, content):
    root = repo(tree, None, {"pyproject.toml": content})
    result = audit(root)
    assert result.exit_code == 1 and "warning" in result.output and "Traceback" not in result.output


def test_the_report_path_comes_from_the_config(tree):
    root = tree({"docs/final.md": REPORT, "pyproject.toml": '[tool.auditor]\nreport = "docs/final.md"\n'})
    document = json.loads(audit(root, "--format", "json").stdout)
    assert document["report"]["path"] == "docs/final.md" and document["summary"]["claimed"] == 2


def test_fail_on_from_config_and_the_flag_wins(tree):
    root = repo(tree, '[tool.auditor]\nfail-on = "never"\n')
    assert audit(root).exit_code == 0
    assert audit(root, "--fail-on", "unsupported").exit_code == 1


def test_skip_keeps_a_skipped_item_from_failing_and_says_why(tree):
    root = repo(tree, '[tool.auditor.skip]\ndockerfiles = "built by the course image"\n')
    result = audit(root)
    assert result.exit_code == 0 and "skipped by [tool.auditor]: built by the course image" in result.output
    markdown = audit(root, "--format", "markdown").stdout
    assert "Skipped by \\[tool.auditor\\] (1)" in markdown and "built by the course image" in markdown
    assert "✘ unsupported" not in markdown.split("<details>")[0]
    sarif = json.loads(audit(root, "--format", "sarif").stdout)
    docker = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLO112")
    assert docker["suppressions"][0]["justification"] == "built by the course image"
    document = json.loads(audit(root, "--format", "json").stdout)
    assert document["summary"]["unsupported"] == 1  # the JSON document is unchanged by config


def test_deadline_from_config_and_the_flag_wins(tree):
    root = repo(tree, '[tool.auditor]\ndeadline = "2000-01-01 00:00"\ntz = "UTC"\n', as_git=True)
    result = audit(root, "--format", "json")
    assert result.exit_code == 2 and "2000" in result.output  # no commit before that deadline
    document = json.loads(audit(root, "--format", "json", "--deadline", "2999-01-01 00:00").stdout)
    assert document["repository"]["deadline"].startswith("2999-01-01T00:00:00+00:00")


def test_batch_ignores_a_groups_own_config(tmp_path):
    group = make_git_repo(tmp_path / "submissions" / "g1",
                          {"reports/README.md": REPORT,
                           "pyproject.toml": '[tool.auditor]\nfail-on = "never"\nreport = "nope.md"\n'
                                             '[tool.auditor.skip]\ndockerfiles = "skip me"\n'})
    assert group.exists()
    result = runner.invoke(app, ["batch", str(tmp_path / "submissions"), "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "groups" / "g1.json").read_text(encoding="utf-8"))
    assert report["report"]["path"] == "reports/README.md"
    docker = next(i for i in report["items"] if i["id"] == "dockerfiles")
    assert docker["verdict"] == "unsupported"


def test_a_url_target_reads_no_config():
    assert project_config("https://github.com/acme/project") == Config()
