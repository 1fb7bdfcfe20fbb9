"""Shared reading for the week-3 monitoring items: what an API route reaches, where an API
module is deployed, and drift libraries."""

from __future__ import annotations

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_mentioning, modules_with_text
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.record import record
from auditor.rules._api import ROUTE_METHODS, Route
from auditor.rules._code import calls_within

DRIFT_LIBRARIES = ("evidently", "alibi_detect", "torchdrift", "nannyml", "frouros")
FLASK_OR_FUNCTION = LazyPattern(r"(\.route$|\.middleware$|^functions_framework\.(http|cloud_event)$)")
DEPLOY_FILES = ("**/*ockerfile*", "**/*.dockerfile", "**/docker-compose*.y*ml", "**/compose*.y*ml",
                ".github/workflows/*.y*ml", "**/cloudbuild*.y*ml", "**/*.cloudbuild.y*ml", "**/cloudbuild/*.y*ml",
                "tasks.py", "Makefile", "**/Procfile", "**/app.yaml", "**/service*.y*ml", "**/*.sh")
GENERIC_STEMS = {"main", "app", "api", "server", "__init__", "__main__"}
RUN_SITES = ("workflow", "cloudbuild", *LOCAL_SITES)
DECORATOR_LINE = LazyPattern(r"^[^\S\n]*@", re.MULTILINE)
METHOD_DECORATOR = LazyPattern(r"^[^\S\n]*@(?:[^\n]|\\\n)*?\.[\s\\]*(get|post|put|patch|delete|api_route|websocket)\b",
                               re.MULTILINE)   # what ROUTE_METHODS finds in a decorator, on its (continued) line
ROUTE_WORD = LazyPattern(r"\b(route|middleware|functions_framework|bentoml)\b")   # written or imported
DOTTED_NAME = LazyPattern(r"[\w.]+")


@record(frozen=True)
class Reached:
    """A call reachable from a route, and the function body (lines) it sits in."""

    call: object
    start: int
    end: int


def http_routes(module):
    """Functions served over HTTP: FastAPI/Flask route decorators and Cloud Functions entry points."""
    for fn in module.functions:
        for decorator in fn.decorators:
            resolved = module.resolve(decorator)
            if ROUTE_METHODS.search(decorator) or FLASK_OR_FUNCTION.search(resolved) or FLASK_OR_FUNCTION.search(decorator):
                yield Route(module.path, fn.line, decorator, fn.name, fn.end_line)
                break


def serving_modules(modules):
    """The modules that can hold an HTTP route or a BentoML API: a decorator ending in an HTTP method, or
    a decorator and a word the others need (`route`, `middleware`, `functions_framework`, `bentoml`)."""
    return modules_with_text(modules, _may_serve)


def _may_serve(text: str) -> bool:
    if "@" not in text:
        return False
    if METHOD_DECORATOR.search(text):
        return True
    words = any(word in text for word in ("route", "middleware", "functions_framework", "bentoml"))
    return words and bool(ROUTE_WORD.search(text)) and bool(DECORATOR_LINE.search(text))


def bentoml_apis(module):
    """Methods a BentoML service exposes over HTTP (`@bentoml.api`)."""
    for fn in module.functions:
        decorator = next((d for d in fn.decorators if module.resolve(d) == "bentoml.api"), None)
        if decorator:
            yield Route(module.path, fn.line, decorator, fn.name, fn.end_line)


def route_path(module, route) -> str:
    """The URL path written in the route decorator (`/predict`), or '' when there is none."""
    for call in module.calls:
        if call.name == route.decorator and route.line - 6 <= call.line <= route.line and call.args:
            return call.args[0].strip("'\"")
    return ""


def reachable_calls(module, route) -> list[Reached]:
    """Calls in the route and in the module's own functions it calls or hands to a background task."""
    local = {f.name: f for f in module.functions}
    pending, seen, reached = [(route.line, route.end_line)], set(), []
    while pending:
        start, end = pending.pop()
        for call in calls_within(module, start, end):
            reached.append(Reached(call, start, end))
            for name in (call.name, *call.args, *call.keywords.values()):
                target = local.get(name.rsplit(".", 1)[-1]) if DOTTED_NAME.fullmatch(name) else None
                if target is not None and (target.line, target.end_line) not in seen:
                    seen.add((target.line, target.end_line))
                    pending.append((target.line, target.end_line))
    return reached


def drift_modules(python) -> dict[str, tuple[str, int]]:
    """Python files importing a drift library: path -> (import, line)."""
    found = {}
    for path, module in modules_mentioning(python, DRIFT_LIBRARIES).items():
        hit = module.imports_any(*DRIFT_LIBRARIES)
        if hit:
            found[path] = hit
    return found


def drift_call(module, call) -> bool:
    resolved = module.resolve(call.name)
    return resolved.split(".")[0] in DRIFT_LIBRARIES


def module_names(path: str) -> list[str]:
    """Ways other files name a module: `pkg.sub.mod`, `sub.mod`, `path/to/mod.py`; `mod`, `mod:` and `mod.py`
    only when the name is distinctive (not main, app, api ...)."""
    stem_path = path[:-3] if path.endswith(".py") else path
    parts = stem_path.split("/")
    names = {path}
    for i in range(len(parts) - 1):
        names.add(".".join(parts[i:]))
    if parts[-1] not in GENERIC_STEMS:
        names.add(parts[-1])
        names.add(f"{parts[-1]}:")
        names.add(f"{parts[-1]}.py")
    return sorted(names, key=len, reverse=True)


def deployment_of(repo, path: str, source=None):
    """The first Dockerfile / compose / workflow / cloudbuild / task line that names the module at `path`,
    or names a module that imports it (an app that includes this module's router)."""
    hit = _named_in_deploy_files(repo, path)
    if hit is not None or source is None:
        return hit
    for importer in importers(repo, path, source):
        hit = _named_in_deploy_files(repo, importer)
        if hit is not None:
            return hit
    return None


def _named_in_deploy_files(repo, path: str):
    names = [n for n in module_names(path) if "." in n or ":" in n or "/" in n]
    pattern = re.compile("|".join(re.escape(n) for n in names))
    hits = mentions(repo, pattern, *DEPLOY_FILES, limit=1)
    return hits[0] if hits else None


def importers(repo, path: str, source) -> list[str]:
    """Project modules that import the module at `path`: by its dotted name, or relatively from the same folder."""
    dotted = [n for n in module_names(path) if "/" not in n and ":" not in n and not n.endswith(".py")]
    dotted = [n for n in dotted if "." in n or n not in GENERIC_STEMS]
    return sorted(p for p, module in source.items() if p != path and (any(
        name == d or name.startswith(d + ".") for name in module.imported_modules() for d in dotted)
        or _imports_sibling(repo, p, path)))


def _imports_sibling(repo, importer: str, path: str) -> bool:
    """`from .metrics import X` or `from . import metrics` in a file of the same folder (relative imports
    are not among the import facts, so the text says it)."""
    if importer.rpartition("/")[0] != path.rpartition("/")[0]:
        return False
    stem = re.escape(path.rpartition("/")[2][:-3])
    relative = re.compile(rf"^[^\S\n]*from\s+\.+\s*{stem}\s+import\b|^[^\S\n]*from\s+\.+\s+import\s+[^\n]*\b{stem}\b", re.MULTILINE)
    return bool(relative.search(repo.text(importer).text or ""))


def lines_of(repo, path: str, start: int, end: int) -> str:
    text = repo.text(path).text or ""
    return "\n".join(text.splitlines()[max(start - 1, 0):end])


def gcloud_words(command) -> list[str]:
    """The command words of a gcloud call, release track left out:
    `gcloud alpha monitoring policies create --x=y` -> ["monitoring", "policies", "create"]."""
    if command.program != "gcloud":
        return []
    words = command.positionals()
    return words[1:] if words[:1] in (["alpha"], ["beta"]) else words


def _not_running(command) -> str:
    if command.kind == "documented":
        return "only written in a comment"
    if not command.live:
        return "in a step switched off with `if: false`"
    return f"GitHub would reject that workflow: {command.rejected}"


def console_command(repo, commands, wanted, pattern: re.Pattern[str], text_files: tuple[str, ...]):
    """The first command `wanted` accepts (`gcloud monitoring ...`): strong when a workflow, Cloud Build
    step, Makefile, invoke task or script runs it, weak when switched off, rejected or commented out;
    in `text_files` (documentation, Python) by its text, weak when only documented."""
    seen = [c for site in RUN_SITES for c in commands.at(site, None) if wanted(c)]
    running = [c for c in seen if c.runs and not c.rejected]
    for command in running[:1]:
        yield Finding(command.path, command.line, f"`{command.text[:80]}` runs at {command.where} "
                                                  f"(gcloud {' '.join(gcloud_words(command)[:3])})")
    if running:
        return
    for command in seen[:1]:
        yield Finding(command.path, command.line, f"`{command.text[:80]}` at {command.where}, "
                                                  f"{_not_running(command)}", "weak")
    for hit in repo.grep(pattern, *text_files, limit=1):
        documented = hit.path.endswith(".md")
        suffix = " (a documented command, not a script)" if documented else ""
        yield Finding(hit.path, hit.line, f"`{hit.text[:80]}` in {hit.path}:{hit.line}{suffix}", "weak" if documented else "strong")
