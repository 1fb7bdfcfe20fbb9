"""Signature paths of a known project template (mlops_template or cookiecutter-data-science)."""

from auditor.facts.template import SIGNATURES, PathNames
from auditor.model import Finding


def _hits(names, signatures):
    found = {}
    for label, signature in signatures.items():
        path = signature.first_in(names)
        if path:
            found[label] = path
    return found


def probe(files):
    names = PathNames(files)
    best_name, best = max(
        ((name, _hits(names, signatures)) for name, signatures in SIGNATURES.items()),
        key=lambda pair: len(pair[1]),
    )
    count = len(best)
    if count < 2:
        return
    strength = "strong" if count >= 4 else "weak"
    labels = ", ".join(best)
    first = next(iter(best.values()))
    yield Finding(first, None, f"{count} signature paths of {best_name}: {labels}", strength)
