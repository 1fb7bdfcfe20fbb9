"""An API route that computes or serves a drift report, and a Dockerfile or deploy step that runs
that API; a drift route nothing deploys, or drift code without any route, is weak."""

import re

from auditor.facts.modules_on_demand import modules_matching
from auditor.facts.repository import TEST_FILE
from auditor.model import Finding
from auditor.rules._monitoring import (DRIFT_LIBRARIES, deployment_of, drift_call, drift_modules, http_routes,
                                       reachable_calls, route_path, serving_modules)
from auditor.lazy_pattern import LazyPattern

DRIFT_WORD = LazyPattern(r"drift", re.IGNORECASE)
DEPLOYED_URL_TEXT = LazyPattern(r"run\.app|cloudfunctions\.net")   # what every DEPLOYED_URL holds
DEPLOYED_URL = LazyPattern(r"https?://[\w.-]+\.(run\.app|cloudfunctions\.net|a\.run\.app)|[\w.-]+\.run\.app")
CLIENT_CALL = LazyPattern(r"^(requests|httpx|aiohttp|session|client)\.(post|get|request)$|\.(post|get)$")
METRIC_CALL = LazyPattern(r"(^|\.)(accuracy_score|f1_score|precision_score|recall_score|classification_report|"
                          r"confusion_matrix|Accuracy|F1Score|MulticlassAccuracy|BinaryAccuracy)$")
METRIC_NAME = LazyPattern(r"(^|_)(accuracy|acc|f1|precision|recall)($|_)", re.IGNORECASE)
METRIC_TEXT = LazyPattern(r"\b(accuracy|f1[- ]score)\b", re.IGNORECASE)   # a plot's or a log's label of the score


def probe(repo, source, python):
    drift_code = drift_modules(python)
    routes = list(_drift_routes(source, drift_code))
    for path, route, why in routes[:3]:
        deployed = deployment_of(repo, path, source)
        where = f"route `@{route.decorator}` {route.function}() in {path}:{route.line} {why}"
        if deployed:
            yield Finding(path, route.line, f"{where}; the app is run by {deployed.path}:{deployed.line}")
        else:
            yield Finding(path, route.line, f"{where}, but no Dockerfile or deploy step runs {path}", "weak")
    if routes:
        return
    for path, (name, line) in sorted(drift_code.items())[:2]:
        yield Finding(path, line, f"drift code (`import {name}`) in {path}:{line}, but no API route serves it", "weak")
    if not drift_code:
        yield from _performance_monitors(python)


def _performance_monitors(python):
    """A script that sends data to the deployed service and scores its answers: monitoring of the
    deployed model's performance (the 2023 wording of this item), but not a drift API."""
    for path, module in sorted(modules_matching(python, DEPLOYED_URL_TEXT).items()):
        if TEST_FILE.search(path):
            continue
        url = next(((text, line) for text, line in module.strings if DEPLOYED_URL.search(text)), None)
        posts = [c for c in module.calls if CLIENT_CALL.search(module.resolve(c.name))]
        metric = next((c.line for c in module.calls if METRIC_CALL.search(module.resolve(c.name))), None)
        metric = metric or next((line for target, _, line in module.assigns if METRIC_NAME.search(target)), None)
        metric = metric or next((line for text, line in module.strings if METRIC_TEXT.search(text)), None)
        if url and posts and metric:
            yield Finding(path, posts[0].line,
                          f"{path} sends requests to the deployed service ({path}:{url[1]}) and scores its predictions "
                          f"({path}:{metric}): performance monitoring of the deployed model, not a drift API", "weak")
            return


def _drift_routes(source, drift_code):
    drift_stems = {p.rsplit("/", 1)[-1][:-3] for p in drift_code}
    words = re.compile("|".join(["drift", *map(re.escape, DRIFT_LIBRARIES), *map(re.escape, sorted(drift_stems))]),
                       re.IGNORECASE)   # a drift route names one: in its URL or function, a call or an import
    for path, module in sorted(modules_matching(serving_modules(source), words).items()):
        for route in http_routes(module):
            why = _why_drift(module, route, drift_stems)
            if why:
                yield path, route, why


def _why_drift(module, route, drift_stems) -> str | None:
    reached = [r.call for r in reachable_calls(module, route)]
    for call in reached:
        if drift_call(module, call):
            return f"calls `{call.name}(...)` (line {call.line})"
    for call in reached:
        origin = module.resolve(call.name).split(".")
        if len(origin) > 1 and origin[-2] in drift_stems:
            return f"calls `{call.name}(...)` from the drift module {origin[-2]} (line {call.line})"
    url = route_path(module, route)
    if DRIFT_WORD.search(url) or DRIFT_WORD.search(route.function):
        return f"serves `{url or route.function}`"
    return None
