"""The command line end to end: exit codes, JSON document and its schema, hostile input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.catalog import load_catalog
from auditor.cli import app
from auditor.render.json_report import schema
from conftest import FIXTURES, write_tree

runner = CliRunner()
EXAMPLE = FIXTURES / "example-repo"

CHECKLIST = """# Report

## Overall project checklist

* [x] Create a git repository (M5)
* [x] Construct one or multiple docker files for your code (M10)
* [ ] Use profiling to optimize your code (M12)

## Group information

### Question 1
"""


def audit_json(*args: str) -> tuple[int, dict | None, str]:
    result = runner.invoke(app, ["audit", *args, "--format", "json"])
    try:
        return result.exit_code, json.loads(result.stdout), result.output
    except json.JSONDecodeError:
        return result.exit_code, None, result.output


def test_example_repository_is_honest_and_validates():
    code, document, _ = audit_json(str(EXAMPLE))
    assert code == 0
    jsonschema.validate(document, schema())
    assert [i["id"] for i in document["items"]] == [s.id for s in load_catalog()]
    assert document["summary"]["unsupported"] == 0
    assert document["report"]["path"] == "reports/README.md"
    dockerfiles = next(i for i in document["items"] if i["id"] == "dockerfiles")
    assert dockerfiles["verdict"] == "corroborated"
    assert dockerfiles["findings"][0]["path"] == "dockerfiles/train.dockerfile"


def test_unsupported_claim_exits_1(tmp_path):
    write_tree(tmp_path, {"reports/README.md": CHECKLIST, "src/app.py": "print('no docker here')\n"})
    code, document, _ = audit_json(str(tmp_path))
    assert code == 1
    item = next(i for i in document["items"] if i["id"] == "dockerfiles")
    assert (item["claimed"], item["evidence"], item["verdict"]) == (True, "none", "unsupported")
    assert item["line"] == 6


def test_missing_path_exits_2(tmp_path):
    result = runner.invoke(app, ["audit", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


@pytest.mark.parametrize("extra", [[], ["--at", "HEAD"], ["--format", "json"]])
def test_a_home_of_no_known_user_is_a_missing_path(extra):
    result = runner.invoke(app, ["audit", "~no-such-user-anywhere/repo", *extra])
    assert result.exit_code == 2, result.output
    assert "~no-such-user-anywhere/repo does not exist" in result.output


def test_missing_explicit_report_exits_2(tmp_path):
    result = runner.invoke(app, ["audit", str(tmp_path), "--report", str(tmp_path / "missing.md")])
    assert result.exit_code == 2


def test_binary_report_exits_2(tmp_path):
    write_tree(tmp_path, {"reports/README.md": b"\x00\x01binary"})
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 2
    assert "binary" in result.output


def test_no_report_still_reports_evidence(tmp_path):
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.11\n"})
    code, document, _ = audit_json(str(tmp_path))
    assert code == 0
    jsonschema.validate(document, schema())
    assert document["report"]["path"] is None
    assert "no report" in document["report"]["message"]
    item = next(i for i in document["items"] if i["id"] == "dockerfiles")
    assert (item["claimed"], item["evidence"]) == (None, "strong")


def test_output_file_and_text_format(tmp_path):
    out = tmp_path / "audit.json"
    result = runner.invoke(app, ["audit", str(EXAMPLE), "--output", str(out)])
    assert result.exit_code == 0
    assert "corroborated" in result.output
    jsonschema.validate(json.loads(out.read_text()), schema())


def test_hostile_repository_gives_findings_not_tracebacks(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    repo = tmp_path / "repo"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)
    )
    write_tree(repo, {
        "reports/README.md": CHECKLIST,
        ".github/workflows/broken.yaml": "on: [push\njobs: {",
        ".github/workflows/bomb.yaml": bomb,
        "src/binary.py": b"\x00\x01\x02 not python",
        "src/latin1.py": "x = 'caf\xe9'\n".encode("latin-1"),
        "src/broken.py": "def f(:\n    return (\n",
        "pyproject.toml": "[project\nname = ",
        "configs/bad.yaml": "lr: [1, 2\n",
        ".pre-commit-config.yaml": "repos: [",
        "Dockerfile": "FROM python:3.11\n",
        "setup.cfg": b"[options\ninstall_requires = caf\xe9\n[flake8]\nx = 1\nx = 2\n" + b"k" + b" " * 1_000_000 + b"b\n",
        "tox.ini": b"[pytest]\naddopts = --cov\naddopts = --cov\n" + b"\xff\xfe" * 100,
    })
    os.symlink(outside, repo / "leak.py")
    os.symlink(outside, repo / ".github" / "workflows" / "leak.yml")
    code, document, output = audit_json(str(repo))
    assert document is not None, output
    jsonschema.validate(document, schema())
    ci = next(i for i in document["items"] if i["id"] == "ci")
    assert any(f["strength"] == "error" and "broken.yaml" in f["path"] for f in ci["findings"])
    assert any("alias" in f["message"] for f in ci["findings"])
    assert any(f["strength"] == "error" and "leak.yml" in (f["path"] or "") for f in ci["findings"])
    problems = {p["path"]: p["message"] for p in document["problems"]}
    assert "binary" in problems["src/binary.py"]
    assert "leaves the repository" in problems["leak.py"]
    assert "invalid INI" in problems["setup.cfg"]
    assert not (repo / ".git").exists(), "the audit never writes into the repository"


@pytest.mark.parametrize("command", [["rules"], ["explain", "hydra"], ["explain", "MLO112"]])
def test_rules_and_explain(command):
    result = runner.invoke(app, command)
    assert result.exit_code == 0
    assert result.output.strip()


def test_explain_names_the_frameworks_a_rule_recognises():
    result = runner.invoke(app, ["explain", "model-train"])
    assert result.exit_code == 0
    assert "frameworks recognised" in result.output and "Ultralytics" in result.output


def test_explain_unknown_item_exits_2():
    assert runner.invoke(app, ["explain", "nope"]).exit_code == 2


@pytest.mark.parametrize(
    "document",
    [
        "a: " + "[" * 100_000 + "]" * 100_000,             # would crash libyaml's recursive composer
        "a: " + "{x: " * 3000 + "1" + "}" * 3000,
        "a0: &a0 [1]\n" + "".join(f"a{i + 1}: &a{i + 1} [*a{i}]\n" for i in range(3000)),  # depth through aliases
        "a: &a [*a]",                                          # a document that contains itself
    ],
)
def test_hostile_yaml_is_refused_with_a_message(document):
    from auditor.facts.structured import parse_yaml

    parsed = parse_yaml(document)
    assert parsed.data is None and parsed.error.startswith("refused YAML")


def test_pathological_report_lines_do_not_hang_the_audit(tmp_path):
    """Lines built to make careless regexes backtrack (a denial of service) end in seconds.
    Not a timing test: the subprocess limit is only there so a regression fails instead of hanging."""
    import subprocess
    import sys

    hostile = ["![" * 3000 + "](" * 3000, "\t " * 8000 + "we did not use hydra", "_" * 8000, "<" * 8000,
               "we did not " * 1000, "--- " * 3000 + "question 7 fill here", "[" * 8000 + "](" * 10,
               "# a" + " " * 8000 + "x", "#" + " " * 100000 + "x", "coverage is 70" + " " * 100000 + "x"]
    prompt = "> Answer length: 100" + " " * 8000 + "x"  # the question's own text, above the answer
    parts = ["## Overall project checklist", "* [x] Create a git repository (M5)", "## Group information"]
    for number, line in enumerate(hostile * 4, 1):
        parts += [f"### Question {number}", prompt, "> Answer:", line, ""]
    write_tree(tmp_path, {
        "reports/README.md": "\n".join(parts),
        "src/x.py": "def " + "_" * 8000 + "predictor(): pass\nx = '" + "a.run.app" * 1000 + "'\n",
    })
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(tmp_path), "--format", "json"],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert len(json.loads(done.stdout)["items"]) == len(load_catalog())


def test_a_file_name_that_is_not_utf8_keeps_the_json_valid_utf8(tmp_path):
    import subprocess
    import sys

    write_tree(tmp_path, {"Dockerfile": "FROM python:3.11\n"})
    (tmp_path / "src").mkdir()
    (tmp_path / "src").joinpath(os.fsdecode(b"bin\xe9.py")).write_bytes(b"\x00\x01")
    done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(tmp_path), "--format", "json"],
                          check=False, capture_output=True, timeout=120)
    document = json.loads(done.stdout.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert [p["path"] for p in document["problems"]] == [os.fsdecode(b"src/bin\xe9.py")]


@pytest.mark.parametrize(("item", "facts"), [("ci-lint", "workflows, commands"), ("api-tests-ci", "commands"),
                                             ("load-test", "python, commands, dependencies"),
                                             ("data-versioning", "dvc, lfs_patterns, dependencies")])
def test_explain_names_the_facts_a_rule_reads(item, facts):
    result = runner.invoke(app, ["explain", item])
    assert result.exit_code == 0
    assert "facts read:" in result.output and facts in " ".join(result.output.split())


@pytest.mark.parametrize(("item", "words"), [
    ("wandb", "the first module importing wandb and calling nothing from it (fact `source`); "
              "the first line of configs/**, conf/**, **/*.y*ml matching /\\bwandb\\b/ (their text); "
              "the first declaration of wandb (fact `dependencies`)"),
    ("load-test", "the first module importing locust (fact `python`)"),
    ("ci-lint", None),
])
def test_explain_says_what_the_unused_step_counts_weak_and_from_which_fact(item, words):
    output = " ".join(runner.invoke(app, ["explain", item]).output.split())
    if words is None:
        assert "`unused` step" not in output
    else:
        assert f"weak when nothing is strong (the shared `unused` step): {words}" in output


@pytest.mark.parametrize("item", ["architecture-diagram", "profiling", "coverage", "load-test", "wandb"])
def test_explain_says_a_report_image_only_on_the_branch_its_url_names_is_weak(item):
    output = " ".join(runner.invoke(app, ["explain", item]).output.split())
    weak = output[output.index("weak:"):]
    assert "GitHub URL" in weak and "only on the unmerged branch the URL names" in weak


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("form", ["text", "json", "markdown", "sarif"])
def test_a_report_that_cannot_be_written_is_an_error_message_not_a_traceback(form, tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(EXAMPLE), "--format", form],
                              stdout=full, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    assert done.returncode == 2
    assert "cannot write the report to standard output" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("form", ["text", "json"])
def test_a_reader_that_closed_the_pipe_ends_the_output_quietly(form, tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "auditor", "audit", str(EXAMPLE), "--format", form],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    finally:
        os.close(write_end)
    assert done.returncode in (0, 1)
    assert done.stderr == ""


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent), TMPDIR=str(tmp_path))
