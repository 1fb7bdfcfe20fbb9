"""Signature paths of a known project template (mlops_template or cookiecutter-data-science), at
the repository's root or in the one folder the template was rendered into (`<repo>/<project>/`)."""

from auditor.facts.template import signature_paths
from auditor.model import Finding


def probe(files, project_folders):
    folder, best_name, best = max(_signatures_per_root(files, project_folders), key=lambda found: len(found[2]))
    count = len(best)
    if count < 2:
        return
    strength = "strong" if count >= 4 else "weak"
    labels = ", ".join(best)
    first = folder + next(iter(best.values()))
    inside = f" in the project folder {folder}" if folder else ""
    yield Finding(first, None, f"{count} signature paths of {best_name}{inside}: {labels}", strength)


def _signatures_per_root(files, project_folders):
    """(folder, template, signatures) for the root and for each top-level folder that is a project root."""
    for folder in ["", *project_folders]:
        paths = [p[len(folder):] for p in files if p.startswith(folder)] if folder else files
        for name, found in signature_paths(paths).items():
            yield folder, name, found

