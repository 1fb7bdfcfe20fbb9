"""Experiment configuration files that hold hyperparameters."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding

HYPER = LazyPattern(
    r"^(lr|learning[_-]?rate|batch[_-]?size|epochs?|n_epochs|num_epochs|max_epochs|optimi[sz]er|dropout|weight[_-]?decay"
    r"|hidden[_-]?(size|dim|units)|momentum|seed|num_layers|n_layers|patience|warmup\w*|gamma|max_steps|train_batch_size)$",
    re.IGNORECASE,
)
NOT_EXPERIMENT = LazyPattern(
    r"(^|/)(\.github|\.dvc|\.devcontainer|node_modules|\.vscode|\.idea)/|(^|/)(docker-)?compose[^/]*$|pre-commit|dvc\.(yaml|lock)$"
    r"|cloudbuild|mkdocs|codecov|\.readthedocs|dependabot|environment\.ya?ml$|conda[^/]*\.ya?ml$|(^|/)package(-lock)?\.json$"
    r"|tsconfig|\.?pyproject\.toml$|(^|/)(uv|poetry)\.lock$|service\.ya?ml$|\.lock$|vertex|workerpool|config\.json$|^reports/"
    r"|tokenizer|vocab|(^|/)\.hydra/|(^|/)(outputs|multirun|wandb|mlruns|lightning_logs)/|^src/.*\.json$",
    re.IGNORECASE,
)
SWEEP_FILE = LazyPattern(r"(^|/)[^/]*sweep[^/]*$", re.IGNORECASE)
CONFIG_FILES = ("**/*.yaml", "**/*.yml", "**/*.json", "**/*.toml", "**/*.cfg", "**/*.ini")


def _keys(data, depth=0):
    if depth > 6:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _keys(value, depth + 1)
    elif isinstance(data, list):
        for value in data[:50]:
            yield from _keys(value, depth + 1)


def probe(repo):
    candidates = [f for f in repo.glob(*CONFIG_FILES) if not NOT_EXPERIMENT.search(f)]
    weak = []
    strong = 0
    for path in candidates[:300]:
        parsed = repo.document(path)
        data, error = parsed.data, parsed.error
        if error:
            if "/config" in path or path.startswith("config"):
                yield Finding(path, None, f"{path}: {error}", "error")
            continue
        hyper = sorted({k for k in _keys(data) if HYPER.match(k)})
        if hyper and SWEEP_FILE.search(path):
            weak.insert(0, (path, f"{path}: a sweep configuration (ranges for {', '.join(hyper[:3])}), "
                                  "not the configuration of an experiment"))
        elif len(hyper) >= 1 and (len(hyper) >= 2 or "config" in path.lower()):
            text = repo.text(path).text or ""
            line = next((n for n, l in enumerate(text.splitlines(), 1) if re.search(rf"\b{re.escape(hyper[0])}\b", l)), None)
            strong += 1
            if strong <= 3:
                yield Finding(path, line, f"{path} sets hyperparameters: {', '.join(hyper[:5])}")
        elif "config" in path.lower() or path.startswith(("configs/", "conf/")):
            weak.append((path, f"{path}: a config file without hyperparameters"))
    for path, message in weak[:2]:
        yield Finding(path, None, message, "weak")
