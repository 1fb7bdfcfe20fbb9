"""Template leftovers: files the scaffold generated and the group never changed count at most weak."""

from __future__ import annotations

import os
import re
import time

import pytest
from conftest import git, write_tree

from auditor.audit import audit_target
from auditor.catalog import by_id
from auditor.engine.run import run_rule
from auditor.facts import Repository, template
from auditor.facts.template import MAX_PROJECT_FOLDERS, project_folders
from auditor.record import replace

# Synthetic stand-ins for template files (the real template is only known by fingerprints).
SCAFFOLD = {
    "tasks.py": "from invoke import task\n\n@task\ndef docker_build(ctx):\n    ctx.run('docker build .')\n",
    "pyproject.toml": "[project]\nname = \"proj\"\n\n[tool.ruff]\nline-length = 120\n",
    "dockerfiles/train.dockerfile": "FROM python:3.12-slim\nCOPY src src\n",
    "src/proj/__init__.py": "",
    "src/proj/data.py": "def load():\n    pass\n",
    "src/proj/model.py": "class Model:\n    pass\n",
    "src/proj/train.py": "def train():\n    pass\n",
    "tests/test_data.py": "def test_load():\n    assert True\n",
    "configs/.gitkeep": "",
    "reports/.gitkeep": "",
}
RUFF = replace(by_id()["pep8"], probe=None, evidence=({"grep": r"\[tool\.ruff", "in": ["pyproject.toml"]},))


def commit(root, files, message, date="2026-01-10T10:00:00+01:00"):
    write_tree(root, files)
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, env=env)


@pytest.fixture
def scaffolded(tmp_path):
    """GitHub's initial commit, then the generated template, then the group's work."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"README.md": "# repo\n"}, "Initial commit")
    commit(root, SCAFFOLD, "add cookiecutter template")
    commit(root, {"src/proj/train.py": "def train(model):\n    model.fit()\n",
                  ".github/workflows/tests.yaml": "on: push\njobs: {}\n"}, "our training")
    return root


def test_the_scaffold_s_blobs_are_those_its_tree_lists(tmp_path):
    """Asked of cat-file as `commit:path`, or read from `git ls-tree`: the same blobs, for what the
    scaffold added or rewrote (a deleted path, a folder, a link, names with spaces included)."""
    from auditor.facts.gitcmd import CatFile

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {"old.txt": "x\n", "keep.md": "k\n"}, "first")
    (root / "old.txt").unlink()
    os.symlink("keep.md", root / "link.md")
    commit(root, {"a b/c d.py": "x = 1\n", "src/proj/data.py": "y\n", "keep.md": "k2\n"}, "scaffold")
    sha = git(root, "rev-parse", "HEAD").strip()
    paths = tuple(git(root, "show", "--name-only", "--format=", sha).split("\n")[:-1])
    assert "old.txt" in paths and "link.md" in paths
    store = CatFile(root)
    try:
        asked = template._brought_blobs(root, sha, paths + ("src", "never.py"), store)
    finally:
        store.close()
    listed = template._brought_blobs(root, sha, paths + ("src", "never.py"), None)
    assert asked == listed and set(asked) == {"a b/c d.py", "src/proj/data.py", "keep.md", "link.md"}


def test_unchanged_scaffold_files_are_leftovers(scaffolded):
    repo = Repository(scaffolded)
    reason = repo.template_leftover("pyproject.toml")
    assert reason.startswith("unchanged since the mlops_template scaffold (commit ")
    assert "add cookiecutter template" in reason
    assert repo.template_leftover("tasks.py")
    assert repo.template_leftover("src/proj/data.py")  # a stub, and the scaffold commit is pure template


def test_changed_and_own_files_are_the_groups_work(scaffolded):
    repo = Repository(scaffolded)
    assert repo.template_leftover("src/proj/train.py") is None  # changed after the scaffold
    assert repo.template_leftover(".github/workflows/tests.yaml") is None  # written later, never touched again
    assert repo.template_leftover("README.md") is None  # not in the scaffold's form: GitHub's initial README
    assert repo.template_leftover("no/such/file.py") is None


def test_engine_downgrades_a_strong_finding_in_a_leftover(scaffolded):
    outcome = run_rule(RUFF, Repository(scaffolded))
    assert outcome.evidence == "weak"
    assert "template leftover, counts at most weak: unchanged since the mlops_template scaffold" in outcome.findings[0].message
    assert outcome.findings[0].where() == "pyproject.toml:4"


def test_a_file_changed_after_the_scaffold_counts_normally(scaffolded):
    commit(scaffolded, {"pyproject.toml": SCAFFOLD["pyproject.toml"] + "select = [\"E\", \"I\"]\n"}, "lint rules")
    outcome = run_rule(RUFF, Repository(scaffolded))
    assert outcome.evidence == "strong"


def test_leftovers_follow_the_audited_commit(scaffolded):
    """At the scaffold commit itself, every template file is a leftover; later ones are not."""
    commit(scaffolded, {"pyproject.toml": SCAFFOLD["pyproject.toml"] + "select = [\"E\"]\n"}, "lint rules",
           "2026-01-20T10:00:00+01:00")
    at_deadline = audit_target(str(scaffolded), deadline="2026-01-15 12:00", tz="Europe/Copenhagen").repository
    assert at_deadline.template_leftover("pyproject.toml")
    assert audit_target(str(scaffolded), at="HEAD").repository.template_leftover("pyproject.toml") is None


def test_a_big_first_commit_of_own_work_is_not_a_template(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    own = {f"src/proj/module_{i}.py": f"def f{i}():\n    return {i}\n" for i in range(12)}
    commit(root, {**SCAFFOLD, **own}, "everything at once")
    commit(root, {"notes.md": "more\n"}, "notes")
    repo = Repository(root)
    assert repo.template_scaffold is not None and not repo.template_scaffold.pure
    assert repo.template_leftover("tasks.py") is None
    assert repo.template_leftover("src/proj/data.py") is None


def test_shallow_history_falls_back_to_content(scaffolded, tmp_path):
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", scaffolded.as_uri(), str(shallow))
    repo = Repository(shallow)
    assert repo.template_scaffold is None
    assert repo.template_leftover("pyproject.toml") is None


# --- content fingerprints (no history) -----------------------------------------------------
TEMPLATE_PYPROJECT = """[project]
name = {{ cookiecutter.project_name|tojson }}
{% if cookiecutter.license != 'none' %}license = { file = "LICENSE" }{% endif %}
requires-python = ">={{ cookiecutter.python_version }}"

[tool.ruff]
line-length = 120
"""


@pytest.fixture
def known_template(monkeypatch):
    prints = [template.template_fingerprint(TEMPLATE_PYPROJECT)]
    monkeypatch.setattr(template, "_shipped", lambda: [(template.PathShape("pyproject.toml"), "pyproject.toml",
                                                         "test-template", prints)])


@pytest.mark.parametrize(("content", "leftover"), [
    ('[project]\nname = "digits"\nrequires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 120\n', True),
    (('[project]\nname = "digits"\nlicense = { file = "LICENSE" }\nrequires-python = ">=3.12"\n[tool.ruff]\n'
      'line-length = 120   \r\n'), True),
    ('[project]\nname = "digits"\nrequires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 100\n', False),
    ('[project]\nname = "digits"\nrequires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 120\nselect = ["E"]\n', False),
])
def test_plain_folder_compares_with_what_the_template_ships(tree, known_template, content, leftover):
    repo = Repository(tree({"pyproject.toml": content}))
    reason = repo.template_leftover("pyproject.toml")
    assert (reason == "identical to test-template's pyproject.toml") if leftover else reason is None
    assert (run_rule(RUFF, repo).evidence == "weak") is leftover


@pytest.mark.parametrize(("content", "leftover"), [
    ('[project]\nname = "digits"\nrequires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 120\n', True),
    ('[project]\nname = "digits"\nrequires-python = ">=3.11"\n\n[tool.ruff]\nline-length = 100\n', False),
])
def test_a_file_of_a_project_folder_compares_with_what_the_template_ships_there(tree, known_template, content, leftover):
    repo = Repository(tree({"proj/pyproject.toml": content, "proj/tasks.py": "print('own')\n"}))
    reason = repo.template_leftover("proj/pyproject.toml")
    assert (reason == "identical to test-template's pyproject.toml") if leftover else reason is None


def test_fingerprints_refuse_files_that_say_nothing():
    assert template.template_fingerprint("{{ cookiecutter.python_version }}\n") is None
    assert template.template_fingerprint("{% if x %}\nMIT\n{% endif %}\nmore\n") is None


def test_shipped_fingerprints_are_loadable():
    shipped = template._shipped()
    paths = {path for _, path, name, _ in shipped if name == "mlops_template"}
    assert {"tasks.py", ".pre-commit-config.yaml", ".github/workflows/tests.yaml", "dockerfiles/train.dockerfile",
            "docs/mkdocs.yaml", "pyproject.toml"} <= paths


SHIPPED_PATHS = ["src/*/data.py", "*/config.py", "tasks.py", "docs/mkdocs.yaml", "a*b/*c"]
CANDIDATE_PATHS = ["src/pkg/data.py", "src//data.py", "src/a/b/data.py", "src/data.py", "src/pkg/data.py\n",
                   "src/p\nk/data.py", "x/config.py", "config.py", "/config.py", "a/b/config.py", "tasks.py",
                   "tasks.py\n", "tasks.py\n\n", "Tasks.py", "docs/mkdocs.yaml", "docs/mkdocs.yml", "axb/yc", "a*b/*c"]


@pytest.mark.parametrize("shipped", SHIPPED_PATHS)
def test_shipped_path_tests_agree_with_the_path_regex(shipped):
    test, regex = template.PathShape(shipped), template._path_regex(shipped)
    assert [test.match(p) for p in CANDIDATE_PATHS] == [bool(regex.match(p)) for p in CANDIDATE_PATHS]


REGEX_SIGNATURES = {  # the regexes the signatures were written as before: the reference
    "mlops_template": {
        "src/<pkg>/data.py": re.compile(r"^src/[^/]+/data\.py$"),
        "src/<pkg>/model.py": re.compile(r"^src/[^/]+/models?\.py$"),
        "src/<pkg>/train.py": re.compile(r"^src/[^/]+/train\.py$"),
        "tests/": re.compile(r"^tests/"),
        "configs/": re.compile(r"^configs/"),
        "dockerfiles/": re.compile(r"^dockerfiles/"),
        "reports/": re.compile(r"^reports/"),
        "tasks.py": re.compile(r"^tasks\.py$"),
    },
    "mlops_template (2023 layout)": {  # before the template moved to src/ (December 2024)
        "<pkg>/data/make_dataset.py": re.compile(r"^(?!src/)[^/]+/data/make_dataset\.py$"),
        "<pkg>/models/model.py": re.compile(r"^(?!src/)[^/]+/models/model\.py$"),
        "<pkg>/train_model.py": re.compile(r"^(?!src/)[^/]+/train_model\.py$"),
        "<pkg>/predict_model.py": re.compile(r"^(?!src/)[^/]+/predict_model\.py$"),
        "<pkg>/visualizations/visualize.py": re.compile(r"^(?!src/)[^/]+/visualizations/visualize\.py$"),
        "tests/": re.compile(r"^tests/"),
        "dockerfiles/": re.compile(r"^dockerfiles/"),
        "reports/": re.compile(r"^reports/"),
        "docs/mkdocs.yaml": re.compile(r"^docs/mkdocs\.ya?ml$"),
    },
    "cookiecutter-data-science": {
        "src/data/make_dataset.py": re.compile(r"^(src|[^/]+)/data/make_dataset\.py$"),
        "src/models/train_model.py": re.compile(r"^(src|[^/]+)/models/train_model\.py$"),
        "src/features/build_features.py": re.compile(r"^(src|[^/]+)/features/build_features\.py$"),
        "src/visualization/visualize.py": re.compile(r"^(src|[^/]+)/visualization/visualize\.py$"),
        "references/": re.compile(r"^references/"),
        "Makefile": re.compile(r"^Makefile$"),
        "test_environment.py": re.compile(r"^test_environment\.py$"),
        "tox.ini": re.compile(r"^tox\.ini$"),
        "docs/conf.py": re.compile(r"^docs/(source/)?conf\.py$"),
        "data/{raw,processed}": re.compile(r"^data/(raw|interim|processed|external)/"),
    },
}
SIGNATURE_PATHS = [
    "src/pkg/data.py", "src/pkg/models.py", "src/pkg/model.py", "src/a/b/train.py", "src//data.py", "tests/x.py",
    "tests", "Tests/x.py", "configs/a.yaml", "tasks.py", "tasks.py\n", "x/tasks.py", "pkg/data/make_dataset.py",
    "src/data/make_dataset.py", "a/b/data/make_dataset.py", "srcx/models/model.py", "pkg/train_model.py",
    "pkg/predict_model.py\n", "pkg/visualizations/visualize.py", "docs/mkdocs.yml", "docs/mkdocs.yaml\n\n",
    "src/models/train_model.py", "p\nkg/features/build_features.py", "src/visualization/visualize.py",
    "references/a.md", "Makefile", "makefile", "test_environment.py", "tox.ini", "docs/source/conf.py",
    "docs/conf.py", "data/raw/a.csv", "data/interim/", "data/x/raw/a", "reports/figures/a.png", "dockerfiles/a",
]


@pytest.mark.parametrize("template_name", list(REGEX_SIGNATURES))
def test_signatures_test_what_their_regexes_tested(template_name):
    for label, regex in REGEX_SIGNATURES[template_name].items():
        signature = template.SIGNATURES[template_name][label]
        assert [signature.search(p) for p in SIGNATURE_PATHS] == [bool(regex.search(p)) for p in SIGNATURE_PATHS]


@pytest.mark.parametrize("paths", [SIGNATURE_PATHS, SIGNATURE_PATHS[::-1], SIGNATURE_PATHS[5:], []])
def test_signature_paths_are_the_first_paths_the_regexes_find(paths):
    expected = {name: {label: next(p for p in paths if regex.search(p))
                       for label, regex in signed.items() if any(regex.search(p) for p in paths)}
                for name, signed in REGEX_SIGNATURES.items()}
    assert template.signature_paths(paths) == expected
    assert [list(found) for found in template.signature_paths(paths).values()] == [list(e) for e in expected.values()]

# --- sections of a file the group edited elsewhere -----------------------------------------
LINT_WORKFLOW = ("name: Lint\non: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: ruff check .\n")
RUFF_IN_CI = replace(by_id()["ci-lint"], probe=None,
                     evidence=({"grep": r"ruff check", "in": [".github/workflows/linting.yaml"]},))


@pytest.fixture
def scaffolded_with_ci(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    commit(root, {**SCAFFOLD, ".github/workflows/linting.yaml": LINT_WORKFLOW}, "add cookiecutter template")
    return root


@pytest.mark.parametrize(("edit", "evidence"), [
    # the group's dependencies added, the template's [tool.ruff] untouched: a leftover section
    ('[project]\nname = "proj"\ndependencies = ["torch"]\n\n[tool.ruff]\nline-length = 120\n', "weak"),
    # their own lint rules, in the table or a sub-table of it: the group's setup
    ('[project]\nname = "proj"\ndependencies = ["torch"]\n\n[tool.ruff]\nline-length = 100\n', "strong"),
    ('[project]\nname = "proj"\n\n[tool.ruff]\nline-length = 120\n\n[tool.ruff.lint]\nselect = ["E"]\n', "strong"),
])
def test_a_template_table_left_in_an_edited_pyproject_is_a_leftover(scaffolded_with_ci, edit, evidence):
    commit(scaffolded_with_ci, {"pyproject.toml": edit}, "our dependencies")
    repo = Repository(scaffolded_with_ci)
    assert repo.template_leftover("pyproject.toml") is None  # the file as a whole is the group's
    outcome = run_rule(RUFF, repo)
    assert outcome.evidence == evidence
    if evidence == "weak":
        assert "its section `tool.ruff` is unchanged since the mlops_template scaffold" in outcome.findings[0].message


@pytest.mark.parametrize(("extra_job", "evidence"), [
    ("  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n", "weak"),  # lint job as generated
    ("  types:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check --select ANN .\n", "strong"),
])
def test_a_template_job_left_in_an_edited_workflow_is_a_leftover(scaffolded_with_ci, extra_job, evidence):
    commit(scaffolded_with_ci, {".github/workflows/linting.yaml": LINT_WORKFLOW + extra_job}, "our CI")
    assert run_rule(RUFF_IN_CI, Repository(scaffolded_with_ci)).evidence == evidence


def test_sections_of_structured_files():
    toml = "top = 1\n[tool.ruff]\nline-length = 120\n\n[[tool.mypy.overrides]]\nmodule = 'x'\n"
    assert [(s.name, s.start, s.end) for s in template.sections("pyproject.toml", toml)] == [
        ("tool.ruff", 2, 4), ("tool.mypy.overrides", 5, 7)]
    yaml_text = "site_name: x\nnav:\n  - Home: index.md\nplugins:\n  - search\n"
    assert [s.name for s in template.sections("docs/mkdocs.yaml", yaml_text)] == ["site_name", "nav", "plugins"]
    workflow = LINT_WORKFLOW + "  test:\n    steps:\n      - run: pytest\n"
    named = [s.name for s in template.sections(".github/workflows/ci.yml", workflow)]
    assert named == ["", "", "", "jobs.lint", "jobs.test"]
    assert template.sections("src/proj/train.py", "x = 1\n") == ()


@pytest.mark.parametrize(("rendered", "leftover"), [
    ('[project]\nname = "proj"\n\n[tool.ruff]\nline-length = 120\n', True),  # only the placeholder rendered
    ('[project]\nname = "proj"\n\n[tool.ruff]\nline-length = 100\n', False),  # and their own change
])
def test_a_template_committed_unrendered_and_rendered_later_is_still_a_leftover(tmp_path, rendered, leftover):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    raw = {**SCAFFOLD, "pyproject.toml": '[project]\nname = "{{ cookiecutter.project_name }}"\n\n[tool.ruff]\n'
                                         'line-length = 120\n'}
    commit(root, raw, "add cookiecutter template")
    commit(root, {"pyproject.toml": rendered}, "render the template")
    repo = Repository(root)
    assert bool(repo.template_leftover("pyproject.toml")) is leftover
    assert (run_rule(RUFF, repo).evidence == "weak") is leftover


@pytest.mark.parametrize(("ruff", "evidence"), [
    ("[tool.ruff]\nline-length = 120\n", "weak"),  # exactly as the course template ships it
    ("[tool.ruff]\nline-length = 99\n", "strong"),  # the group's own table, in its own big first commit
])
def test_in_a_mixed_first_commit_only_a_section_the_template_ships_is_a_leftover(tmp_path, ruff, evidence):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    own = {f"src/proj/module_{i}.py": f"def f{i}():\n    return {i}\n" for i in range(12)}
    commit(root, {**SCAFFOLD, **own, "pyproject.toml": '[project]\nname = "proj"\n\n' + ruff}, "everything at once")
    commit(root, {"pyproject.toml": '[project]\nname = "proj"\ndependencies = ["torch"]\n\n' + ruff}, "deps")
    repo = Repository(root)
    assert not repo.template_scaffold.pure
    assert run_rule(RUFF, repo).evidence == evidence


def test_section_fingerprints_of_the_shipped_templates():
    assert template.section_shipped("pyproject.toml", ["[tool.ruff]", "line-length = 120"]) == "mlops_template"
    assert template.section_shipped("pyproject.toml", ["[tool.ruff]", "line-length = 99"]) is None
    assert template.section_shipped("setup.py", ["[tool.ruff]", "line-length = 120"]) is None


@pytest.mark.parametrize("rel", ["pyproject.toml", "docs/mkdocs.yaml", ".github/workflows/ci.yaml"])
def test_sections_of_hostile_lines_are_read_in_linear_time(rel):
    import time

    start = time.perf_counter()
    text = "[" + " " * 100_000 + "\nkey" + " " * 100_000 + "\njobs:\n  a" + " " * 100_000 + "\n"
    template.sections(rel, text)
    assert time.perf_counter() - start < 1.0


def test_project_folder_search_stops_at_its_limit_on_a_repository_of_many_folders():
    files = [f"p{index}/Makefile" for index in range(20000)]
    started = time.perf_counter()
    folders = project_folders(files)
    assert folders == [f"p{index}/" for index in range(MAX_PROJECT_FOLDERS)]
    assert time.perf_counter() - started < 0.5
