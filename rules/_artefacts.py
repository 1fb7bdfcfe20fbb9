"""Artefacts a run leaves behind, read as weak evidence: a screenshot in the report's figures, a
badge in the README. They show that something was run once, not the code that runs it again."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp", "svg")
FIGURE_FOLDERS = ("reports/", "figures/", "docs/figures/", "docs/images/", "images/")
FIGURE_GLOBS = tuple(f"{folder}**/*.{ext}" for folder in FIGURE_FOLDERS for ext in IMAGE_EXTENSIONS)
IMAGE = LazyPattern(r"\.(png|jpe?g|gif|webp|svg)$", re.IGNORECASE)
WHAT_FOR = {
    "profiling": LazyPattern(r"prof(il(e|er|ing)|\b|_)|snakeviz|flame[_-]?graph|pstats", re.IGNORECASE),
    "coverage": LazyPattern(r"coverage|codecov|(^|[_-])cov([_-]|\.|$)", re.IGNORECASE),
    "sweep": LazyPattern(r"sweep|hyper[_-]?param|optuna", re.IGNORECASE),
    "load-test": LazyPattern(r"load[_-]?test|locust|stress[_-]?test|\bk6\b", re.IGNORECASE),
    "wandb": LazyPattern(r"wandb|weights[_-]?(and[_-]?)?biases", re.IGNORECASE),
}
QUESTION_ABOUT = {   # the report question under which a screenshot of the item is shown
    "profiling": LazyPattern(r"\bprofil", re.IGNORECASE),
    "coverage": LazyPattern(r"code coverage", re.IGNORECASE),
    "load-test": LazyPattern(r"load[ -]?testing", re.IGNORECASE),
    "wandb": LazyPattern(r"W&B|weights\s*(&|and)\s*biases", re.IGNORECASE),
}
COVERAGE_BADGE = LazyPattern(r"!\[[^\]]*\]\([^)]*(coverage|codecov|coveralls)[^)]*\)|"
                             r"img\.shields\.io/[^\s)\"']*coverage", re.IGNORECASE)


def _figure_name(path: str) -> str:
    return IMAGE.sub("", path.rpartition("/")[2])


def screenshots(repo, item: str, what: str, limit: int = 1):
    """Weak findings for screenshots of `item` (a profiling run, a coverage report ...): images the
    report shows under the question about it, else images whose file name says what they show,
    e.g. `reports/figures/pytorch_profiling.png`. Without either, a note (`info`, not evidence)
    on a screenshot the report shows that is not a file of the audited tree (uploaded, elsewhere)."""
    report = repo.report
    examples = report.prompt_links
    shown, notes = _shown_under_question(repo, report, examples, item, what)
    found = shown[:limit] or list(_named(repo, examples, item, what, limit))
    yield from found or notes[:1]


def _shown_under_question(repo, report, examples: frozenset[str], item: str, what: str):
    """(weak findings for the question's images that are files of the tree, notes for the others)"""
    about = QUESTION_ABOUT.get(item)
    shown, notes = [], []
    if about is None or not report.path:
        return shown, notes
    for image in report.images:
        if not (image.in_answer and image.shown and image.asked and about.search(image.asked)):
            continue
        source = report.image_source(image.target)
        if source.paths and not IMAGE.search(source.paths[0]):
            continue
        path = next((p for p in source.paths if p not in examples and repo.exists(p)), None)
        under = _under(image)
        if path:
            named = f"{path}, linked by its GitHub URL" if source.by_url else path
            message = f"a screenshot ({named}) shown under {under} as {what}, without the code that made it"
            shown.append(Finding(report.path, image.line, message, "weak"))
        elif on_branch := on_named_branch(repo, source, examples):
            branch, path = on_branch
            message = (f"a screenshot ({path}, linked by its GitHub URL) shown under {under} as {what}, only on "
                       f"{branch_named(branch)}: without the code that made it")
            shown.append(Finding(report.path, image.line, message, "weak"))
        elif note := _not_in_tree(source, examples, image.target, under, what):
            notes.append(Finding(report.path, image.line, note, "info"))
    return shown, notes


def on_named_branch(repo, source, examples: frozenset[str] = frozenset()):
    """(branch, path) for an image linked by its GitHub URL whose file is not in the audited tree but on
    the unmerged branch the URL names (as that branch changed it); None otherwise."""
    if not source.by_url:
        return None
    for path, ref in zip(source.paths, source.refs):
        if path not in examples and (branch := repo.branch_holding(ref, path)) is not None:
            return branch, path
    return None


def branch_named(branch) -> str:
    return f"branch `{branch.name}` (last commit {branch.committed_at[:10]}), never merged into the audited commit"


def _under(image) -> str:
    heading = image.asked[:70] + ("..." if len(image.asked) > 70 else "")
    return f"Question {image.question} (\"{heading}\")"


def _not_in_tree(source, examples: frozenset[str], target: str, under: str, what: str) -> str | None:
    """Why an image the report shows as `what` is not evidence: it is not a file of the audited tree."""
    if source.by_url and not examples.intersection(source.paths):
        return (f"an image linked by its GitHub URL to {source.paths[0]} (ref `{source.ref}`) shown under "
                f"{under} as {what}, but no such file in the audited tree: not evidence")
    if source.uploaded:
        return (f"a screenshot uploaded to GitHub ({target[:80]}) shown under {under} as {what}: "
                f"not a file of the repository, so not evidence")
    if source.external:
        return (f"an image hosted outside the repository ({target[:80]}) shown under {under} as {what}: "
                f"not a file of the repository, so not evidence")
    return None


def _named(repo, examples: frozenset[str], item: str, what: str, limit: int):
    keyword = WHAT_FOR[item]
    found = 0
    for path in repo.glob(*FIGURE_GLOBS):
        if path not in examples and keyword.search(_figure_name(path)):
            yield Finding(path, None, f"{path}: a screenshot of {what}, without the code that made it", "weak")
            found += 1
            if found >= limit:
                return


def coverage_badge(repo):
    """A coverage badge in a README: a number published somewhere, not the command that computes it."""
    for hit in repo.grep(COVERAGE_BADGE, "README.md", "readme.md", limit=1):
        yield Finding(hit.path, hit.line, f"a coverage badge in {hit.path}:{hit.line}, without the command "
                                          f"that computes coverage", "weak")
