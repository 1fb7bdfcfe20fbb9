"""Shared reading of documentation: docs sites (mkdocs / sphinx), their pages, the template's
own docs skeleton, and what a README shows a reader how to do."""

from __future__ import annotations

import posixpath
import re

from auditor.lazy_pattern import LazyPattern
from auditor.record import record


MKDOCS = ("mkdocs.y*ml", "**/mkdocs.y*ml")
SPHINX = ("conf.py", "docs/conf.py", "docs/source/conf.py", "doc/conf.py", "doc/source/conf.py")
PAGE_SUFFIXES = (".md", ".rst")
# Text the course's templates put in their docs skeletons (mlops_template's mkdocs index and docs/README,
# cookiecutter-data-science's sphinx pages): a page holding it was generated, not written.
# Blank runs are read one way only (`[^\S\n]*\n\s*`, not `\s*\n+\s*`): a page of thousands of empty
# lines must not make the search try every split of them.
TEMPLATE_MARKERS = LazyPattern(
    r"(^\s*#+\s*Documentation[^\S\n]*\n\s*Documentation for [^\n]*(\n\s*)?\Z|"
    r"Use \[mkdocs\]\(http://www\.mkdocs\.org/\) structure to update the documentation|"
    r"documentation master file, created by[^\S\n]*\n\s*sphinx-quickstart|"
    r"This is where you describe how to get set up on a clean install|"
    r"make sync_data_to_s3)"
)
DOCS_DIR = LazyPattern(r"^docs_dir:\s*(\S+)", re.MULTILINE)
API_DIRECTIVE = LazyPattern(r"^[^\S\n]*(:::\s*\S|\.\. auto(module|class|function|summary)::)", re.MULTILINE)
WRITTEN_WORDS = 40


@record(frozen=True)
class DocsSite:
    config: str       # mkdocs.yaml or conf.py
    kind: str         # "mkdocs" | "sphinx"
    pages: tuple[str, ...]


def docs_sites(repo) -> list[DocsSite]:
    sites = []
    for config in repo.glob(*MKDOCS):
        folder = config.rsplit("/", 1)[0] + "/" if "/" in config else ""
        # read as text: mkdocs files often hold `!!python/name:` tags a safe YAML loader refuses
        setting = DOCS_DIR.search(repo.text(config).text or "")
        docs_dir = setting.group(1).strip("'\"/") if setting else "docs"
        prefix = posixpath.normpath(f"{folder}{docs_dir}") + "/"
        sites.append(DocsSite(config, "mkdocs", tuple(_pages_under(repo, prefix))))
    for config in SPHINX:
        if repo.exists(config) and (config != "conf.py" or _is_sphinx(repo, config)):
            folder = config.rsplit("/", 1)[0] + "/" if "/" in config else ""
            sites.append(DocsSite(config, "sphinx", tuple(_pages_under(repo, folder))))
    return sites


def _is_sphinx(repo, path: str) -> bool:
    return "sphinx" in (repo.text(path).text or "")


def _pages_under(repo, prefix: str) -> list[str]:
    prefix = "" if prefix in ("./", "/") else prefix
    if prefix.startswith("../"):
        return []
    return [f for f in repo.files if f.startswith(prefix) and f.lower().endswith(PAGE_SUFFIXES)
            and f != repo.report_path and not repo.in_report_folder(f)]


def page_kind(repo, path: str) -> str:
    """'template' (the scaffold's own page), 'written' (the group's content) or 'stub' (too little to say)."""
    text = repo.text(path).text or ""
    if TEMPLATE_MARKERS.search(text):
        return "template"
    if API_DIRECTIVE.search(text) or len(re.findall(r"[A-Za-z]{2,}", text)) >= WRITTEN_WORDS:
        return "written"
    return "stub"


# --- README ------------------------------------------------------------------------------
INSTALL = LazyPattern(
    r"(pip3? install|uv (sync|pip install|venv)|conda (env )?create|mamba (env )?create|poetry install|pipenv install|"
    r"invoke (requirements|create[-_]environment|dev[-_]requirements|setup)|make (requirements|install|env|setup)|"
    r"dvc pull|docker (pull|build)|git clone)"
)
RUN = LazyPattern(
    r"(^|\s|`)(python3?\s+(-m\s+)?[\w./-]+|uv run|invoke [\w-]+|make [\w-]+|docker (run|compose)|docker-compose|"
    r"uvicorn|streamlit run|dvc repro|poetry run|pytest|locust|curl\s|gcloud\s|[\w-]+ --help)"
)
SECONDARY_RUN = LazyPattern(r"^(gcloud|curl|pytest|locust)\b|--help")
TREE_LINE = LazyPattern(r"[├└│]|<-")
INLINE_CODE = LazyPattern(r"`([^`\n]+)`")


def readme_path(repo) -> str | None:
    found = repo.glob("README.md", "README.rst", "README.txt", "README")
    return found[0] if found else None


def readme_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) of the code a README shows: fenced blocks, `$ ` lines and inline code, no file trees."""
    commands, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            if stripped.startswith("```") and "```" in stripped[3:]:  # ```cmd``` on one line is inline code
                commands.append((number, stripped.strip("`").strip()))
                continue
            fenced = not fenced
            continue
        if TREE_LINE.search(line):
            continue
        if fenced or stripped.startswith("$ "):
            commands.append((number, stripped.lstrip("$ ")))
        else:
            commands += [(number, code) for code in INLINE_CODE.findall(line)]
    return [(n, c) for n, c in commands if c]


def install_and_run(text: str) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    commands = readme_commands(text)
    install = next(((n, c) for n, c in commands if INSTALL.search(c)), None)
    runs = [(n, c) for n, c in commands if RUN.search(c) and not INSTALL.search(c)]
    run = next((r for r in runs if not SECONDARY_RUN.search(r[1])), runs[0] if runs else None)
    return install, run
