"""Cloud Build configs, recognised by their content (a top-level `steps:` list of builder steps),
not by their file name: groups call them `cloudbuild.yaml`, `vertex_ai_train.yaml`, ...
"""

from __future__ import annotations

import re

from auditor.lazy_pattern import LazyPattern
from auditor.record import field, record

STEPS_KEY = LazyPattern(r"^[\"']?steps[\"']?\s*:", re.MULTILINE)
JSON_STEPS_KEY = LazyPattern(r"^[^\S\n]*+\{?[^\S\n]*+\"steps\"\s*:", re.MULTILINE)
SHELLS = {"bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env"}
SUBSTITUTION = LazyPattern(r"\$\{(_\w+)\}|\$(_\w+)")   # user substitutions: $_IMAGE, ${_IMAGE}
GCP_REGISTRY_HOSTS = ("gcr.io", ".gcr.io", "-docker.pkg.dev")   # gcr.io, eu.gcr.io, europe-west1-docker.pkg.dev


@record(frozen=True)
class BuildStep:
    path: str
    line: int | None
    builder: str
    command: str
    step: dict = field(default_factory=dict, compare=False, hash=False)


def cloudbuild_configs(repo) -> list[tuple[str, list[BuildStep]]]:
    """(path, steps) of every Cloud Build config in the repository."""
    found = []
    for path in repo.glob("**/*.yaml", "**/*.yml", "**/*.json"):
        if path.startswith(".github/"):
            continue
        content = repo.text(path)
        key = JSON_STEPS_KEY if path.lower().endswith(".json") else STEPS_KEY
        if content.text is None or not key.search(content.text):
            continue
        data = repo.yaml(path).data
        steps = data.get("steps") if isinstance(data, dict) else None
        if not isinstance(steps, list) or not any(_is_build_step(s) for s in steps):
            continue
        lines = _step_lines(content.text)
        found.append((path, [
            BuildStep(path, lines[i] if i < len(lines) else None, str(s["name"]), step_command(s), s)
            for i, s in enumerate(steps) if _is_build_step(s)
        ]))
    return found


@record(frozen=True)
class BuildImages:
    """What a Cloud Build config says about its images beside the steps: the `images:` it pushes
    once the steps succeed, and the `substitutions:` its `$_NAME` words stand for."""

    listed: tuple[str, ...]
    substitutions: dict[str, str] = field(default_factory=dict, hash=False)

    def resolve(self, word: str) -> str:
        """`$_IMAGE_URI:latest` with the config's value of `_IMAGE_URI` (unknown names stay as written)."""
        return SUBSTITUTION.sub(lambda m: self.substitutions.get(m.group(1) or m.group(2), m.group(0)), word)


def build_images(repo, path: str) -> BuildImages:
    data = repo.yaml(path).data
    data = data if isinstance(data, dict) else {}
    listed = data.get("images") if isinstance(data.get("images"), list) else []
    values = data.get("substitutions") if isinstance(data.get("substitutions"), dict) else {}
    return BuildImages(tuple(str(i) for i in listed if isinstance(i, (str, int, float))),
                       {str(k): str(v) for k, v in values.items() if isinstance(v, (str, int, float))})


def in_gcp_registry(image: str) -> bool:
    """An image name whose registry is Google's (Container or Artifact Registry): the host before the
    first `/`. A step's builder (`gcr.io/cloud-builders/docker`) is a tool, never asked about here."""
    host, slash, _ = image.partition("/")
    return bool(slash) and (host == "gcr.io" or host.endswith(GCP_REGISTRY_HOSTS[1:]))


def _is_build_step(step) -> bool:
    return isinstance(step, dict) and isinstance(step.get("name"), str) and (
        "args" in step or "entrypoint" in step or "script" in step)


def step_command(step: dict) -> str:
    """What a Cloud Build step runs, as one command line: `docker build -t ...`, `gcloud run deploy ...`."""
    if isinstance(step.get("script"), str):
        return step["script"]
    args = step.get("args") or []
    args = [str(a) for a in (args if isinstance(args, list) else [args])]
    entry = str(step.get("entrypoint") or "")
    if entry in SHELLS and args and args[0].startswith("-"):
        return " ".join(args[1:])
    builder = str(step["name"])
    tool = entry or ("kaniko" if "kaniko" in builder else builder.split(":")[0].rsplit("/", 1)[-1])
    if tool in ("cloud-sdk", "google-cloud-cli") and not entry:
        tool = "gcloud"
    return " ".join([tool, *args])


def _step_lines(text: str) -> list[int]:
    """1-based line of each item of the top-level `steps:` list (block style)."""
    lines = text.splitlines()
    start = next((i for i, text in enumerate(lines) if STEPS_KEY.match(text)), None)
    if start is None:
        return []
    found, indent = [], None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace() and not stripped.startswith("-"):
            break
        if stripped.startswith("- ") or stripped == "-":
            depth = len(line) - len(stripped)
            if indent is None:
                indent = depth
            if depth == indent:
                found.append(index + 1)
    return found
