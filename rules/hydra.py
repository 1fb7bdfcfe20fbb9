"""Hydra loading the configuration: `@hydra.main`, or `initialize` / `compose` in source; hydra only
as a dependency, an `instantiate` helper, OmegaConf (Hydra's config library) loading the configs
without Hydra, or leftover output folders are weak."""

from auditor.model import Finding

LOADERS = ("hydra.initialize", "hydra.initialize_config_dir", "hydra.initialize_config_module", "hydra.compose",
           "hydra.experimental.initialize", "hydra.experimental.compose")
OMEGACONF_LOADERS = ("omegaconf.OmegaConf.load",)


def _loading(source):
    for path, module in source.items():
        for name, line in module.decorators:
            if module.resolve(name) == "hydra.main":
                yield Finding(path, line, f"`@{name}` in {path}:{line}")
                break
        else:
            call = next((c for c in module.calls if module.resolve(c.name) in LOADERS), None)
            if call:
                yield Finding(path, call.line, f"`{call.name}(...)` loads the config in {path}:{call.line}")


def _hints(repo, source):
    for path, module in source.items():
        call = next((c for c in module.calls if module.resolve(c.name) == "hydra.utils.instantiate"), None)
        if call:
            yield Finding(path, call.line, f"`{call.name}(...)` in {path}:{call.line}, but no config loaded by hydra", "weak")
            break
    yield from _omegaconf_loading(source)
    run_folders = [rel for rel in repo.generated_files if rel.lower().endswith("/.hydra/config.yaml")]
    outputs = sorted({*repo.glob("**/.hydra/config.yaml"), *run_folders})
    if outputs:
        yield Finding(outputs[0], None, f"{len(outputs)} hydra output folder(s), e.g. {outputs[0]}, "
                                        "without the code that made them", "weak")


def probe(repo, source):
    found = list(_loading(source))
    yield from found[:4]
    if not found:
        yield from _hints(repo, source)


def _omegaconf_loading(source):
    """The configs read with OmegaConf, the library Hydra builds on, but not by Hydra itself."""
    for path, module in source.items():
        call = next((c for c in module.calls if module.resolve(c.name) in OMEGACONF_LOADERS), None)
        if call:
            yield Finding(path, call.line, f"`{call.name}(...)` reads the config with OmegaConf (Hydra's config "
                                           f"library) in {path}:{call.line}, but Hydra does not load it", "weak")
            return
