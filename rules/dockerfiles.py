"""Dockerfiles with a FROM line; a compose file alone is weak."""

import re

from auditor.model import Finding
from auditor.rules._code import dockerfile_paths

FROM = re.compile(r"^\s*FROM\s+\S+", re.IGNORECASE | re.MULTILINE)


def probe(repo, dockerfiles):
    dockerfiles = dockerfile_paths(repo, dockerfiles)
    for path in dockerfiles:
        content = repo.text(path)
        if content.error:
            yield Finding(path, None, f"{path} {content.error}", "error")
            continue
        match = FROM.search(content.text or "")
        if match:
            line = (content.text or "").count("\n", 0, match.start()) + 1
            yield Finding(path, line, f"`{match.group(0).strip()}` in {path}:{line}")
        else:
            yield Finding(path, None, f"{path} has no FROM line", "weak")
    if not dockerfiles:
        for path in repo.glob("**/docker-compose*.y*ml", "**/compose*.y*ml"):
            yield Finding(path, None, f"{path}: a compose file without a Dockerfile", "weak")
