"""action.yml and its run script, executed with a fake GitHub Actions environment (no network)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, ROOT, write_tree

SCRIPT = ROOT / "scripts" / "github-action.sh"
SCHEMAS = ROOT / "tests" / "schemas"
SCHEMA = SCHEMAS / "sarif-2.1.0.json"
UNSUPPORTED = ("# Report\n\n## Overall project checklist\n\n"
               "* [x] Construct one or multiple docker files for your code (M10)\n")


def run_action(workspace, tmp_path, **inputs: str) -> tuple[int, str, subprocess.CompletedProcess]:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary),
           "AUDITOR": f"{sys.executable} -m auditor", "PYTHONPATH": str(ROOT),
           **{f"INPUT_{k.upper()}": v for k, v in inputs.items()}}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, summary.read_text(encoding="utf-8"), done


def test_the_summary_gets_the_markdown_report_appended(tmp_path):
    code, summary, _ = run_action(FIXTURES / "example-repo", tmp_path)
    assert code == 0
    assert summary.startswith("earlier step\n## auditor: 9 claimed")
    assert "<details>" in summary


def test_sarif_is_written_when_asked(tmp_path):
    out = tmp_path / "audit.sarif"
    code, _, done = run_action(FIXTURES / "example-repo", tmp_path, sarif=str(out))
    assert code == 0 and "SARIF written" in done.stdout
    jsonschema.validate(json.loads(out.read_text(encoding="utf-8")), json.loads(SCHEMA.read_text("utf-8")))


@pytest.mark.parametrize("fail_on, code", [("", 1), ("unsupported", 1), ("never", 0)])
def test_the_step_fails_per_fail_on(tmp_path, fail_on, code):
    workspace = write_tree(tmp_path / "ws", {"reports/README.md": UNSUPPORTED})
    out = tmp_path / "audit.sarif"
    result, summary, _ = run_action(workspace, tmp_path, fail_on=fail_on, sarif=str(out))
    assert result == code
    assert "✘ unsupported | MLO112 dockerfiles" in summary and out.exists()


def test_fail_on_weak_fails_the_example(tmp_path):
    assert run_action(FIXTURES / "example-repo", tmp_path, fail_on="weak")[0] == 1


@pytest.mark.parametrize("inputs", [{"fail_on": "sometimes"}, {"path": "/nonexistent/repository"}])
def test_usage_errors_exit_2(tmp_path, inputs):
    code, _, done = run_action(FIXTURES / "example-repo", tmp_path, **inputs)
    assert code == 2 and "could not audit" in done.stderr


def test_missing_environment_is_an_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "GITHUB_WORKSPACE" in done.stderr


def test_action_yml_installs_from_the_action_path_and_runs_the_script():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert set(action["inputs"]) == {"fail-on", "sarif", "path"}
    assert action["runs"]["using"] == "composite"
    runs = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in runs
    assert "scripts/github-action.sh" in runs
    script_step = action["runs"]["steps"][-1]
    assert set(script_step["env"]) == {"INPUT_FAIL_ON", "INPUT_SARIF", "INPUT_PATH"}


def test_the_script_is_valid_bash():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0


def schema_errors(document, schema_name: str) -> list[str]:
    schema = json.loads((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    return [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(document)]


def action_yml() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_yml_matches_the_action_metadata_schema():
    assert schema_errors(action_yml(), "github-action.json") == []


def test_a_composite_run_step_without_shell_breaks_the_schema():
    action = action_yml()
    run_step = next(step for step in action["runs"]["steps"] if "run" in step)
    del run_step["shell"]
    assert schema_errors(action, "github-action.json")


def test_an_unknown_top_level_key_breaks_the_schema():
    action = {**action_yml(), "entrypoint": "scripts/github-action.sh"}
    assert schema_errors(action, "github-action.json")


def readme_workflow() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/.*?)```", readme, re.S).group(1)
    workflow = yaml.safe_load(block)
    # PyYAML reads YAML 1.1, where the key `on` is the boolean True; GitHub reads it as "on".
    workflow["on"] = workflow.pop(True)
    return workflow


def test_the_readme_workflow_matches_the_workflow_schema():
    workflow = readme_workflow()
    assert any(step.get("uses", "").endswith("mlops-auditor@v1")
               for step in workflow["jobs"]["audit"]["steps"])
    assert schema_errors(workflow, "github-workflow.json") == []


def test_a_workflow_job_without_runs_on_breaks_the_schema():
    workflow = readme_workflow()
    del workflow["jobs"]["audit"]["runs-on"]
    assert schema_errors(workflow, "github-workflow.json")
