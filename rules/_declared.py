"""Where a package is declared: the dependency facts, and conda environment files under other names.

Groups export conda environments under any name (`exe_req.yaml`, `env_gpu.yml`); a package
listed only there is still declared, and a weak sign that the group meant to use it.
"""

from __future__ import annotations

import re

from auditor.facts import dependencies as deps

CONDA_KEYS = re.compile(r"^(channels|dependencies)\s*:", re.MULTILINE)


def declared(repo, *names: str) -> deps.Dependency | None:
    found = repo.dependency(*names)
    if found is not None:
        return found
    wanted = {deps.normalize(n) for n in names}
    known = {d.path for d in repo.dependencies}
    for path in repo.glob("*.yaml", "*.yml", "**/*env*.y*ml", "**/*req*.y*ml"):
        if path in known or path.startswith(".github/"):
            continue
        text = repo.text(path).text or ""
        if len(CONDA_KEYS.findall(text)) < 2:
            continue
        for dep in deps._from_conda(repo, path):
            if dep.name in wanted:
                return dep
    return None
