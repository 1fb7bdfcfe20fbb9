"""Documentation: a docs site (mkdocs / sphinx) with pages the group wrote, or a README that shows
how to install and run the project. The template's docs skeleton, or a README that only
describes the project, is weak."""

from auditor.model import Finding
from auditor.rules._docs import docs_sites, install_and_run, page_kind, readme_path


def probe(repo):
    site_findings = list(_sites(repo))
    yield from site_findings
    yield from _readme(repo)
    if not site_findings:
        yield from _loose_pages(repo)


def _sites(repo):
    for site in docs_sites(repo)[:2]:
        kinds = {page: page_kind(repo, page) for page in site.pages}
        written = [p for p, k in kinds.items() if k == "written"]
        if written:
            yield Finding(site.config, None, f"{site.kind} site in {site.config} with {len(written)} page(s) the group wrote, "
                                             f"e.g. {', '.join(written[:3])}")
            continue
        template = [p for p, k in kinds.items() if k == "template"]
        if template:
            detail = f"only the template's page(s) {', '.join(template[:3])}"
        else:
            detail = f"{len(site.pages)} page(s), none with real content" if site.pages else "no pages"
        yield Finding(site.config, None, f"{site.kind} site in {site.config} holds {detail}", "weak")


def _readme(repo):
    path = readme_path(repo)
    if path is None:
        return
    text = repo.text(path).text or ""
    install, run = install_and_run(text)
    if install and run:
        yield Finding(path, install[0], f"the README shows how to install (`{install[1][:50]}`, line {install[0]}) "
                                        f"and run (`{run[1][:50]}`, line {run[0]}) the project")
    elif text.strip():
        shown = install or run
        detail = f"only `{shown[1][:50]}` (line {shown[0]})" if shown else "no install or run commands"
        yield Finding(path, 1, f"the README describes the project but shows {detail}", "weak")


def _loose_pages(repo):
    pages = [f for f in repo.files if f.startswith(("docs/", "doc/")) and f.lower().endswith((".md", ".rst"))]
    written = [p for p in pages if page_kind(repo, p) == "written"]
    if written:
        yield Finding(written[0], None, f"{len(written)} documentation page(s) without a site config, e.g. {', '.join(written[:3])}")
