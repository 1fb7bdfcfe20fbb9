"""Table-driven tests of the shared probe helpers: reading workflow scripts and pytest command lines."""

from __future__ import annotations

import importlib
import time

import pytest

from auditor.catalog import rules_dir
from auditor.facts.commands import parse_commands
from auditor.facts.repository import Workflow
from auditor.facts.structured import parse_yaml

rules_dir()  # registers the package auditor.rules
workflows = importlib.import_module("auditor.rules._workflows")
testing = importlib.import_module("auditor.rules._testing")


def workflow(text: str) -> Workflow:
    parsed = parse_yaml(text)
    return Workflow(".github/workflows/w.yml", text, parsed.data, parsed.error)


@pytest.mark.parametrize(("command", "targets"), [
    ("pytest", ()),
    ("uv run pytest tests/ -v", ("tests/",)),
    ("coverage run --source=src -m pytest tests/unit", ("tests/unit",)),
    ("pytest --cov-config=.coveragerc --cov tests", ()),
    ("python -m pytest tests/test_api.py::test_root -k slow", ("tests/test_api.py",)),
    ('sh -lc "uv run coverage run -m pytest tests/ && uv run coverage report"', ("tests/",)),
    ("invoke test", ()),
    ("uvx --with pytest-cov pytest tests/unit -q", ("tests/unit",)),
    ("pytest ${{ matrix.test-dir }} -v", ("${{ matrix.test-dir }}",)),
])
def test_pytest_targets(command, targets):
    runs = [c for c in parse_commands(command) if testing.runs_tests(c)]
    assert runs
    pytest_run = next((c for c in runs if c.program in testing.PYTEST), None)
    assert (testing.pytest_targets(pytest_run) if pytest_run else ()) == targets


@pytest.mark.parametrize(("command", "path", "runs"), [
    ("coverage run -m pytest tests/ --ignore=tests/integrationtests/", "tests/integrationtests/test_api.py", False),
    ("coverage run -m pytest tests/ --ignore=tests/integrationtests/", "tests/unit/test_model.py", True),
    ("pytest --ignore tests/test_api.py", "tests/test_api.py", False),
    ("pytest --deselect tests/test_api.py::test_root", "tests/test_api.py", True),
    ("pytest tests/unit", "tests/api/test_api.py", False),
    ("echo pytest tests/api", "tests/api/test_api.py", None),
    ("pip install pytest", "tests/test_api.py", None),
])
def test_test_runs_respect_paths_and_ignores(tmp_path, command, path, runs):
    from auditor.facts import Repository

    from conftest import write_tree
    text = f"on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: {command}\n"
    repo = Repository(write_tree(tmp_path, {".github/workflows/t.yml": text}))
    found = testing.test_runs(repo.commands)
    if runs is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].line == 6 and testing.runs_file(found[0], path) is runs


@pytest.mark.parametrize(("text", "problem"), [
    ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n", None),
    ("on: push\njobs:\n  a:\n    uses: org/repo/.github/workflows/t.yml@main\n", None),
    ("jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: pytest\n", "no `on:` trigger"),
    ("on: push\njobs:\n  a:\n    runs-on: x\n    matrix:\n      os: [a]\n    steps:\n      - run: t\n",
     "job `a`: unexpected key `matrix`"),
    ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - name: nothing\n",
     "job `a`: step 1 needs exactly one of `run` / `uses`"),
    ("on: pushed\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: t\n", "unknown event(s) `pushed`"),
    ("on: push\njobs: [1, 2]\n", "no `jobs:`"),
])
def test_workflow_problems(text, problem):
    found = workflows.problems(workflow(text))
    assert (found[0] if found else None) == problem


CONDA_ENV = "name: env\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - conda-forge::locust>=2\n  - pip:\n    - Prometheus_Client==0.20\n"


@pytest.mark.parametrize(("files", "expected"), [
    ({"exe_req.yaml": CONDA_ENV},
     [("python", "exe_req.yaml", 5), ("locust", "exe_req.yaml", 6), ("prometheus-client", "exe_req.yaml", 8)]),
    ({"deploy/gpu/env_gpu.yml": "dependencies:\n  - locust\n"}, [("locust", "deploy/gpu/env_gpu.yml", 2)]),
    ({"environment.yml": CONDA_ENV}, []),  # read by the dependency facts themselves
    ({".github/workflows/ci.yml": "dependencies:\n  - locust\n"}, []),
    ({"pubspec.yaml": "dependencies:\n  locust: 1\n"}, []),  # a mapping, not a conda list
    ({"configs/model.yaml": "model:\n  dependencies:\n    - locust\n"}, []),  # not at the top level
    ({"broken.yaml": "dependencies:\n  - [locust\n"}, []),
])
def test_conda_environments_elsewhere(tmp_path, files, expected):
    from auditor.facts import Repository
    from auditor.facts.dependencies import conda_environments_elsewhere

    from conftest import write_tree
    repo = Repository(write_tree(tmp_path, files))
    assert [(d.name, d.path, d.line) for d in conda_environments_elsewhere(repo)] == expected


def test_declared_prefers_dependency_files_and_says_where(tmp_path):
    from auditor.facts import Repository

    from conftest import write_tree
    from auditor.engine.patterns import only_declared
    repo = Repository(write_tree(tmp_path, {"exe_req.yaml": CONDA_ENV, "requirements.txt": "numpy\nlocust==2\n"}))
    dep = repo.declared("locust", "k6")
    assert (dep.path, dep.line) == ("requirements.txt", 2)
    assert repo.declared("prometheus_client").path == "exe_req.yaml"
    assert repo.declared("k6") is None
    finding = only_declared(dep, ", never run")
    assert (finding.path, finding.line, finding.strength) == ("requirements.txt", 2, "weak")
    assert finding.message == "`locust` declared as a dependency in requirements.txt:2, never run"


@pytest.mark.parametrize(("command", "kind"), [
    ("uv run --frozen --with pytest-cov=1 ruff check .", "checks"),
    ("uv run -q ruff format .", "format"),
    ("FOO=1 uv run --with=ruff mypy src", "checks"),
    ("echo uv run ruff check", None),
    ("uv run " + "-a -b=c " * 40 + "x", None),  # many options: must answer at once, not after minutes
    ("uv run " + "--a " * 40 + "x", None),
    ("uvx --with pre-commit-uv pre-commit run --all-files", "checks"),
    ("git diff --name-only A B | grep '\\.py$' | xargs ruff check", "checks"),
    ("pip install ruff flake8 && ruff --version", None),
    ("ruff format --check .", "checks"),
    ("black src", "format"),
    ("bash -c 'poetry run mypy src'", "checks"),
    ("uv run ruff check --show-settings . | grep 'Settings path:'", None),   # prints the settings, lints nothing
    ("ruff check --show-files src", None),
    ("ruff check --statistics src", "checks"),
])
def test_ci_lint_reads_commands_behind_uv_run(command, kind):
    ci_lint = importlib.import_module("auditor.rules.ci_lint")
    assert ci_lint.classify(command) == kind


@pytest.mark.parametrize(("page", "kind"), [
    ("# Documentation\n\nDocumentation for proj\n", "template"),
    ("# Documentation  \n \n\tDocumentation for proj  \n\n", "template"),
    (".. proj documentation master file, created by\n   sphinx-quickstart on Mon.\n", "template"),
    ("# Documentation\n\nDocumentation for proj\n\nHow to train: run the task.\n", "stub"),
    ("# Documentation" + "\n" * 20000 + "x", "stub"),  # thousands of blank lines: answered at once
    ("documentation master file, created by" + " \n" * 20000 + "x", "stub"),
], ids=["mkdocs", "mkdocs-blank-runs", "sphinx", "written-more", "blank-lines", "sphinx-blank-lines"])
def test_page_kind_recognises_template_pages(tmp_path, page, kind):
    from auditor.facts import Repository

    from conftest import write_tree
    docs = importlib.import_module("auditor.rules._docs")
    repo = Repository(write_tree(tmp_path, {"docs/index.md": page}))
    assert docs.page_kind(repo, "docs/index.md") == kind


BLANK_RUN = "x\n" + "\n" * 20000 + " " * 20000 + "x"


@pytest.mark.parametrize(("module", "name"), [
    ("_cloud", "JSON_STEPS_KEY"), ("_docs", "API_DIRECTIVE"), ("_docs", "TEMPLATE_MARKERS"), ("alerts", "POLICY_FILE"),
    ("distributed_training", "CONFIG_SETTING"), ("sweep", "HYDRA_SWEEPER"),
])
def test_whole_file_patterns_stay_linear_on_blank_runs(module, name):
    """Patterns searched over whole files: `^\\s*` under MULTILINE tried every split of a blank run (a .json
    of 3,000 empty lines took 12 s); they now start a line with `[^\\S\\n]*`."""
    pattern = getattr(importlib.import_module(f"auditor.rules.{module}"), name)
    started = time.perf_counter()
    pattern.search(BLANK_RUN)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("files", "expected"), [
    ({"deploy.sh": "gcloud monitoring dashboards create --config=d.json\n"},
     ("deploy.sh", 1, "strong", "`gcloud monitoring dashboards create --config=d.json` runs at deploy.sh:1")),
    ({"README.md": "# Ops\n\nRun `gcloud monitoring dashboards create`.\n"},
     ("README.md", 3, "weak", "in README.md:3 (a documented command, not a script)")),
    ({"README.md": "We use Cloud Monitoring dashboards.\n"}, None),
])
def test_console_command_is_strong_in_scripts_and_weak_in_docs(tmp_path, files, expected):
    from auditor.facts import Repository

    from conftest import write_tree
    monitoring = importlib.import_module("auditor.rules._monitoring")
    cloud_monitoring = importlib.import_module("auditor.rules.cloud_monitoring")
    repo = Repository(write_tree(tmp_path, files))
    found = list(monitoring.console_command(repo, repo.commands, cloud_monitoring.monitors,
                                            cloud_monitoring.MONITORING_COMMAND, cloud_monitoring.DOCUMENTED))
    if expected is None:
        assert found == []
        return
    path, line, strength, message = expected
    assert (found[0].path, found[0].line, found[0].strength) == (path, line, strength)
    assert message in found[0].message


commands_helpers = importlib.import_module("auditor.rules._commands")


@pytest.mark.parametrize(("script", "expected"), [
    ("docker build -f train.dockerfile -t gcr.io/p/trainer:1 --tag=eu.gcr.io/p/t .", ["eu.gcr.io/p/t", "gcr.io/p/trainer:1"]),
    ("docker push europe-west1-docker.pkg.dev/p/r/trainer", ["europe-west1-docker.pkg.dev/p/r/trainer"]),
    ("docker image push -q gcr.io/p/x", ["gcr.io/p/x"]),
    ("docker tag trainer gcr.io/p/trainer", ["gcr.io/p/trainer"]),
    ("kaniko --dockerfile=d --destination=gcr.io/p/t -d eu.gcr.io/p/u", ["gcr.io/p/t", "eu.gcr.io/p/u"]),
    ("gcloud builds submit --tag gcr.io/p/t .", ["gcr.io/p/t"]),
    ("docker run gcr.io/cloud-builders/docker build .", []),   # the image run is a tool, no destination
    ("docker pull gcr.io/p/t", []),
])
def test_image_destinations_are_the_tags_and_pushed_names(script, expected):
    assert sorted(commands_helpers.image_destinations(parse_commands(script)[0])) == sorted(expected)


@pytest.mark.parametrize(("image", "expected"), [
    ("gcr.io/p/trainer", True), ("eu.gcr.io/p/t", True), ("europe-west1-docker.pkg.dev/p/r/t", True),
    ("${_REGION}-docker.pkg.dev/p/r/t", True), ("docker.io/team/trainer", False), ("trainer:latest", False),
    ("gcr.io", False), ("ghcr.io/team/trainer", False), ("mygcr.io/p/t", False),
])
def test_gcp_registry_is_read_from_the_image_host(image, expected):
    from auditor.facts.cloudbuild import in_gcp_registry

    assert in_gcp_registry(image) is expected
