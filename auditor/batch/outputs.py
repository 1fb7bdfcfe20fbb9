"""The class outputs: `class.json` (every report plus class statistics) and `summary.csv`.

The per-group reports are the single-repository documents (auditor/render/json_report.py)
unchanged; `class.json` is described by auditor/batch/class.schema.json.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from importlib import resources

from auditor import __version__
from auditor.batch.roster import Group
from auditor.record import record
from auditor.verdicts import VERDICTS

CLASS_SCHEMA_VERSION = "1"
SUMMARY_COUNTS = ("claimed", "corroborated", "weak", "unsupported", "unverifiable", "unclaimed")
CLAIMED = (True, "partial")
SPREADSHEET_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@record
class GroupRow:
    """One group's line in the class: its report, or why there is none."""

    group: Group
    status: str  # audited | cached | error
    document: dict | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def report_file(self) -> str | None:
        return f"groups/{self.group.slug}.json" if self.document is not None else None


def class_document(rows: list[GroupRow], source: str, tool: str) -> dict:
    items = item_catalog(rows)
    return {
        "schema_version": CLASS_SCHEMA_VERSION,
        "kind": "class",
        "tool": {"name": "auditor", "version": __version__, "fingerprint": tool},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "input": source,
        "statistics": class_statistics(rows, items),
        "groups": [_group_entry(row) for row in rows],
    }


def item_catalog(rows: list[GroupRow]) -> list[dict]:
    """The items in the catalogue's order, with the metadata the reports carry."""
    from auditor.catalog import load_catalog

    items = {s.id: {"id": s.id, "code": s.code, "module": s.module, "week": s.week, "title": s.title}
             for s in load_catalog()}
    for row in rows:
        for item in (row.document or {}).get("items", []):
            items.setdefault(item["id"], {k: item.get(k) for k in ("id", "code", "module", "week", "title")})
    return list(items.values())


def class_statistics(rows: list[GroupRow], items: list[dict]) -> dict:
    reports = [row.document for row in rows if row.document is not None]
    per_item = {item["id"]: {**item, "groups": 0, "claimed": 0, **{v: 0 for v in VERDICTS},
                             "evidence": {"strong": 0, "weak": 0, "none": 0, "n/a": 0}} for item in items}
    for document in reports:
        for item in document["items"]:
            stats = per_item[item["id"]]
            stats["groups"] += 1
            stats["claimed"] += item["claimed"] in CLAIMED
            stats[item["verdict"]] += 1
            stats["evidence"][item["evidence"]] += 1
    unsupported = sorted(d["summary"]["unsupported"] for d in reports)
    return {
        "groups": len(rows),
        "audited": sum(r.status == "audited" for r in rows),
        "cached": sum(r.status == "cached" for r in rows),
        "errors": sum(r.status == "error" for r in rows),
        "totals": {k: sum(d["summary"][k] for d in reports) for k in SUMMARY_COUNTS},
        "median_unsupported": _median(unsupported),
        "items": list(per_item.values()),
    }


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _group_entry(row: GroupRow) -> dict:
    document = row.document
    return {
        "group": row.group.name,
        "slug": row.group.slug,
        "target": row.group.target,
        "roster_line": row.group.line,
        "deadline": row.group.deadline,
        "at": row.group.at,
        "status": row.status,
        "error": row.error,
        "seconds": row.seconds,
        "report_file": row.report_file,
        "commit": document["repository"]["commit"] if document else None,
        "summary": document["summary"] if document else None,
        "verdicts": {i["id"]: i["verdict"] for i in document["items"]} if document else None,
        "report": document,
    }


def summary_csv(rows: list[GroupRow], items: list[dict]) -> str:
    """One row per group: counts, then one column per item holding its verdict."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", "status", "error", "target", "commit", *SUMMARY_COUNTS, *(i["id"] for i in items)])
    for row in rows:
        document = row.document
        verdicts = {i["id"]: i["verdict"] for i in document["items"]} if document else {}
        writer.writerow([
            _cell(row.group.name), row.status, _cell(row.error or ""), _cell(row.group.target),
            (document["repository"]["commit"] or "") if document else "",
            *((document["summary"][k] if document else "") for k in SUMMARY_COUNTS),
            *(verdicts.get(i["id"], "") for i in items),
        ])
    return out.getvalue()


def _cell(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading = + - @ would start a formula."""
    return f"'{text}" if text.startswith(SPREADSHEET_FORMULA_START) else text


def class_schema() -> dict:
    return json.loads(resources.files("auditor.batch").joinpath("class.schema.json").read_text("utf-8"))
