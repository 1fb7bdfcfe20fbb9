"""A workflow testing over several OSes / Python / torch versions and caching its dependencies."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._workflows import action_version, live_jobs, live_steps, problems

MATRIX_AXIS = LazyPattern(r"os|operating|platform|runner|python|\bpy\b|py[-_]?ver|torch|version", re.IGNORECASE)
TRUE = {"true", "yes", "on", "auto", "1"}
OS_FAMILIES = ("ubuntu", "windows", "macos")
TEST_RUN = LazyPattern(r"\b(pytest|unittest|tox|nox|coverage\s+run)\b")


def probe(workflows):
    matrix_only, cache_only = [], []
    strong = False
    for wf in workflows:
        if not wf.valid:
            continue
        rejected = problems(wf)
        matrices = list(_matrices(wf)) or list(_unrolled_os_jobs(wf))
        caches = list(_caches(wf))
        if rejected:
            if matrices or caches:
                what = " and ".join(w for w, present in (("a matrix", matrices), ("caching", caches)) if present)
                yield Finding(wf.path, (matrices or caches)[0][1],
                              f"{what} in {wf.path}, but GitHub would reject that workflow: {rejected[0]}", "weak")
            continue
        multi = [m for m in matrices if m[2]]
        if multi and caches:
            strong = True
            yield Finding(wf.path, multi[0][1], f"{wf.path}: {multi[0][0]}; {caches[0][0]} (line {caches[0][1]})")
        elif multi:
            matrix_only.append((wf.path, multi[0]))
        elif caches:
            cache_only.append((wf.path, caches[0], matrices[0] if matrices else None))
        elif matrices:
            matrix_only.append((wf.path, matrices[0]))
    if strong:
        return
    for path, (text, line, multi) in matrix_only[:2]:
        yield Finding(path, line, f"{path}: {text}, but no caching" if multi else f"{path}: {text}", "weak")
    for path, (text, line), matrix in cache_only[:2]:
        tail = f"; {matrix[0]}" if matrix else ", but no matrix"
        yield Finding(path, line, f"{path}: {text}{tail}", "weak")


def _matrices(wf):
    """(description, line, several versions?) of each job's test matrix (also one misplaced outside strategy)."""
    for name, job in (wf.jobs() if problems(wf) else live_jobs(wf)).items():
        line = wf.job_key_line(name, "matrix")
        strategy = job.get("strategy")
        matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
        misplaced = matrix is None and isinstance(job.get("matrix"), dict)
        if misplaced:
            matrix = job["matrix"]
        if isinstance(matrix, str):
            yield f"job `{name}` computes its matrix from an expression", line, False
            continue
        if not isinstance(matrix, dict):
            continue
        axes = _axes(matrix)
        several = {k: v for k, v in axes.items() if len(v) > 1 and MATRIX_AXIS.search(k)}
        shown = " × ".join(f"{k} ({', '.join(v[:3])}{', ...' if len(v) > 3 else ''})" for k, v in axes.items())
        where = "a `matrix:` outside `strategy:`" if misplaced else f"job `{name}` matrix"
        if several:
            yield f"{where} over {shown}", line, True
        else:
            yield f"{where} over {shown or 'nothing'} (a single OS and version)", line, False


def _unrolled_os_jobs(wf):
    """(description, line, True) when jobs written out by hand run the same tests on different OSes
    (`tests-on-ubuntu`, `tests-on-windows`): a matrix unrolled into jobs."""
    by_os: dict[str, tuple[str, set[str]]] = {}
    for name, job in live_jobs(wf).items():
        family = next((f for f in OS_FAMILIES if f in str(job.get("runs-on", "")).lower()), None)
        tests = {str(step.get("run")).strip() for step in job.get("steps") or []
                 if isinstance(step, dict) and TEST_RUN.search(str(step.get("run") or ""))}
        if family and tests and family not in by_os:
            by_os[family] = (name, tests)
    for (first, first_tests), (second, second_tests) in _pairs(list(by_os.values())):
        if first_tests & second_tests:
            families = ", ".join(by_os)
            yield (f"a matrix written out as jobs: `{first}` and `{second}` run the same tests on different OSes ({families})",
                   wf.job_key_line(first, "runs-on"), True)
            return


def _pairs(items: list) -> list[tuple]:
    return [(a, b) for index, a in enumerate(items) for b in items[index + 1:]]


def _axes(matrix: dict) -> dict[str, list[str]]:
    axes: dict[str, list[str]] = {}
    for key, values in matrix.items():
        if key in ("include", "exclude"):
            continue
        axes[str(key)] = [str(v) for v in values] if isinstance(values, list) else [str(values)]
    for entry in matrix.get("include") or []:
        if isinstance(entry, dict):
            for key, value in entry.items():
                values = axes.setdefault(str(key), [])
                if str(value) not in values:
                    values.append(str(value))
    return axes


def _caches(wf):
    """(description, line) of each step that caches dependencies."""
    steps = wf.steps() if problems(wf) else live_steps(wf)
    for _, step in steps:
        uses = str(step.get("uses", "")).split("@", 1)[0].strip().lower()
        if not uses:
            continue
        options = step.get("with") if isinstance(step.get("with"), dict) else {}
        line = wf.line_of(str(step.get("uses")))
        if uses.startswith("actions/cache"):
            yield f"`{uses}` caches {str(options.get('path', 'files')).strip()[:40]}", line
        elif uses == "astral-sh/setup-uv":
            enabled = str(options.get("enable-cache", "")).strip().lower()
            version = action_version(step)
            if enabled in TRUE:
                yield "`astral-sh/setup-uv` with `enable-cache`", line
            elif enabled == "" and version is not None and version >= 5:
                yield f"`astral-sh/setup-uv@v{version}` (caches by default on GitHub-hosted runners since v5)", line
        elif options.get("cache") not in (None, False, "", "false"):
            yield f"`{uses}` with `cache: {options.get('cache')}`", line
        elif uses.startswith("docker/") and (options.get("cache-from") or options.get("cache-to")):
            yield f"`{uses}` with a layer cache (`cache-from` / `cache-to`)", line
