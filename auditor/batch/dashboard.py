"""`dashboard.html`: the class at a glance, one static page that works offline from file://.

Everything that comes from the repositories (group names, paths, finding messages, error
texts) is hostile input. It travels only inside a JSON data block whose `<`, `>` and `&`
are escaped, so it cannot close the block, and the page's script puts it into the page
with `textContent` only, never as HTML. A Content-Security-Policy allows only the page's
own script (by its hash) and no network at all, as a second wall.
"""

from __future__ import annotations

import base64
import html
import json
from importlib import resources

from auditor.digests import sha256
from auditor.lazy_pattern import LazyPattern

VERDICT_ORDER = ("corroborated", "weak", "unsupported", "unverifiable", "unclaimed", "not-claimed", "not-in-checklist")
PLACEHOLDER = LazyPattern(r"__(TITLE|CSP|STYLE|SCRIPT|DATA)__")
# Characters that could end or confuse the <script> block, as JSON escapes; each is replaced in one
# pass of str.replace (a str.translate table walks a 1 MB class in Python-level lookups: ~30 ms).
JSON_IN_HTML = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render(class_doc: dict) -> str:
    """The dashboard page for a class document (outputs.class_document)."""
    assets = resources.files("auditor.batch")
    template = assets.joinpath("dashboard.html").read_text("utf-8")
    style = assets.joinpath("dashboard.css").read_text("utf-8")
    script = assets.joinpath("dashboard.js").read_text("utf-8")
    values = {
        "TITLE": html.escape(f"Class audit: {class_doc['input']}"),
        "CSP": content_security_policy(script),
        "STYLE": style,
        "SCRIPT": script,
        "DATA": embed_json(dashboard_data(class_doc)),
    }
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def content_security_policy(script: str) -> str:
    digest = base64.b64encode(sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def embed_json(data: dict) -> str:
    """JSON that cannot end the <script type="application/json"> block it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escape in JSON_IN_HTML:   # no escape holds any of the characters
        text = text.replace(character, escape)
    return text


def dashboard_data(class_doc: dict) -> dict:
    """What the page shows, compactly: items with class counts; groups with one cell per item."""
    stats = class_doc["statistics"]
    items = stats["items"]
    ids = [item["id"] for item in items]
    return {
        "input": class_doc["input"],
        "generated_at": class_doc["generated_at"],
        "tool": class_doc["tool"]["version"],
        "verdicts": list(VERDICT_ORDER),
        "counts": {k: stats[k] for k in ("groups", "audited", "cached", "errors", "median_unsupported")},
        "items": [{"id": i["id"], "code": i.get("code"), "title": i.get("title"), "module": i.get("module"),
                   "week": i.get("week"), "groups": i["groups"], "claimed": i["claimed"],
                   "verdicts": {v: i[v] for v in VERDICT_ORDER}} for i in items],
        "groups": [_group(entry, ids) for entry in class_doc["groups"]],
    }


def _group(entry: dict, ids: list[str]) -> dict:
    report = entry["report"]
    group = {"name": entry["group"], "target": entry["target"], "status": entry["status"],
             "error": entry["error"], "file": entry["report_file"], "commit": entry["commit"],
             "summary": entry["summary"], "cells": None}
    if report is None:
        return group
    by_id = {item["id"]: item for item in report["items"]}
    group["cells"] = [_cell(by_id.get(item_id)) for item_id in ids]
    group["report"] = {"path": report["report"]["path"], "template": report["report"]["template"],
                       "checklist_path": report["report"].get("checklist_path"),
                       "message": report["report"].get("message"),
                       "committed_at": report["repository"].get("committed_at"),
                       "problems": [[p["path"], p["message"]] for p in report.get("problems", [])]}
    return group


def _cell(item: dict | None) -> dict | None:
    if item is None:
        return None
    return {"v": item["verdict"], "e": item["evidence"], "c": item["claimed"], "m": item["mark"],
            "l": item["line"], "s": item.get("claim_source"), "w": item.get("claim_via"), "f": [[_where(f), f["message"], f["strength"]] for f in item["findings"]]}


def _where(finding: dict) -> str:
    if finding["path"] is None:
        return "-"
    return f"{finding['path']}:{finding['line']}" if finding["line"] else finding["path"]
