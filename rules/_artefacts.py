"""Artefacts a run leaves behind, read as weak evidence: a screenshot in the report's figures, a
badge in the README. They show that something was run once, not the code that runs it again."""

import re

from auditor.model import Finding

FIGURE_FOLDERS = ("reports/figures/", "reports/", "figures/", "docs/figures/", "docs/images/", "images/")
IMAGE = re.compile(r"\.(png|jpe?g|gif|webp|svg)$", re.IGNORECASE)
WHAT_FOR = {
    "profiling": re.compile(r"prof(il(e|er|ing)|\b|_)|snakeviz|flame[_-]?graph|pstats", re.IGNORECASE),
    "coverage": re.compile(r"coverage|codecov|(^|[_-])cov([_-]|\.|$)", re.IGNORECASE),
    "sweep": re.compile(r"sweep|hyper[_-]?param|optuna", re.IGNORECASE),
    "load-test": re.compile(r"load[_-]?test|locust|stress[_-]?test|\bk6\b", re.IGNORECASE),
}
COVERAGE_BADGE = re.compile(r"!\[[^\]]*\]\([^)]*(coverage|codecov|coveralls)[^)]*\)|"
                            r"img\.shields\.io/[^\s)\"']*coverage", re.IGNORECASE)


def _figure_name(path: str) -> str | None:
    folder, _, name = path.rpartition("/")
    if not IMAGE.search(name) or not any((folder + "/").startswith(f) for f in FIGURE_FOLDERS):
        return None
    return IMAGE.sub("", name)


def screenshots(repo, item: str, what: str, limit: int = 1):
    """Weak findings for images whose file name says they show `item` (a profiling run, a coverage
    report ...), e.g. `reports/figures/pytorch_profiling.png`."""
    keyword = WHAT_FOR[item]
    found = 0
    for path in repo.files:
        name = _figure_name(path)
        if name is not None and keyword.search(name):
            yield Finding(path, None, f"{path}: a screenshot of {what}, without the code that made it", "weak")
            found += 1
            if found >= limit:
                return


def coverage_badge(repo):
    """A coverage badge in a README: a number published somewhere, not the command that computes it."""
    for hit in repo.grep(COVERAGE_BADGE, "README.md", "readme.md", limit=1):
        yield Finding(hit.path, hit.line, f"a coverage badge in {hit.path}:{hit.line}, without the command "
                                          f"that computes coverage", "weak")
