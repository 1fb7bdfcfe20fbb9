"""Drift analysis: a drift library (evidently, alibi-detect, torchdrift, nannyml, frouros) put to
work in Python or a notebook, or a script named for a drift / robustness experiment; a drift library
imported and never called, or only declared, is weak (the rule's `unused` step)."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._monitoring import DRIFT_LIBRARIES, drift_call, drift_modules

EXPERIMENT_NAME = LazyPattern(r"(drift|robust|distribution_shift|perturb|corrupt)[^/]*\.py$", re.IGNORECASE)
NOTEBOOK_IMPORT = LazyPattern(r"(from|import) (" + "|".join(DRIFT_LIBRARIES) + r")\b")


def probe(repo, python):
    used = list(_library_use(python))
    yield from used
    if not used:
        yield from _notebooks(repo)
        yield from _experiment_scripts(python)


def _library_use(python):
    for path, (name, _) in sorted(drift_modules(python).items())[:5]:
        module = python[path]
        calls = [c for c in module.calls if drift_call(module, c)]
        if calls:
            yield Finding(path, calls[0].line, f"`{calls[0].name}(...)` from `{name}` in {path}:{calls[0].line}")


def _notebooks(repo):
    for hit in repo.grep(NOTEBOOK_IMPORT, "**/*.ipynb", limit=2):
        yield Finding(hit.path, hit.line, f"a notebook imports a drift library in {hit.path}:{hit.line}: `{hit.text[:80]}`")


def _experiment_scripts(python):
    for path in sorted(p for p in python if EXPERIMENT_NAME.search(p)):
        module = python[path]
        working = [f for f in module.functions if not f.trivial]
        if working or len(module.calls) >= 5:
            line = working[0].line if working else 1
            yield Finding(path, line, f"drift experiment script in {path}:{line} "
                                      f"({len(working)} working function(s), {len(module.calls)} calls)")
            return
