#!/usr/bin/env python3
"""Add a cookiecutter template to auditor/facts/template_prints.json from a bare mirror of it.

    python3 scripts/template_fingerprints.py mlops_template SkafteNicki/mlops_template /path/to/mirror.git
    python3 scripts/template_fingerprints.py cookiecutter-data-science drivendata/cookiecutter-data-science \
        /path/to/mirror.git

Every version of every file the template generates (each commit of the default branch and
of the tags) is reduced to a fingerprint: a hash of its normalized fixed lines, its line
count and the positions of its placeholder lines (see auditor/facts/template.py); every
section of a structured file (TOML table with its sub-tables, YAML key, workflow job) to a
hash of its lines. No template content is stored.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from auditor.facts.template import section_fingerprints, template_fingerprint

OUT = Path(__file__).resolve().parent.parent / "auditor" / "facts" / "template_prints.json"
GENERATED = re.compile(r"^\{\{ ?cookiecutter\.repo_name ?\}\}/(.+)$")
PLACEHOLDER = re.compile(r"\{\{ ?cookiecutter\.\w+ ?\}\}")
FLAVOUR = re.compile(r"_(pip|uv)(?=\.[^/.]+$)")  # the post-generation hook renames x_uv.ext to x.ext
SKIPPED = re.compile(r"(^|/)(\.gitkeep|__init__\.py|LICENSE)$")


def git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(mirror), *args], check=True, capture_output=True).stdout


def generated_path(path: str) -> str | None:
    match = GENERATED.match(path)
    if not match or SKIPPED.search(match.group(1)):
        return None
    return FLAVOUR.sub("", PLACEHOLDER.sub("*", match.group(1)))


def main(name: str, source: str, mirror: Path) -> None:
    prints: dict[str, list[dict]] = {}
    section_prints: dict[str, list[str]] = {}
    seen_blobs: set[bytes] = set()
    tags = git(mirror, "tag").decode().split()
    for commit in git(mirror, "rev-list", "HEAD", *tags).decode().split():
        for record in git(mirror, "ls-tree", "-r", "-z", commit).split(b"\0"):
            meta, _, raw = record.partition(b"\t")
            parts = meta.split()
            target = generated_path(raw.decode("utf-8", "replace")) if len(parts) == 3 else None
            if target is None or parts[2] in seen_blobs:
                continue
            seen_blobs.add(parts[2])
            text = git(mirror, "cat-file", "blob", parts[2].decode()).decode("utf-8", "replace")
            fingerprint = template_fingerprint(text)
            if fingerprint and fingerprint not in prints.setdefault(target, []):
                prints[target].append(fingerprint)
            known = section_prints.setdefault(target, [])
            known += [d for d in section_fingerprints(target, text) if d not in known]
    document = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {"templates": {}}
    document["templates"][name] = {
        "source": source, "commit": git(mirror, "rev-parse", "HEAD").decode().strip(),
        "files": {path: prints[path] for path in sorted(prints) if prints[path]},
        "sections": {path: section_prints[path] for path in sorted(section_prints) if section_prints[path]},
    }
    OUT.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    files = document["templates"][name]["files"]
    print(f"{OUT}: {name}: {sum(len(v) for v in files.values())} fingerprints of {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
