"""Profilers used in code or tasks (cProfile, torch.profiler, Lightning profilers, line_profiler,
pyinstrument, snakeviz ...); a documented run, a screenshot or a timing benchmark is weak, and so are
a profile artifact and a dependency only (the rule's `unused` step)."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_with_text
from auditor.facts.profile_dumps import profile_dumps
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._artefacts import screenshots

PROFILER_MODULES = ("cProfile", "pstats", "torch.profiler", "torch.autograd.profiler", "line_profiler", "pyinstrument",
                    "memory_profiler", "scalene", "yappi", "lightning.pytorch.profilers", "pytorch_lightning.profilers",
                    "pytorch_lightning.profiler", "lightning.pytorch.profiler")
PROFILER_CALL = LazyPattern(r"^(cProfile|pstats|torch\.profiler|torch\.autograd\.profiler|pyinstrument|line_profiler|yappi)\.|"
                           r"(^|\.)(PyTorchProfiler|SimpleProfiler|AdvancedProfiler|XLAProfiler)$")
PROFILER_OFF = {"None", "False", '""', "''"}
COMMAND = LazyPattern(r"-m\s+cProfile|snakeviz|pyinstrument|py-spy|scalene|kernprof|line_profiler|torch\.profiler", re.IGNORECASE)
DOC_FILES = ("**/*.md", "**/*.rst", "**/*.ipynb")
COMMAND_SITES = (*LOCAL_SITES, "workflow")
INSTALLS = LazyPattern(r"\binstall\b|==|>=")
PROFILER_PROGRAMS = {"cprofile", "snakeviz", "pyinstrument", "py-spy", "scalene", "kernprof", "line_profiler",
                     "memray", "austin", "memory_profiler", "mprof", "viztracer"}
BENCHMARK_FILE = LazyPattern(r"(^|/)[^/]*(bench|timing|latency|speed)[^/]*\.py$", re.IGNORECASE)
# one of these is in the text of a module that names a profiler (cProfile, profiler=, pstats ...)
PROFILER_WORDS = ("rofil", "pstats", "pyinstrument", "scalene", "yappi")
COMMENTED_DECORATOR = LazyPattern(r"^[ \t]*#[ \t]*@profile\b", re.MULTILINE)   # line_profiler / memory_profiler
TIMERS = LazyPattern(r"^(time\.(time|perf_counter|perf_counter_ns|process_time|monotonic)|timeit\.\w+|perf_counter|default_timer)$")


def _may_profile(text: str) -> bool:
    return any(word in text for word in PROFILER_WORDS)


def _in_code(python):
    for path, module in modules_with_text(python, _may_profile).items():
        hits = []
        for call in module.calls:
            resolved = module.resolve(call.name)
            if PROFILER_CALL.search(resolved):
                hits.append((call.line, f"`{call.name}(...)`"))
            profiler = call.keywords.get("profiler")
            if profiler and profiler not in PROFILER_OFF and re.search(r"(^|\.)Trainer$|instantiate$", resolved):
                hits.append((call.line, f"a Lightning Trainer with `profiler={profiler[:30]}`"))
        imported = module.imports_any(*PROFILER_MODULES)
        if imported and not hits:
            hits.append((imported[1], f"`import {imported[0]}`"))
        if hits:
            line, what = min(hits)
            yield Finding(path, line, f"{what} in {path}:{line}")


def _commands(python, commands):
    """A profiler the project runs: in a task, Makefile or just recipe, tox env, nox session, script or
    workflow step (read as shell), else a string of an invoke tasks.py the shell reader cannot see (a
    command built from pieces)."""
    found = [c for site in COMMAND_SITES for c in commands.at(site) if c.live and _profiles(c)]
    for command in found[:2]:
        yield Finding(command.path, command.line, f"profiler command `{command.text[:70]}` in {command.where} "
                                                  f"(runs {command.program})")
    if found:
        return
    for path, line, text in list(_task_strings(python))[:2]:
        if not INSTALLS.search(text):
            yield Finding(path, line, f"profiler command `{text[:70]}` in {path}:{line}")


def _task_strings(python):
    """(path, line, text) of the string pieces of tasks.py files that name a profiler command."""
    for path in python:
        if path.rsplit("/", 1)[-1] == "tasks.py":
            yield from ((path, line, text) for text, line in python[path].strings if COMMAND.search(text))


def _profiles(command) -> bool:
    program = command.program.lower()
    if program in PROFILER_PROGRAMS or (program == "torch.profiler"):
        return not command.has_option("--version", "--help")
    return False


def _documented_runs(repo):
    """A profiler command written up in the project's docs (not the report): a run described,
    not code or a task that makes it again. Grepped, not asked of the commands fact: the fact
    reads only fenced shell blocks of READMEs and docs/, while a run is as often written in
    prose, inline code or a notebook; and parsing every doc block for this one weak hint costs
    about 5% of an audit where no other rule reads the docs."""
    for hit in repo.grep(COMMAND, *DOC_FILES, limit=10):
        if not repo.in_report_folder(hit.path) and not INSTALLS.search(hit.text):
            yield Finding(hit.path, hit.line, f"a profiling run documented in {hit.path}:{hit.line} "
                                              f"(`{hit.text[:60]}`), but no profiler in code or tasks", "weak")
            return


def _weak_traces(repo, python):
    yield from _documented_runs(repo)
    yield from _profile_decorators(repo, python)
    for path in profile_dumps(repo)[:1]:
        yield Finding(path, None, f"{path}: a cProfile dump (pstats data), without the code that made it", "weak")
    yield from screenshots(repo, "profiling", "a profiling run")
    for path in python:
        if BENCHMARK_FILE.search(path):
            module = python[path]
            timer = next((c for c in module.calls if TIMERS.match(module.resolve(c.name))), None)
            if timer:
                yield Finding(path, timer.line, f"timing with `{timer.name}()` in {path}:{timer.line}, but no profiler", "weak")
                break


def _profile_decorators(repo, python):
    """The `@profile` decorator that line_profiler and memory_profiler read (kernprof and
    `python -m memory_profiler` provide it, no import needed), in code or commented out after a run:
    a profiling run once made, not a profiler the code still uses."""
    with_decorator = modules_with_text(python, _names_decorator)
    for path in with_decorator:
        live = next((line for name, line in with_decorator[path].decorators if name == "profile"), None)
        if live is not None:
            yield Finding(path, live, f"a `@profile` decorator (line_profiler / memory_profiler) in {path}:{live}, "
                                      "but no profiler imported or run", "weak")
            return
        text = repo.text(path).text or ""
        commented = COMMENTED_DECORATOR.search(text)
        if commented:
            line = text.count("\n", 0, commented.start()) + 1
            yield Finding(path, line, f"a commented-out `@profile` decorator (line_profiler / memory_profiler) "
                                      f"in {path}:{line}: a profiling run once made", "weak")
            return


def _names_decorator(text: str) -> bool:
    return "@profile" in text


def probe(repo, python, commands):
    strong = [*_in_code(python), *_commands(python, commands)]
    yield from strong[:4]
    if not strong:
        yield from _weak_traces(repo, python)
