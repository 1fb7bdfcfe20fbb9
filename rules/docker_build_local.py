"""Traces of building the Dockerfiles locally: build commands in tasks, Makefile, docs or compose."""

import re

from auditor.model import Finding

BUILD = re.compile(r"docker(-|\s+)compose\b.*\b(build|up)\b|docker\s+(buildx\s+)?build\b|docker_build|docker\.build", re.I)
WHERE = ("tasks.py", "Makefile", "**/*.md", "**/*.sh", "**/*.mk", "justfile", "**/*.ps1", "**/*.bat", "**/*.rst",
         "pyproject.toml", "**/*.txt")


def probe(repo, dockerfiles):
    if not dockerfiles:
        return
    hits = [h for h in repo.grep(BUILD, *WHERE, limit=6) if not h.path.startswith(".github/")]
    for hit in hits[:3]:
        yield Finding(hit.path, hit.line, f"build command `{hit.text[:80]}` in {hit.path}:{hit.line}")
    for path in repo.glob("**/docker-compose*.y*ml", "**/compose*.y*ml"):
        content = repo.text(path).text or ""
        if re.search(r"^\s*build\s*:", content, re.M):
            yield Finding(path, None, f"{path} builds images with compose")
    yield Finding(dockerfiles[0], None, f"{len(dockerfiles)} Dockerfile(s); a local build leaves no other trace", "weak")
