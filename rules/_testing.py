"""Shared reading of the test suite: which tests pytest would collect and run, whether they assert
something real, and which workflows run pytest over which files."""

from __future__ import annotations

import fnmatch
import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.record import record
from auditor.report.anchors import match_if_possible
from auditor.rules._code import calls_within

TRIVIAL_ASSERT = LazyPattern(r"^\s*assert\s*\(?\s*(True|1|not\s+False|1\s*==\s*1|True\s+is\s+True)\s*\)?\s*(,.*)?(#.*)?$")
NOT_EXERCISE = LazyPattern(r"^(assert\w*|self\.assert\w*|isinstance|issubclass|len|print|str|int|float|type|hasattr|"
                          r"callable|repr|bool|list|dict|set|tuple|pytest\.(raises|approx|fail|skip)|all|any)$")
SETUPS = {"setUp", "setUpClass", "setup_method", "setup_class", "setup", "asyncSetUp"}
PARAMS = LazyPattern(r"def\s+\w+\s*\(([^)]*)")
INI_FILES = {"pytest.ini": "pytest", "setup.cfg": "tool:pytest", "tox.ini": "pytest"}   # file -> pytest's section
PYTEST = {"pytest", "py.test"}
TASK_RUNNERS = {"invoke", "inv", "make", "just", "nox", "tox", "task"}
TEST_TASK = LazyPattern(r"^[\w.:-]*test", re.IGNORECASE)
TOX_POSARGS_DEFAULT = LazyPattern(r"^\{posargs:([^{}]*)\}$")
VALUE_OPTIONS = {"-k", "-m", "-c", "-p", "-o", "-n", "--cov", "--cov-report", "--cov-config", "--rootdir", "--junitxml",
                 "--ignore", "--deselect", "--durations", "--maxfail", "--timeout", "--log-level", "--basetemp",
                 "--confcutdir", "--source", "--tb", "-W", "--junit-xml", "--html", "--data-file", "--omit", "--include"}


def probe_topic(tests, test_functions, topic: re.Pattern, label: str, repo=None):
    """Findings for tests that exercise `topic` (matched on file, function name or imports)."""
    local = local_packages(repo) if repo is not None else None
    relevant = []
    for fn in test_functions:
        module = tests[fn.path]
        imports = " ".join(name for name, _ in module.imports if local is None or name.split(".", 1)[0] in local)
        if topic.search(fn.path.rsplit("/", 1)[-1]) or topic.search(fn.name) or topic.search(imports):
            relevant.append(fn)
    judged = [(fn, shortfall(fn, tests[fn.path], repo)) for fn in relevant]
    good = [fn for fn, why in judged if why is None]
    if good:
        for path in _named_for_the_topic_first({f.path for f in good}, topic)[:3]:
            in_file = [f for f in good if f.path == path]
            yield Finding(path, in_file[0].line,
                          f"{len(in_file)} {label} test(s) with assertions in {path}, e.g. `{in_file[0].name}`")
        return
    for fn, why in judged[:3]:
        yield Finding(fn.path, fn.line, f"`{fn.name}` in {fn.path}:{fn.line} tests {label} code, but {why}", "weak")


def _named_for_the_topic_first(paths, topic) -> list[str]:
    """tests/test_model.py before tests/test_api.py for model tests, even when both exercise the model."""
    return sorted(paths, key=lambda path: (not topic.search(path.rsplit("/", 1)[-1]), path))


def local_packages(repo) -> set[str]:
    """Top-level names the project's own code is imported under (`proj` for src/proj/data.py, `src`
    for src/data/make_dataset.py), so that `torch.utils.data` does not make a test a data test."""
    names = set()
    for path in repo.source:
        parts = path.split("/")
        names.add(parts[0].removesuffix(".py"))
        if parts[0] == "src" and len(parts) > 1:
            names.add(parts[1].removesuffix(".py"))
    return names


def shortfall(fn, module, repo=None) -> str | None:
    """Why a test does not count as a real test (None when it does)."""
    if not fn.collected and not (repo is not None and _collected_by_config(repo, fn)):
        return f"pytest would not collect it: {fn.why_not}"
    definition = next((f for f in module.functions if f.line == fn.line), None)
    if definition is not None and any(d.endswith("mark.skip") or d == "unittest.skip" for d in definition.decorators):
        return "it is always skipped"
    if fn.assertions == 0:
        return "it asserts nothing"
    lines = (repo.text(fn.path).text or "").splitlines() if repo is not None else []
    if lines:
        asserts = [n for n in module.assert_lines if fn.line <= n <= (definition.end_line if definition else fn.line)]
        if asserts and all(0 < n <= len(lines) and match_if_possible(TRIVIAL_ASSERT, lines[n - 1]) for n in asserts):
            return "it only asserts a constant (`assert True`)"
        if definition is not None and not _exercises(module, definition, lines):
            return "it only imports: it calls nothing and uses no fixture"
    return None


def _exercises(module, fn, lines) -> bool:
    """A test that calls something other than assertion helpers, receives fixtures, or checks objects
    that its module or its class set up."""
    body_calls = calls_within(module, fn.line, fn.end_line)
    if any(not NOT_EXERCISE.match(c.name) for c in body_calls) or fn.decorators:
        return True
    header = " ".join(lines[fn.line - 1:fn.line + 3]) if fn.line <= len(lines) else ""
    params = PARAMS.search(header)
    names = [p.split(":")[0].split("=")[0].strip(" *") for p in (params.group(1).split(",") if params else [])]
    if any(n and n not in ("self", "cls") for n in names):
        return True
    if fn.class_name and any(f.class_name == fn.class_name and f.name in SETUPS for f in module.functions):
        return True
    return _builds_objects_at_import(module)


def _builds_objects_at_import(module) -> bool:
    """Module-level `name = Something(...)`: the tests may check objects built when the file loads."""
    bodies = [(f.line, f.end_line) for f in module.functions]
    return any("(" in value and not any(start <= line <= end for start, end in bodies)
               for _, value, line in module.assigns)


def _collected_by_config(repo, fn) -> bool:
    """pytest's `python_files` setting can collect files that the default naming would not."""
    if fn.why_not is None or "file is not named" not in fn.why_not:
        return False
    patterns = python_files_setting(repo)
    name = fn.path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def python_files_setting(repo) -> list[str]:
    data = repo.pyproject.data or {}
    options = ((data.get("tool") or {}).get("pytest") or {}).get("ini_options") or {}
    value = options.get("python_files")
    if value:
        return value.split() if isinstance(value, str) else [str(v) for v in value]
    for path, section in INI_FILES.items():
        setting = repo.ini_files[path].key(section, "python_files") if path in repo.ini_files else None
        if setting is not None and setting.value.strip():
            return setting.value.split()
    return []


@record(frozen=True)
class TestRun:
    """A workflow command that runs the tests, the paths it gives pytest (empty: all tests) and the
    paths it leaves out (`--ignore`, `--deselect` of a whole file)."""

    path: str
    line: int | None
    text: str
    targets: tuple[str, ...]
    working_directory: str
    rejected: str | None
    ignored: tuple[str, ...] = ()
    selects: bool = False      # `-k` / `-m`: only some of the tests run


def test_runs(commands) -> list[TestRun]:
    """Every workflow command that runs pytest (directly, behind runners, or through a task runner;
    a tox / nox step by the pytest commands of the envs or sessions it runs, when they can be told)."""
    runs = []
    for command in commands.at("workflow"):
        if not command.live:
            continue
        folder = str(command.step.get("working-directory") or "").strip("./")
        inner = [c for c in commands.invoked(command) if c.program in PYTEST and runs_tests(c)]
        runs += [TestRun(command.path, command.line, f"{command.text}: {c.text}", _literal_targets(c), folder,
                         command.rejected, _ignored(c), c.has_option("-k", "-m")) for c in inner]
        if inner or not runs_tests(command):
            continue
        is_pytest = command.program in PYTEST
        runs.append(TestRun(command.path, command.line, command.text,
                            pytest_targets(command) if is_pytest else (), folder, command.rejected,
                            _ignored(command) if is_pytest else (),
                            is_pytest and command.has_option("-k", "-m")))
    return runs


def runs_tests(command) -> bool:
    if command.program in PYTEST or command.program == "unittest":
        return not command.has_option("--version", "--help", "-h", "--collect-only", "--co")
    if command.program in TASK_RUNNERS:
        return any(TEST_TASK.search(a) for a in command.args[:4] if not a.startswith("-"))
    return False


def pytest_targets(command) -> tuple[str, ...]:
    """The file / folder arguments of a pytest command (empty: pytest picks the tests itself)."""
    targets = [t.split("::", 1)[0] for t in command.positionals(VALUE_OPTIONS)]
    return tuple(t for t in targets if t)


def _literal_targets(command) -> tuple[str, ...]:
    """pytest's targets in a tox env or nox session: `{posargs:tests}` is its default `tests`,
    `{toxinidir}/tests` is `tests`; a target naming another substitution is left out (unknown)."""
    targets = []
    for target in pytest_targets(command):
        target = TOX_POSARGS_DEFAULT.sub(r"\1", target).replace("{toxinidir}/", "")
        if target and "{" not in target:
            targets.append(target)
    return tuple(targets)


def _ignored(command) -> tuple[str, ...]:
    ignored = command.option_values("--ignore") + command.option_values("--ignore-glob")
    ignored += [d for d in command.option_values("--deselect") if "::" not in d]
    return tuple(i for i in ignored if i)


def runs_file(run: TestRun, path: str) -> bool:
    """Whether a test run would include the test file `path` (not one it ignores)."""
    if any(_under(path, ignored, run.working_directory) for ignored in run.ignored):
        return False
    if not run.targets:
        return not run.working_directory or path.startswith(run.working_directory + "/")
    for target in run.targets:
        target = target.removeprefix("./").rstrip("/")
        if run.working_directory:
            target = f"{run.working_directory}/{target}"
        if target in ("", ".") or path == target or path.startswith(target + "/") or fnmatch.fnmatch(path, target):
            return True
    return False


def _under(path: str, target: str, working_directory: str) -> bool:
    target = target.removeprefix("./").rstrip("/")
    if working_directory:
        target = f"{working_directory}/{target}"
    return path == target or path.startswith(target + "/") or fnmatch.fnmatch(path, target)
