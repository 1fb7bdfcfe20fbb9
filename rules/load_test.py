"""A load test of the API: a locustfile (`HttpUser` with tasks), k6 / vegeta / wrk / hey scripts or
commands; locust imported without a user class, or a load-test tool only declared as a dependency, is weak
(the rule's `unused` step)."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_with_text
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._artefacts import screenshots
from auditor.rules._cloud import by_kind, find, where

COMMAND_SITES = ("workflow", "cloudbuild", *LOCAL_SITES)
LOAD_TOOLS = {"locust": (), "k6": ("run", "cloud"), "vegeta": ("attack",), "wrk": (), "hey": (), "artillery": ("run",)}
USERS = ("HttpUser", "FastHttpUser", "User")
K6_IMPORT = LazyPattern(r"""from\s+['"]k6(/http)?['"]|require\(\s*['"]k6""")
COMMAND = LazyPattern(r"(^|[\s;&|(])(locust\s+-f|locust\s+--locustfile|k6\s+run|vegeta\s+attack|wrk\s+-|hey\s+-n|ab\s+-n|"
                     r"artillery\s+run)", re.IGNORECASE)


def probe(repo, python, commands):
    strong = list(_locustfiles(python)) + list(_k6(repo)) + list(_load_commands(commands))
    strong += [Finding(s.path, s.line, f"load test `{s.text[:70]}` ({where(s)})")
               for s in by_kind(find(repo, COMMAND), "workflow", "cloudbuild", "script")[:2]]
    yield from strong[:4]
    if strong:
        return
    yield from screenshots(repo, "load-test", "a load test")
    for seen in by_kind(find(repo, COMMAND), "workflow-rejected", "docs", "report")[:1]:
        yield Finding(seen.path, seen.line, f"load test command `{seen.text[:60]}` (only {where(seen)})",
                      "weak")


def _load_commands(commands):
    """A load-test tool the project runs (read as shell, behind any runner): `uv run locust --headless`."""
    found = [c for site in COMMAND_SITES for c in commands.at(site)
             if c.live and not c.rejected and _loads(c)]
    for command in found[:2]:
        yield Finding(command.path, command.line, f"load test `{command.text[:70]}` in {command.where} "
                                                  f"(runs {command.program})")


def _loads(command) -> bool:
    if command.has_option("--version", "--help", "-V", "-h"):
        return False
    wanted = LOAD_TOOLS.get(command.program)
    return wanted is not None and (not wanted or command.subcommand in wanted)


def _locustfiles(python):
    for path, module in modules_with_text(python, lambda text: "locust" in text).items():
        if not module.imports_any("locust"):
            continue
        users = [c for c in module.classes if any(module.resolve(b).rsplit(".", 1)[-1] in USERS for b in c.bases)]
        tasks = [d for d in module.decorators if module.resolve(d[0]).rsplit(".", 1)[-1] == "task"]
        has_tasks = tasks or any(a[0].strip() == "tasks" for a in module.assigns)
        if users and has_tasks:
            yield Finding(path, users[0].line, f"locust user class `{users[0].name}` with {len(tasks) or 'a list of'} "
                                               f"task(s) in {path}:{users[0].line}")


def _k6(repo):
    for hit in repo.grep(K6_IMPORT, "**/*.js", "**/*.ts", limit=2):
        yield Finding(hit.path, hit.line, f"k6 script {hit.path} (`{hit.text[:60]}`)")
