"""The tree-sitter grammars the auditor parses with, loaded without their packages' `__init__`:
that imports `importlib.resources` (and with it tempfile, shutil and random, ~5 ms a run) only
to read query files the auditor never uses. The compiled grammar, `<package>._binding`, is the
same module the package would import."""

from __future__ import annotations

import importlib
from importlib.machinery import PathFinder
from importlib.util import find_spec, module_from_spec

from tree_sitter import Language


def grammar(package: str) -> Language:
    """The language of `package` (`tree_sitter_bash`, `tree_sitter_python`)."""
    binding = _binding(package)
    if binding is None:
        binding = importlib.import_module(package)
    return Language(binding.language())


def _binding(package: str):
    """`<package>._binding`, found next to the package without running it; None where it is not
    laid out that way (the package is then imported as usual)."""
    try:
        package_spec = find_spec(package)
        locations = package_spec.submodule_search_locations if package_spec else None
        spec = PathFinder.find_spec(f"{package}._binding", locations) if locations else None
        if spec is None or spec.loader is None:
            return None
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        return module if callable(getattr(module, "language", None)) else None
    except (ImportError, OSError, AttributeError, ValueError):
        return None
