"""A FastAPI app with a route that runs a model (itself, or through a helper of the project's code);
an app whose routes never run one is weak."""

from auditor.model import Finding
from auditor.rules._api import api_modules, fastapi_apps, routes, runs_model


def probe(repo, source):
    apps = list(fastapi_apps(source))
    if not apps:
        return
    found = 0
    for path in sorted(set(api_modules(source))):
        module = source[path]
        for route in routes(module):
            inference = runs_model(module, route, source)
            if inference:
                found += 1
                yield Finding(path, route.line,
                              f"route `@{route.decorator}` {route.function}() in {path}:{route.line} calls `{inference}(...)`")
                break
        if found >= 2:
            return
    if found:
        return
    for path, line, _ in apps[:2]:
        names = [r.function for r in routes(source[path])]
        shown = f" ({', '.join(names[:4])})" if names else ""
        yield Finding(path, line, f"FastAPI app in {path}:{line} with {len(names)} route(s){shown}, "
                                  "none seen running a model", "weak")
