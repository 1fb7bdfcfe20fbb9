"""The API stores what it was asked and what it answered (bucket, database or file), seen from a
route; a storage helper the routes never call, or a client script that collects them, is weak."""

import re
from functools import lru_cache

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.repository import TEST_FILE
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible
from auditor.rules._monitoring import (DOTTED_NAME, bentoml_apis, http_routes, lines_of, reachable_calls,
                                      serving_modules)

STORE_CALL = LazyPattern(
    r"(upload_from_(string|filename|file)|upload_blob|put_object|insert_(one|many|rows(_json)?)|writerow|writerows|"
    r"bulk_write|collection\(.*\)\.(add|set)|document\(.*\)\.set|log_struct|xadd|[lr]push)$"
)
STORE_HELPER = LazyPattern(
    r"^_*(save|store|log|record|persist|write|upload|insert|add|append|push|collect|dump)_\w*"
    r"(pred|request|input|output|result|inference|log|data|record|sample|query|response|feedback|gcs|gcp|bucket|"
    r"db|database|firestore|bigquery|csv|json|storage|cloud)",
    re.IGNORECASE,
)
INPUT_WORDS = LazyPattern(r"input|request|text|image|feature|payload|query|prompt|body|sentence|review|tweet|\bx\b", re.IGNORECASE)
OUTPUT_WORDS = LazyPattern(r"pred|output|label|result|class|score|prob|logit|sentiment|answer|response", re.IGNORECASE)
CLIENT_CALL = LazyPattern(r"^(requests|httpx|session|client)\.(post|get)$")
CLIENT_CALLS = [f"{who}.{verb}" for who in ("requests", "httpx", "session", "client") for verb in ("post", "get")]
CLIENT_WRITE = LazyPattern(r"(to_csv|to_parquet|writerow|json\.dump|to_json)$")


def probe(repo, source, python):
    stored = list(_stored_from_routes(repo, source))
    yield from stored
    if any(f.strength == "strong" for f in stored):
        return
    if not stored:
        yield from _unused_helpers(source)
    yield from _client_scripts(python)


def _served(module):
    """FastAPI/Flask routes and Cloud Functions, and BentoML service APIs."""
    yield from http_routes(module)
    yield from bentoml_apis(module)


def _is_store(call) -> bool:
    tail = call.name.rsplit(".", 1)[-1]
    if search_if_possible(STORE_CALL, call.name) or search_if_possible(STORE_HELPER, tail):
        return True
    return tail in ("open", "to_csv") and _append_mode(call)


def _append_mode(call, modes: str = "a") -> bool:
    positional = ()
    if call.name.endswith("open"):
        positional = call.args[1:2] if call.name in ("open", "io.open", "builtins.open") else call.args[:1]
    written = [*positional, *call.keywords.get("mode", "").split()]
    return any(_mode_pattern(modes).fullmatch(m.strip()) for m in written)


@lru_cache(maxsize=None)
def _mode_pattern(modes: str) -> LazyPattern:
    """A quoted open() mode with one of `modes` (the rules' own letters): `'a'`, `"ab"`, `'w+'`."""
    return LazyPattern(rf"['\"][{modes}]\+?[bt]?['\"]")


def _stored_from_routes(repo, source):
    """The strongest storing call per app module: input and prediction both in the storing function is strong."""
    for path, module in sorted(serving_modules(source).items()):
        weak = None
        for route in _served(module):
            for reached in reachable_calls(module, route):
                stores = _stores_in(reached)
                if stores is None:
                    continue
                call = reached.call
                body = lines_of(repo, path, reached.start, reached.end)
                where = f"`{stores}(...)` in {path}:{call.line}, reached from route {route.function}()"
                if INPUT_WORDS.search(body) and OUTPUT_WORDS.search(body):
                    yield Finding(path, call.line, f"{where} stores the request's input and the prediction")
                    return
                missing = ("only predictions seen stored, not the inputs" if OUTPUT_WORDS.search(body)
                           else "neither the input nor the prediction seen in what it stores")
                weak = weak or Finding(path, call.line, f"{where}; {missing}", "weak")
        if weak:
            yield weak


def _stores_in(reached):
    call = reached.call
    if _is_store(call):
        return call.name
    for arg in call.args[:1]:
        if DOTTED_NAME.fullmatch(arg) and search_if_possible(STORE_HELPER, arg.rsplit(".", 1)[-1]):
            return arg
    return None


def _unused_helpers(source):
    for path, module in sorted(serving_modules(source).items()):
        if not list(_served(module)):
            continue
        for fn in module.functions:
            if search_if_possible(STORE_HELPER, fn.name) and not fn.trivial:
                yield Finding(path, fn.line, f"storage helper {fn.name}() in {path}:{fn.line} is never called from a route", "weak")
                return


def _client_scripts(python):
    for path, module in sorted(modules_mentioning(python, CLIENT_CALLS).items()):
        if TEST_FILE.search(path):
            continue
        posts = [c for c in module.calls if CLIENT_CALL.search(c.name)]
        writes = [c for c in module.calls if CLIENT_WRITE.search(c.name)
                  or (c.name.endswith("open") and _append_mode(c, "aw"))]
        if posts and writes:
            yield Finding(path, writes[0].line,
                          f"a client script calls the API (`{posts[0].name}`, line {posts[0].line}) and saves the results "
                          f"(`{writes[0].name}`) in {path}:{writes[0].line}; the API itself stores nothing", "weak")
            return
