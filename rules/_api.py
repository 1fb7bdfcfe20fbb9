"""Shared reading of web APIs in source: FastAPI apps, their routes, and whether a route runs a model."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.record import record
from auditor.report.anchors import match_if_possible, search_if_possible
from auditor.rules._code import calls_within

ROUTE_METHODS = LazyPattern(r"\.(get|post|put|patch|delete|api_route|websocket)$")
# The callee's last name segment that means inference (matched on `predict_image`, `model.forward`, ...).
INFERENCE = LazyPattern(
    r"^_*(\w{1,100}_)?(predict(ion|or)?|infer(ence)?|classify|classification|translate|transcribe|summari[sz]e|caption|"
    r"recogni[sz]e)(_\w+)?$|"
    r"^_*(forward|generate|pipeline|embed|segment|__call__|load_from_checkpoint|load_state_dict|from_pretrained|"
    r"inferencesession|softmax|argmax|topk|predict_proba)$",
    re.IGNORECASE,
)
LOADERS = LazyPattern(r"^(torch\.load|torch\.jit\.load|joblib\.load|pickle\.load|onnx\.load|tf\.keras\.models\.load_model|"
                      r"keras\.models\.load_model|load_model)$")
MODEL_OBJECT = LazyPattern(r"(^|_)(model|net|network|classifier|clf|predictor|pipe|pipeline)s?$", re.IGNORECASE)
RUNNER = LazyPattern(r"(^|_)(model|net|classifier|predictor|session|sess|ort\w*|onnx\w*|runtime)s?$", re.IGNORECASE)
NOT_MODEL = LazyPattern(r"^(subprocess|os|asyncio|uvicorn|app|router|report|loop|threading|multiprocessing|shutil|"
                        r"trio|anyio|background_tasks|click|typer|pytest)$", re.IGNORECASE)


@record(frozen=True)
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


def api_modules(source):
    """Files that create a FastAPI app or an `APIRouter` (routes may live in either)."""
    for path, module in source.items():
        for call in module.calls:
            tail = module.resolve(call.name).rsplit(".", 1)[-1]
            if tail in ("FastAPI", "APIRouter"):
                yield path
                break


def routes(module):
    """Functions decorated as HTTP routes (`@app.get`, `@router.post`, ...)."""
    for fn in module.functions:
        for decorator in fn.decorators:
            if ROUTE_METHODS.search(decorator):
                yield Route(module.path, fn.line, decorator, fn.name, fn.end_line)


def looks_like_inference(module, name: str, sessions: set[str] | None = None) -> bool:
    """Whether a call named `name` (as written) looks like running or loading a model."""
    resolved = module.resolve(name)
    if match_if_possible(LOADERS, resolved) or match_if_possible(LOADERS, name):
        return True
    receiver, _, tail = name.rpartition(".")
    owner = receiver.rsplit(".", 1)[-1]
    first = receiver.split(".", 1)[0] if receiver else ""
    if match_if_possible(NOT_MODEL, owner) or match_if_possible(NOT_MODEL, first):
        return False
    if tail == "run":
        return bool(receiver) and (owner in (sessions or set()) or bool(RUNNER.search(owner)))
    if match_if_possible(INFERENCE, tail) and not tail.startswith(("generate_", "get_")):
        return True
    # the model object itself called: `model(x)`, `self.net(x)`, `classifier(inputs)`
    return bool(search_if_possible(MODEL_OBJECT, tail)) and tail.lower() not in ("pipeline",) and not tail[:1].isupper()


def inference_sessions(module) -> set[str]:
    """Names assigned an ONNX Runtime session (`model = ort.InferenceSession(...)`)."""
    found = set()
    for target, value, _ in module.assigns:
        if "InferenceSession" in value:
            found.add(target.rsplit(".", 1)[-1].split(":")[0].strip())
    return found


def runs_model(module, route, source=None) -> str | None:
    """The first call in a route, or in the helpers it calls, that looks like inference: the
    module's own functions, and (given `source`) functions imported from the project's other modules."""
    pending, seen = [(module, route.line, route.end_line)], set()
    while pending:
        current, start, end = pending.pop()
        sessions = inference_sessions(current)
        local_functions = {f.name: f for f in current.functions}
        for call in calls_within(current, start, end):
            if looks_like_inference(current, call.name, sessions):
                return call.name
            owner, target = current, local_functions.get(call.name.split(".")[-1])
            if target is None and source is not None:
                owner, target = _imported_function(current, call.name, source)
            if target is not None and (owner.path, target.line) not in seen:
                seen.add((owner.path, target.line))
                pending.append((owner, target.line, target.end_line))
    return None


def _imported_function(module, name: str, source):
    """(module, function) that a call resolves to in another file of the project's source
    (`from src.models.predict import run` ... `run(...)`), else (module, None)."""
    resolved = module.resolve(name)
    dotted, _, function = resolved.rpartition(".")
    if not dotted:
        return module, None
    for path in _paths_of(dotted):
        other = source.get(path)
        if other is not None and other is not module:
            return other, next((f for f in other.functions if f.name == function), None)
    return module, None


def _paths_of(dotted: str) -> tuple[str, ...]:
    """The files a dotted module name may be: `a/b.py` or `a/b/__init__.py`, also under `src/`."""
    base = dotted.replace(".", "/")
    return (f"{base}.py", f"{base}/__init__.py", f"src/{base}.py", f"src/{base}/__init__.py")
