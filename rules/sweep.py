"""A hyperparameter sweep: a W&B sweep config or wandb.sweep / wandb.agent, optuna studies, hydra
sweepers or multirun, ray tune, a search with hyperopt, scikit-optimize, Ax, SMAC, Keras Tuner or
nevergrad; a sweep command only documented (README, docs) or a sweep library
only declared is weak (the rule's `unused` step)."""

import re

from auditor.facts.commands import LOCAL_SITES
from auditor.facts.modules_on_demand import modules_mentioning
from auditor.facts.repository import find_line
from auditor.lazy_pattern import LazyPattern
from auditor.model import Finding
from auditor.report.anchors import search_if_possible
from auditor.rules._artefacts import screenshots

SWEEP_METHODS = {"grid", "random", "bayes", "bayesian"}
NOT_CONFIG = LazyPattern(r"(^|/)(\.github|\.dvc|\.hydra|outputs|multirun|node_modules)/|pre-commit|dvc\.(yaml|lock)$|cloudbuild")
TOP_LEVEL_METHOD = LazyPattern(r"^method\s*:", re.MULTILINE)
SWEEP_CALLS = {
    "wandb.sweep": "W&B sweep", "wandb.agent": "W&B agent", "optuna.create_study": "optuna study",
    "optuna.load_study": "optuna study", "ray.tune.run": "ray tune", "ray.tune.Tuner": "ray tune", "ray.tune.fit": "ray tune",
    "sklearn.model_selection.GridSearchCV": "grid search", "sklearn.model_selection.RandomizedSearchCV": "random search",
    "hyperopt.fmin": "hyperopt search", "skopt.gp_minimize": "scikit-optimize search",
    "skopt.forest_minimize": "scikit-optimize search", "skopt.BayesSearchCV": "scikit-optimize search",
    "ax.service.ax_client.AxClient": "Ax optimization", "ax.optimize": "Ax optimization",
}
OPTIMIZER_PACKAGES = {"smac": "SMAC optimization", "keras_tuner": "Keras Tuner search", "nevergrad": "nevergrad optimization"}
OPTIMIZER_CLASS = LazyPattern(r"(Facade|Tuner|^SMAC4\w+|^(Random|Grid)Search|^BayesianOptimization|^Hyperband|^NGOpt|^TwoPointsDE|^CMA)$")
SWEEP_COMMAND = LazyPattern(r"wandb\s+(sweep|agent)\b|--multirun\b|\bhydra/sweeper\b|\boptuna\b", re.IGNORECASE)
HYDRA_SWEEPER = LazyPattern(r"^[^\S\n]*(-\s*)?(override\s+)?hydra/sweeper\s*:|^[^\S\n]*sweeper\s*:\s*$|^[^\S\n]*mode\s*:\s*MULTIRUN", re.MULTILINE)
COMMAND_SITES = (*LOCAL_SITES, "workflow")
GREPPED_FILES = ("tasks.py",)
MENTIONS = {"echo", "printf", "cat"}
INSTALLERS = {"pip", "pip3", "uv", "poetry", "conda", "mamba", "pipx", "apt-get", "apt"}
HYDRA_OVERRIDE = LazyPattern(r"^[+~]{0,2}[\w/.@-]+=")
SWEEP_WORD = LazyPattern(r"^hydra/sweeper=|^optuna\b", re.IGNORECASE)
OPTUNA = LazyPattern(r"\boptuna\b", re.IGNORECASE)
METHOD_KEY = LazyPattern(r"^method\s*:")


MAX_PARSED = 40  # YAML files with a top-level `method:` parsed; more is a generated folder, not configs


def _sweep_configs(repo):
    parsed_count = 0
    for path in repo.glob("**/*.yaml", "**/*.yml"):
        if NOT_CONFIG.search(path):
            continue
        text = repo.text(path).text or ""
        if TOP_LEVEL_METHOD.search(text) and parsed_count < MAX_PARSED:
            parsed_count += 1
            parsed = repo.yaml(path)
            if parsed.error:
                yield Finding(path, None, f"{path} looks like a sweep config but cannot be read: {parsed.error}", "error")
                continue
            data = parsed.data
            if isinstance(data, dict) and str(data.get("method", "")).lower() in SWEEP_METHODS:
                parameters = data.get("parameters")
                if isinstance(parameters, dict) and parameters:
                    metric = " and a metric" if data.get("metric") else ""
                    line = find_line(text, METHOD_KEY)
                    yield Finding(path, line, f"sweep config {path}:{line}: method `{data['method']}`, "
                                              f"{len(parameters)} parameter(s){metric}")
                else:
                    yield Finding(path, None, f"{path} names a sweep method but no parameters", "weak")
        elif search_if_possible(HYDRA_SWEEPER, text):
            line = find_line(text, HYDRA_SWEEPER)
            yield Finding(path, line, f"hydra sweeper / multirun configured in {path}:{line}")


def _sweep_calls(python):
    for path, module in modules_mentioning(python, [*SWEEP_CALLS, *OPTIMIZER_PACKAGES]).items():
        for call in module.calls:
            kind = _sweep_kind(module.resolve(call.name))
            if kind:
                yield Finding(path, call.line, f"{kind}: `{call.name}(...)` in {path}:{call.line}")
                break


def _sweep_kind(name: str) -> str | None:
    """What a resolved call starts, if a search over hyperparameters: `optuna.create_study`, or an optimizer
    class of a package made for it (`smac.HyperparameterOptimizationFacade`, `keras_tuner.RandomSearch`)."""
    package, _, last = name.partition(".")
    if package in OPTIMIZER_PACKAGES and OPTIMIZER_CLASS.search(name.rsplit(".", 1)[-1]) and last:
        return OPTIMIZER_PACKAGES[package]
    return SWEEP_CALLS.get(name)


def _commands(repo, commands):
    """A sweep the project launches (`wandb sweep` / `wandb agent`, a Hydra `--multirun`) in a task,
    Makefile or just recipe, tox env, nox session, script or workflow step, read as shell; else a line of
    a tasks.py (a command built from pieces there)."""
    seen = set()
    for command in [c for site in COMMAND_SITES for c in commands.at(site) if c.live and _sweeps(c)]:
        if command.path not in seen:
            seen.add(command.path)
            yield Finding(command.path, command.line, f"sweep command `{command.text[:70]}` in {command.where}")
    if seen:
        return
    for hit in repo.grep(SWEEP_COMMAND, *GREPPED_FILES, limit=6):
        installing = re.search(r"\b(install|add)\b|==|>=", hit.text)
        if not hit.text.lstrip().startswith("#") and not installing and hit.path not in seen:
            seen.add(hit.path)
            yield Finding(hit.path, hit.line, f"sweep command `{hit.text[:70]}` in {hit.path}:{hit.line}")


def _documented(commands):
    """A sweep command written in a README or docs code block, or commented out: a sweep described
    (perhaps run by hand), not one the project launches."""
    for command in commands.at("docs", "documented"):
        if not command.path.startswith("reports/") and _sweeps(command):
            yield Finding(command.path, command.line, f"sweep command `{command.text[:70]}` documented in "
                                                      f"{command.where}, not run by a task, script or workflow", "weak")
            return


def _sweeps(command) -> bool:
    if command.program == "wandb":
        return command.subcommand in ("sweep", "agent")
    if command.program in MENTIONS or command.program in INSTALLERS:
        return False
    return (command.has_option("--multirun") or _hydra_multirun(command) or bool(OPTUNA.search(command.program))
            or any(SWEEP_WORD.search(a) for a in command.args))


def _hydra_multirun(command) -> bool:
    """`python train.py -m lr=0.1,0.01`, or `uv run train.py -m ...` where the script is the program run:
    `-m` with Hydra overrides (`key=value`); `demo.py -m weights.pth` is an option of the script's own."""
    if command.program.endswith(".py"):
        after = command.args
    elif command.args and command.args[0].endswith(".py"):
        after = command.args[1:]
    else:
        return False
    return "-m" in after and any(HYDRA_OVERRIDE.match(a) for a in after)


def probe(repo, source, commands):
    found = [*_sweep_configs(repo), *_sweep_calls(source), *_commands(repo, commands)]
    strong = [f for f in found if f.strength == "strong"]
    yield from (strong or found)[:4]
    if strong:
        return
    yield from _documented(commands)
    yield from screenshots(repo, "sweep", "a hyperparameter sweep")
