"""Deployment to Cloud Run / Cloud Functions: deploy steps (`gcloud run deploy`, `gcloud functions
deploy`, deploy actions) or the source of a Cloud Function; a service URL alone, a container deployed to GCP
another way, or a serving image built for GCP with no deploy step is weak."""

import re

from auditor.facts.cloudbuild import in_gcp_registry
from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_mentioning, modules_with_text
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._cloud import by_kind, cloudbuild_configs, find, where
from auditor.rules._commands import malformed_note
from auditor.rules._workflows import accepted, actions

DEPLOY = LazyPattern(r"\bgcloud\s+(beta\s+|alpha\s+)?(run\s+deploy|run\s+services\s+replace|functions\s+deploy)\b",
                     re.IGNORECASE)
DEPLOY_ACTIONS = ("google-github-actions/deploy-cloudrun", "google-github-actions/deploy-cloud-functions")
TERRAFORM = LazyPattern(r"resource\s+\"(google_cloud_run_(v2_)?service|google_cloudfunctions2?_function)\"")
SERVICE_HOST = LazyPattern(r"\.run\.app\b|\.cloudfunctions\.net\b", re.IGNORECASE)   # cheap to search for
SERVICE_URL = LazyPattern(r"[\w.-]{1,253}\.run\.app\b|[\w.-]{1,253}\.cloudfunctions\.net\b", re.IGNORECASE)
URL_FILES = ("**/*.md", "**/*.rst", "**/*.py", "**/*.y*ml", "**/*.sh", "**/*.toml", "**/*.js", "**/*.ts",
             "**/*Dockerfile*", "**/*.dockerfile", "**/*.env", "**/*.cfg", "**/*.ini", "**/*.json")
OTHER_BACKENDS = {("compute", "instances", "create-with-container"): "a Compute Engine VM",
                  ("compute", "instances", "update-container"): "a Compute Engine VM",
                  ("app", "deploy"): "App Engine", ("ai", "endpoints", "deploy-model"): "a Vertex AI endpoint"}
COMMAND_SITES = ("workflow", "cloudbuild") + LOCAL_SITES
SERVERS = {"uvicorn", "gunicorn", "fastapi", "streamlit", "flask", "hypercorn", "bentoml", "torchserve"}
GCP_IMAGE_IN_TEXT = LazyPattern(r"\b(gcr\.io|[\w-]+-docker\.pkg\.dev)/(?!cloud-builders/)")   # not a builder
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
    yield from _other_backends(repo)[:1]
    for hit in mentions(repo, SERVICE_HOST, *URL_FILES, limit=2):
        match = SERVICE_URL.search(hit.text)   # the grep line is cut at 160 characters
        url = match.group(0) if match else "*.run.app"
        yield Finding(hit.path, hit.line, f"only a service URL `{url}` in {hit.path}:{hit.line}, no deploy step", "weak")
    yield from (_served_images(repo) or _served_images_commented_out(repo))[:1]


def _deploy_steps(repo, workflows):
    for seen in by_kind(find(repo, DEPLOY), "workflow", "cloudbuild", "script", "docs")[:3]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` deploys ({where(seen)})")
    for wf in accepted(workflows):
        for _, _, action, line in actions(wf):
            if action in DEPLOY_ACTIONS:
                yield Finding(wf.path, line, f"{wf.path} deploys with the `{action}` action")


def _other_backends(repo) -> list[Finding]:
    """`gcloud` deploying a container to GCP, but not to Cloud Run or Functions: weak, since the item names those."""
    found = []
    for command in repo.commands.of("gcloud", sites=COMMAND_SITES):
        words = tuple(a for a in command.args if a not in ("beta", "alpha"))
        backend = next((name for prefix, name in OTHER_BACKENDS.items() if words[:len(prefix)] == prefix), None)
        if backend and not command.rejected:
            found.append(Finding(command.path, command.line, f"`gcloud {' '.join(words[:3])}` in {command.where} "
                                 f"deploys to {backend}, not to Cloud Run or Functions", "weak"))
    return found


def _served_images(repo) -> list[Finding]:
    """A serving image (its Dockerfile starts a web server) built for a GCP registry, with no deploy step:
    the service may have been created in the console, which leaves nothing in the repository."""
    servers = {c.path: c for c in repo.commands.at("dockerfile") if c.program in SERVERS}
    found = []
    for command in repo.commands.of("docker", sites=("cloudbuild", "workflow")):
        if command.subcommand != "build" or command.rejected:
            continue
        dockerfile = next(iter(command.option_values("-f") + command.option_values("--file")), "Dockerfile")
        server = servers.get(dockerfile.removeprefix("./"))
        tags = command.option_values("-t") + command.option_values("--tag")
        if server and (command.site == "cloudbuild" or any(in_gcp_registry(t) for t in tags)):
            found.append(Finding(command.path, command.line, f"`docker build` in {command.where} builds the serving image "
                                 f"of {server.path} (`{server.program}`, line {server.line}) for GCP; no deploy step "
                                 "is in the repository (a service created in the console leaves none)"
                                 + malformed_note(server), "weak"))
    return found


def _served_images_commented_out(repo) -> list[Finding]:
    """A commented-out Cloud Build step that built a serving image for GCP (its Dockerfile and a GCP
    registry on one line): the image a service created in the console once ran, or was to run."""
    servers = {c.path: c for c in repo.commands.at("dockerfile") if c.program in SERVERS}
    names = {path.rpartition("/")[2]: command for path, command in servers.items()}
    for path, _ in cloudbuild_configs(repo):
        for number, line in enumerate((repo.text(path).text or "").splitlines(), start=1):
            code = line.lstrip()
            if not code.startswith("#") or not GCP_IMAGE_IN_TEXT.search(code):
                continue
            server = next((c for name, c in names.items() if re.search(rf"(^|[\s'\"/,]){re.escape(name)}\b", code)), None)
            if server is not None:
                return [Finding(path, number, f"a commented-out step in {path}:{number} built the serving image of "
                                f"{server.path} (`{server.program}`, line {server.line}) for GCP; no live deploy or "
                                "build step is in the repository", "weak")]
    return []


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
