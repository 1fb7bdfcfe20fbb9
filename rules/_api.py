"""Shared reading of web APIs in source: FastAPI apps and their routes."""

import re
from dataclasses import dataclass

ROUTE_METHODS = re.compile(r"\.(get|post|put|patch|delete|api_route|websocket)$")
INFERENCE = re.compile(
    r"(predict|inference|infer|forward|classify|generate|\.run$|session\.run|model\(|pipeline|__call__|"
    r"load_from_checkpoint|load_state_dict|torch\.load|from_pretrained|onnxruntime|\.eval$|softmax|argmax)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Route:
    path: str          # file
    line: int
    decorator: str
    function: str
    end_line: int


def fastapi_apps(source):
    """(file, line, call) of every `FastAPI(...)` construction."""
    for path, module in source.items():
        for call in module.calls:
            if module.resolve(call.name) in ("fastapi.FastAPI", "FastAPI") or call.name.endswith("FastAPI"):
                yield path, call.line, call


def routes(module):
    """Functions decorated as HTTP routes (`@app.get`, `@router.post`, ...)."""
    for fn in module.functions:
        for decorator in fn.decorators:
            if ROUTE_METHODS.search(decorator):
                yield Route(module.path, fn.line, decorator, fn.name, fn.end_line)


def calls_in(module, start, end):
    return [c for c in module.calls if start <= c.line <= end]


def runs_model(module, route) -> str | None:
    """The first call in a route (or in the module's helpers it calls) that looks like inference."""
    local_functions = {f.name: f for f in module.functions}
    pending, seen = [(route.line, route.end_line)], set()
    while pending:
        start, end = pending.pop()
        for call in calls_in(module, start, end):
            if INFERENCE.search(call.name) or INFERENCE.search(call.name + "("):
                return call.name
            target = local_functions.get(call.name.split(".")[-1])
            if target is not None and (target.line, target.end_line) not in seen:
                seen.add((target.line, target.end_line))
                pending.append((target.line, target.end_line))
    return None
