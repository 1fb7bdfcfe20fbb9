"""Deployment to Cloud Run / Cloud Functions: deploy steps (`gcloud run deploy`, `gcloud functions
deploy`, deploy actions) or the source of a Cloud Function; a service URL alone is weak."""

import re

from auditor.facts.modules_on_demand import modules_mentioning, modules_with_text
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._cloud import by_kind, find, where
from auditor.rules._workflows import accepted, actions

DEPLOY = LazyPattern(r"\bgcloud\s+(beta\s+|alpha\s+)?(run\s+deploy|run\s+services\s+replace|functions\s+deploy)\b",
                     re.IGNORECASE)
DEPLOY_ACTIONS = ("google-github-actions/deploy-cloudrun", "google-github-actions/deploy-cloud-functions")
TERRAFORM = LazyPattern(r"resource\s+\"(google_cloud_run_(v2_)?service|google_cloudfunctions2?_function)\"")
SERVICE_HOST = LazyPattern(r"\.run\.app\b|\.cloudfunctions\.net\b", re.IGNORECASE)   # cheap to search for
SERVICE_URL = LazyPattern(r"[\w.-]{1,253}\.run\.app\b|[\w.-]{1,253}\.cloudfunctions\.net\b", re.IGNORECASE)
URL_FILES = ("**/*.md", "**/*.rst", "**/*.py", "**/*.y*ml", "**/*.sh", "**/*.toml", "**/*.js", "**/*.ts",
             "**/*Dockerfile*", "**/*.dockerfile", "**/*.env", "**/*.cfg", "**/*.ini", "**/*.json")
REQUEST_HANDLER = LazyPattern(r"^\s*def\s+(\w+)\s*\(\s*request\b")
REQUEST_USE = ("request.get_json", "request.args.get", "request.files", "request.form", "request.get_data")


def probe(repo, workflows, source):
    strong = list(_deploy_steps(repo, workflows)) + list(_functions(repo, source))
    for path, line, text in _terraform(repo):
        strong.append(Finding(path, line, f"Terraform resource `{text[:60]}` in {path}:{line}"))
    yield from strong[:4]
    if strong:
        return
    for seen in by_kind(find(repo, DEPLOY), "workflow-rejected", "report")[:1]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` (only {where(seen)})", "weak")
    for hit in repo.grep(SERVICE_HOST, *URL_FILES, limit=2):
        match = SERVICE_URL.search(hit.text)   # the grep line is cut at 160 characters
        url = match.group(0) if match else "*.run.app"
        yield Finding(hit.path, hit.line, f"only a service URL `{url}` in {hit.path}:{hit.line}, no deploy step", "weak")


def _deploy_steps(repo, workflows):
    for seen in by_kind(find(repo, DEPLOY), "workflow", "cloudbuild", "script", "docs")[:3]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` deploys ({where(seen)})")
    for wf in accepted(workflows):
        for _, _, action, line in actions(wf):
            if action in DEPLOY_ACTIONS:
                yield Finding(wf.path, line, f"{wf.path} deploys with the `{action}` action")


def _functions(repo, source):
    entry_points = modules_mentioning(source, ["functions_framework"])
    handlers = modules_with_text(source, lambda text: "request" in text)   # REQUEST_USE calls name it
    for path in source:
        if path not in entry_points and (path.rsplit("/", 1)[-1] != "main.py" or path not in handlers):
            continue   # neither a functions_framework decorator nor a main.py handler can be there
        module = source[path]
        framework = [name for name, line in module.decorators if module.resolve(name).startswith("functions_framework.")]
        if framework:
            line = next(line for name, line in module.decorators if name == framework[0])
            yield Finding(path, line, f"Cloud Function entry point `@{framework[0]}` in {path}:{line}")
            continue
        if path.rsplit("/", 1)[-1] != "main.py" or _is_web_app(module):
            continue
        handler = _request_handler(repo, path, module)
        if handler:
            yield Finding(path, handler[1], f"Cloud Function HTTP entry point `{handler[0]}(request)` in {path}:{handler[1]}")


def _is_web_app(module) -> bool:
    return any(module.resolve(c.name).rsplit(".", 1)[-1] in ("Flask", "FastAPI", "APIRouter") for c in module.calls)


def _request_handler(repo, path, module):
    """A top-level `def name(request)` that reads the request, as Cloud Functions call them."""
    if not any(c.name.startswith(REQUEST_USE) for c in module.calls):
        return None
    lines = (repo.text(path).text or "").splitlines()
    for fn in module.functions:
        if not fn.is_method and not fn.enclosing_function and 0 < fn.line <= len(lines):
            match = REQUEST_HANDLER.match(lines[fn.line - 1])
            if match:
                return match.group(1), fn.line
    return None


def _terraform(repo):
    for hit in repo.grep(TERRAFORM, "**/*.tf", limit=2):
        yield hit.path, hit.line, hit.text
