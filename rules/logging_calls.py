"""Loggers (logging, loguru, structlog) with several calls in source; print does not count."""

from auditor.facts.modules_on_demand import modules_with_text
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

LEVELS = LazyPattern(r"(^|\.)(debug|info|warning|warn|error|exception|critical|success|trace|log)$")
LOGGER_NAMES = LazyPattern(r"^(logging|logger|log|_logger|_log|LOGGER|LOG|self\.logger|self\.log|self\._logger|\w*_logger|\w*logger)$")
STRONG_CALLS = 4  # "several": three calls across a code base is still "barely used"
CREATORS = ("logging.getLogger", "logging.basicConfig", "loguru.logger.add", "structlog.get_logger", "logging.config.dictConfig")


def probe(source, tests=None):
    calls, created = _logger_calls(source)
    per_file = {path: sum(1 for c in calls if c[0] == path) for path in {c[0] for c in calls}}
    files = sorted(per_file, key=lambda p: (-per_file[p], p))
    if len(calls) >= STRONG_CALLS:
        for path in files[:3]:
            first = next(c for c in calls if c[0] == path)
            yield Finding(path, first[1], f"{per_file[path]} logger call(s) in {path}, first `{first[2]}(...)` at line {first[1]}")
    elif calls:
        path, line, name = calls[0]
        yield Finding(path, line, f"only {len(calls)} logger call(s) in the whole source (first `{name}(...)` at "
                                  f"{path}:{line}): a logger barely used", "weak")
    elif created:
        path, line, name = created[0]
        yield Finding(path, line, f"a logger is set up (`{name}` at {path}:{line}) but never called", "weak")
    else:
        yield from _only_in_tests(tests)


def _only_in_tests(tests):
    """Loggers called in the test code only: logging used, but not for the project's own events."""
    calls, _ = _logger_calls(tests or {})
    if calls:
        path, line, name = calls[0]
        yield Finding(path, line, f"{len(calls)} logger call(s) only in the tests (first `{name}(...)` at "
                                  f"{path}:{line}), none in the project's source", "weak")


def _logger_calls(modules):
    """(path, line, name) of every logger call and of every logger set up, in `modules`."""
    calls = []
    created = []
    modules = modules_with_text(modules, _may_log)
    project_logs = any(m.imports_any("logging", "loguru", "structlog") for m in modules.values())
    for path, module in modules.items():
        uses_logging = module.imports_any("logging", "loguru", "structlog") is not None
        # a module may use the project's logger through a relative import, which the facts do not resolve
        if not uses_logging and not _imports_a_logger(module) and not project_logs:
            continue
        for call in module.calls:
            resolved = module.resolve(call.name)
            if any(resolved.startswith(c) for c in CREATORS):
                created.append((path, call.line, call.name))
            head, _, tail = call.name.rpartition(".")
            if head and LEVELS.search("." + tail) and (LOGGER_NAMES.match(head) or resolved.startswith(("logging.", "loguru."))):
                if head == "self.log" or (tail == "log" and head.startswith("self")):
                    continue
                calls.append((path, call.line, call.name))
    return calls, created


def _may_log(text: str) -> bool:
    """Every logger import, creator and logger name holds `log` or `LOG`."""
    return "log" in text or "LOG" in text


def _imports_a_logger(module) -> bool:
    """`from mypkg.utils import logger`: the project's own logger, shared between modules."""
    return any(LOGGER_NAMES.match(local) and origin.count(".") >= 1 for local, origin in module.aliases.items())
