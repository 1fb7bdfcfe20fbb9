"""Training in GCP: a Vertex AI job (config, `gcloud ai custom-jobs create`, aiplatform SDK) or a
Compute Engine command that runs training. A training image pushed to GCP, a GCP training base
image or an aiplatform dependency alone is weak."""

import re

from auditor.facts.cloudbuild import build_images, in_gcp_registry
from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_with_text
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._cloud import by_kind, cloudbuild_configs, find, where
from auditor.rules._commands import builds_image, image_destinations, malformed_note, pushes_image
from auditor.rules._workflows import place

POOL_SPECS = LazyPattern(r"\b(workerPoolSpecs|worker_pool_specs)\b")
POOL_KEYS = frozenset({"workerPoolSpecs", "worker_pool_specs"})
STRUCTURED_FILES = (".yaml", ".yml", ".json")
MENTIONS = {"echo", "printf", "cat", "tee"}
BLOCK_GAP = 2   # lines between two documented commands of one code block, at most (a blank line, a comment)
JOB_COMMAND = LazyPattern(r"\bgcloud\s+(beta\s+)?(ai\s+custom-jobs\s+create|ai-platform\s+jobs\s+submit\s+training)\b",
                          re.IGNORECASE)
VM_COMMAND = LazyPattern(r"\bgcloud\s+(beta\s+)?compute\s+(instances\s+create(-with-container)?|ssh)\b", re.IGNORECASE)
TRAINING = LazyPattern(r"train", re.IGNORECASE)
TRAINING_SCRIPT = LazyPattern(r"(^|/)\w*train\w*\.py$", re.IGNORECASE)          # src/models/train_model.py
TRAINING_MODULE = LazyPattern(r"(^|\.)\w*train\w*$", re.IGNORECASE)              # python -m proj.train
SDK_JOBS = ("CustomJob", "CustomContainerTrainingJob", "CustomTrainingJob", "CustomPythonPackageTrainingJob",
            "HyperparameterTuningJob", "PipelineJob")
GCP_BASE = LazyPattern(r"^\S*(deeplearning-platform-release|vertex-ai/training|cloud-aiplatform)", re.IGNORECASE)
NOT_CONFIG = ("reports/",)
COMMENTED_SITES = ("cloudbuild", "workflow", "dockerfile")


def probe(repo, python, docker, commands, dvc):
    specs = list(_pool_specs(repo, python))
    strong = [f for f in specs if f.strength == "strong"] + [*_commands(repo, commands), *_sdk_jobs(python)]
    yield from strong[:4]
    if strong:
        return
    yield from [f for f in specs if f.strength != "strong"][:1]
    yield from _weak(repo, docker, commands)
    yield from _vm_setup(commands, dvc)


def _pool_specs(repo, python):
    """Vertex AI worker pool specs: a key of a YAML / JSON job config or a `worker_pool_specs=`
    argument (strong); written only as text (a heredoc in a workflow or a shell script, a Python
    string, a config that does not parse) weak."""
    seen = set()
    for hit in repo.grep(POOL_SPECS, "**/*.yaml", "**/*.yml", "**/*.json", "**/*.sh", limit=10):
        if hit.path in seen or hit.path.startswith(NOT_CONFIG) or hit.text.lstrip().startswith("#"):
            continue
        seen.add(hit.path)
        parsed = repo.document(hit.path) if hit.path.endswith(STRUCTURED_FILES) else None
        if parsed is not None and _has_key(parsed.data, POOL_KEYS):
            yield Finding(hit.path, hit.line, f"Vertex AI job config: `{hit.text[:60]}` in {hit.path}:{hit.line}")
        else:
            unreadable = parsed is not None and parsed.error
            why = f"{hit.path} cannot be read: {parsed.error}" if unreadable else "not a key of a job config"
            quoted = hit.text.strip()[:60]
            yield Finding(hit.path, hit.line, f"Vertex AI worker pool specs only written as text (`{quoted}` "
                                              f"in {hit.path}:{hit.line}; {why})", "weak")
    yield from _python_pool_specs(python)


def _python_pool_specs(python):
    for path, module in modules_with_text(python, _names_pool_specs).items():
        call = next((c for c in module.calls if POOL_KEYS.intersection(c.keywords)), None)
        if call is not None:
            yield Finding(path, call.line, f"`{call.name}(worker_pool_specs=...)` configures a Vertex AI job "
                                           f"in {path}:{call.line}")
            return
        text, line = next(((t, n) for t, n in module.strings if POOL_SPECS.search(t)), (None, None))
        if text is not None:
            yield Finding(path, line, f"Vertex AI worker pool specs only written in a Python string "
                                      f"in {path}:{line}", "weak")
            return


def _names_pool_specs(text: str) -> bool:
    return any(key in text for key in POOL_KEYS)


def _has_key(data, names: frozenset) -> bool:
    """Whether a mapping anywhere in the parsed document has one of `names` as a key (documents
    are vetted for depth and size when parsed)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if names.intersection(k for k in node if isinstance(k, str)):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _commands(repo, commands):
    for seen in by_kind(find(repo, JOB_COMMAND), "workflow", "cloudbuild", "script", "docs")[:2]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` submits a Vertex AI job ({where(seen)})")
    for seen in by_kind(find(repo, VM_COMMAND), "workflow", "cloudbuild", "script", "docs"):
        if _trains_with(seen, commands):
            yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` runs training on Compute Engine ({where(seen)})")
            break


def _trains_with(seen, commands) -> bool:
    """The Compute Engine command trains (`gcloud compute ssh vm --command "python train.py"`), or
    another command of its place does: of the same job, Makefile target or invoke task, of the same
    shell script; in documentation only a command that follows it closely (its code block, roughly),
    not any mention of training in the file."""
    if TRAINING.search(seen.text):
        return True
    same_file = [c for c in commands.all if c.path == seen.path and c.program not in MENTIONS]
    origin = next((c for c in same_file if c.line == seen.line), None)
    near = [c for c in same_file if c.line != seen.line]
    if origin is not None and origin.job:
        near = [c for c in near if c.job == origin.job]
    elif seen.kind == "docs":
        near = _following(near, seen.line or 0)
    return any(TRAINING.search(" ".join((c.program, *c.args))) for c in near)


def _following(commands: list, line: int) -> list:
    """The commands after `line` that follow it without a break longer than BLOCK_GAP: the rest of
    its code block, roughly (the fence, prose and the next fence make a longer break)."""
    found, last = [], line
    for command in sorted((c for c in commands if c.line and c.line > line), key=lambda c: c.line):
        if command.line - last > BLOCK_GAP:
            break
        found.append(command)
        last = command.line
    return found


def _sdk_jobs(python):
    for path, module in modules_with_text(python, lambda text: "aiplatform" in text).items():
        for call in module.calls:
            resolved = module.resolve(call.name)
            if "aiplatform" in resolved and resolved.rsplit(".", 1)[-1] in SDK_JOBS:
                yield Finding(path, call.line, f"`{call.name}(...)` creates a Vertex AI job in {path}:{call.line}")
                return


def _weak(repo, docker, commands):
    for seen in by_kind(find(repo, JOB_COMMAND), "workflow-rejected", "report")[:1]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` (only {where(seen)})", "weak")
    yield from _commented_out(commands)
    for seen in by_kind(find(repo, VM_COMMAND), "workflow", "cloudbuild", "script", "docs")[:1]:
        yield Finding(seen.path, seen.line, f"`{seen.text[:70]}` uses Compute Engine ({where(seen)}), "
                                            "no training command seen with it", "weak")
    for path, line, text, image in _training_image_pushes(repo, commands):
        yield Finding(path, line, f"a training image is built for a GCP registry (`{text[:70]}` in {place(path, line)}, "
                                  f"image `{image[:90]}`), but no Vertex AI or Compute Engine job runs it", "weak")
        break
    for dockerfile in docker:
        base = next((i for i in dockerfile.all("FROM") if GCP_BASE.search(i.arguments)), None)
        if base:
            yield Finding(dockerfile.path, base.line, f"{dockerfile.path} builds on a GCP training image "
                                                      f"(`{base.text[:70]}`)", "weak")
            break


def _commented_out(commands):
    """A Vertex AI job or a Compute Engine command in a commented-out step of a Cloud Build config,
    workflow or Dockerfile: a training run the project once had or planned, not one it runs."""
    for command in (c for site in COMMENTED_SITES for c in commands.at(site, "documented") if c.program == "gcloud"):
        if JOB_COMMAND.search(command.text) or VM_COMMAND.search(command.text):
            what = "submits a Vertex AI job" if JOB_COMMAND.search(command.text) else "creates a Compute Engine machine"
            yield Finding(command.path, command.line, f"`{command.text[:70]}` {what}, but only in a comment at "
                                                      f"{command.where}", "weak")
            return


def _training_image_pushes(repo, commands):
    """(path, line, command, image) where a training image goes to a GCP registry: a Cloud Build
    config or a workflow step that tags, pushes or lists (`images:`) an image of Google's registries,
    the build being one of training. The destination is read from the tag, never from the step's
    builder (`name: gcr.io/cloud-builders/docker`)."""
    steps = commands.at("cloudbuild")
    trainers = _training_dockerfiles(commands)
    for path, _ in cloudbuild_configs(repo):
        builds = [c for c in steps if c.path == path and (builds_image(c) or pushes_image(c) or _tags_image(c))]
        config = build_images(repo, path)
        images = [config.resolve(i) for i in [*(i for c in builds for i in image_destinations(c)), *config.listed]]
        registry = [i for i in images if in_gcp_registry(i)]
        named_for_training = TRAINING.search(" ".join([*(c.text for c in builds), *registry]))
        if builds and registry and (named_for_training or any(_built_dockerfile(c) in trainers for c in builds)):
            image = next((i for i in registry if TRAINING.search(i)), registry[0])
            yield path, builds[0].line, builds[0].text, image
    for command in commands.at("workflow"):
        if command.live and not command.rejected and pushes_image(command):
            pushed = [i for i in image_destinations(command) if in_gcp_registry(i)]
            image = next((i for i in pushed if TRAINING.search(i)), None)
            if image is not None:
                yield command.path, command.line, command.text, image


def _tags_image(command) -> bool:
    """`docker tag trainer:latest gcr.io/...`: an image built in an earlier step (by compose, say)
    named for the registry, which pushes it from the config's `images:` list."""
    words = [a for a in command.args if not a.startswith("-")]
    return command.program in ("docker", "podman") and (words[:1] == ["tag"] or words[:2] == ["image", "tag"])


def _training_dockerfiles(commands) -> set[str]:
    """Dockerfiles whose commands run a training script (`python -u src/models/train_model.py`),
    whatever the Dockerfile and the image are named."""
    return {c.path for c in commands.at("dockerfile") if _runs_training_script(c)}


def _runs_training_script(command) -> bool:
    modules = command.option_values("-m")
    return any(TRAINING_SCRIPT.search(a) for a in command.args) or any(TRAINING_MODULE.search(m) for m in modules)


def _built_dockerfile(command) -> str | None:
    """The Dockerfile a `docker build` reads: its `-f`/`--file`, else `Dockerfile`."""
    if not builds_image(command) or command.program not in ("docker", "podman", "buildah"):
        return None
    named = command.option_values("-f") + command.option_values("--file")
    return (named[0] if named else "Dockerfile").removeprefix("./")


def _vm_setup(commands, dvc):
    """A training container and a script that fetches its data from a GCS bucket, or a training
    container that pulls its data itself from a DVC remote in a GCS bucket: the setup of a training
    run on a cloud machine, without the command that started it."""
    trainer = next((c for c in commands.at("dockerfile") if _trains(c)), None)
    fetch = next((c for site in LOCAL_SITES for c in commands.at(site) if _fetches_from_bucket(c)), None)
    if trainer is not None and fetch is not None:
        yield Finding(fetch.path, fetch.line, f"`{fetch.text[:60]}` in {fetch.where} fetches data from a GCS bucket and "
                                              f"{trainer.path}:{trainer.line} runs training: a cloud training setup, "
                                              "but no Vertex AI or Compute Engine command seen"
                                              + malformed_note(trainer), "weak")
        return
    pull = next((c for c in commands.at("dockerfile") if _pulls_with_dvc(c) and _named_for_training(c.path)), None)
    remote = _bucket_remote(commands, dvc)
    if pull is not None and remote is not None:
        yield Finding(pull.path, pull.line, f"`{pull.text[:60]}` in the training image {pull.path}:{pull.line} pulls its "
                                            f"data from the DVC remote `{remote[:60]}` in a GCS bucket: a cloud training "
                                            "setup, but no Vertex AI or Compute Engine command seen"
                                            + malformed_note(pull), "weak")


def _named_for_training(path: str) -> bool:
    return bool(TRAINING.search(path.rsplit("/", 1)[-1]))


def _bucket_remote(commands, dvc) -> str | None:
    """The gs:// URL of a DVC remote: added by a `dvc remote add` command or declared in a DVC config."""
    for command in commands.all:
        if command.program == "dvc" and list(command.args[:2]) == ["remote", "add"]:
            url = next((a for a in command.args if a.startswith("gs://")), None)
            if url:
                return url
    return next((r.url for r in dvc.remotes if r.url.startswith("gs://")), None)


def _pulls_with_dvc(command) -> bool:
    return command.program == "dvc" and list(command.args[:1]) == ["pull"]


def _trains(command) -> bool:
    return bool(TRAINING.search(command.path.rsplit("/", 1)[-1])) and bool(
        TRAINING.search(" ".join([command.program, *command.args])))


def _fetches_from_bucket(command) -> bool:
    words = [a for a in command.args if not a.startswith("-")]
    copies = (command.program == "gsutil" and words[:1] in (["cp"], ["rsync"])) or (
        command.program == "gcloud" and words[:2] in (["storage", "cp"], ["storage", "rsync"]))
    return copies and len(words) > 2 and words[1].startswith("gs://")
