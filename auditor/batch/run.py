"""A whole class in one run: read the roster, audit the groups in parallel, write the outputs.

Output folder layout:
    groups/<group>.json   each group's report (the single-repository document)
    class.json            all reports plus class statistics (class.schema.json)
    summary.csv           one row per group: counts and one verdict column per item
    dashboard.html        the class at a glance, one self-contained page
    cache.json            what lets a re-run skip unchanged groups (see cache.py)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from auditor.batch import dashboard
from auditor.batch.cache import Cache, tool_fingerprint, write_text_whole
from auditor.batch.outputs import GroupRow, class_document, item_catalog, summary_csv
from auditor.batch.roster import Group, read_input
from auditor.batch.workers import DEFAULT_TIMEOUT, Outcome, Task, WorkerPool, default_jobs, largest_first
from auditor.record import record
from auditor.render.json_text import Written, dumps_indented

GROUPS_DIR = "groups"


@record
class BatchResult:
    out: Path
    rows: list[GroupRow]
    seconds: float

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)


def run_batch(source: Path, out: Path, *, jobs: int | None = None, deadline: str | None = None,
              tz: str | None = None, use_cache: bool = True, timeout: float | None = DEFAULT_TIMEOUT,
              on_start: Callable[[list[Group]], None] | None = None,
              on_row: Callable[[GroupRow], None] | None = None) -> BatchResult:
    """Audit every group of `source` (a roster or a folder) into `out`; raises RosterError
    before auditing anything when the roster has bad rows."""
    started = time.perf_counter()
    groups = read_input(source, deadline, exclude=out)
    (out / GROUPS_DIR).mkdir(parents=True, exist_ok=True)
    if on_start:
        on_start(groups)
    # The groups' cache keys need the fingerprint first; a class run without the cache works it out
    # (~20-40 ms) once the workers audit, not before they start.
    tool = tool_fingerprint() if use_cache else None
    cache = Cache(out, enabled=use_cache)
    pool = WorkerPool(jobs or default_jobs(), timeout)
    rows: dict[str, GroupRow] = {}
    written: dict[str, Written] = {}
    try:
        tasks = [Task(g, tool or "", tz, cache.key(g.slug) if _report_path(out, g).is_file() else None, use_cache)
                 for g in groups]
        for outcome in pool.run(largest_first(tasks)):
            tool = tool or tool_fingerprint()
            row = _record(outcome, out, cache)
            if row is None:  # the cached report could not be read back: audit the group again
                pool.submit(Task(outcome.group, tool, tz, None, use_cache))
                continue
            rows[outcome.group.slug] = row
            if row.document is not None:   # written while the workers audit, not all at the end
                written[outcome.group.slug] = class_report_text(row.document)
            if on_row:
                on_row(row)
    finally:
        cache.save()
    ordered = [rows[g.slug] for g in groups]
    write_outputs(out, ordered, str(source), tool or tool_fingerprint(), written)
    return BatchResult(out, ordered, time.perf_counter() - started)


CLASS_INDENT = 1
REPORT_DEPTH = 3   # class.json's groups[i]["report"]


def class_report_text(document: dict) -> Written:
    """A group's report as class.json holds it."""
    return Written(dumps_indented(document, indent=CLASS_INDENT, ensure_ascii=False, depth=REPORT_DEPTH))


def write_outputs(out: Path, rows: list[GroupRow], source: str, tool: str,
                  written: dict[str, Written] | None = None) -> None:
    """class.json, summary.csv and the dashboard (`written`: reports already written for class.json)."""
    document = class_document(rows, source, tool)
    text = dumps_indented(_with_written_reports(document, written or {}), indent=CLASS_INDENT, ensure_ascii=False)
    write_text_whole(out / "class.json", text)
    write_text_whole(out / "summary.csv", summary_csv(rows, item_catalog(rows)))
    write_text_whole(out / "dashboard.html", dashboard.render(document))


def _with_written_reports(document: dict, written: dict[str, Written]) -> dict:
    groups = [{**entry, "report": written[entry["slug"]]} if entry["report"] is not None and entry["slug"] in written
              else entry for entry in document["groups"]]
    return {**document, "groups": groups}


def _record(outcome: Outcome, out: Path, cache: Cache) -> GroupRow | None:
    group = outcome.group
    path = _report_path(out, group)
    if outcome.status == "audited":
        assert outcome.document is not None
        write_text_whole(path, dumps_indented(outcome.document, indent=2, ensure_ascii=False) + "\n")
        cache.remember(group.slug, outcome.key, group)
        return GroupRow(group, "audited", outcome.document, seconds=outcome.seconds)
    if outcome.status == "cached":
        document = _read_report(path)
        if document is None:
            cache.forget(group.slug)
            return None
        return GroupRow(group, "cached", document, seconds=outcome.seconds)
    cache.forget(group.slug)
    path.unlink(missing_ok=True)  # an older report would no longer be this group's
    return GroupRow(group, "error", error=outcome.error, seconds=outcome.seconds)


def _report_path(out: Path, group: Group) -> Path:
    return out / GROUPS_DIR / f"{group.slug}.json"


def _read_report(path: Path) -> dict | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if _is_report(document) else None


def _is_report(document) -> bool:
    """What the class outputs read of a cached report is there (a hand-edited file may lack it)."""
    if not isinstance(document, dict) or not isinstance(document.get("summary"), dict):
        return False
    items = document.get("items")
    return isinstance(items, list) and all(
        isinstance(item, dict) and all(key in item for key in ("id", "claimed", "evidence", "verdict", "findings"))
        for item in items
    )
