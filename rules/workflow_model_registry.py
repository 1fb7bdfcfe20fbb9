"""A workflow triggered by the model registry (a `repository_dispatch` sent by e.g. a W&B automation)
that stages or tests the model; a workflow that only downloads registry models is weak. Steps are
read as shell (the `commands` fact): each simple command on its own, so `echo x && pytest` runs
pytest and a printing command beside real work does not hide it."""

import re

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible
from auditor.rules._workflows import live_steps, place, problems, trigger_line, trigger_paths

REGISTRY_EVENTS = ("repository_dispatch",)
REGISTRY_CLIENTS = ("wandb", "mlflow")
REGISTRY_USE = LazyPattern(
    r"wandb\s+artifact\s+get|use_artifact|model[-_]?registry|registry[-_/]model|mlflow\s+models|"
    r"models:/|huggingface-cli\s+download|hf\s+download",
    re.IGNORECASE,
)
INSTALL = LazyPattern(r"^\s*(python3?\s+-m\s+)?(pip3?|uv|poetry|conda)\s+(install|sync|add)\b", re.IGNORECASE)
LISTING = LazyPattern(r"^\s*(pip3?|uv\s+pip|conda)\s+(list|freeze)\b|^\s*(python3?\s+(-V|--version)|which)\b")
SETUP_ACTION = LazyPattern(r"^actions/checkout@|/setup-[\w-]+@|^actions/cache@", re.IGNORECASE)
MODEL_WORDS = LazyPattern(r"model|artifact|registry|stag(e|ing)|checkpoint|alias", re.IGNORECASE)
ECHO_ONLY = LazyPattern(r"^\s*(echo|printf|cat|ls|pwd|env|true)\b")


DEPLOY_OR_TEST = LazyPattern(r"\b(gcloud\s+run|gcloud\s+functions|kubectl|docker\s+(run|push)|pytest|locust|"
                             r"curl)\b", re.IGNORECASE)
REGISTRY_LOAD_WORDS = ("artifact", "use_model")   # what every REGISTRY_LOAD match holds
REGISTRY_LOAD = LazyPattern(r"(^|\.)(use_artifact|use_model|artifact)$")


MODEL_PATH = LazyPattern(r"^(\./)?models?(/|\.dvc$|$)|\.(ckpt|pt|pth|onnx|safetensors|joblib|pkl)$", re.IGNORECASE)


def probe(workflows, source, commands):
    weak = list(_model_file_triggers(workflows)) + list(_dispatched_deploys(workflows, source, commands))
    for wf in workflows:
        if not wf.valid:
            continue
        events = [e for e in wf.triggers() if e in REGISTRY_EVENTS]
        rejected = problems(wf)
        if events:
            work = [c for c in _run_by(commands, wf) if not ECHO_ONLY.match(c.text)]
            work.sort(key=_relevance)
            uses = [s["uses"] for _, s in live_steps(wf)
                    if isinstance(s.get("uses"), str) and not SETUP_ACTION.search(s["uses"])]
            types = _dispatch_types(wf, events[0])
            if rejected:
                weak.append(Finding(wf.path, trigger_line(wf),
                                    f"{wf.path} is triggered by `{events[0]}`, but GitHub would reject it: {rejected[0]}",
                                    "weak"))
            elif not _mentions_model(wf.data):
                weak.append(Finding(wf.path, trigger_line(wf), f"{wf.path} runs on `{events[0]}`{types}, but nothing in "
                                                               "it concerns a model or the registry", "weak"))
            elif work or uses:
                shown = _shown(work[0]) if work else f"the `{uses[0]}` action"
                yield Finding(wf.path, trigger_line(wf),
                              f"{wf.path} runs on `{events[0]}`{types} and then {shown}")
            else:
                weak.append(Finding(wf.path, trigger_line(wf),
                                    f"{wf.path} runs on `{events[0]}`{types} but its steps only print", "weak"))
            continue
        for command in _run_by(commands, wf):
            if search_if_possible(REGISTRY_USE, command.text) and not ECHO_ONLY.match(command.text):
                events = ", ".join(f"`{e}`" for e in wf.triggers())
                weak.append(Finding(wf.path, command.line,
                                    f"{place(wf.path, command.line)} fetches a registry model (`{command.text[:60]}`) "
                                    f"but runs on {events}, not on registry changes", "weak"))
                break
    yield from weak[:3]


def _mentions_model(node, depth: int = 0) -> bool:
    """Some key or value of the parsed workflow (names, dispatch types, inputs, steps) speaks of a
    model or the registry; comments, which GitHub ignores, do not count."""
    if depth > 20:
        return False
    if isinstance(node, dict):
        return any(_mentions_model(key, depth + 1) or _mentions_model(value, depth + 1) for key, value in node.items())
    if isinstance(node, list):
        return any(_mentions_model(item, depth + 1) for item in node)
    return isinstance(node, str) and bool(MODEL_WORDS.search(node))


def _model_file_triggers(workflows):
    """A workflow that runs when the repository's own model files change: the local stand-in for
    a registry, not a registry event."""
    for wf in workflows:
        if not wf.valid or problems(wf):
            continue
        watched = next((p for _, p in trigger_paths(wf) if MODEL_PATH.search(p.rstrip("*/") or p)), None)
        if watched:
            yield Finding(wf.path, trigger_line(wf), f"{wf.path} runs when model files change (`paths: {watched}`), "
                                                     "not on a model registry event", "weak")
            return


def _dispatched_deploys(workflows, source, commands):
    """A workflow anyone outside can dispatch (a W&B automation calls `workflow_dispatch` too)
    that deploys or tests the app, whose code loads its model from a registry: the trigger
    itself lives outside the repository, so this is all a repository can show."""
    if not any(wf.valid and "workflow_dispatch" in wf.triggers() for wf in workflows):
        return
    loading = modules_mentioning(modules_mentioning(source, REGISTRY_CLIENTS), REGISTRY_LOAD_WORDS)
    loads = next(((path, call) for path, module in loading.items()
                  if module.imports_any(*REGISTRY_CLIENTS)
                  for call in module.calls if REGISTRY_LOAD.search(call.name)), None)
    if loads is None:
        return
    path, call = loads
    for wf in workflows:
        if not wf.valid or "workflow_dispatch" not in wf.triggers():
            continue
        work = next((c for c in _run_by(commands, wf) if DEPLOY_OR_TEST.search(c.text) and not ECHO_ONLY.match(c.text)), None)
        if work is not None:
            yield Finding(wf.path, work.line,
                          f"{place(wf.path, work.line)} can be dispatched from outside (`workflow_dispatch`) and runs "
                          f"`{work.text[:50]}`; the code loads its model from a registry (`{call.name}(...)` in "
                          f"{path}:{call.line}), but no registry event in the repository triggers it", "weak")
            return


def _shown(command) -> str:
    return f"`{command.text[:60]}` ({command.where} runs `{command.program}`)"


def _run_by(commands, wf) -> list:
    """The commands the workflow's live steps run, in file order."""
    return [c for c in commands.at("workflow") if c.path == wf.path and c.live]


def _relevance(command) -> int:
    """Sort key: model tests and scripts first, installs and listings last."""
    if INSTALL.match(command.text) or LISTING.match(command.text):
        return 2
    return 0 if re.search(r"\b(pytest|python3?|wandb|mlflow)\b", command.text) else 1


def _dispatch_types(wf, event: str) -> str:
    config = wf.triggers().get(event)
    types = config.get("types") if isinstance(config, dict) else None
    if not types:
        return ""
    shown = ", ".join(types) if isinstance(types, list) else str(types)
    return f" (types: {shown})"
