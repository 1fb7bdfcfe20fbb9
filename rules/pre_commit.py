"""A pre-commit configuration with at least one repo and hook, at the repository's root or in the
project folder the template was rendered into (`proj/.pre-commit-config.yaml`)."""

from auditor.model import Finding

CONFIGS = (".pre-commit-config.yaml", ".pre-commit-config.yml")


def probe(repo):
    for path in repo.glob(*CONFIGS) or _in_project_folders(repo):
        parsed = repo.yaml(path)
        if parsed.error:
            yield Finding(path, None, f"{path}: {parsed.error}", "error")
            continue
        repos = parsed.data.get("repos") if isinstance(parsed.data, dict) else None
        hooks = [h.get("id") for r in (repos or []) if isinstance(r, dict) for h in (r.get("hooks") or []) if isinstance(h, dict)]
        if hooks:
            yield Finding(path, 1, f"{path} runs {len(hooks)} hook(s): {', '.join(str(h) for h in hooks[:6])}")
        else:
            yield Finding(path, 1, f"{path} has no hooks", "weak")


def _in_project_folders(repo) -> list[str]:
    return repo.glob(*(f"{folder}{name}" for folder in repo.project_folders for name in CONFIGS))
