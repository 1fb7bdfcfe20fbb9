"""A GCP bucket as DVC remote (`url = gs://...` in .dvc/config); buckets used elsewhere are weak."""

import re

from auditor.model import Finding

GS_URL = re.compile(r"\bgs://[\w.${}-]+", re.IGNORECASE)  # gs://$BUCKET counts too
GS_FILES = ("**/*.py", "**/*.y*ml", "**/*.sh", "**/*.toml", "**/*.cfg", "**/*.json", "**/Makefile", "**/*Dockerfile*",
            "**/*.dockerfile", "**/*.md")
GCS_CLIENTS = ("google.cloud.storage", "gcsfs")


def probe(repo, source, dvc):
    remotes = dvc.remotes
    gcs = [r for r in remotes if r.url.lower().startswith("gs://")]
    for r in gcs[:3]:
        yield Finding(r.path, r.line, f"DVC remote `{r.name}`{' (default)' if r.default else ''} is the GCP bucket "
                                      f"`{r.url}` ({r.path}:{r.line})")
    if gcs:
        return
    others = ", ".join(f"`{r.name}` ({r.url[:40]})" for r in remotes[:2])
    for hit in repo.grep(GS_URL, *GS_FILES, limit=20):
        if hit.text.lstrip().startswith("#") or "/.dvc/" in f"/{hit.path}":
            continue
        tail = f"; DVC remotes are {others}" if others else "; no DVC remote uses it"
        match = GS_URL.search(hit.text)   # the grep line is cut at 160 characters
        url = match.group(0) if match else "gs://..."
        yield Finding(hit.path, hit.line, f"bucket `{url}` used in {hit.path}:{hit.line}{tail}", "weak")
        break
    for path, module in source.items():
        hit = module.imports_any(*GCS_CLIENTS)
        if hit:
            yield Finding(path, hit[1], f"`{hit[0]}` imported in {path}:{hit[1]}: a bucket used from code, "
                                        "not through DVC", "weak")
            break
