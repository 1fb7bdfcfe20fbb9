"""A frontend for the API: a streamlit / gradio app or an HTML-JS page that calls the API.
A UI that never calls the API or a frontend described but not in the repository is weak, and so
are a UI framework imported by a stub that builds nothing or only declared (the rule's `unused` step)."""

import re

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible

UI_FRAMEWORKS = {"streamlit": "streamlit", "gradio": "gradio", "dash": "Dash", "nicegui": "NiceGUI", "panel": "Panel"}
HTTP_CALL = LazyPattern(r"^(requests|httpx|aiohttp|urllib\.request|urllib3)\.|\.(get|post|put|request|urlopen)$")
PAGE_CALL = LazyPattern(
    r"""fetch\(\s*[`'"](/|https?://|\$?\{)|fetch\(\s*\w*(url|api|endpoint|backend|server)\w*\s*[,)+]|"""
    r"""axios(\.(get|post|put|delete))?\(|\.open\(\s*['"](GET|POST)['"]\s*,|<form[^>]*\baction\s*=\s*['"](/|https?:|\{\{\s*url_for\()""",
    re.IGNORECASE,
)
PAGE_FILES = ("**/*.html", "**/*.htm", "**/*.js", "**/*.jsx", "**/*.ts", "**/*.tsx", "**/*.vue", "**/*.svelte")
NOT_PAGES = LazyPattern(r"^(docs|reports|site|htmlcov|tests?)/|(^|/)(report|.*drift.*|.*evidently.*)\.html?$|\.min\.js$",
                        re.IGNORECASE)
MAX_PAGE_CHARS = 300_000
EMBEDDED_PAGE = LazyPattern(r"<script|<form|<html", re.IGNORECASE)
FRONTEND_DOC = LazyPattern(r"(^|/)[^/]*front[-_ ]?end[^/]*\.md$", re.IGNORECASE)


def probe(repo, source):
    strong, weak = [], []
    for path, module in modules_mentioning(source, UI_FRAMEWORKS).items():
        framework = next((label for name, label in UI_FRAMEWORKS.items() if module.imports_any(name)), None)
        if framework is None:
            continue
        ui_calls = [c for c in module.calls if _framework_call(module, c.name)]
        http = [c for c in module.calls if HTTP_CALL.search(module.resolve(c.name)) and _is_http(module, c.name)]
        if ui_calls and http:
            strong.append(Finding(path, http[0].line, f"{framework} app {path} calls the API with `{http[0].name}(...)` "
                                                      f"in {path}:{http[0].line}"))
        elif ui_calls:
            weak.append(Finding(path, ui_calls[0].line, f"{framework} app {path} builds a UI but never calls the API",
                                "weak"))
    strong += list(_pages(repo, source))
    yield from strong[:3]
    if strong:
        return
    yield from weak[:2]
    for path in [f for f in repo.files if FRONTEND_DOC.search(f)][:1]:
        yield Finding(path, None, f"{path} describes a frontend, but its code is not in this repository", "weak")


def _framework_call(module, name: str) -> bool:
    resolved = module.resolve(name)
    return resolved.split(".", 1)[0] in UI_FRAMEWORKS and "." in resolved


def _is_http(module, name: str) -> bool:
    resolved = module.resolve(name)
    if resolved.split(".", 1)[0] in ("requests", "httpx", "aiohttp", "urllib", "urllib3"):
        return True
    receiver = name.rpartition(".")[0].rsplit(".", 1)[-1]
    return bool(re.search(r"(client|session|http)$", receiver, re.IGNORECASE))


def _pages(repo, source):
    """HTML / JS pages (or HTML served from Python) whose script calls an API route."""
    candidates = [p for p in repo.glob(*PAGE_FILES) if not NOT_PAGES.search(p)] + list(source)
    for path in candidates:
        text = repo.text(path).text
        if not text or len(text) > MAX_PAGE_CHARS or not search_if_possible(PAGE_CALL, text):
            continue
        if path.endswith(".py") and not EMBEDDED_PAGE.search(text):
            continue
        number, line = next(((n, row) for n, row in enumerate(text.splitlines(), 1) if PAGE_CALL.search(row)),
                            (None, ""))
        what = f"`{line.strip()[:70]}`" if line else "a form posting to a route"
        yield Finding(path, number, f"web page calling the API: {what} in {path}" + (f":{number}" if number else ""))
        return
