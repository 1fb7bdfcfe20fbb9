"""Where a package is declared: the dependency facts, and conda environment files under other names.

Groups export conda environments under any name (`exe_req.yaml`, `env_gpu.yml`); a package
listed only there is still declared, and a weak sign that the group meant to use it.
"""

from __future__ import annotations

from auditor.facts import dependencies as deps
from auditor.model import Finding
from auditor.rules._workflows import place


def declared(repo, *names: str) -> deps.Dependency | None:
    """The first declaration of one of `names`: dependency files first, then conda environments under other names."""
    found = repo.dependency(*names)
    if found is not None:
        return found
    wanted = {deps.normalize(n) for n in names}
    return next((d for d in deps.conda_environments_elsewhere(repo) if d.name in wanted), None)


def only_declared(dep: deps.Dependency, but: str = "") -> Finding:
    """The weak finding for a package that is declared and nothing more: "`wandb` declared as a dependency in
    requirements.txt:3" followed by `but` (", but never used")."""
    return Finding(dep.path, dep.line, f"`{dep.name}` declared as a dependency in {place(dep.path, dep.line)}{but}", "weak")
