"""Docker images built automatically: a Cloud Build config with build/push steps, or a GitHub
workflow that builds or pushes images. A Cloud Build config without build steps is weak."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._cloud import by_kind, cloudbuild_configs, find, where
from auditor.rules._commands import builds_image, pushes_image, runs_what
from auditor.rules._workflows import accepted, actions, place

TRIGGER = LazyPattern(r"\bgcloud\s+(beta\s+)?builds\s+triggers\s+(create|import)\b", re.IGNORECASE)
BUILD_ACTIONS = ("docker/build-push-action", "docker/bake-action", "redhat-actions/buildah-build",
                 "mr-smithers-excellent/docker-build-push", "elgohr/publish-docker-github-action")


def probe(repo, workflows, commands):
    strong = list(_cloudbuild(repo, commands)) + list(_workflows(workflows, commands))
    strong += [Finding(s.path, s.line, f"`{s.text[:70]}` creates a Cloud Build trigger ({where(s)})")
               for s in by_kind(find(repo, TRIGGER), "workflow", "cloudbuild", "script")]
    yield from strong[:4]
    if strong:
        return
    yield from _weak(repo, commands)


def _cloudbuild(repo, commands):
    steps = commands.at("cloudbuild")
    for path, _ in cloudbuild_configs(repo):
        builds = [c for c in steps if c.path == path and builds_image(c)]
        pushes = [c for c in steps if c.path == path and pushes_image(c)]
        images = ", ".join(f"`{c.text[:60]}`" for c in (builds + pushes)[:2])
        if builds:
            yield Finding(path, builds[0].line, f"Cloud Build config {path} builds images: {images}")
        elif pushes:
            yield Finding(path, pushes[0].line, f"Cloud Build config {path} pushes images: {images}")


def _image_commands(commands, path: str):
    hits = [c for c in commands.at("workflow") if c.path == path and c.live
            and (builds_image(c) or pushes_image(c))]
    return sorted(hits, key=lambda c: 0 if pushes_image(c) else 1)


def _workflows(workflows, commands):
    for wf in accepted(workflows):
        hits = _image_commands(commands, wf.path)
        if hits:
            events = ", ".join(f"`{e}`" for e in list(wf.triggers())[:3])
            yield Finding(wf.path, hits[0].line, f"{wf.path} runs `{hits[0].text[:70]}` on {events} "
                                                 f"({runs_what(hits[0])}, job {hits[0].job})")
            continue
        for _, _, action, line in actions(wf):
            if action in BUILD_ACTIONS:
                yield Finding(wf.path, line, f"{wf.path} builds images with the `{action}` action")
                break


def _weak(repo, commands):
    for path, steps in cloudbuild_configs(repo):
        yield Finding(path, steps[0].line if steps else None,
                      f"Cloud Build config {path} has {len(steps)} step(s), none builds or pushes an image", "weak")
    rejected = [c for c in commands.at("workflow") if c.rejected and c.live and (builds_image(c) or pushes_image(c))]
    for path in dict.fromkeys(c.path for c in rejected):
        hit = next(c for c in rejected if c.path == path)
        yield Finding(path, hit.line, f"`{hit.text[:60]}` in {place(path, hit.line)}, but GitHub would reject "
                                      f"that workflow: {hit.rejected}", "weak")
    for seen in by_kind(find(repo, re.compile(r"\bgcloud\s+builds\s+submit\b", re.IGNORECASE)), "script", "docs")[:2]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` builds in the cloud by hand ({where(seen)}), "
                                            "no automatic trigger seen", "weak")
