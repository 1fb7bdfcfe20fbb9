"""Table tests of the command reader (auditor.facts.shell / auditor.facts.commands): shell split into
simple commands, runners unwrapped to the program that runs, sites and kinds, hostile input."""

from __future__ import annotations

import time

import pytest

from auditor.facts import Repository
from auditor.facts.commands import parse_commands
from auditor.facts.shell import continued_lines, read_shell
from auditor.facts.windows_shell import read_windows_script

from conftest import write_tree


def programs(script: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(c.program, c.args) for c in read_shell(script).commands]


@pytest.mark.parametrize(("script", "expected"), [
    ("sudo apt-get install -y gcc", [("apt-get", ("install", "-y", "gcc"))]),
    ("sudo -u app ruff check .", [("ruff", ("check", "."))]),
    ("env -u X A=1 B=2 pytest -q", [("pytest", ("-q",))]),
    ("FOO=1 BAR=x mypy src", [("mypy", ("src",))]),
    ("python -m pytest tests", [("pytest", ("tests",))]),
    ("python3.11 -u -W ignore -m src.train --lr 1", [("src.train", ("--lr", "1"))]),
    ("python train.py", [("python", ("train.py",))]),
    ("uv run --frozen --with pytest-cov pytest -x", [("pytest", ("-x",))]),
    ("uv run -- ruff format --check", [("ruff", ("format", "--check"))]),
    ("uvx --with pre-commit-uv pre-commit run --all-files", [("pre-commit", ("run", "--all-files"))]),
    ("uvx --from ruff==0.5 ruff check", [("ruff", ("check",))]),
    ("uv tool run mypy .", [("mypy", (".",))]),
    ("pipx run --spec black==24 black --check .", [("black", ("--check", "."))]),
    ("poetry run pytest", [("pytest", ())]),
    ("pdm run lint", [("lint", ())]),
    ("pipenv run flake8", [("flake8", ())]),
    ("hatch run test:pytest -q", [("pytest", ("-q",))]),
    ("conda run -n env python -m pytest", [("pytest", ())]),
    ("npx -y pyright", [("pyright", ())]),
    ("time timeout 300 dvc pull", [("dvc", ("pull",))]),
    ("timeout -s KILL 5m locust -f x.py", [("locust", ("-f", "x.py"))]),
    ("coverage run --source=src -m pytest tests/", [("pytest", ("tests/",))]),
    ("nohup uvicorn app:app &", [("uvicorn", ("app:app",))]),
])
def test_runners_are_unwrapped_to_the_program_that_runs(script, expected):
    assert programs(script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ("ruff check . && mypy src; pytest || true", ["ruff", "mypy", "pytest", "true"]),
    ("git diff --name-only A B | grep '\\.py$' | xargs ruff check", ["git", "grep", "ruff"]),
    ("xargs -n1 -I{} flake8 {}", ["flake8"]),
    ("echo $(ruff --version)", ["echo", "ruff"]),
    ("bash -c 'ruff check . && mypy src'", ["bash", "ruff", "mypy"]),
    ('sh -lc "uv run pytest tests/"', ["sh", "pytest"]),
    ("docker run --rm -v $PWD:/app -e A=1 img:1 python -m pytest", ["docker", "pytest"]),
    ("docker compose run --rm api pytest", ["docker", "pytest"]),
    ("if [ -f x ]; then make lint; fi", ["make"]),
    ("for f in a b; do black --check $f; done", ["black"]),
])
def test_compound_commands_are_split(script, expected):
    assert [p for p, _ in programs(script)] == expected


def test_wrappers_are_kept_in_order():
    command = read_shell("sudo uv run --with x xargs -n1 ruff check").commands[0]
    assert (command.program, command.wrappers) == ("ruff", ("sudo", "uv run", "xargs"))


@pytest.mark.parametrize(("script", "expected"), [
    ("pytest --ignore=\"tests/slow tests\" -k 'not api'", ("--ignore=tests/slow tests", "-k", "not api")),
    ("ruff check \\\n  src \\\n  tests", ("check", "src", "tests")),
    ("echo \"a $HOME b\" 'c d' e\\ f", ("a $HOME b", "c d", "e f")),
    ("pytest ${{ matrix.dir }} -m \"${{ inputs.mark }}\"", ("${{ matrix.dir }}", "-m", "${{ inputs.mark }}")),
    ("echo ${{ github.event_name == 'push' && 'a' || 'b' }}", ("${{ github.event_name == 'push' && 'a' || 'b' }}",)),
])
def test_quoting_continuations_and_github_expressions(script, expected):
    assert read_shell(script).commands[0].args == expected


def test_heredoc_bodies_are_not_commands_and_lines_are_counted():
    script = "cat <<EOF > config.yaml\nruff: not a command\nEOF\nmypy src\n"
    commands = read_shell(script).commands
    assert [(c.program, c.row) for c in commands] == [("cat", 0), ("mypy", 3)]


@pytest.mark.parametrize("script", [
    "echo " + "x" * 100_000,
    "$(" * 10_000 + "x" + ")" * 10_000,
    "a | " * 20_000 + "b",
])
def test_hostile_scripts_are_read_in_bounded_time_or_refused(script):
    started = time.perf_counter()
    read = read_shell(script)
    assert time.perf_counter() - started < 2
    assert read.refused or len(read.commands) <= 1_000


def test_a_refused_script_leaves_an_error_note(tmp_path):
    repo = Repository(write_tree(tmp_path, {"run.sh": "echo " + "x" * 100_000 + "\n",
                                            "ok.sh": "ruff check .\n"}))
    assert [c.program for c in repo.commands.at("script")] == ["ruff"]
    assert [(n.path, n.level) for n in repo.commands.notes] == [("run.sh", "error")]
    assert [p.path for p in repo.problems] == ["run.sh"]


WORKFLOW = """\
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: |
          pip install ruff
          uvx --with pre-commit-uv pre-commit run --all-files
      - if: false
        run: mypy .
      # - run: pylint src
"""


def test_workflow_commands_say_line_job_liveness_and_comments(tmp_path):
    repo = Repository(write_tree(tmp_path, {".github/workflows/ci.yml": WORKFLOW}))
    found = [(c.line, c.program, c.kind, c.job, c.live) for c in repo.commands.at("workflow", kind=None)]
    assert found == [(7, "pip", "run", "lint", True), (8, "pre-commit", "run", "lint", True),
                     (10, "mypy", "run", "lint", False), (11, "pylint", "documented", None, True)]
    assert repo.commands.at("workflow")[1].where == ".github/workflows/ci.yml:8, job lint"


def test_a_workflow_script_opening_with_a_comment_keeps_its_lines(tmp_path):
    text = ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n"
            "          # stop on syntax errors\n          flake8 . --select=E9\n")
    repo = Repository(write_tree(tmp_path, {".github/workflows/w.yml": text}))
    assert [(c.line, c.program) for c in repo.commands.at("workflow")] == [(8, "flake8")]


def test_a_folded_workflow_script_keeps_the_line_it_starts_on(tmp_path):
    text = ("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: >\n"
            "          gcloud compute instances\n          update-container vm --container-image i\n"
            "      - run: >\n          gcloud\n          info\n")
    repo = Repository(write_tree(tmp_path, {".github/workflows/w.yml": text}))
    found = [(c.line, c.program, c.args[:2]) for c in repo.commands.at("workflow")]
    assert found == [(7, "gcloud", ("compute", "instances")), (10, "gcloud", ("info",))]


def test_rejected_workflow_commands_carry_the_reason(tmp_path):
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    matrix: {p: [1]}\n    steps:\n      - run: ruff check .\n"
    repo = Repository(write_tree(tmp_path, {".github/workflows/w.yml": text}))
    assert repo.commands.at("workflow")[0].rejected == "job `a`: unexpected key `matrix`"


SITES = {
    "Dockerfile": "# to run: docker build -f trainer.dockerfile .\nFROM python:3.11\nRUN pip install -r r.txt && \\\n"
                  "    python -m compileall .\nCMD [\"uvicorn\", \"app:app\", \"--port\", \"80\"]\n"
                  "ENTRYPOINT python -m src.train\n",
    "Makefile": "lint:\n\t@ruff check $(SRC)\n\ntest: lint\n\tpytest tests\n",
    "tasks.py": "from invoke import task\n\n@task\ndef build(c):\n    c.run(f\"docker build -f {name} .\")\n",
    ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: mypy\n        entry: uv run mypy\n"
                              "        args: [src]\n",
    "scripts/train.sh": "#!/bin/bash\nset -e\npython -m src.train \"$@\"\n",
    "pyproject.toml": "[project]\nname = 'x'\n[project.scripts]\ntrain = 'x.train:main'\n",
    "README.md": "Run:\n\n```bash\n$ docker compose up --build\n```\n\n```python\nprint('no')\n```\n",
    "vertex_train.yaml": "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-t', 'eu/${PROJECT_ID}/x', '.']\n"
                         "  - name: gcr.io/google.com/cloudsdktool/cloud-sdk\n    entrypoint: bash\n"
                         "    args: ['-c', 'gcloud ai custom-jobs create --region=eu && echo done']\n",
    "tox.ini": "[tox]\nenvlist = py311\n[testenv]\ncommands = pytest tests\n[testenv:lint]\ncommands = ruff check .\n",
    "noxfile.py": "import nox\n\n@nox.session\ndef tests(session):\n    session.install('pytest')\n"
                  "    session.run('pytest', 'tests')\n",
    "justfile": "lint:\n    @ruff check {{src}}\n",
}


@pytest.mark.parametrize(("site", "expected"), [
    ("dockerfile", [(1, "docker", "documented"), (3, "pip", "run"), (3, "compileall", "run"), (5, "uvicorn", "run"),
                    (6, "src.train", "run")]),
    ("makefile", [(2, "ruff", "run"), (5, "pytest", "run")]),
    ("tasks", [(5, "docker", "run")]),
    ("pre-commit", [(5, "mypy", "run")]),
    ("script", [(2, "set", "run"), (3, "src.train", "run")]),
    ("project-script", [(4, "train", "run")]),
    ("docs", [(4, "docker", "documented")]),
    ("cloudbuild", [(2, "docker", "run"), (4, "gcloud", "run"), (4, "echo", "run")]),
    ("tox", [(4, "pytest", "run"), (6, "ruff", "run")]),
    ("nox", [(5, "pip", "run"), (6, "pytest", "run")]),
    ("just", [(2, "ruff", "run")]),
])
def test_every_site_is_read_with_lines_and_kinds(tmp_path, site, expected):
    repo = Repository(write_tree(tmp_path, SITES))
    assert [(c.line, c.program, c.kind) for c in repo.commands.at(site, kind=None)] == expected


def test_site_details_targets_tasks_and_arguments(tmp_path):
    repo = Repository(write_tree(tmp_path, SITES))
    make = repo.commands.at("makefile")
    assert [(c.job, c.args) for c in make] == [("lint", ("check", "${SRC}")), ("test", ("tests",))]
    task = repo.commands.at("tasks")[0]
    assert (task.job, task.args) == ("build", ("build", "-f", "${name}", "."))
    assert repo.commands.at("pre-commit")[0].args == ("src",)
    assert repo.commands.of("docker", kind="documented")[0].path == "Dockerfile"


def test_option_helpers():
    command = parse_commands("pytest tests/unit --ignore tests/unit/slow -k 'not gpu' --cov=src tests/api")[0]
    assert command.positionals({"--ignore", "-k"}) == ["tests/unit", "tests/api"]
    assert command.option_values("--ignore") == ["tests/unit/slow"]
    assert command.option_values("--cov") == ["src"]
    assert command.has_option("-k") and not command.has_option("-m")
    assert command.subcommand == "tests/unit"


def test_a_workflow_script_too_long_to_read_makes_ci_lint_weak_not_none(tmp_path):
    from auditor.catalog import by_id
    from auditor.engine.run import run_rule

    text = "on: push\njobs:\n  lint:\n    runs-on: x\n    steps:\n      - run: echo " + "x" * 20_000 + "\n"
    repo = Repository(write_tree(tmp_path, {".github/workflows/lint.yaml": text}))
    outcome = run_rule(by_id()["ci-lint"], repo)
    assert outcome.evidence == "weak"
    assert [(f.path, f.line, f.strength) for f in outcome.findings] == [(".github/workflows/lint.yaml", 6, "error")]


def test_entry_points_of_setup_cfg_and_setup_py_are_project_scripts(tmp_path):
    repo = Repository(write_tree(tmp_path, {
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    train = proj.train:main\n",
        "setup.py": "import setuptools\nsetuptools.setup(entry_points={'console_scripts': ['serve=proj.api:run']})\n",
    }))
    found = [(c.path, c.line, c.program, c.args) for c in repo.commands.at("project-script")]
    assert found == [("setup.cfg", 3, "train", ("proj.train:main",)), ("setup.py", 2, "serve", ("proj.api:run",))]


def test_hostile_entry_points_are_refused_in_bounded_time(tmp_path):
    nested = "[" * 3000 + "]" * 3000
    repo = Repository(write_tree(tmp_path, {
        "setup.py": "from setuptools import setup\nsetup(entry_points={'console_scripts': " + nested + "})\n",
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n" + "    x" * 100_000 + " = a:b\n",
    }))
    started = time.perf_counter()
    points = repo.entry_points
    assert time.perf_counter() - started < 5
    assert points.found == []
    assert [path for path, _, _ in points.unreadable] in (["setup.py"], [])   # [] when setup.py itself is refused


TOX = """\
[tox]
envlist = py311, lint

[testenv]
deps = pytest
commands_pre = pip --version
commands =
    # the unit tests, arguments passed through
    {envpython} -m pytest {posargs:tests} \\
        --cov=src --ignore=tests/slow
    - coverage report
commands_post = coverage xml

[testenv:lint]
commands = ruff check src
           ruff format --check src
[flake8]
max-line-length = 99
"""


def test_tox_commands_are_read_a_line_each_with_env_and_substitutions(tmp_path):
    repo = Repository(write_tree(tmp_path, {"tox.ini": TOX}))
    found = [(c.line, c.job, c.program, c.args) for c in repo.commands.at("tox")]
    assert found == [(6, "testenv", "pip", ("--version",)),
                     (9, "testenv", "pytest", ("{posargs:tests}", "--cov=src", "--ignore=tests/slow")),
                     (11, "testenv", "coverage", ("report",)),
                     (12, "testenv", "coverage", ("xml",)),
                     (15, "lint", "ruff", ("check", "src")),
                     (16, "lint", "ruff", ("format", "--check", "src"))]
    pytest = repo.commands.at("tox")[1]
    assert pytest.wrappers == ("{envpython} -m",)
    assert pytest.text == "{envpython} -m pytest {posargs:tests} --cov=src --ignore=tests/slow"
    assert pytest.where == "tox.ini:9, tox env testenv"


def test_tox_envs_in_setup_cfg_are_read_only_beside_a_tox_section(tmp_path):
    env = "[testenv]\ncommands = pytest\n"
    repo = Repository(write_tree(tmp_path, {"setup.cfg": "[tox:tox]\nenvlist = py311\n" + env,
                                            "sub/setup.cfg": env}))
    assert [(c.path, c.line, c.program) for c in repo.commands.at("tox")] == [("setup.cfg", 4, "pytest")]
    plain = Repository(write_tree(tmp_path / "plain", {"setup.cfg": "[metadata]\nname = x\n" + env}))
    assert plain.commands.at("tox") == []


NOXFILE = """\
import nox
from nox import session as nox_session

SRC = "src"


@nox.session(python=["3.11", "3.12"])
def tests(session):
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "--cov", *session.posargs)


@nox_session
def lint(s):
    s.run("uv", "run", "ruff", "check", SRC, external=True)
    s.run_always("bash", "-c", "mypy src && echo ok")


def helper(session):
    session.run("pylint", "src")
"""


def test_nox_session_calls_are_commands_with_their_session(tmp_path):
    repo = Repository(write_tree(tmp_path, {"noxfile.py": NOXFILE}))
    found = [(c.line, c.job, c.program, c.args, c.wrappers) for c in repo.commands.at("nox")]
    assert found == [(9, "tests", "pip", ("install", "-e", ".[test]"), ()),
                     (10, "tests", "pytest", ("--cov", "{posargs}"), ("python -m",)),
                     (15, "lint", "ruff", ("check", "{SRC}"), ("uv run",)),
                     (16, "lint", "bash", ("-c", "mypy src && echo ok"), ()),
                     (16, "lint", "mypy", ("src",), ("bash -c",)),
                     (16, "lint", "echo", ("ok",), ("bash -c",))]
    assert repo.commands.at("nox")[1].where == "noxfile.py:10, nox session tests"


def test_a_noxfile_without_nox_or_sessions_runs_nothing(tmp_path):
    repo = Repository(write_tree(tmp_path, {"noxfile.py": "def tests(session):\n    session.run('pytest')\n"}))
    assert repo.commands.at("nox") == []


def test_hostile_tox_and_nox_files_are_refused_in_bounded_time(tmp_path):
    repo = Repository(write_tree(tmp_path, {
        "tox.ini": "[testenv]\ncommands = pytest " + "x" * 1_000_000 + "\n    ruff check .\n",
        "sub/tox.ini": b"[testenv]\ncommands = pytest caf\xe9 \xff\xfe\n",
        "noxfile.py": "import nox\n@nox.session\ndef t(session):\n    session.run('pytest', (\n" + "(" * 5000 + "\n",
        "nested/noxfile.py": "import nox\n@nox.session\ndef t(session):\n    session.run('pytest' 'x' ,, )\n    )))\n",
    }))
    started = time.perf_counter()
    found = [(c.path, c.program) for c in repo.commands.at("tox") + repo.commands.at("nox")]
    assert time.perf_counter() - started < 5
    assert ("tox.ini", "ruff") in found and ("tox.ini", "pytest") not in found
    assert [(n.path, n.line, n.level) for n in repo.commands.notes] == [("tox.ini", 2, "error")]


@pytest.mark.parametrize(("tox_ini", "first_command"), [
    ("[testenv]\ncommands = ruff " + "a" * 1_000_000 + "\n    pytest\n", "pytest"),
    ("[testenv]\ncommands = ruff \\\n" + "  a \\\n" * 50_000 + "  b\n    pytest\n", "pytest"),
    ("[testenv]\ncommands =\n" + "    ruff check .\n" * 50_000, "ruff"),
], ids=["1 MB line", "50k continuations", "50k commands"])
def test_a_hostile_tox_value_never_reaches_the_shell_parser(tmp_path, monkeypatch, tox_ini, first_command):
    import auditor.facts.commands as commands_module
    parsed = []

    def spy(script, depth=0):
        parsed.append(len(script))
        return read_shell(script, depth)

    monkeypatch.setattr(commands_module, "read_shell", spy)
    repo = Repository(write_tree(tmp_path, {"tox.ini": tox_ini}))
    found = repo.commands.at("tox")
    assert found[0].program == first_command
    assert max(parsed) <= commands_module.MAX_LINE
    assert len(parsed) <= commands_module.MAX_PER_FILE + 1   # the one over the cap says so, the rest is not parsed
    assert [(n.path, n.level) for n in repo.commands.notes] == [("tox.ini", "error")]


JUSTFILE = """\
set shell := ["bash", "-c"]
src := "src"
alias t := test

# lint the code
lint:
    @ruff check {{src}}
    -mypy {{ src }} \\
        --strict

[group('test')]
test *args: lint
    uv run pytest {{args}}

py:
    #!/usr/bin/env python3
    import os

profile:
    #!/usr/bin/env bash
    set -e

    for f in a b; do
      python -m cProfile -o $f.prof train.py
    done
"""


def test_justfile_recipes_are_read_a_line_each_and_shell_shebang_recipes_as_one_script(tmp_path):
    repo = Repository(write_tree(tmp_path, {"justfile": JUSTFILE}))
    found = [(c.line, c.job, c.program, c.args, c.wrappers) for c in repo.commands.at("just")]
    assert found == [(7, "lint", "ruff", ("check", "{{src}}"), ()),
                     (8, "lint", "mypy", ("{{ src }}", "--strict"), ()),
                     (13, "test", "pytest", ("{{args}}",), ("uv run",)),
                     (21, "profile", "set", ("-e",), ()),
                     (24, "profile", "cProfile", ("-o", "$f.prof", "train.py"), ("python -m",))]
    assert [c.text for c in repo.commands.at("just")][:2] == ["ruff check {{src}}", "mypy {{ src }} --strict"]
    assert repo.commands.at("just")[0].where == "justfile:7, just recipe lint"


def test_a_hostile_justfile_is_refused_with_a_note(tmp_path):
    repo = Repository(write_tree(tmp_path, {"justfile": "a:\n    echo " + "x" * 100_000 + "\n    ruff check\n"
                                                        "b:\n    " + "$(" * 10_000 + "\n"}))
    started = time.perf_counter()
    assert [c.program for c in repo.commands.at("just")] == ["ruff"]
    assert time.perf_counter() - started < 5
    assert [(n.path, n.line) for n in repo.commands.notes] == [("justfile", 2), ("justfile", 5)]


INVOKED_TOX = ("[tox]\nenvlist = py311, lint\n[testenv]\ncommands = pytest\n[testenv:lint]\ncommands = ruff check .\n"
               "[testenv:docs]\ncommands = mkdocs build\n")


@pytest.mark.parametrize(("step", "expected"), [
    ("tox -e lint", ["ruff"]),
    ("tox -e py312,docs", ["pytest", "mkdocs"]),
    ("tox run -e=lint", ["ruff"]),
    ("tox", ["pytest", "ruff"]),              # the envlist
    ("tox -e ALL", ["pytest", "ruff", "mkdocs"]),
    ("tox -m ci", []),                        # labels are not followed
    ("nox", ["pytest", "ruff"]),
    ("nox -s lint", ["ruff"]),
    ("nox --session=tests-3.11", ["pytest"]),
    ("nox -s tests lint -- -x", ["pytest", "ruff"]),
    ("nox -k 'not lint'", []),                # keyword filters are not followed
    ("ruff check .", []),
])
def test_a_tox_or_nox_step_runs_the_commands_of_its_envs_and_sessions(tmp_path, step, expected):
    noxfile = ("import nox\n\n@nox.session\ndef tests(session):\n    session.run('pytest')\n\n"
               "@nox.session\ndef lint(session):\n    session.run('ruff', 'check')\n")
    repo = Repository(write_tree(tmp_path, {"tox.ini": INVOKED_TOX, "noxfile.py": noxfile}))
    command = parse_commands(step)[0]
    assert [c.program for c in repo.commands.invoked(command)] == expected


def test_a_noxfile_choosing_its_default_sessions_is_not_guessed(tmp_path):
    noxfile = "import nox\nnox.options.sessions = ['tests']\n\n@nox.session\ndef lint(session):\n    session.run('ruff')\n"
    repo = Repository(write_tree(tmp_path, {"noxfile.py": noxfile}))
    assert repo.commands.invoked(parse_commands("nox")[0]) == []
    assert [c.program for c in repo.commands.invoked(parse_commands("nox -s lint")[0])] == ["ruff"]


def test_a_tox_step_reads_the_tox_ini_of_its_working_directory(tmp_path):
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: tox -e lint\n        working-directory: ./api\n"
    repo = Repository(write_tree(tmp_path, {".github/workflows/w.yml": text, "api/tox.ini": INVOKED_TOX,
                                            "tox.ini": "[testenv:lint]\ncommands = flake8\n"}))
    step = repo.commands.at("workflow")[0]
    assert [(c.path, c.program) for c in repo.commands.invoked(step)] == [("api/tox.ini", "ruff")]


def windows_programs(script: str, dialect: str) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(line, c.program, c.args) for line, c in read_windows_script(script, dialect).commands]


@pytest.mark.parametrize(("script", "dialect", "expected"), [
    ("# python no\n<# block\npytest no #>\nruff check .", "powershell", [(4, "ruff", ("check", "."))]),
    ("& .\\venv\\Scripts\\python.exe -m pytest tests `\n  -q", "powershell", [(1, "pytest", ("tests", "-q"))]),
    ("$env:X = '1'; uv run ruff check 'src dir'", "powershell", [(1, "ruff", ("check", "src dir"))]),
    ("if ($LASTEXITCODE -ne 0) { exit 1 }", "powershell", [(1, "exit", ("1",))]),
    ("foreach ($f in $files) { ruff check $f }", "powershell", [(1, "ruff", ("check", "$f"))]),
    ("docker build -f \"a b.dockerfile\" . | Out-Null", "powershell",
     [(1, "docker", ("build", "-f", "a b.dockerfile", ".")), (1, "Out-Null", ())]),
    ("@echo off\nREM pytest no\n:: ruff no\n@REM mypy no\n:label\nECHO.done", "cmd",
     [(1, "echo", ("off",)), (6, "echo", ("done",))]),
    ("python -m pytest ^\n  tests && ruff check . & mypy src", "cmd",
     [(1, "pytest", ("tests",)), (1, "ruff", ("check", ".")), (1, "mypy", ("src",))]),
    ("if not exist \"data\" (\n  dvc pull\n)\nif \"%1\" == \"lint\" ruff check .", "cmd",
     [(2, "dvc", ("pull",)), (4, "ruff", ("check", "."))]),
    ("for %%f in (*.py) do black --check %%f", "cmd", [(1, "black", ("--check", "%%f"))]),
    ("timeout /t 5 /nobreak > nul\npause > nul", "cmd", [(1, "timeout", ("/t", "5", "/nobreak")), (2, "pause", ())]),
    ("start \"API\" cmd /k \"python -m uvicorn app:app\"", "cmd",
     [(1, "cmd", ("/k", "python -m uvicorn app:app")), (1, "uvicorn", ("app:app",))]),
    ("echo 1 ^& 2", "cmd", [(1, "echo", ("1", "&", "2"))]),
])
def test_powershell_and_cmd_scripts_are_read_by_lines(script, dialect, expected):
    assert windows_programs(script, dialect) == expected


def test_windows_scripts_are_script_sites_and_a_hostile_line_is_refused_with_a_note(tmp_path):
    repo = Repository(write_tree(tmp_path, {"run.ps1": "uv run pytest\n", "front/api.bat": "@echo off\npython -m uvicorn a:b\n",
                                            "x.cmd": "ruff " + "a" * 200_000 + "\nmypy .\n"}))
    start = time.perf_counter()
    found = [(c.path, c.line, c.program) for c in repo.commands.at("script")]
    assert time.perf_counter() - start < 5
    assert ("run.ps1", 1, "pytest") in found and ("front/api.bat", 2, "uvicorn") in found and ("x.cmd", 2, "mypy") in found
    assert not any(p == "x.cmd" and program == "ruff" for p, _, program in found)
    assert any(n.path == "x.cmd" and n.line == 1 for n in repo.commands.notes)


def test_just_recipes_are_named_with_their_header_lines_bodiless_ones_too(tmp_path):
    repo = Repository(write_tree(tmp_path, {"justfile": JUSTFILE + "\nall: lint test\n@quiet:\n    echo hi\n"}))
    assert [(r.line, r.name) for r in repo.commands.recipes()] == [
        (6, "lint"), (12, "test"), (15, "py"), (19, "profile"), (27, "all"), (28, "quiet")]


@pytest.mark.parametrize(("makefile", "expected"), [
    ("train:\n\tpython train.py\n", [(1, "train")]),
    ("all: lint test\nlint:\n\truff check .\n", [(1, "all"), (2, "lint")]),
    (".PHONY: train test\ntrain:\n\tpython train.py\n", [(2, "train")]),
    ("%.o: %.c\n\tcc -c $<\n$(BUILD): src\n\tmkdir $@\n", []),
    ("SRC := src\nX ::= y\nY = a:b\nZ ?= 1\nexport PATH := bin:$(PATH)\n", []),
    ("test: ; pytest tests\n", [(1, "test")]),
    ("build deploy: image\n\tdocker push x\n", [(1, "build"), (1, "deploy")]),
    ("clean::\n\trm -rf build\nclean::\n\trm -rf dist\n", [(1, "clean"), (3, "clean")]),
    ("test: PYTEST_ARGS = -x\ntest:\n\tpytest $(PYTEST_ARGS)\n", [(2, "test")]),
    ("define HELP\nusage: make train\n\tnot: a recipe\nendef\ntrain:\n\tpython t.py\n", [(5, "train")]),
    ("# train: in a comment\n\tnot-a-target: x\n", []),
])
def test_makefile_targets_are_recipes_with_their_header_lines(tmp_path, makefile, expected):
    repo = Repository(write_tree(tmp_path, {"Makefile": makefile}))
    assert [(r.line, r.name) for r in repo.commands.recipes("makefile")] == expected
    assert repo.commands.recipes() == []   # the justfiles' recipes: none


def test_a_hostile_makefile_line_is_read_in_linear_time(tmp_path):
    long_lines = "a" + " " * 100_000 + "b\n" + "train" + " " * 100_000 + ": x\n\tpython t.py\n"
    repo = Repository(write_tree(tmp_path, {"Makefile": long_lines + "export " * 20_000 + "\n"}))
    started = time.perf_counter()
    assert [r.name for r in repo.commands.recipes("makefile")] == ["train"]
    assert time.perf_counter() - started < 2


def test_makefile_inline_recipes_and_define_blocks(tmp_path):
    makefile = ("test: ; @pytest tests\ndefine SCRIPT\nfoo:\n\trm -rf /\nendef\nX ::= y\n\tnot-run\n"
                "lint:\n\truff check .\n")
    repo = Repository(write_tree(tmp_path, {"Makefile": makefile}))
    assert [(c.line, c.job, c.program, c.args) for c in repo.commands.at("makefile")] == [
        (1, "test", "pytest", ("tests",)), (9, "lint", "ruff", ("check", "."))]


def test_a_makefile_continuation_before_a_blank_line_ends_its_command(tmp_path):
    makefile = "deploy:\n\tgcloud run deploy app \\\n\t\t--region eu \\\n\nbuild:\n\tdocker build -t app .\n"
    repo = Repository(write_tree(tmp_path, {"Makefile": makefile}))
    assert [(c.line, c.job, c.program) for c in repo.commands.at("makefile")] == [
        (2, "deploy", "gcloud"), (6, "build", "docker")]


FACTOR_TOX = """\
[tox]
envlist = py{310,311}-{unit,lint}, docs

[testenv]
commands =
    unit: pytest tests/unit
    lint: ruff check .
    py311-lint: mypy src
    !lint: coverage report
    py{310,311}-unit: python -m pytest --doctest-modules src
    {env:PYTHON:python} -m build

[testenv:docs]
commands = mkdocs build

[testenv:gpu{,-cuda}]
commands = pytest tests/gpu
"""


@pytest.mark.parametrize(("step", "expected"), [
    ("tox -e py310-lint", ["ruff", "build"]),
    ("tox -e py311-lint", ["ruff", "mypy", "build"]),
    ("tox -e py311-unit", ["pytest", "coverage", "pytest", "build"]),
    ("tox -e py{310,311}-lint", ["ruff", "mypy", "build"]),
    ("tox -e docs", ["mkdocs"]),
    ("tox -e gpu-cuda", ["pytest"]),
    ("tox -e lint", ["ruff", "build"]),
    ("tox", ["pytest", "ruff", "mypy", "coverage", "pytest", "build", "mkdocs"]),
])
def test_tox_env_names_are_expanded_and_factor_conditional_lines_run_only_where_their_factors_hold(
        tmp_path, step, expected):
    repo = Repository(write_tree(tmp_path, {"tox.ini": FACTOR_TOX}))
    assert [c.program for c in repo.commands.invoked(parse_commands(step)[0])] == expected


def test_a_factor_conditional_tox_line_keeps_its_condition_and_loses_its_prefix(tmp_path):
    repo = Repository(write_tree(tmp_path, {"tox.ini": FACTOR_TOX}))
    found = [(c.line, c.condition, c.program, c.text) for c in repo.commands.at("tox")][:3]
    assert found == [(6, "unit", "pytest", "pytest tests/unit"), (7, "lint", "ruff", "ruff check ."),
                     (8, "py311-lint", "mypy", "mypy src")]
    build = repo.commands.at("tox")[5]
    assert (build.condition, build.program, build.args) == (None, "build", ())


@pytest.mark.parametrize(("expression", "expected"), [
    ("py{310,311}-{unit,lint}", ["py310-unit", "py310-lint", "py311-unit", "py311-lint"]),
    ("py311, lint\n  docs", ["py311", "lint", "docs"]),
    ("gpu{,-cuda}", ["gpu", "gpu-cuda"]),
    ("{" + ",".join("abcdefghijklmnop") + "}" * 1 + "-{" + ",".join("abcdefghijklmnopqrstuvwxyz") + "}", None),
])
def test_tox_env_name_expansion_is_bounded(expression, expected):
    from auditor.facts.tox_envs import MAX_NAMES, env_names
    names = env_names(expression)
    assert names == expected if expected is not None else len(names) == MAX_NAMES


@pytest.mark.parametrize(("condition", "factors", "holds"), [
    ("lint", {"py311", "lint"}, True), ("lint", {"py311"}, False), ("py310,py311", {"py311"}, True),
    ("py311-lint", {"py311"}, False), ("!lint", {"py311"}, True), ("!lint", {"lint"}, False),
    ("py{310,311}-unit", {"py310", "unit"}, True), (None, set(), True),
])
def test_tox_factor_conditions(condition, factors, holds):
    from auditor.facts.tox_envs import condition_holds
    assert condition_holds(condition, factors) is holds


@pytest.mark.parametrize("script", ["ruff check .\n" * 5_000, ("x " * 4_000 + "\n") * 100, "{" * 9_999, "cmd /c " * 1_400 + "ruff",
                                    "\"" * 100_000, "a `\n" * 100_000], ids=["many lines", "many words", "braces",
                                                                          "nested cmd", "quotes", "continuations"])
@pytest.mark.parametrize("dialect", ["cmd", "powershell"])
def test_hostile_windows_scripts_are_read_within_their_caps(script, dialect):
    from auditor.facts.shell import MAX_COMMANDS, MAX_WORDS
    read = read_windows_script(script, dialect)
    assert len(read.commands) <= MAX_COMMANDS
    assert all(len(c.args) < MAX_WORDS for _, c in read.commands)
    if script.startswith("ruff check"):
        assert len(read.commands) == MAX_COMMANDS and read.refused[0][1].startswith("more than")



@pytest.mark.parametrize(("instruction", "intended"), [
    ('ENTRYPOINT ["make", "train]', ("make", ("train",))),                        # a closing quote missing
    ('CMD ["python", "-u", "src/train.py"', ("python", ("-u", "src/train.py"))),   # the closing bracket missing
    ("CMD ['python', '-c', 'print(1, 2)']", ("python", ("-c", "print(1, 2)"))),    # single quotes, a comma inside
    ("ENTRYPOINT [python, train.py]", ("python", ("train.py",))),                  # no quotes
    ("ENTRYPOINT ['train.sh']", ("train.sh", ())),
])
def test_an_exec_form_that_is_not_json_is_read_as_docker_does_and_as_the_array_meant(tmp_path, instruction,
                                                                                      intended):
    repo = Repository(write_tree(tmp_path, {"train.dockerfile": f"FROM python:3.11\n{instruction}\n"}))
    commands = repo.commands.at("dockerfile")
    assert intended in [(c.program, c.args) for c in commands]
    assert all(c.line == 2 and "not a valid JSON array" in (c.malformed or "") for c in commands)
    assert all(c.malformed.startswith("train.dockerfile:2: `") for c in commands)
    assert not repo.commands.notes   # the file was read: no unreadable-file problem, the rule finding says it


@pytest.mark.parametrize(("text", "expected"), [
    ('CMD ["uvicorn", "app:app"]\n', [(2, "uvicorn", ("app:app",))]),                    # valid exec form
    ('ENTRYPOINT ["sh", "-c", "dvc pull && \\\n  python train.py"]\n', [(2, "sh", ("-c", "dvc pull && python train.py")),
                                                                        (2, "dvc", ("pull",)), (2, "python", ("train.py",))]),
    ("RUN [ -f data.csv ] || echo missing\n", [(2, "echo", ("missing",))]),            # a shell test, not an array
    ('RUN [ "$MODE" = train ] && make train\n', [(2, "make", ("train",))]),
    ('RUN [ -n "$X" ]\n', []),
    ("RUN pip install . && \\\n    python -m compileall .\n", [(2, "pip", ("install", ".")), (2, "compileall", (".",))]),
    ('RUN <<EOF\n["make", "train]\nEOF\nCMD ["serve"]\n', [(5, "serve", ())]),       # a heredoc body stays out
])
@pytest.mark.parametrize("header", ["", "# syntax=docker/dockerfile:1\n", "# escape=\\\n"])
def test_valid_exec_forms_shell_tests_continuations_and_heredocs_are_not_broken_arrays(tmp_path, header, text,
                                                                                       expected):
    repo = Repository(write_tree(tmp_path, {"Dockerfile": f"{header}FROM python:3.11\n{text}"}))
    shift = header.count("\n")
    commands = [c for c in repo.commands.at("dockerfile") if c.program not in ("[", "test")]
    assert [(c.line - shift, c.program, c.args) for c in commands] == expected
    assert not any(c.malformed for c in commands) and not repo.commands.notes


def test_a_hostile_malformed_exec_form_is_read_in_bounded_time(tmp_path):
    text = "FROM python:3.11\nENTRYPOINT [" + '"a", "b' * 20_000 + "\nCMD [" + "x, " * 40_000 + "\n"
    repo = Repository(write_tree(tmp_path, {"Dockerfile": text}))
    started = time.perf_counter()
    commands = repo.commands.at("dockerfile")
    assert time.perf_counter() - started < 2
    assert not any(c.malformed for c in commands)
    assert repo.commands.notes and all("was not read" in n.message for n in repo.commands.notes)


@pytest.mark.parametrize(("rows", "continuation", "expected"), [
    ([(1, "ruff check \\"), (2, "src")], "\\", [(1, "ruff check  src")]),
    ([(1, "# ruff check"), (2, "pytest")], "\\", [(2, "pytest")]),
    ([(1, "pytest \\"), (2, "# -k slow"), (3, "")], "\\", [(1, "pytest  # -k slow")]),   # a comment inside is joined
    ([(1, "ruff `"), (2, "check"), (3, ""), (4, "mypy")], "`", [(1, "ruff  check"), (4, "mypy")]),
    ([(1, "pytest ^")], "^", [(1, "pytest  ")]),   # a continuation that never ends is still a line
])
def test_continued_lines_join_continuations_and_leave_out_comments_and_blanks(rows, continuation, expected):
    assert list(continued_lines(rows, continuation, lambda row: row.startswith("#"))) == expected


@pytest.mark.parametrize("markdown, blocks", [
    ("```bash\npip install x\n```\n", [(2, "pip install x")]),
    ("~~~\n$ dvc pull\n~~~\n", [(2, "dvc pull")]),
    ("````sh\nmake a\n```\nmake b\n````\n", [(2, "make a\n```\nmake b")]),            # a shorter fence does not close
    ("```--- question 1 fill here ---```\n\n```markdown\n![x](figures/a.png)\n```\n\nprose\n\n```bash\nuv sync\n```\n",
     [(10, "uv sync")]),                                                                  # the template's inline code
    ("```python\nimport os\n```markdown\nstill python\n```\n```\nls\n```\n", [(7, "ls")]),  # an info string never closes
    ("```bash\nunclosed\n", [(2, "unclosed")]),
], ids=["bash", "tildes", "longer fence", "template inline code", "info string", "unclosed"])
def test_fenced_shell_blocks_are_read_as_commonmark_reads_fences(markdown, blocks):
    from auditor.facts.commands import fenced_shell_blocks
    assert list(fenced_shell_blocks(markdown)) == blocks
