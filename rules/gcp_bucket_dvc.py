"""A GCP bucket as DVC remote (`url = gs://...` in .dvc/config); buckets used elsewhere are weak."""

import re

from auditor.model import Finding

SECTION = re.compile(r"""^\s*\[\s*['"]?remote\s+"([^"]+)"['"]?\s*\]""")
URL = re.compile(r"^\s*url\s*=\s*(\S+)")
DEFAULT = re.compile(r"^\s*remote\s*=\s*(\S+)")
GS_URL = re.compile(r"\bgs://[\w.${}-]+", re.IGNORECASE)  # gs://$BUCKET counts too
GS_FILES = ("**/*.py", "**/*.y*ml", "**/*.sh", "**/*.toml", "**/*.cfg", "**/*.json", "**/Makefile", "**/*Dockerfile*",
            "**/*.dockerfile", "**/*.md")
GCS_CLIENTS = ("google.cloud.storage", "gcsfs")


def probe(repo, source):
    remotes = list(_dvc_remotes(repo))
    gcs = [r for r in remotes if r[3].lower().startswith("gs://")]
    for path, line, name, url, default in gcs[:3]:
        yield Finding(path, line, f"DVC remote `{name}`{' (default)' if default else ''} is the GCP bucket `{url}` "
                                  f"({path}:{line})")
    if gcs:
        return
    others = ", ".join(f"`{r[2]}` ({r[3][:40]})" for r in remotes[:2])
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


def _dvc_remotes(repo):
    """(path, line, name, url, is default) of each remote in the DVC configs."""
    for path in repo.glob(".dvc/config", "**/.dvc/config", ".dvc/config.local", "**/.dvc/config.local"):
        lines = (repo.text(path).text or "").splitlines()
        default = next((m.group(1).strip("'\"") for m in map(DEFAULT.match, lines) if m), None)
        section = None
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith(("#", ";")):
                continue
            header = SECTION.match(line)
            if header:
                section = header.group(1)
            elif line.lstrip().startswith("["):
                section = None
            elif section:
                url = URL.match(line)
                if url:
                    yield path, number, section, url.group(1), section == default
