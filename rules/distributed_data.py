"""Parallel data loading: a DataLoader (or HF `dataloader_num_workers`) with workers > 0, written
as a number or configured; workers set to 0 everywhere is weak, never set at all is none."""

import re

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

WORKER_KEYWORDS = ("num_workers", "dataloader_num_workers")
CONFIG_FILES = ("**/*.y*ml", "**/*config*.json", "configs/**/*.json", "**/*.toml", "**/*.cfg")
COMMENT = ("#", "//", ";")   # a commented-out setting configures nothing
DYNAMIC = LazyPattern(r"cpu_count|nproc|sched_getaffinity")
WORD = LazyPattern(r"\w+")


def probe(repo, source):
    positive, zeros, configured = [], [], []
    for path, module in sorted(modules_mentioning(source, WORKER_KEYWORDS).items()):
        for call in module.calls:
            for keyword in WORKER_KEYWORDS:
                value = call.keywords.get(keyword)
                if value is None:
                    continue
                if value.isdigit() and int(value) > 0:
                    positive.append((path, call, keyword, value))
                elif value.isdigit():
                    zeros.append((path, call, keyword, value, ""))
                else:
                    configured.append((path, call, keyword, value))
    if positive:
        path, call, keyword, value = min(positive, key=lambda p: not p[1].name.endswith("DataLoader"))
        yield Finding(path, call.line, f"`{call.name}({keyword}={value})` in {path}:{call.line}")
        return
    for path, call, keyword, value in configured[:3]:
        verdict = _configured_value(repo, value)
        if verdict is None or verdict[0] > 0:
            where = f" ({verdict[1]})" if verdict else ""
            yield Finding(path, call.line, f"`{call.name}({keyword}={value})` in {path}:{call.line}, workers configured{where}")
            return
        zeros.append((path, call, keyword, value, f"; it is 0 ({verdict[1]})"))
    yield from _config_only(repo, source)
    for path, call, keyword, value, why in zeros[:2]:
        yield Finding(path, call.line, f"`{call.name}({keyword}={value})` in {path}:{call.line}{why}: no worker processes", "weak")


def _configured_value(repo, expression: str):
    """(largest value, where) of the setting behind `expression`, or None when it cannot be looked up."""
    if DYNAMIC.search(expression):
        return 1, f"`{expression}` is the number of CPUs"
    key = WORD.findall(expression)
    if not key:
        return None
    setting = re.compile(rf"(^|[\s,{{\"'-]){re.escape(key[-1])}[\"']?\s*[:=]\s*(?:int\s*=\s*)?(\d+)\b", re.MULTILINE)
    found = []
    for hit in mentions(repo, setting, *CONFIG_FILES, "**/*.py", limit=20):
        match = setting.search(hit.text)
        if match and not hit.path.startswith((".github/", "tests/")) and not hit.text.lstrip().startswith(COMMENT):
            found.append((int(match.group(2)), f"`{hit.text[:60]}` in {hit.path}:{hit.line}"))
    if not found:
        return None
    return max(found, key=lambda f: f[0])


def _config_only(repo, source):
    setting = re.compile(r"^[^\S\n]*(dataloader_)?num_workers\s*:\s*([1-9]\d*)\b", re.MULTILINE)
    for hit in mentions(repo, setting, "**/*.y*ml", limit=1):
        if hit.path.startswith(".github/"):
            continue
        splat = _splat_loader(source)
        if splat:
            path, call = splat
            yield Finding(hit.path, hit.line, f"`{hit.text[:60]}` in {hit.path}:{hit.line}, passed on as keyword arguments "
                                              f"to `{call.name}(...)` in {path}:{call.line}")
        else:
            yield Finding(hit.path, hit.line, f"`{hit.text[:60]}` in {hit.path}:{hit.line}, but no DataLoader is given workers", "weak")


def _splat_loader(source):
    for path, module in sorted(modules_mentioning(source, ["DataLoader"]).items()):
        for call in module.calls:
            if call.name.endswith("DataLoader") and any(a.startswith("**") for a in call.args):
                return path, call
    return None
