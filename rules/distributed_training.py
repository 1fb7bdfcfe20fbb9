"""Distributed training: torch.distributed / DDP / accelerate / DeepSpeed in code, a Lightning
Trainer with a ddp-like strategy or several devices, a torchrun launch, or a trainer config that
is selected; a config nothing selects, or "all GPUs" without a strategy, is weak."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.yaml_values import mentions
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.rules._commands import malformed_note

LIBRARY_CALL = LazyPattern(
    r"^(torch\.distributed\.(init_process_group|launch|run|elastic)\S*|torch\.nn\.parallel\.DistributedDataParallel|"
    r"torch\.nn\.DataParallel|torch\.nn\.parallel\.DataParallel|torch\.multiprocessing\.spawn|accelerate\.Accelerator|"
    r"deepspeed\.initialize|horovod\.\w+\.init)$"
)
# what every LIBRARY_CALL match starts with: a call without one never compiles the pattern
LIBRARY_PREFIXES = ("torch.distributed.", "torch.nn.parallel.", "torch.nn.DataParallel", "torch.multiprocessing.spawn",
                    "accelerate.Accelerator", "deepspeed.initialize", "horovod.")
LIBRARY_NAMES = ("torch.distributed", "DistributedDataParallel", "DataParallel", "torch.multiprocessing.spawn",
                 "accelerate.Accelerator", "deepspeed.initialize", "horovod.init")   # a part of each LIBRARY_CALL
TRAINER_ENDINGS = ("Trainer", "TrainingArguments", "Fabric")
MULTI_STRATEGY = LazyPattern(r"ddp|fsdp|deepspeed|\bdp\b|horovod|Strateg", re.IGNORECASE)
LAUNCH = LazyPattern(r"(\btorchrun\b|torch\.distributed\.(launch|run)|accelerate\s+launch|deepspeed\s+\S+\.py)")
LAUNCH_SITES = ("workflow", "cloudbuild", "dockerfile", *LOCAL_SITES)
# by their lines: job specs (Vertex AI, Kubernetes) no command reader knows, and commands tasks.py builds from pieces
OTHER_LAUNCH_FILES = ("tasks.py", "**/*.y*ml")
TORCH_LAUNCHERS = {"torchrun", "torch.distributed.launch", "torch.distributed.run"}
SELECTION_FILES = ("**/*.y*ml", "**/*.py", "**/*.sh", "**/*.md", "**/*ockerfile*", "**/*.dockerfile", "Makefile",
                   "**/*.toml", "**/*.cfg", "**/*.ini")
CONFIG_SETTING = LazyPattern(r"^[^\S\n]*(strategy:\s*[\"']?(ddp|fsdp|deepspeed)\w*|(devices|gpus):\s*([2-9]|\d\d+)\b)",
                             re.MULTILINE)


def probe(repo, source, commands):
    found = list(_library_calls(source)) + list(_trainer_settings(source)) + list(_launches(repo, commands))
    if not any(f.strength == "strong" for f in found):
        found += list(_configs(repo))
    yield from found


def _library_calls(source):
    for path, module in sorted(modules_mentioning(source, LIBRARY_NAMES).items()):
        for call in module.calls:
            resolved = module.resolve(call.name)
            if resolved.startswith(LIBRARY_PREFIXES) and LIBRARY_CALL.search(resolved):
                yield Finding(path, call.line, f"`{call.name}(...)` in {path}:{call.line}")
                return


def _trainer_settings(source):
    for path, module in sorted(modules_mentioning(source, TRAINER_ENDINGS).items()):
        for call in module.calls:
            if not call.name.endswith(TRAINER_ENDINGS):
                continue
            strength, reason = _multi_device(module, call)
            if strength:
                yield Finding(path, call.line, f"`{call.name}({reason})` in {path}:{call.line}"
                              + ("" if strength == "strong" else ": all GPUs, but no distributed strategy"), strength)
                return


def _multi_device(module, call):
    strategy = call.keywords.get("strategy", "")
    if MULTI_STRATEGY.search(strategy):
        return "strong", f"strategy={strategy}"
    for key in ("devices", "gpus", "num_nodes"):
        for value in _values(module, call.keywords.get(key)):
            count = _device_count(value)
            if count is not None and count > 1:
                return "strong", f"{key}={value}"
            if count == -1:
                return "weak", f"{key}={value}"
    return None, ""


def _values(module, expression):
    """The expression, or the values assigned to it in the module when it is a plain name."""
    if not expression:
        return []
    if re.fullmatch(r"[A-Za-z_]\w*", expression):
        return [value for target, value, _ in module.assigns if target == expression] or [expression]
    return [expression]


def _device_count(value: str):
    value = value.strip()
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if value.startswith("[") and value.endswith("]"):
        return len([v for v in value[1:-1].split(",") if v.strip()])
    return None


def _launches(repo, commands):
    """A distributed launch the project runs (a workflow or Cloud Build step, a Dockerfile, Makefile, task or
    script, read as shell: `uv run torchrun ...`, not a commented-out line); else a job spec or tasks.py line."""
    launched = [c for site in LAUNCH_SITES for c in commands.at(site)
                if c.live and not c.rejected and _distributed(c)]
    for command in launched[:1]:
        yield Finding(command.path, command.line, f"distributed launch `{command.text[:80]}` at {command.where} "
                                                  f"(runs {command.program}){malformed_note(command)}")
    if launched:
        return
    read_as_commands = {c.path for site in ("workflow", "cloudbuild") for c in commands.at(site, None)}
    for hit in repo.grep(LAUNCH, *OTHER_LAUNCH_FILES, limit=5):
        if not hit.path.startswith(".github/") and hit.path not in read_as_commands:
            yield Finding(hit.path, hit.line, f"distributed launch `{hit.text[:80]}` in {hit.path}:{hit.line}")
            return


def _distributed(command) -> bool:
    if command.has_option("--help", "-h", "--version"):
        return False
    if command.program == "accelerate":
        return command.subcommand == "launch"
    if command.program == "deepspeed":
        return any(a.endswith(".py") for a in command.args)
    return command.program in TORCH_LAUNCHERS


def _configs(repo):
    for hit in mentions(repo, CONFIG_SETTING, "**/*.y*ml", limit=10):
        if hit.path.startswith(".github/"):
            continue
        selected = _selection(repo, hit.path)
        if selected is True:
            yield Finding(hit.path, hit.line, f"trainer config `{hit.text[:60]}` in {hit.path}:{hit.line}")
        elif selected:
            yield Finding(hit.path, hit.line, f"trainer config `{hit.text[:60]}` in {hit.path}:{hit.line}, "
                                              f"selected by {selected.path}:{selected.line}")
        else:
            yield Finding(hit.path, hit.line, f"trainer config `{hit.text[:60]}` in {hit.path}:{hit.line}, "
                                              "but nothing selects it", "weak")
        return


def _selection(repo, path: str):
    """True for a top-level config; for a config-group option (configs/trainer/ddp.yaml) the line that selects it."""
    parts = path.rsplit(".", 1)[0].split("/")
    if len(parts) < 3:
        return True
    group, option = parts[-2], parts[-1]
    pattern = re.compile(rf"\b{re.escape(group)}\s*[=:]\s*[\"']?{re.escape(option)}\b")
    for hit in repo.grep(pattern, *SELECTION_FILES, limit=5):
        if hit.path != path:
            return hit
    return None
