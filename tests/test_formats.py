"""Markdown and SARIF output, the --fail-on policy and its exit codes, `auditor --version`.

Golden files live in tests/golden/; regenerate them with `AUDITOR_UPDATE_GOLDEN=1 pytest tests/test_formats.py`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from auditor import __version__
from auditor.audit import audit
from auditor.cli import app
from auditor.model import AnswerCheck, CourseCheck, Finding, ItemResult
from auditor.render import markdown, sarif
from auditor.render.attention import FailOn, attention_items, fails
from conftest import FIXTURES, git, write_tree

runner = CliRunner()
EXAMPLE = FIXTURES / "example-repo"
GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0.json"

UNSUPPORTED_REPORT = """# Report

## Overall project checklist

* [x] Create a git repository (M5)
* [x] Construct one or multiple docker files for your code (M10)
* [x] Used Hydra to load the configurations and manage your hyperparameters (M11)

## Group information
"""


def invoke(*args: str):
    return runner.invoke(app, list(args))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AUDITOR_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed (AUDITOR_UPDATE_GOLDEN=1 rewrites it)"


def normalised_sarif(text: str) -> str:
    document = json.loads(text)
    document["runs"][0]["tool"]["driver"]["version"] = "VERSION"
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def github_repo(tree) -> Path:
    root = tree({"reports/README.md": UNSUPPORTED_REPORT,
                 "configs/train.yaml": "lr: 0.1\n",
                 "src/app.py": "import hydra\n\n@hydra.main(config_path='c')\ndef main(cfg):\n    pass\n"},
                as_git=True)
    git(root, "remote", "add", "origin", "https://github.com/Acme/Project.git")
    return root


# --- markdown -----------------------------------------------------------------------------------
def test_markdown_of_the_example_repository_matches_its_golden_file():
    result = invoke("audit", str(EXAMPLE), "--format", "markdown")
    assert result.exit_code == 0
    check_golden("example-repo.md", result.stdout)


def test_markdown_renders_as_a_summary_an_attention_table_and_folded_details():
    text = invoke("audit", str(EXAMPLE), "--format", "markdown").stdout
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    kinds = [t.type for t in tokens]
    assert kinds[0] == "heading_open" and "claimed" in tokens[1].content
    assert kinds.count("table_open") == 2
    html = [t.content for t in tokens if t.type == "html_block"]
    assert html[0].startswith("<details>") and "<summary>" in html[0] and html[-1].strip() == "</details>"
    first_table = kinds.index("table_open")
    assert kinds.index("html_block") > first_table  # attention first, the rest folded after it
    cells = [t.content for t in tokens[first_table:kinds.index("table_close")] if t.type == "inline"]
    assert "~ weak" in cells and "`reports/README.md:7`" in cells


def test_markdown_links_into_the_audited_commit_on_github(tree):
    root = github_repo(tree)
    commit = git(root, "rev-parse", "HEAD").strip()
    result = invoke("audit", str(root), "--format", "markdown")
    assert result.exit_code == 1
    base = f"https://github.com/acme/project/blob/{commit}/"
    assert f"[`reports/README.md:6`]({base}reports/README.md#L6)" in result.stdout
    attention = result.stdout.split("<details>")[0]
    assert "✘ unsupported | MLO112 dockerfiles" in attention


def test_markdown_without_a_github_remote_shows_plain_places(tree):
    root = tree({"reports/README.md": UNSUPPORTED_REPORT})
    text = invoke("audit", str(root), "--format", "markdown").stdout
    assert "`reports/README.md:6`" in text and "https://" not in text


@pytest.mark.parametrize("text, shown", [
    ("a | b", r"a \| b"),
    ("<script>x</script>", r"\<script\>x\</script\>"),
    ("*bold* [link](x)", r"\*bold\* \[link\](x)"),
    ("two\nlines", "two lines"),
])
def test_markdown_escapes_what_the_report_says(text, shown):
    assert markdown.escape(text) == shown


# --- sarif --------------------------------------------------------------------------------------
def test_sarif_of_the_example_repository_matches_its_golden_file():
    result = invoke("audit", str(EXAMPLE), "--format", "sarif")
    assert result.exit_code == 0
    check_golden("example-repo.sarif", normalised_sarif(result.stdout))


def sarif_schema() -> dict:
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["example", "unsupported"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(tree, name):
    root = EXAMPLE if name == "example" else github_repo(tree)
    document = json.loads(invoke("audit", str(root), "--format", "sarif").stdout)
    jsonschema.validate(document, sarif_schema())


def test_sarif_has_one_rule_per_item_and_a_result_per_finding_at_the_checklist_line(tree):
    root = github_repo(tree)
    document = json.loads(invoke("audit", str(root), "--format", "sarif").stdout)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    hydra = next(r for r in rules if r["id"] == "MLO115")
    assert hydra["name"] == "hydra" and "strong:" in hydra["help"]["text"]
    docker = next(r for r in run["results"] if r["ruleId"] == "MLO112")
    assert docker["level"] == "error" and rules[docker["ruleIndex"]]["id"] == "MLO112"
    place = docker["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == "reports/README.md" and place["region"]["startLine"] == 6
    assert run["versionControlProvenance"][0]["repositoryUri"] == "https://github.com/acme/project"
    assert {r["ruleId"] for r in run["results"]} >= {"MLO112"}
    assert "MLO115" not in {r["ruleId"] for r in run["results"]}  # corroborated: nothing to report


def test_sarif_names_the_evidence_file_of_a_weak_item():
    document = json.loads(invoke("audit", str(EXAMPLE), "--format", "sarif").stdout)
    results = document["runs"][0]["results"]
    assert {r["properties"]["category"] for r in results} == {"weak", "course"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "reports/README.md"
               for r in results)


def test_sarif_related_locations_point_at_evidence_files(tree):
    root = tree({"reports/README.md": "# R\n\n## Overall project checklist\n\n"
                 "* [x] Use profiling to optimize your code (M12)\n",
                 "src/bench.py": "import time\n\nstart = time.time()\n"})
    document = json.loads(invoke("audit", str(root), "--format", "sarif").stdout)
    profiling = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "MLO116")
    assert profiling["level"] == "warning"
    related = profiling["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "src/bench.py" and related["region"]["startLine"] == 3


# --- --fail-on and exit codes ------------------------------------------------------------------------
def item(verdict: str, line: int = 5) -> ItemResult:
    return ItemResult(id="x", code="MLO999", module=None, week="1", title="x", claimed=True, line=line,
                      mark="x", evidence="none", verdict=verdict, findings=[Finding("a.py", 1, "m", "weak")])


def answer(verdict: str, check: str = "link") -> AnswerCheck:
    return AnswerCheck(check=check, question=3, line=40, claim="c", found="f", verdict=verdict)


def course(passed: bool) -> CourseCheck:
    return CourseCheck(question=4, line=50, rule="words", expected="100-200 words", actual="20 words", passed=passed)


def fake_result(items=(), answers=(), checks=()):
    return SimpleNamespace(items=list(items), answers=list(answers), course_checks=list(checks))


CASES = {
    "clean": fake_result([item("corroborated")], [answer("corroborated")], [course(True)]),
    "unsupported item": fake_result([item("unsupported")]),
    "weak item": fake_result([item("weak")]),
    "weak answer": fake_result(answers=[answer("weak")]),
    "contradicted answer": fake_result(answers=[answer("contradicted", "statement")]),
    "unsupported answer": fake_result(answers=[answer("unsupported")]),
    "failed course check": fake_result(checks=[course(False)]),
}
FAILS = {  # policy -> the cases that exit 1
    FailOn.unsupported: {"unsupported item"},
    FailOn.weak: {"unsupported item", "weak item", "weak answer"},
    FailOn.contradicted: {"unsupported item", "contradicted answer"},
    FailOn.course: {"unsupported item", "failed course check"},
    FailOn.any: set(CASES) - {"clean"},
    FailOn.never: set(),
}


@pytest.mark.parametrize("policy", list(FailOn))
@pytest.mark.parametrize("case", list(CASES))
def test_fail_on_policy(policy, case):
    assert fails(CASES[case], policy) is (case in FAILS[policy])


def test_attention_lists_the_worst_first():
    result = fake_result([item("weak", 3), item("unsupported", 9)], [answer("contradicted")], [course(False)])
    assert [a.kind for a in attention_items(result)] == ["unsupported", "contradicted", "weak", "course"]


@pytest.mark.parametrize("policy, code", [
    (None, 0), ("unsupported", 0), ("weak", 1), ("contradicted", 0), ("course", 1), ("any", 1), ("never", 0),
])
def test_exit_codes_of_the_example_repository(policy, code):
    extra = ["--fail-on", policy] if policy else []
    for fmt in ("text", "json", "markdown", "sarif"):
        assert invoke("audit", str(EXAMPLE), "--format", fmt, *extra).exit_code == code, fmt


@pytest.mark.parametrize("policy, code", [(None, 1), ("weak", 1), ("any", 1), ("never", 0)])
def test_exit_codes_with_an_unsupported_claim(tree, policy, code):
    root = tree({"reports/README.md": UNSUPPORTED_REPORT})
    extra = ["--fail-on", policy] if policy else []
    assert invoke("audit", str(root), *extra).exit_code == code


@pytest.mark.parametrize("args", [
    ["audit", str(EXAMPLE), "--fail-on", "sometimes"],
    ["audit", str(EXAMPLE), "--format", "html"],
    ["audit", "/nonexistent/folder", "--format", "markdown"],
    ["audit", "/nonexistent/folder", "--format", "sarif", "--fail-on", "never"],
    [],
])
def test_usage_and_input_errors_exit_2(args):
    assert invoke(*args).exit_code == 2


def test_help_documents_the_exit_codes():
    text = re.sub(r"\s+", " ", invoke("audit", "--help").stdout)
    assert "Exit codes: 0" in text and "1 something found" in text and "2 usage or input error" in text


def test_version_option_and_command():
    for args in (["--version"], ["version"]):
        result = invoke(*args)
        assert result.exit_code == 0 and result.stdout.strip() == __version__


def test_markdown_of_an_audit_object_ends_with_one_newline():
    text = markdown.render(audit(EXAMPLE))
    assert text.endswith("</details>\n") and not text.endswith("\n\n")


def test_sarif_of_hostile_names_stays_valid(tree):
    root = tree({"reports/README.md": UNSUPPORTED_REPORT.replace("(M10)", "(M10) | <b>`x`</b>")})
    write_tree(root, {"src/we ird|name.py": "x = 1\n"})
    result = invoke("audit", str(root), "--format", "sarif")
    assert result.exit_code == 1
    jsonschema.validate(json.loads(result.stdout), sarif_schema())
    text = invoke("audit", str(root), "--format", "markdown").stdout
    assert "<b>" not in text


def test_the_vendored_schema_rejects_what_sarif_does_not_allow():
    document = json.loads(invoke("audit", str(EXAMPLE), "--format", "sarif").stdout)
    document["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, sarif_schema())
