"""System metrics in the API: prometheus_client metrics, an instrumentator, OpenTelemetry
instrumentation or a `/metrics` endpoint in the app's code; a dependency alone is weak."""

from auditor.facts.modules_on_demand import modules_matching, modules_mentioning
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._api import fastapi_apps
from auditor.rules._monitoring import http_routes, importers, route_path

METRIC_CALL = LazyPattern(
    r"^(prometheus_client\.(Counter|Histogram|Gauge|Summary|Info|Enum|make_asgi_app|make_wsgi_app|generate_latest|"
    r"start_http_server)|prometheus_fastapi_instrumentator\.Instrumentator|prometheus_flask_exporter\.\w+|"
    r"starlette_exporter\.\w+|opentelemetry\.instrumentation\.\w+(\.\w+)*|opentelemetry\.metrics\.\w+)$"
)
# what every METRIC_CALL match starts with: a name without one never compiles the pattern
METRIC_PREFIXES = ("prometheus_", "starlette_exporter.", "opentelemetry.")
METRIC_LIBRARIES = ("prometheus_client", "prometheus_fastapi_instrumentator", "prometheus_flask_exporter",
                    "starlette_exporter", "opentelemetry")   # the first part of each METRIC_CALL
METRICS_ROUTE = LazyPattern(r"/metrics")   # in the route decorator of the module serving it


def _metric_call(name: str) -> bool:
    return name.startswith(METRIC_PREFIXES) and bool(METRIC_CALL.search(name))


def probe(repo, source):
    api_paths = None
    for path, module in sorted(modules_mentioning(source, METRIC_LIBRARIES).items()):
        calls = [c for c in module.calls if _metric_call(module.resolve(c.name))]
        if not calls:
            continue
        api_paths = _api_modules(source) if api_paths is None else api_paths
        if path in api_paths or api_paths & set(importers(repo, path, source)):
            yield Finding(path, calls[0].line, f"`{calls[0].name}(...)` in the API in {path}:{calls[0].line}"
                          + (f" ({len(calls)} metric calls)" if len(calls) > 1 else ""))
        else:
            yield Finding(path, calls[0].line, f"`{calls[0].name}(...)` in {path}:{calls[0].line}, which no API module uses", "weak")
    if api_paths is None:
        api_paths = _api_modules(modules_matching(source, METRICS_ROUTE))
    for path in sorted(api_paths):
        for route in http_routes(source[path]):
            if route_path(source[path], route).rstrip("/") == "/metrics":
                yield Finding(path, route.line, f"`/metrics` route {route.function}() in {path}:{route.line}")


def _api_modules(source) -> set[str]:
    paths = {path for path, _, _ in fastapi_apps(source)}
    return paths | {path for path, module in source.items() if any(True for _ in http_routes(module))}
