"""Signature paths of a known project template (mlops_template or cookiecutter-data-science), at
the repository's root or in the one folder the template was rendered into (`<repo>/<project>/`)."""

from auditor.facts.template import signature_paths
from auditor.model import Finding

# a folder holding one of these directly is a project root the template may have been rendered into
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "Makefile", "tasks.py", "requirements.txt")
MAX_PROJECT_FOLDERS = 8


def probe(files):
    folder, best_name, best = max(_signatures_per_root(files), key=lambda found: len(found[2]))
    count = len(best)
    if count < 2:
        return
    strength = "strong" if count >= 4 else "weak"
    labels = ", ".join(best)
    first = folder + next(iter(best.values()))
    inside = f" in the project folder {folder}" if folder else ""
    yield Finding(first, None, f"{count} signature paths of {best_name}{inside}: {labels}", strength)


def _signatures_per_root(files):
    """(folder, template, signatures) for the root and for each top-level folder that is a project root."""
    for folder in ["", *_project_folders(files)]:
        paths = [p[len(folder):] for p in files if p.startswith(folder)] if folder else files
        for name, found in signature_paths(paths).items():
            yield folder, name, found


def _project_folders(files) -> list[str]:
    """Top-level folders holding a project marker directly (`proj/pyproject.toml`)."""
    folders = []
    for path in files:
        top, _, rest = path.partition("/")
        if rest in PROJECT_MARKERS and not top.startswith(".") and f"{top}/" not in folders:
            folders.append(f"{top}/")
    return folders[:MAX_PROJECT_FOLDERS]
