"""A FastAPI app with a route that runs a model; an app without inference is weak."""

from auditor.model import Finding
from auditor.rules._api import fastapi_apps, routes, runs_model


def probe(source):
    apps = list(fastapi_apps(source))
    strong = 0
    for path in sorted({a[0] for a in apps}):
        module = source[path]
        for route in routes(module):
            inference = runs_model(module, route)
            if inference:
                strong += 1
                yield Finding(path, route.line,
                              f"route `@{route.decorator}` {route.function}() in {path}:{route.line} calls `{inference}(...)`")
                break
    if strong:
        return
    for path, line, _ in apps[:2]:
        count = len(list(routes(source[path])))
        yield Finding(path, line, f"FastAPI app in {path}:{line} with {count} route(s), none seen running a model", "weak")
