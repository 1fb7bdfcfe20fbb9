"""Signature paths of a known project template (mlops_template or cookiecutter-data-science)."""

import re

from auditor.model import Finding

MLOPS_TEMPLATE = {
    "src/<pkg>/data.py": re.compile(r"^src/[^/]+/data\.py$"),
    "src/<pkg>/model.py": re.compile(r"^src/[^/]+/models?\.py$"),
    "src/<pkg>/train.py": re.compile(r"^src/[^/]+/train\.py$"),
    "tests/": re.compile(r"^tests/"),
    "configs/": re.compile(r"^configs/"),
    "dockerfiles/": re.compile(r"^dockerfiles/"),
    "reports/": re.compile(r"^reports/"),
    "tasks.py": re.compile(r"^tasks\.py$"),
}
MLOPS_TEMPLATE_2023 = {  # the template's layout before it moved to src/ (December 2024)
    "<pkg>/data/make_dataset.py": re.compile(r"^(?!src/)[^/]+/data/make_dataset\.py$"),
    "<pkg>/models/model.py": re.compile(r"^(?!src/)[^/]+/models/model\.py$"),
    "<pkg>/train_model.py": re.compile(r"^(?!src/)[^/]+/train_model\.py$"),
    "<pkg>/predict_model.py": re.compile(r"^(?!src/)[^/]+/predict_model\.py$"),
    "<pkg>/visualizations/visualize.py": re.compile(r"^(?!src/)[^/]+/visualizations/visualize\.py$"),
    "tests/": re.compile(r"^tests/"),
    "dockerfiles/": re.compile(r"^dockerfiles/"),
    "reports/": re.compile(r"^reports/"),
    "docs/mkdocs.yaml": re.compile(r"^docs/mkdocs\.ya?ml$"),
}
DATA_SCIENCE = {
    "src/data/make_dataset.py": re.compile(r"^(src|[^/]+)/data/make_dataset\.py$"),
    "src/models/train_model.py": re.compile(r"^(src|[^/]+)/models/train_model\.py$"),
    "src/features/build_features.py": re.compile(r"^(src|[^/]+)/features/build_features\.py$"),
    "src/visualization/visualize.py": re.compile(r"^(src|[^/]+)/visualization/visualize\.py$"),
    "references/": re.compile(r"^references/"),
    "Makefile": re.compile(r"^Makefile$"),
    "test_environment.py": re.compile(r"^test_environment\.py$"),
    "tox.ini": re.compile(r"^tox\.ini$"),
    "docs/conf.py": re.compile(r"^docs/(source/)?conf\.py$"),
    "data/{raw,processed}": re.compile(r"^data/(raw|interim|processed|external)/"),
}


def _hits(files, signatures):
    found = {}
    for label, pattern in signatures.items():
        path = next((f for f in files if pattern.search(f)), None)
        if path:
            found[label] = path
    return found


def probe(files):
    best_name, best = max(
        (("mlops_template", _hits(files, MLOPS_TEMPLATE)), ("mlops_template (2023 layout)", _hits(files, MLOPS_TEMPLATE_2023)),
         ("cookiecutter-data-science", _hits(files, DATA_SCIENCE))),
        key=lambda pair: len(pair[1]),
    )
    count = len(best)
    if count < 2:
        return
    strength = "strong" if count >= 4 else "weak"
    labels = ", ".join(best)
    first = next(iter(best.values()))
    yield Finding(first, None, f"{count} signature paths of {best_name}: {labels}", strength)
