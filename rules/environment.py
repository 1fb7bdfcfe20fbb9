"""A dependency specification that recreates the environment."""

from auditor.model import Finding

SPEC_FILES = ("requirements*.txt", "requirements/*.txt", "environment.y*ml", "conda*.y*ml", "uv.lock",
              "poetry.lock", "Pipfile", "Pipfile.lock", "setup.cfg", "pdm.lock", "pixi.toml")


def probe(repo, dependencies):
    for path in repo.glob(*SPEC_FILES)[:3]:
        yield Finding(path, None, f"{path} specifies the environment")
    in_pyproject = [d for d in dependencies if d.path == "pyproject.toml"]
    if in_pyproject:
        yield Finding("pyproject.toml", in_pyproject[0].line, f"pyproject.toml declares {len(in_pyproject)} dependencies")
    for path in repo.glob(".python-version", ".tool-versions", ".devcontainer/devcontainer.json"):
        yield Finding(path, None, f"{path} pins the interpreter only", "weak")
