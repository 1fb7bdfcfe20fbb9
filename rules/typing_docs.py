"""The share of the project's own functions with type hints and docstrings (the course's
reports/report.py, the template's tasks.py and the template's placeholder methods do not count)."""

from auditor.model import Finding
from auditor.rules._code import is_template_stub

EXCLUDED_FILES = ("tasks.py",)  # at the repository root or a project folder, where the template puts it
STRONG_TYPED, STRONG_DOCUMENTED, SOME = 0.50, 0.30, 0.10


def _counted_functions(source, project_folders=()):
    excluded = {*EXCLUDED_FILES, *(f"{folder}{name}" for folder in project_folders for name in EXCLUDED_FILES)}
    for path, module in source.items():
        if path in excluded:
            continue
        for fn in module.functions:
            if not is_template_stub(fn):
                yield path, fn


def _example(functions):
    """A typed, documented function from the file that shows the practice most (the group's own
    code rather than a template file that happens to carry a hint)."""
    score: dict[str, int] = {}
    for path, fn in functions:
        score[path] = score.get(path, 0) + fn.typed + fn.documented
    best = max(score, key=lambda path: (score[path], path))
    in_best = [(p, f) for p, f in functions if p == best]
    return max(in_best, key=lambda pair: (pair[1].typed + pair[1].documented, -pair[1].line))


def probe(repo, source):
    functions = list(_counted_functions(source, repo.project_folders))
    if not functions:
        return
    total = len(functions)
    typed = sum(f.typed for _, f in functions)
    documented = sum(f.documented for _, f in functions)
    share_typed, share_documented = typed / total, documented / total
    summary = (f"{typed}/{total} source functions typed ({share_typed:.0%}), "
               f"{documented}/{total} with a docstring ({share_documented:.0%})")
    if share_typed >= STRONG_TYPED and share_documented >= STRONG_DOCUMENTED:
        strength = "strong"
    elif share_typed >= SOME or share_documented >= SOME:
        strength = "weak"
        missed = [f"{STRONG_TYPED:.0%} typed" if share_typed < STRONG_TYPED else "",
                  f"{STRONG_DOCUMENTED:.0%} documented" if share_documented < STRONG_DOCUMENTED else ""]
        summary += f"; below {' and '.join(m for m in missed if m)}"
    else:
        return
    path, fn = _example(functions)
    yield Finding(path, fn.line, f"{summary}; e.g. `{fn.name}` in {path}:{fn.line}", strength)
