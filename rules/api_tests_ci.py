"""Tests that call the API (TestClient / httpx / requests) and a workflow that runs them; API tests
that no working workflow runs, or that assert nothing, are weak."""

import re

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.test_suite import test_functions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._testing import runs_file, shortfall, test_runs
from auditor.rules._workflows import place

HTTP_CLIENTS = ("fastapi.testclient", "starlette.testclient", "httpx", "requests", "aiohttp", "flask.testing")
HTTP_METHOD = LazyPattern(r"^(get|post|put|patch|delete|request|options|head)$")
BENTOML_CLIENT = LazyPattern(r"^bentoml\.(client\.)?(SyncHTTPClient|AsyncHTTPClient|HTTPClient|Client)$")
CLIENT_OBJECT = LazyPattern(r"(client|requests|httpx|session|api|^c|^ac)$", re.IGNORECASE)


def probe(tests, commands, repo):
    shared_client = any(tests[p].imports_any(*HTTP_CLIENTS) for p in tests if p.rsplit("/", 1)[-1] == "conftest.py")
    possible = tests if shared_client else modules_mentioning(tests, (*HTTP_CLIENTS, "bentoml"))
    api_tests = [fn for module in possible.values() for fn in test_functions(module)
                 if _calls_api(module, fn, shared_client)]
    if not api_tests:
        return
    real = [fn for fn in api_tests if shortfall(fn, tests[fn.path], repo) is None]
    if not real:
        fn = api_tests[0]
        yield Finding(fn.path, fn.line, f"`{fn.name}` in {fn.path}:{fn.line} calls the API, but "
                                        f"{shortfall(fn, tests[fn.path], repo)}", "weak")
        return
    runs = test_runs(commands)
    working = [r for r in runs if r.rejected is None]
    working.sort(key=lambda r: 1 if r.selects else 0)
    files = sorted({fn.path for fn in real})
    for path in files:
        run = next((r for r in working if runs_file(r, path)), None)
        if run is not None:
            count = sum(1 for fn in real if fn.path == path)
            yield Finding(path, next(fn.line for fn in real if fn.path == path),
                          f"{count} API test(s) in {path}, run by `{run.text[:60]}` in {place(run.path, run.line)}")
            yield Finding(run.path, run.line, f"{place(run.path, run.line)} runs the API tests in {path}")
            return
    fn = real[0]
    broken = next((r for r in runs if r.rejected and runs_file(r, fn.path)), None)
    if broken is not None:
        why = f"only {broken.path} runs them, and GitHub would reject that workflow: {broken.rejected}"
    elif working:
        targets = ", ".join(f"`{r.text[:40]}`" for r in working[:2])
        why = f"the workflows run other tests ({targets})"
    else:
        why = "no workflow runs pytest"
    yield Finding(fn.path, fn.line, f"API test `{fn.name}` in {fn.path}:{fn.line}, but {why}", "weak")


def _calls_api(module, fn, shared_client: bool) -> bool:
    """A test that calls the app's routes through a client (its own, or a conftest fixture's), or a
    BentoML service through a BentoML client (typically after `bentoml serve` in a subprocess)."""
    if _calls_bentoml(module, fn):
        return True
    if not (module.imports_any(*HTTP_CLIENTS) or shared_client) or module.imports_any("locust"):
        return False
    for call in module.calls:
        if fn.line <= call.line and (call.line <= _end(module, fn)):
            receiver, _, method = call.name.rpartition(".")
            if call.name.endswith("TestClient") or (receiver and HTTP_METHOD.match(method)
                                                     and CLIENT_OBJECT.search(receiver.rsplit(".", 1)[-1])):
                return True
    return False


def _calls_bentoml(module, fn) -> bool:
    return bool(module.imports_any("bentoml")) and any(
        fn.line <= call.line <= _end(module, fn) and BENTOML_CLIENT.match(module.resolve(call.name)) for call in module.calls)


def _end(module, fn) -> int:
    definition = next((f for f in module.functions if f.line == fn.line), None)
    return definition.end_line if definition else fn.line
