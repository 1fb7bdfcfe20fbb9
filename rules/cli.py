"""Command line interfaces (typer, click, argparse, fire) in source, or project commands (invoke
tasks, Makefile targets, console entry points of pyproject / setup.cfg / setup.py); a CLI library
only declared is weak (the rule's `unused` step)."""

from auditor.model import Finding
from auditor.rules._code import pyproject_unreadable

CLI_CALLS = {"typer.Typer": "typer app", "typer.run": "typer entry point", "argparse.ArgumentParser": "argparse parser",
             "fire.Fire": "fire entry point", "docopt.docopt": "docopt parser"}
CLI_DECORATORS = {"click.command": "click command", "click.group": "click group"}
# The targets the project templates' Makefiles ship (mlops_template, cookiecutter-data-science).
TEMPLATE_MAKE_TARGETS = frozenset({
    "create_environment", "requirements", "dev_requirements", "clean", "data", "build_documentation",
    "serve_documentation", "help", "lint", "sync_data_to_s3", "sync_data_from_s3", "test_environment",
})


def _source_clis(source):
    for path, module in source.items():
        hits = [(call.line, CLI_CALLS[module.resolve(call.name)], call.name) for call in module.calls
                if module.resolve(call.name) in CLI_CALLS]
        hits += [(line, CLI_DECORATORS[module.resolve(name)], "@" + name) for name, line in module.decorators
                 if module.resolve(name) in CLI_DECORATORS]
        if hits:
            line, kind, name = min(hits)
            yield Finding(path, line, f"{kind} `{name}` in {path}:{line}")


def _invoke_tasks(repo, source_all):
    module = source_all.get("tasks.py")
    if module is None:
        return
    tasks = [f for f in module.functions if any(module.resolve(d) in ("invoke.task", "task") or d == "task" for d in f.decorators)]
    if tasks:
        names = ", ".join(f.name for f in tasks[:5])
        yield Finding("tasks.py", tasks[0].line, f"{len(tasks)} invoke task(s) in tasks.py: {names}")


def _makefile(commands):
    """One finding per Makefile (a sphinx docs one left out): its targets (the commands fact), strong
    from the first target the project template does not ship."""
    targets = [r for r in commands.recipes("makefile") if not _sphinx_makefile(r.path)]
    for path in dict.fromkeys(t.path for t in targets):
        mine = _first_of_each_name(t for t in targets if t.path == path)
        own = [t for t in mine if t.name not in TEMPLATE_MAKE_TARGETS]
        if own:
            yield Finding(path, own[0].line, f"{path} targets {', '.join(t.name for t in own[:5])}")
        else:
            yield Finding(path, 1, f"{path} has only the project template's targets "
                                   f"({', '.join(t.name for t in mine[:5])})", "weak")


def _first_of_each_name(targets):
    first = {}
    for target in targets:
        first.setdefault(target.name, target)
    return list(first.values())


def _sphinx_makefile(path):
    return path.startswith("docs/") or "/docs/" in path


def _justfile(commands):
    """One finding per justfile: its recipes (the commands fact), from the first one's line."""
    recipes = commands.recipes()
    for path in dict.fromkeys(r.path for r in recipes):
        mine = [r for r in recipes if r.path == path]
        yield Finding(path, mine[0].line, f"just recipes {', '.join(r.name for r in mine[:5])} in {path}:{mine[0].line}")


def _entry_points(entry_points):
    """One finding per file declaring console commands: which command runs what, from which line."""
    for path in dict.fromkeys(e.path for e in entry_points.found):
        entries = [e for e in entry_points.found if e.path == path]
        first = entries[0]
        runs = ", ".join(f"`{e.name}` runs `{e.target}`" for e in entries[:3])
        more = f" (+{len(entries) - 3} more)" if len(entries) > 3 else ""
        yield Finding(path, first.line, f"console scripts in {first.table} of {path}:{first.line}: {runs}{more}")
    for path, line, why in entry_points.unreadable:
        yield Finding(path, line, f"console_scripts entry points in {path}:{line} ({why}, so their commands "
                                  "cannot be named)")
    for path, line in entry_points.written_only:
        yield Finding(path, line, f"`console_scripts` written in {path}:{line}, but no entry "
                                  "point could be read there", "weak")


def _weak_hints(repo, source):
    for path, module in source.items():
        hydra = next((line for name, line in module.decorators if module.resolve(name) == "hydra.main"), None)
        if hydra:
            yield Finding(path, hydra, f"`@hydra.main` in {path}:{hydra} takes config overrides on the command line, "
                                       "but no CLI of its own", "weak")
            break


def probe(repo, source, python, entry_points, commands):
    found = [*_source_clis(source), *_invoke_tasks(repo, python), *_makefile(commands), *_justfile(commands),
             *_entry_points(entry_points), *_weak_hints(repo, source)]
    strong = [f for f in found if f.strength == "strong"]
    yield from strong[:5]
    if not strong:
        yield from found[:3]
        unreadable = pyproject_unreadable(repo)
        if unreadable:
            yield unreadable
