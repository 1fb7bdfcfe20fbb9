"""The dependency fact (every declaration with file, line and group) and the Git LFS fact."""

from __future__ import annotations

import pytest

from auditor.engine.patterns import unused_tail
from auditor.facts import Repository
from auditor.model import Finding
from conftest import write_tree

PYPROJECT = """[project]
name = "proj"
dependencies = ["torch>=2", "hydra-core"]
dynamic = ["optional-dependencies"]

[project.optional-dependencies]
serve = ["fastapi"]

[dependency-groups]
dev = ["pytest"]

[tool.poetry.dependencies]
python = "^3.11"
typer = "*"

[tool.poetry.group.lint.dependencies]
ruff = "*"
"""

DYNAMIC = """[project]
name = "proj"
dynamic = ["dependencies"]

[tool.setuptools.dynamic]
dependencies = {file = ["deps/base.txt"]}
"""

CONDA = """name: proj
dependencies:
  - python=3.11
  - conda-forge::pytorch
  - pip:
    - wandb==0.16
"""

SETUP_PY = """from setuptools import find_packages, setup

REQUIRED = [
    "torch>=2.1",
    'numpy',
]
EXTRAS = {"dev": ["pytest>=8"],
          "docs": ["mkdocs"]}

setup(name="proj", packages=find_packages(),
      install_requires=REQUIRED + ["typer"],  # the CLI
      extras_require=EXTRAS,
      tests_require=("coverage",))
"""

SETUP_PY_NOT_DECLARING = """import setuptools
NOT_A_LIST = ["requests"]
with open("requirements.txt") as handle:
    requirements = handle.read().splitlines()
description = "install_requires = ['numpy']"
setuptools.setup(install_requires=requirements, setup_requires=["wheel"], extras_require={"x": f"{NOT_A_LIST}"})
"""

CASES = [
    ("requirements.txt", {"requirements.txt": "# pinned\nnumpy==1.26\n\nwandb  # logging\n"},
     [("numpy", "requirements.txt", 2, "main"), ("wandb", "requirements.txt", 4, "main")]),
    ("requirements in any folder, dev by name", {"app/requirements_dev.txt": "pytest\n"},
     [("pytest", "app/requirements_dev.txt", 1, "dev")]),
    ("-r includes a file under another name", {"requirements.txt": "-r deps/base.txt\nfastapi\n", "deps/base.txt": "torch\n"},
     [("fastapi", "requirements.txt", 2, "main"), ("torch", "deps/base.txt", 1, "main")]),
    ("pyproject PEP 621, extras, groups, poetry", {"pyproject.toml": PYPROJECT},
     [("torch", "pyproject.toml", 3, "main"), ("hydra-core", "pyproject.toml", 3, "main"),
      ("fastapi", "pyproject.toml", 7, "extra"), ("pytest", "pyproject.toml", 10, "dev"),
      ("typer", "pyproject.toml", 14, "main"), ("ruff", "pyproject.toml", 17, "dev")]),
    ("pyproject dynamic dependencies read from a requirements file", {"pyproject.toml": DYNAMIC, "deps/base.txt": "torch\n"},
     [("torch", "deps/base.txt", 1, "main")]),
    ("environment.yml in a folder: conda and pip sections", {"envs/environment.yml": CONDA},
     [("python", "envs/environment.yml", 3, "conda"), ("pytorch", "envs/environment.yml", 4, "conda"),
      ("wandb", "envs/environment.yml", 6, "conda")]),
    ("Pipfile: packages and dev-packages", {"Pipfile": "[packages]\nrequests = \"*\"\n\n[dev-packages]\npytest = \"*\"\n"},
     [("requests", "Pipfile", 2, "main"), ("pytest", "Pipfile", 5, "dev")]),
    ("a broken Pipfile declares nothing, no traceback", {"Pipfile": "[packages\nrequests = "}, []),
    ("setup.py install_requires, a bound name, extras and tests_require", {"setup.py": SETUP_PY},
     [("torch", "setup.py", 4, "main"), ("numpy", "setup.py", 5, "main"), ("typer", "setup.py", 11, "main"),
      ("pytest", "setup.py", 7, "extra"), ("mkdocs", "setup.py", 8, "extra"), ("coverage", "setup.py", 13, "dev")]),
    ("setup.py: requirements read from a file at run time, a setup_requires, strings outside setup() are no declaration",
     {"setup.py": SETUP_PY_NOT_DECLARING}, []),
    ("a setup.py that does not parse declares nothing, no traceback",
     {"setup.py": "from setuptools import setup\nsetup(install_requires=['torch', \n"}, []),
    ("setup.cfg install_requires", {"setup.cfg": "[options]\ninstall_requires =\n    click>=8\n"},
     [("click", "setup.cfg", 3, "main")]),
    ("setup.cfg extras and tests_require in their groups; flake8 settings are no declaration",
     {"setup.cfg": "[flake8]\nmax-line-length = 100\n[options]\ninstall_requires = typer, rich\n"
                   "tests_require =\n    pytest  # runner\n[options.extras_require]\nserve =\n    fastapi\n"},
     [("typer", "setup.cfg", 4, "main"), ("rich", "setup.cfg", 4, "main"), ("pytest", "setup.cfg", 6, "dev"),
      ("fastapi", "setup.cfg", 9, "extra")]),
    ("a setup.cfg that does not parse declares nothing, no traceback", {"setup.cfg": "install_requires = torch\n"}, []),
    ("setup.cfg: a requirement's line is found inside its key, not where the name is first mentioned",
     {"setup.cfg": "[metadata]\ndescription = torch models\n[options]\ninstall_requires =\n    # pinned\n    torch>=2\n"},
     [("torch", "setup.cfg", 6, "main")]),
    ("setup.cfg with invalid UTF-8, duplicate keys and a 1 MB line: no traceback",
     {"setup.cfg": b"[options]\ninstall_requires = caf\xe9\ninstall_requires = torch\nx = " + b"y" * 1_000_000 + b"\n"},
     [("torch", "setup.cfg", 3, "main")]),
    ("a wandb run's copy of the environment is not a declaration of the project",
     {"wandb/run-20240101_000000-abc/files/requirements.txt": "torch==2.1\n", "requirements.txt": "numpy\n"},
     [("numpy", "requirements.txt", 1, "main")]),
    ("an include cycle and an include outside the repository end", {"requirements.txt": "-r requirements.txt\n-r ../../etc/passwd\nnumpy\n"},
     [("numpy", "requirements.txt", 3, "main")]),
    ("broken pyproject: nothing declared, no traceback", {"pyproject.toml": "[project\ndependencies = ["},
     []),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_declaration_with_file_line_and_group(tmp_path, files, expected):
    repo = Repository(write_tree(tmp_path, files))
    assert [(d.name, d.path, d.line, d.group) for d in repo.dependencies] == expected


def test_declared_also_finds_conda_environments_under_other_names(tmp_path):
    repo = Repository(write_tree(tmp_path, {"exe_req.yaml": CONDA, "requirements.txt": "numpy\n"}))
    assert repo.dependency("wandb") is None
    found = repo.declared("wandb", "comet-ml")
    assert (found.name, found.path, found.line, found.group) == ("wandb", "exe_req.yaml", 6, "conda")
    assert repo.declared("numpy").path == "requirements.txt"
    assert repo.declared("k6") is None


UV_LOCK = """version = 1

[[package]]
name = "Torch"
version = "2.1.0"
dependencies = [
    { name = "filelock" },
]

[package.optional-dependencies]
name = "not-a-package"

[[package]]
name = "filelock"
version = "3.13"
"""

POETRY_LOCK = """[[package]]
name = "numpy"
version = "1.26.0"

[metadata]
name = "not-a-package"
"""


@pytest.mark.parametrize("files, expected", [
    ({"uv.lock": UV_LOCK}, [("torch", "uv.lock", 4, "lock"), ("filelock", "uv.lock", 14, "lock")]),
    ({"backend/poetry.lock": POETRY_LOCK}, [("numpy", "backend/poetry.lock", 2, "lock")]),
    ({"uv.lock": b"\xff\xfe\x00broken"}, []),
], ids=["uv.lock", "poetry.lock in a folder", "unreadable lock file"])
def test_lock_files_are_read_apart_from_the_declarations(tmp_path, files, expected):
    repo = Repository(write_tree(tmp_path, files))
    assert [(d.name, d.path, d.line, d.group) for d in repo.locked_dependencies] == expected
    assert repo.dependencies == [] and repo.declared("torch", "numpy") is None


LFS_CASES = [
    ("root .gitattributes", {".gitattributes": "*.pt filter=lfs diff=lfs merge=lfs -text\n*.py text\n"},
     [("*.pt", ".gitattributes", 1)]),
    ("nested .gitattributes, several patterns", {"models/.gitattributes": "*.ckpt filter=lfs\n\n*.onnx filter=lfs -text\n"},
     [("*.ckpt", "models/.gitattributes", 1), ("*.onnx", "models/.gitattributes", 3)]),
    ("a commented-out LFS line is not tracked", {".gitattributes": "# *.pt filter=lfs\n"}, []),
    ("no .gitattributes", {"README.md": "filter=lfs\n"}, []),
    ("binary .gitattributes", {".gitattributes": b"\x00\xff filter=lfs"}, []),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in LFS_CASES], ids=[c[0] for c in LFS_CASES])
def test_lfs_patterns(tmp_path, files, expected):
    repo = Repository(write_tree(tmp_path, files))
    assert [(p.pattern, p.path, p.line) for p in repo.lfs_patterns] == expected


@pytest.mark.parametrize("found, expected", [
    ([], ["`wandb` declared as a dependency in requirements.txt:1, but never used"]),
    ([Finding("a.py", 3, "weak hint", "weak")], ["`wandb` declared as a dependency in requirements.txt:1, but never used"]),
    ([Finding("a.py", 3, "wandb.init", "strong")], []),
], ids=["nothing else", "a weak hint", "a strong finding"])
def test_only_declared_step_adds_a_weak_finding_when_nothing_is_strong(tmp_path, found, expected):
    repo = Repository(write_tree(tmp_path, {"requirements.txt": "wandb\n"}))
    step = {"declared": ["wandb"], "but": ", but never used"}
    added = unused_tail(step, found, repo)
    assert [f.message for f in added] == expected
    assert all(f.strength == "weak" and (f.path, f.line) == ("requirements.txt", 1) for f in added)
    assert unused_tail(None, [], repo) == []


@pytest.mark.parametrize("code, uncalled, expected", [
    ("import wandb\n", True, ["wandb imported in a.py:1"]),
    ("import wandb\nwandb.login()\n", True, []),
    ("from wandb import login\nlogin()\n", True, []),
    ("import wandb\nwandb.login()\n", False, ["wandb imported in a.py:1"]),
], ids=["imported only", "a call into it", "a call of a name imported from it", "uncalled not asked"])
def test_unused_step_uncalled_keeps_only_a_module_calling_nothing_from_the_package(tmp_path, code, uncalled, expected):
    repo = Repository(write_tree(tmp_path, {"a.py": code}))
    step = {"imports": ["wandb"], "imported": "{name} imported in {where}", "uncalled": uncalled, "scope": "all"}
    assert [f.message for f in unused_tail(step, [], repo)] == expected


@pytest.mark.parametrize("found, expected", [
    ([], ["only a mention: `We watch the API with Cloud Monitoring.` in README.md:2"]),
    ([Finding("a.py", 3, "a monitoring client", "strong")], []),
], ids=["nothing strong", "a strong finding"])
def test_unused_step_mentioned_adds_the_first_matching_line_when_nothing_is_strong(tmp_path, found, expected):
    repo = Repository(write_tree(tmp_path, {"README.md": "# proj\nWe watch the API with Cloud Monitoring.\n",
                                            "src/notes.md": "cloud monitoring\n"}))
    step = {"mentioned": {"grep": "cloud monitoring", "in": ["README.md"]}}
    assert [f"{f.message} {f.strength}" for f in unused_tail(step, found, repo)] == [e + " weak" for e in expected]


# The line naming a requirement, as each line is read on its own: whole-file search of an ASCII
# file gives the same line (line breaks of every kind splitlines knows, names at line starts and ends).
MENTIONS = [
    ("dependencies:\n  - torch>=2\n  - pip:\n    - wandb\n", "wandb", 4),
    ("a\r\nb\rtorch\x0cwandb==1\n", "wandb", 4),
    ("torchvision\ntorch\n", "torch", 2),
    ("# torch\n", "torch", 1),
    ("conda-forge::torch\n", "torch", 1),
    ("x:torch\n", "torch", None),
    ("'torch'\n", "torch", 1),
    ("torch", "Torch", 1),
    ("pytorch\n", "torch", None),
    ("café\ntorch\n", "torch", 2),                 # not ASCII: read line by line
    ("", "torch", None),
]


@pytest.mark.parametrize("text,name,line", MENTIONS)
def test_the_line_mentioning_a_requirement(text, name, line):
    from auditor.facts.dependencies import _line_mentioning, _mentions

    assert _line_mentioning(text, name) == line
    by_line = next((n for n, l in enumerate(text.splitlines(), 1) if _mentions(" " + l, name, name.lower())), None)
    assert by_line == line
