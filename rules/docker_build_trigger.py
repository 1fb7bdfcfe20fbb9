"""Docker images built automatically: a Cloud Build config with build/push steps, or a GitHub
workflow that builds or pushes images. A Cloud Build config without build steps is weak."""

import re

from auditor.model import Finding
from auditor.rules._cloud import by_kind, cloudbuild_configs, find, where
from auditor.rules._workflows import accepted, actions, commands, place, rejected, rejection

BUILD = re.compile(r"\bdocker\s+(buildx\s+)?build\b|^kaniko\b|\bgcloud\s+builds\s+submit\b.*--(tag|pack)|"
                   r"\bdocker[- ]compose\b.*\b(build|create|up\b.*--build)\b|\bpack\s+build\b", re.IGNORECASE)
PUSH = re.compile(r"\bdocker\s+(image\s+)?push\b|\bgcloud\s+builds\s+submit\b|\bdocker[- ]compose\b.*\bpush\b",
                  re.IGNORECASE)
TRIGGER = re.compile(r"\bgcloud\s+(beta\s+)?builds\s+triggers\s+(create|import)\b", re.IGNORECASE)
BUILD_ACTIONS = ("docker/build-push-action", "docker/bake-action", "redhat-actions/buildah-build",
                 "mr-smithers-excellent/docker-build-push", "elgohr/publish-docker-github-action")


def probe(repo, workflows):
    strong = list(_cloudbuild(repo)) + list(_workflows(workflows))
    strong += [Finding(s.path, s.line, f"`{s.text[:70]}` creates a Cloud Build trigger ({where(s)})")
               for s in by_kind(find(repo, TRIGGER), "workflow", "cloudbuild", "script")]
    yield from strong[:4]
    if strong:
        return
    yield from _weak(repo, workflows)


def _cloudbuild(repo):
    for path, steps in cloudbuild_configs(repo):
        builds = [s for s in steps if BUILD.search(s.command)]
        pushes = [s for s in steps if PUSH.search(s.command)]
        images = ", ".join(f"`{s.command[:60]}`" for s in (builds + pushes)[:2])
        if builds:
            yield Finding(path, builds[0].line, f"Cloud Build config {path} builds images: {images}")
        elif pushes:
            yield Finding(path, pushes[0].line, f"Cloud Build config {path} pushes images: {images}")


def _workflows(workflows):
    for wf in accepted(workflows):
        hits = [c for c in commands(wf) if BUILD.search(c.text) or PUSH.search(c.text)]
        hits.sort(key=lambda c: 0 if PUSH.search(c.text) else 1)
        if hits:
            events = ", ".join(f"`{e}`" for e in list(wf.triggers())[:3])
            yield Finding(wf.path, hits[0].line, f"{wf.path} runs `{hits[0].text[:70]}` on {events}")
            continue
        for _, _, action, line in actions(wf):
            if action in BUILD_ACTIONS:
                yield Finding(wf.path, line, f"{wf.path} builds images with the `{action}` action")
                break


def _weak(repo, workflows):
    for path, steps in cloudbuild_configs(repo):
        yield Finding(path, steps[0].line if steps else None,
                      f"Cloud Build config {path} has {len(steps)} step(s), none builds or pushes an image", "weak")
    for wf in rejected(workflows):
        if wf.valid:
            hit = next((c for c in commands(wf) if BUILD.search(c.text) or PUSH.search(c.text)), None)
            if hit:
                yield Finding(wf.path, hit.line, f"`{hit.text[:60]}` in {place(wf.path, hit.line)}, but GitHub would reject "
                                                 f"that workflow: {rejection(wf)}", "weak")
    for seen in by_kind(find(repo, re.compile(r"\bgcloud\s+builds\s+submit\b", re.IGNORECASE)), "script", "docs")[:2]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` builds in the cloud by hand ({where(seen)}), "
                                            "no automatic trigger seen", "weak")
