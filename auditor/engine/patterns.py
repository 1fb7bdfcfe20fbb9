"""The declarative evidence vocabulary of the rule YAML files.

Each entry of a rule's `evidence:` list has one kind key and a `strength`:

    - files: ["**/Dockerfile", "**/*.dockerfile"]      # paths that exist
    - imports: [wandb]                                  # imported in source code
    - calls: [wandb.init, wandb.log]                    # called (import aliases resolved)
    - decorators: [hydra.main]
    - bases: [LightningModule]                          # a class derives from it
    - dependencies: [wandb]                             # declared in a dependency file
    - grep: "gcloud run deploy"                         # a line of text in the files `in:`
      in: [".github/workflows/*.y*ml", "cloudbuild*.y*ml"]

A rule may also ask for the shared weak tail `unused`, added when nothing strong was found:

    unused:
      files: ["**/*.har"]                               # the first file matching: weak
      file: "{path}: a recorded load, without the test that made it"   # the default: "{path} exists, ..."
      imports: [locust]                                 # the first module importing it: weak
      imported: "locust imported in {where}, but no user class with tasks"   # also {name}, {path}
      uncalled: true                                    # only a module calling nothing from them
      scope: all                                        # modules searched, as for the Python kinds
      mentioned:                                        # the first line of text naming it: weak
        grep: "locust|k6 run"                           # a regular expression, case-insensitive
        in: [README.md, "docs/**/*.md"]
        message: "only a mention: `{text}` in {where}"  # the default
      declared: [locust, k6]                            # the first declaration: weak
      but: ", no load test script"                      # appended to "`locust` declared as a dependency in ..."

Optional keys: `scope` (source | tests | all, for Python kinds), `message` (with {name}),
`limit` (findings kept, default 3). `auditor explain <id>` names the facts both read (a scope is
the fact `source`, `tests` or `python`) and says the `unused` step in words (unused_in_words).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from auditor.facts import Repository
from auditor.facts.dependencies import Dependency, normalize
from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.python_code import PythonModule
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

KINDS = ("files", "imports", "calls", "decorators", "bases", "dependencies", "grep")
UNUSED_KEYS = {"files", "file", "imports", "imported", "uncalled", "scope", "mentioned", "declared", "but"}
MENTIONED_KEYS = {"grep", "in", "message"}
# A line of the course's checklist copied into a README or docs page (a box, or the module tag that ends
# the 2025+ lines): the claim repeated, not a sign of the work.
CHECKLIST_COPY = LazyPattern(r"^\W*(\d+\.\s*)?\[[ xX✓✔✅~–-]{0,3}\]\s+[A-Za-z]|\(M\d+(\s*\+\s*M\d+)*\)\W*$")


def names_match(resolved: str, wanted: str) -> bool:
    """`lightning.pytorch.Trainer` matches `Trainer` and `lightning.pytorch.Trainer`."""
    return resolved == wanted or resolved.endswith("." + wanted)


def evaluate(pattern: dict[str, Any], repo: Repository) -> list[Finding]:
    kind = next((k for k in KINDS if k in pattern), None)
    if kind is None:
        raise ValueError(f"evidence entry without a known kind: {pattern}")
    strength = pattern.get("strength", "strong")
    limit = int(pattern.get("limit", 3))
    values = pattern[kind]
    values = [values] if isinstance(values, str) else list(values)
    found = list(_EVALUATORS[kind](values, pattern, repo))
    template = pattern.get("message")
    return [
        Finding(path, line, template.format(name=name) if template else default, strength)
        for path, line, name, default in found[:limit]
    ]


SCOPE_FACTS = {"source": "source", "tests": "tests", "all": "python"}   # a pattern's scope -> the fact it reads


def scope_fact(pattern: Mapping[str, Any]) -> str:
    return SCOPE_FACTS[str(pattern.get("scope", "source"))]


def _modules(pattern: dict[str, Any], repo: Repository, names) -> Mapping[str, PythonModule]:
    """The modules of the pattern's scope; when they are parsed on demand, only those that can
    hold one of the names."""
    return modules_mentioning(getattr(repo, scope_fact(pattern)), names)


def _files(values, pattern, repo: Repository) -> Iterable[tuple]:
    for path in repo.glob(*values):
        yield path, None, path, f"{path} exists"


def _imports(values, pattern, repo: Repository) -> Iterable[tuple]:
    for path, module in _modules(pattern, repo, values).items():
        hit = module.imports_any(*values)
        if hit:
            yield path, hit[1], hit[0], f"`import {hit[0]}` in {path}:{hit[1]}"


def matches_any(values) -> Callable[[str], bool]:
    """names_match against several wanted names at once: a set lookup of the resolved
    name and each of its dotted tails (`a.b.C` -> `a.b.C`, `b.C`, `C`)."""
    wanted = frozenset(values)

    def match(resolved: str) -> bool:
        if resolved in wanted:
            return True
        dot = resolved.find(".")
        while dot >= 0:
            if resolved[dot + 1:] in wanted:
                return True
            dot = resolved.find(".", dot + 1)
        return False

    return match


def _calls(values, pattern, repo: Repository) -> Iterable[tuple]:
    wanted = matches_any(values)
    for path, module in _modules(pattern, repo, values).items():
        for call in module.calls:
            if wanted(module.resolve(call.name)):
                yield path, call.line, call.name, f"`{call.name}(...)` called in {path}:{call.line}"


def _decorators(values, pattern, repo: Repository) -> Iterable[tuple]:
    wanted = matches_any(values)
    for path, module in _modules(pattern, repo, values).items():
        for name, line in module.decorators:
            if wanted(module.resolve(name)):
                yield path, line, name, f"`@{name}` in {path}:{line}"


def _bases(values, pattern, repo: Repository) -> Iterable[tuple]:
    wanted = matches_any(values)
    for path, module in _modules(pattern, repo, values).items():
        for cls in module.classes:
            for base in cls.bases:
                if wanted(module.resolve(base)):
                    yield path, cls.line, base, f"class `{cls.name}({base})` in {path}:{cls.line}"


def _dependencies(values, pattern, repo: Repository) -> Iterable[tuple]:
    wanted = {normalize(v) for v in values}
    seen = set()
    for dep in repo.dependencies:
        if dep.name in wanted and dep.path not in seen:
            seen.add(dep.path)
            yield dep.path, dep.line, dep.name, f"`{dep.name}` declared as a dependency in {dep.path}"


def _grep(values, pattern, repo: Repository) -> Iterable[tuple]:
    globs = pattern.get("in") or ["**"]
    for regex in values:
        limit = int(pattern.get("limit", 3))
        for hit in not_checklist_copies(repo.grep(regex, *globs, limit=limit + 2))[:limit]:
            yield hit.path, hit.line, hit.text, f"`{hit.text[:80]}` in {hit.path}:{hit.line}"


def not_checklist_copies(hits):
    return [hit for hit in hits if not CHECKLIST_COPY.search(hit.text)]


_EVALUATORS = {
    "files": _files, "imports": _imports, "calls": _calls, "decorators": _decorators,
    "bases": _bases, "dependencies": _dependencies, "grep": _grep,
}


def only_declared(dep: Dependency, but: str = "") -> Finding:
    """The weak finding for a package that is declared and nothing more: "`wandb` declared as a dependency in
    requirements.txt:3" followed by `but` (", but never used")."""
    where = f"{dep.path}:{dep.line}" if dep.line else dep.path
    return Finding(dep.path, dep.line, f"`{dep.name}` declared as a dependency in {where}{but}", "weak")


def unused_tail(step: dict[str, Any] | None, findings: list[Finding], repo: Repository) -> list[Finding]:
    """The rule's `unused` step, when no finding is strong: the first module importing one of `imports`
    (message `imported`, with {name} and {where}) and the first declaration of one of `declared` are weak."""
    if not step or any(f.strength == "strong" for f in findings):
        return []
    return [*_files_only(step, repo), *_imported_only(step, repo), *_mentioned_only(step, repo),
            *_declared_only(step, repo)]


def _as_list(values) -> list[str]:
    return [values] if isinstance(values, str) else list(values or [])


def _files_only(step: dict[str, Any], repo: Repository) -> Iterable[Finding]:
    globs = _as_list(step.get("files"))
    for path in (repo.glob(*globs)[:1] if globs else ()):
        message = step.get("file", "{path} exists, but nothing uses it")
        yield Finding(path, None, message.format(path=path), "weak")


def _imported_only(step: dict[str, Any], repo: Repository) -> Iterable[Finding]:
    imports = _as_list(step.get("imports"))
    for path, module in (_modules(step, repo, imports).items() if imports else ()):
        hit = module.imports_any(*imports)
        if hit and not (step.get("uncalled") and calls_into(module, imports)):
            message = step.get("imported", "`{name}` imported in {where}, but never used")
            yield Finding(path, hit[1], message.format(name=hit[0], where=f"{path}:{hit[1]}", path=path), "weak")
            return


def calls_into(module: PythonModule, packages: list[str]) -> bool:
    """Whether the module calls anything from one of the packages (`wandb.login()`, `Report()` imported
    from `evidently.report`)."""
    prefixes = tuple(p + "." for p in packages)
    return any(resolved in packages or resolved.startswith(prefixes)
               for resolved in (module.resolve(call.name) for call in module.calls))


def _mentioned_only(step: dict[str, Any], repo: Repository) -> Iterable[Finding]:
    mention = step.get("mentioned")
    hits = repo.grep(mention["grep"], *_as_list(mention.get("in")), limit=3) if mention else ()
    for hit in not_checklist_copies(hits)[:1]:
        message = mention.get("message", "only a mention: `{text}` in {where}")
        yield Finding(hit.path, hit.line, message.format(text=hit.text[:80], where=f"{hit.path}:{hit.line}"), "weak")


def _declared_only(step: dict[str, Any], repo: Repository) -> Iterable[Finding]:
    packages = _as_list(step.get("declared"))
    dep = repo.declared(*packages) if packages else None
    if dep:
        yield only_declared(dep, step.get("but", ""))


def unused_in_words(step: dict[str, Any] | None) -> str | None:
    """The rule's `unused` step as `auditor explain` says it: what counts weak when nothing is strong,
    and the fact each part reads."""
    if not step:
        return None
    parts = []
    globs = _as_list(step.get("files"))
    if globs:
        parts.append(f"the first file matching {', '.join(globs)} (fact `files`)")
    imports = _as_list(step.get("imports"))
    if imports:
        calling = " and calling nothing from it" if step.get("uncalled") else ""
        parts.append(f"the first module importing {', '.join(imports)}{calling} (fact `{scope_fact(step)}`)")
    mention = step.get("mentioned")
    if mention:
        files = ", ".join(_as_list(mention.get("in")))
        parts.append(f"the first line of {files} matching /{mention['grep']}/ (their text)")
    declared = _as_list(step.get("declared"))
    if declared:
        parts.append(f"the first declaration of {', '.join(declared)} (fact `dependencies`)")
    return "; ".join(parts) or None
