"""Signature paths of a known project template (mlops_template or cookiecutter-data-science)."""

from auditor.facts.template import signature_paths
from auditor.model import Finding


def probe(files):
    best_name, best = max(signature_paths(files).items(), key=lambda pair: len(pair[1]))
    count = len(best)
    if count < 2:
        return
    strength = "strong" if count >= 4 else "weak"
    labels = ", ".join(best)
    first = next(iter(best.values()))
    yield Finding(first, None, f"{count} signature paths of {best_name}: {labels}", strength)
