"""Weights & Biases logging in source (wandb.init / wandb.log, Lightning's WandbLogger, HF
report_to="wandb"); wandb used for login is weak, and so is wandb imported but never called, named
in a config or only declared (the rule's `unused` step)."""

import re

from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._artefacts import screenshots

LOGGING_CALL = LazyPattern(r"^wandb\.(init|log|log_artifact|log_model|Artifact|watch|save|Table|Image|plot\.\w+|run\.log\w*)$"
                           r"|(^|\.)WandbLogger$")
OTHER_CALL = LazyPattern(r"^wandb\.")
INSTANTIATED_LOGGER = LazyPattern(r"_target_\s*:\s*[\w.]*WandbLogger", re.IGNORECASE | re.MULTILINE)


PREFERRED = LazyPattern(r"^wandb\.(init|log)$|WandbLogger$")


def _logging_call(name: str) -> bool:
    return (name.startswith("wandb.") or "WandbLogger" in name) and bool(LOGGING_CALL.search(name))


def _logging_calls(source):
    for path, module in modules_mentioning(source, ["wandb", "WandbLogger"]).items():
        calls = [c for c in module.calls if _logging_call(module.resolve(c.name))]
        if calls:
            call = min(calls, key=lambda c: (not PREFERRED.search(module.resolve(c.name)), c.line))
            yield Finding(path, call.line, f"`{call.name}(...)` in {path}:{call.line}")
            continue
        hf = next((c for c in module.calls if c.keywords.get("report_to", "").strip("'\"[] ") == "wandb"), None)
        if hf:
            yield Finding(path, hf.line, f"`report_to=\"wandb\"` in {path}:{hf.line}")


def _instantiated_logger(repo, source):
    """A `_target_: ...WandbLogger` config that the source builds with hydra's instantiate."""
    hit = next(iter(mentions(repo, INSTANTIATED_LOGGER, "**/*.y*ml", limit=1)), None)
    if hit is None:
        return None
    for path, module in modules_mentioning(source, ["instantiate"]).items():
        call = next((c for c in module.calls if module.resolve(c.name).endswith(("hydra.utils.instantiate", "instantiate"))), None)
        if call:
            return Finding(hit.path, hit.line, f"`WandbLogger` configured in {hit.path}:{hit.line} and built with "
                                               f"`{call.name}(...)` in {path}:{call.line}")
    return Finding(hit.path, hit.line, f"`WandbLogger` configured in {hit.path}:{hit.line}, but nothing instantiates it", "weak")


def _calls_logging_nothing(source):
    """The first wandb call that logs nothing (`wandb.login`, `wandb.finish`)."""
    for path, module in modules_mentioning(source, ["wandb"]).items():
        other = next((c for c in module.calls if OTHER_CALL.search(module.resolve(c.name))), None)
        if other:
            yield Finding(path, other.line, f"`{other.name}(...)` in {path}:{other.line}, but nothing logged to W&B", "weak")
            break


def probe(repo, source):
    strong = list(_logging_calls(source))
    if strong:
        yield from strong[:3]
        return
    instantiated = _instantiated_logger(repo, source)
    if instantiated:
        yield instantiated
    if not instantiated or instantiated.strength != "strong":
        yield from _calls_logging_nothing(source)
        yield from screenshots(repo, "wandb", "W&B experiments")
