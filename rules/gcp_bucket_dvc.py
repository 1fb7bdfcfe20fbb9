"""A GCP bucket as DVC remote (`url = gs://...` in .dvc/config, or a `dvc remote add NAME gs://...`
that a workflow, Cloud Build step, Dockerfile, Makefile, invoke task or script runs); buckets used
elsewhere are weak, and so is a GCS client imported in code (the rule's `unused` step)."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._commands import malformed_note

GS_URL = LazyPattern(r"\bgs://[\w.${}-]+", re.IGNORECASE)  # gs://$BUCKET counts too
GS_FILES = ("**/*.py", "**/*.y*ml", "**/*.sh", "**/*.toml", "**/*.cfg", "**/*.json", "**/Makefile", "**/*Dockerfile*",
            "**/*.dockerfile", "**/*.md")
RUN_SITES = ("workflow", "cloudbuild", "dockerfile", *LOCAL_SITES)


def added_gcs_remote(command) -> tuple[str, str] | None:
    """(name, url) of `dvc remote add [-d] NAME gs://...`."""
    if command.program != "dvc":
        return None
    words = command.positionals()
    if words[:2] == ["remote", "add"] and len(words) >= 4 and words[3].lower().startswith("gs://"):
        return words[2], words[3]
    return None


def _remote_commands(commands):
    for site in RUN_SITES:
        for command in commands.at(site):
            remote = added_gcs_remote(command) if command.live and not command.rejected else None
            if remote:
                yield Finding(command.path, command.line, f"`{command.text[:80]}` at {command.where} adds the DVC "
                                                          f"remote `{remote[0]}` on the GCP bucket `{remote[1]}`"
                                                          + malformed_note(command))
                return


def probe(repo, dvc, commands):
    remotes = dvc.remotes
    gcs = [r for r in remotes if r.url.lower().startswith("gs://")]
    for r in gcs[:3]:
        yield Finding(r.path, r.line, f"DVC remote `{r.name}`{' (default)' if r.default else ''} is the GCP bucket "
                                      f"`{r.url}` ({r.path}:{r.line})")
    if gcs:
        return
    added = list(_remote_commands(commands))
    yield from added
    if added:
        return
    others = ", ".join(f"`{r.name}` ({r.url[:40]})" for r in remotes[:2])
    for hit in mentions(repo, GS_URL, *GS_FILES, limit=20):
        if hit.text.lstrip().startswith("#") or "/.dvc/" in f"/{hit.path}":
            continue
        tail = f"; DVC remotes are {others}" if others else "; no DVC remote uses it"
        match = GS_URL.search(hit.text)   # the grep line is cut at 160 characters
        url = match.group(0) if match else "gs://..."
        yield Finding(hit.path, hit.line, f"bucket `{url}` used in {hit.path}:{hit.line}{tail}", "weak")
        break
