"""A workflow whose trigger watches the data (`paths:` on data folders or `*.dvc` files).

A workflow that checks the data (statistics, a CML report) but runs only by hand or on every
push is weak; a test workflow that merely pulls the data does not count at all. Steps are read
as shell (the `commands` fact): the check is the program a step runs, behind `uv run` or
`xargs` too, and a line that only prints (`echo data_check`) is no check.
"""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible
from auditor.rules._workflows import live_steps, problems, trigger_line, trigger_paths

DATA_PATH = LazyPattern(r"\.dvc\b|(^|/|\*)dvc\.(lock|yaml)$|(^|/)(data|datasets?)(/|$)|"
                        r"\.(csv|tsv|parquet|npy|npz|h5|hdf5|pkl|arrow|feather)$", re.IGNORECASE)
CODE_FILE = LazyPattern(r"\.(py|ipynb|md|txt|toml|cfg)$", re.IGNORECASE)
DATA_CHECK = LazyPattern(
    r"data(set)?[_-]?(statistics|stats|check|checker|validation|validate|quality|report|drift)|"
    r"great_expectations|great-expectations|\bgx\b|pandera|deepchecks|evidently",
    re.IGNORECASE,
)
CML_ACTION = LazyPattern(r"(^|/)setup-cml@", re.IGNORECASE)
DATA_WORD = LazyPattern(r"\bdata\b", re.IGNORECASE)
PRINTERS = {"echo", "printf", "cat", "true", ":"}


def probe(workflows, commands):
    weak = []
    for wf in workflows:
        if not wf.valid:
            continue
        watched = [(event, p) for event, p in trigger_paths(wf) if DATA_PATH.search(p) and not CODE_FILE.search(p)]
        rejected = problems(wf)
        if watched and not rejected:
            event, pattern = watched[0]
            patterns = list(dict.fromkeys(p for _, p in watched))
            shown = ", ".join(f"`{p}`" for p in patterns[:3])
            yield Finding(wf.path, wf.line_of(pattern) or trigger_line(wf),
                          f"{wf.path} runs on `{event}` when {shown} change")
            continue
        if watched:
            weak.append(Finding(wf.path, wf.line_of(watched[0][1]),
                                f"{wf.path} watches data paths, but GitHub would reject it: {rejected[0]}", "weak"))
            continue
        check = _data_check(wf, commands)
        if check:
            line, what = check
            events = ", ".join(f"`{e}`" for e in wf.triggers()) or "no trigger"
            weak.append(Finding(wf.path, line, f"{wf.path} checks the data ({what}) but runs on {events}, not on data changes",
                                "weak"))
    yield from weak[:3]


def _data_check(wf, commands):
    """(line, what) of a step that checks the data, if the workflow has one."""
    name = str(wf.data.get("name", ""))
    for command in commands.at("workflow"):
        if command.path == wf.path and command.live and _checks_data(command):
            return command.line, f"`{command.text[:60]}` at {command.where} runs `{command.program}`"
    if search_if_possible(DATA_CHECK, name) or (DATA_WORD.search(name) and _uses_cml(wf, commands)):
        return 1, f"workflow `{name}`"
    return None


def _uses_cml(wf, commands) -> bool:
    """A live step runs `cml` (behind any runner) or sets it up with the setup-cml action."""
    if any(c.path == wf.path and c.live and c.program == "cml" for c in commands.at("workflow")):
        return True
    return any(isinstance(step.get("uses"), str) and CML_ACTION.search(step["uses"]) for _, step in live_steps(wf))


def _checks_data(command) -> bool:
    if command.program in PRINTERS:
        return False
    return bool(search_if_possible(DATA_CHECK, " ".join((command.program, *command.args))))
