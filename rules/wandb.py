"""Weights & Biases logging in source; a dependency or config alone is weak."""

from auditor.model import Finding

CALLS = ("wandb.init", "wandb.log", "wandb.Artifact", "wandb.log_artifact", "wandb.watch", "WandbLogger",
         "pytorch_lightning.loggers.WandbLogger", "lightning.pytorch.loggers.WandbLogger")


def probe(repo, source):
    strong = 0
    for path, module in source.items():
        for call in module.calls:
            resolved = module.resolve(call.name)
            if resolved in CALLS or resolved.endswith(".WandbLogger") or resolved.startswith("wandb."):
                if resolved.startswith("wandb.") or "WandbLogger" in resolved:
                    strong += 1
                    if strong <= 3:
                        yield Finding(path, call.line, f"`{call.name}(...)` in {path}:{call.line}")
            if call.keywords.get("report_to", "").strip("'\"[] ") == "wandb":
                strong += 1
                yield Finding(path, call.line, f"`report_to=\"wandb\"` in {path}:{call.line}")
    if strong:
        return
    for path, module in source.items():
        hit = module.imports_any("wandb")
        if hit:
            yield Finding(path, hit[1], f"wandb imported in {path}:{hit[1]} but never called", "weak")
            break
    dep = repo.dependency("wandb")
    if dep:
        yield Finding(dep.path, dep.line, f"`wandb` declared as a dependency in {dep.path}", "weak")
    for hit in repo.grep(r"\bwandb\b", "configs/**", "conf/**", "**/*.y*ml", limit=1):
        yield Finding(hit.path, hit.line, f"wandb mentioned in config {hit.path}:{hit.line}", "weak")
