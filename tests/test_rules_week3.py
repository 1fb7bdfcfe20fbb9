"""Week-3 and extra rules beyond the fixture tables: git branches, the course's example figure,
and hostile input that must become a finding or a clear level, never a traceback."""

from __future__ import annotations

import hashlib

import pytest

from auditor.catalog import by_id
from auditor.engine.run import _probe_module, run_rule
from auditor.facts import Repository
from conftest import git, make_git_repo, write_tree


def outcome(rule_id, root, report_path=None):
    return run_rule(by_id()[rule_id], Repository(root, report_path=report_path))


def test_gh_pages_branch_counts_as_published(tmp_path):
    root = make_git_repo(tmp_path / "repo", {"mkdocs.yml": "site_name: x\n"})
    git(root, "branch", "gh-pages")
    result = outcome("gh-pages", root)
    assert result.evidence == "strong"
    assert any("gh-pages" in f.message for f in result.findings)


def test_the_course_example_figure_is_not_the_groups_diagram(tmp_path, monkeypatch):
    figure = b"\x89PNG example figure"
    blob = hashlib.sha1(b"blob %d\0" % len(figure) + figure).hexdigest()
    monkeypatch.setattr(_probe_module("architecture_diagram"), "COURSE_EXAMPLES", {blob: len(figure)})
    root = write_tree(tmp_path / "repo", {
        "reports/README.md": "> **Include a figure that describes the overall architecture of your system**\n\n"
                             "![my_image](figures/overview.png)\n",
        "reports/figures/overview.png": figure,
    })
    result = outcome("architecture-diagram", root, "reports/README.md")
    assert result.evidence == "weak"
    assert "course's example figure" in result.findings[0].message


def test_an_image_of_another_size_than_the_course_example_is_never_hashed(tmp_path, monkeypatch):
    module = _probe_module("architecture_diagram")
    monkeypatch.setattr(module, "git_blob_id", lambda data: pytest.fail("hashed an image that cannot be the example"))
    root = write_tree(tmp_path / "repo", {
        "reports/README.md": "> **Include a figure that describes the overall architecture of your system**\n\n"
                             "![my_image](figures/overview.png)\n",
        "reports/figures/overview.png": b"\x89PNG the group's own figure",
    })
    assert outcome("architecture-diagram", root, "reports/README.md").evidence == "strong"


@pytest.mark.parametrize(("rule_id", "files", "report_path", "expect"), [
    ("architecture-diagram", {"reports/README.md": b"\x00\x01binary"}, "reports/README.md", "none"),
    ("architecture-diagram", {"reports/README.md": "> overall architecture of your system\n\n![x](../../../etc/passwd.png)\n"},
     "reports/README.md", "weak"),
    ("architecture-diagram", {"README.md": "# x\n"}, "elsewhere/report.md", "none"),
    ("documentation", {"mkdocs.yml": "site_name: [unclosed\n", "docs/index.md": "\xff" * 10}, None, "weak"),
    ("documentation", {"README.md": b"\x00binary readme"}, None, "none"),
    ("io-collection", {"src/pkg/api.py": "from fastapi import FastAPI\napp = FastAPI(\n@app.post('/p'\ndef p(:\n"}, None, "none"),
    ("drift-api", {"src/pkg/api.py": b"\x00\x00 not python"}, None, "none"),
    ("distributed-training", {"configs/trainer/ddp.yaml": "strategy: ddp\n&a [*a, *a]\n"}, None, "weak"),
    ("cloud-monitoring", {"deploy/service.yaml": ": : :\nkind: RunMonitoring\n"}, None, "strong"),
    ("api-metrics", {"env.yaml": "dependencies: [unclosed\n"}, None, "none"),
])
def test_hostile_input_never_crashes(tmp_path, rule_id, files, report_path, expect):
    root = write_tree(tmp_path / "repo", files)
    assert outcome(rule_id, root, report_path).evidence == expect


@pytest.mark.parametrize("rule_id", ["revisit-description", "team-understanding"])
def test_reflection_items_stay_not_applicable(tmp_path, rule_id):
    root = write_tree(tmp_path / "repo", {"README.md": "# We revisited everything and all understand all parts\n"})
    assert outcome(rule_id, root).evidence == "n/a"
