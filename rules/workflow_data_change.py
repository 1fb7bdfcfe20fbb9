"""A workflow whose trigger watches the data (`paths:` on data folders or `*.dvc` files).

A workflow that checks the data (statistics, a CML report) but runs only by hand or on every
push is weak; a test workflow that merely pulls the data does not count at all.
"""

import re

from auditor.model import Finding
from auditor.rules._workflows import commands, problems, trigger_line, trigger_paths

DATA_PATH = re.compile(r"\.dvc\b|(^|/|\*)dvc\.(lock|yaml)$|(^|/)(data|datasets?)(/|$)|"
                       r"\.(csv|tsv|parquet|npy|npz|h5|hdf5|pkl|arrow|feather)$", re.IGNORECASE)
CODE_FILE = re.compile(r"\.(py|ipynb|md|txt|toml|cfg)$", re.IGNORECASE)
DATA_CHECK = re.compile(
    r"data(set)?[_-]?(statistics|stats|check|checker|validation|validate|quality|report|drift)|"
    r"great_expectations|great-expectations|\bgx\b|pandera|deepchecks|evidently",
    re.IGNORECASE,
)
CML = re.compile(r"\bcml\b|setup-cml", re.IGNORECASE)


def probe(workflows):
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
        check = _data_check(wf)
        if check:
            line, what = check
            events = ", ".join(f"`{e}`" for e in wf.triggers()) or "no trigger"
            weak.append(Finding(wf.path, line, f"{wf.path} checks the data ({what}) but runs on {events}, not on data changes",
                                "weak"))
    yield from weak[:3]


def _data_check(wf):
    """(line, what) of a step that checks the data, if the workflow has one."""
    name = str(wf.data.get("name", ""))
    for command in commands(wf):
        if DATA_CHECK.search(command.text):
            return command.line, f"`{command.text[:60]}`"
    if DATA_CHECK.search(name) or (re.search(r"\bdata\b", name, re.IGNORECASE) and CML.search(wf.text)):
        return 1, f"workflow `{name}`"
    return None
