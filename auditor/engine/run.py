"""Run every rule of the catalogue against one repository's facts.

A rule's probe asks for the facts it needs by parameter name (`repo`, or a Repository fact
named in INJECTABLE: `source`, `workflows`, `docker`, `dvc`, `dependencies`, `commands` ...), as in
repo-review; the engine injects them. Probes only collect findings; the evidence level
is derived from the findings here, and the verdict is a separate step.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import Callable

from auditor.catalog import RuleSpec, load_catalog, rules_dir
from auditor.engine.patterns import evaluate, scope_fact, unused_tail
from auditor.facts import Repository
from auditor.facts.branches import Branch
from auditor.model import EVIDENCE_ORDER, Evidence, Finding
from auditor.record import record

INJECTABLE = ("repo", "source", "tests", "python", "workflows", "dockerfiles", "dependencies", "pyproject", "git", "files", "dependency_names",
              "test_functions", "history", "team", "dvc", "docker",
              "compose_files", "commands", "entry_points", "lfs_patterns", "report_text", "report",
              "locked_dependencies", "dependency_files", "ini_files", "project_folders")


@record
class RuleOutcome:
    spec: RuleSpec
    evidence: Evidence
    findings: list[Finding]


@lru_cache(maxsize=None)
def _probe_module(name: str) -> ModuleType:
    rules_dir()  # registers the package auditor.rules
    return importlib.import_module(f"auditor.rules.{name}")


def probe_function(spec: RuleSpec) -> Callable | None:
    if not spec.probe:
        return None
    return getattr(_probe_module(spec.probe), "probe")


PATTERN_FACTS = {"files": "files", "dependencies": "dependencies", "grep": "text"}


def facts_read(spec: RuleSpec) -> list[str]:
    """The facts a rule reads: its probe's parameters, and those its evidence patterns search."""
    probe = probe_function(spec)
    names = list(parameter_names(probe)) if probe is not None else []
    for pattern in spec.evidence:
        kind = next((k for k in PATTERN_FACTS if k in pattern), None)
        names.append(PATTERN_FACTS[kind] if kind else scope_fact(pattern))
    if spec.unused:
        names += ["files"] if spec.unused.get("files") else []
        names += [scope_fact(spec.unused)] if spec.unused.get("imports") else []
        names += ["text"] if spec.unused.get("mentioned") else []
        names += ["dependencies"] if spec.unused.get("declared") else []
    return list(dict.fromkeys(names))


_VARIADIC = 0x04 | 0x08  # CO_VARARGS | CO_VARKEYWORDS: a `*args` or `**kwargs` parameter


@lru_cache(maxsize=None)
def parameter_names(func: Callable) -> tuple[str, ...]:
    """The facts a probe asks for: its parameter names, read from its code object once per process
    (what `inspect.signature(func).parameters` lists, without importing inspect's ~6 ms)."""
    code = func.__code__
    if code.co_flags & _VARIADIC:
        raise TypeError(f"probe {func.__module__} takes *args or **kwargs; it must name the facts it asks for")
    return code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]


def _inject(func: Callable, repo: Repository) -> dict:
    kwargs = {}
    for name in parameter_names(func):
        if name not in INJECTABLE:
            raise TypeError(f"probe {func.__module__} asks for unknown fact {name!r}")
        kwargs[name] = repo if name == "repo" else getattr(repo, name)
    return kwargs


def evidence_of(spec: RuleSpec, findings: list[Finding]) -> Evidence:
    """The strongest finding decides; `error` (could not read) counts as weak; a rule that saw
    nothing says n/a where the repository cannot show the thing (always, or as a finding says)."""
    if spec.na:
        return "n/a"
    levels = {"weak" if f.strength == "error" else f.strength for f in findings}
    if "strong" in levels:
        return "strong"
    if "weak" in levels:
        return "weak"
    return "n/a" if spec.na_when_absent or "n/a" in levels else "none"


def run_rule(spec: RuleSpec, repo: Repository) -> RuleOutcome:
    findings: list[Finding] = []
    probe = probe_function(spec)
    if probe is not None:
        findings += list(probe(**_inject(probe, repo)) or [])
    for pattern in spec.evidence:
        findings += evaluate(pattern, repo)
    findings += unused_tail(spec.unused, findings, repo)
    if not spec.template_is_evidence:
        findings = _downgrade_template_leftovers(findings, repo)
    findings, vendored = _mark_vendored(_dedupe(findings), repo)
    # The strongest first; among equals, the group's own code before code it copied in.
    findings.sort(key=lambda f: (-EVIDENCE_ORDER.get("weak" if f.strength == "error" else f.strength, -1),
                                 f.path in vendored))
    return RuleOutcome(spec, evidence_of(spec, findings), findings)


def _downgrade_template_leftovers(findings: list[Finding], repo: Repository) -> list[Finding]:
    """A strong finding in a file the template generated and the group never changed counts
    at most weak: it shows that the template was used, not that the group did the thing."""
    kept = []
    for finding in findings:
        reason = repo.template_leftover(finding.path) if finding.strength == "strong" and finding.path else None
        if not reason and finding.strength == "strong" and finding.path and finding.line:
            reason = repo.template_section_leftover(finding.path, finding.line)
        if reason:
            finding = Finding(finding.path, finding.line,
                              f"{finding.message} (template leftover, counts at most weak: {reason})", "weak")
        kept.append(finding)
    return kept


def _mark_vendored(findings: list[Finding], repo: Repository) -> tuple[list[Finding], set[str]]:
    """Findings in a file copied from another repository keep their strength, and say so;
    with the paths of those files."""
    notes = {finding.path: repo.vendored_note(finding.path) for finding in findings if finding.path}
    marked = [Finding(f.path, f.line, f"{f.message} (vendored code: {notes[f.path]})", f.strength)
              if f.path and notes[f.path] else f for f in findings]
    return marked, {path for path, note in notes.items() if note}


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = (finding.path, finding.line, finding.strength)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


# Facts made without the Python files being parsed: a rule that reads only these runs while the
# machine's other core may still be parsing them (Repository.python_arriving).
NOT_PYTHON = frozenset({"git", "files", "project_folders", "workflows", "commands", "dvc", "lfs_patterns",
                        "dependencies", "docker", "dockerfiles", "compose_files"})


def reads_no_python(spec: RuleSpec) -> bool:
    return set(facts_read(spec)) <= NOT_PYTHON


def run_all(repo: Repository, only: set[str] | None = None) -> dict[str, RuleOutcome]:
    """Every rule's outcome, in the catalogue's order; the rules that read no Python run first
    (a rule's outcome does not depend on when it runs)."""
    specs = [spec for spec in load_catalog() if only is None or spec.id in only]
    ran = {spec.id: run_rule(spec, repo) for spec in sorted(specs, key=lambda spec: not reads_no_python(spec))}
    outcomes = {spec.id: ran[spec.id] for spec in specs}
    for outcome in outcomes.values():
        if outcome.evidence == "none":
            _look_on_other_branches(outcome, repo)
    return outcomes


def _look_on_other_branches(outcome: RuleOutcome, repo: Repository) -> None:
    """An item with nothing at the audited commit is weak when another branch holds the work: the
    rule's probes run again over the files the other branches changed (one view of their newest
    versions)."""
    view = repo.branches_view
    if view is not None:
        _weak_when_found(outcome, *view)


def look_in_older_branch_versions(outcome: RuleOutcome, repo: Repository) -> bool:
    """For a claim still unsupported: the older versions of files several branches changed (the
    profiling branch's train.py, rewritten later by a branch without the profiler), one view per
    version. Read only for such claims, which are few, so many branches stay cheap."""
    return any(_weak_when_found(outcome, owners, files) for owners, files in repo.older_branch_views)


def _weak_when_found(outcome: RuleOutcome, owners: dict[str, Branch], files: Repository) -> bool:
    found = [f for f in run_rule(outcome.spec, files).findings
             if f.path in owners and f.strength in ("strong", "weak") and not files.in_report_folder(f.path)]
    if found:
        outcome.findings = [_on_branch(found[0], owners[found[0].path])]
        outcome.evidence = "weak"
    return bool(found)


def _on_branch(finding: Finding, branch: Branch) -> Finding:
    return Finding(finding.path, finding.line,
                   f"only on branch `{branch.name}` (last commit {branch.committed_at[:10]}), never merged into the "
                   f"audited commit: {finding.message}", "weak")
