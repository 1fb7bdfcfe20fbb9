"""Docs published to GitHub Pages: a workflow that deploys them (`mkdocs gh-deploy`, deploy-pages,
gh-pages actions) or a `gh-pages` branch; a docs site, or a deploy command outside any workflow,
without either is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible
from auditor.rules._docs import docs_sites
from auditor.rules._workflows import place

DEPLOY_STEP = LazyPattern(
    r"(mkdocs\s+gh-deploy|ghp-import|actions/deploy-pages|peaceiris/actions-gh-pages|JamesIves/github-pages-deploy-action|"
    r"sphinx-notes/pages|gh-pages\s+-d|--branch[= ]gh-pages)",
    re.IGNORECASE,
)
LOCAL_FILES = ("tasks.py", "Makefile", "**/*.sh", "README.md", "docs/**/*.md", "pyproject.toml")


def probe(repo, workflows):
    deployed = list(_workflow_steps(workflows)) or list(_branches(repo))
    yield from deployed
    if deployed:
        return
    for hit in repo.grep(DEPLOY_STEP, *LOCAL_FILES, limit=1):
        yield Finding(hit.path, hit.line, f"`{hit.text[:80]}` in {hit.path}:{hit.line}, run by hand: no workflow "
                                          "deploys the docs and there is no gh-pages branch", "weak")
    for site in docs_sites(repo)[:1]:
        yield Finding(site.config, None, f"{site.kind} site in {site.config}, but no workflow deploys it and there is no "
                                         "gh-pages branch", "weak")


def _workflow_steps(workflows):
    for workflow in workflows:
        if not workflow.valid:
            continue
        for _, step in workflow.steps():
            text = " ".join(str(step.get(k) or "") for k in ("uses", "run"))
            if search_if_possible(DEPLOY_STEP, text):
                line = workflow.step_line(step)
                shown = DEPLOY_STEP.search(text).group(0)
                yield Finding(workflow.path, line, f"`{shown}` deploys the docs in {place(workflow.path, line)}")
                return


def _branches(repo):
    pages = [b for b in repo.branches if b.rsplit("/", 1)[-1] == "gh-pages"]
    if pages:
        yield Finding(None, None, f"branch `{pages[0]}` holds the published site")
