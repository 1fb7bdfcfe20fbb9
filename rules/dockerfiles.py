"""Dockerfiles with a FROM line; a compose file alone is weak."""

from auditor.model import Finding


def probe(docker, compose_files):
    for dockerfile in docker:
        path = dockerfile.path
        if dockerfile.error:
            yield Finding(path, None, f"{path} {dockerfile.error}", "error")
            continue
        base = next((i for i in dockerfile.all("FROM") if i.arguments), None)
        if base:
            yield Finding(path, base.line, f"`{' '.join(base.text.split()[:2])}` in {path}:{base.line}")
        else:
            yield Finding(path, None, f"{path} has no FROM line", "weak")
    if not docker:
        for path in compose_files:
            yield Finding(path, None, f"{path}: a compose file without a Dockerfile", "weak")
