"""A probe's facts are read from its code object, as `inspect.signature` would list them."""

from __future__ import annotations

import inspect

import pytest

from auditor.catalog import load_catalog
from auditor.engine.run import parameter_names, probe_function


def test_every_shipped_probe_asks_for_what_its_signature_lists():
    probes = [probe for probe in map(probe_function, load_catalog()) if probe is not None]
    assert len(probes) > 40
    for probe in probes:
        assert parameter_names(probe) == tuple(inspect.signature(probe).parameters), probe.__module__


def _keyword_only(repo, *, files, team=None):
    return []


def _positional_only(source, /, docker):
    return []


@pytest.mark.parametrize("probe", [_keyword_only, _positional_only])
def test_positional_and_keyword_only_parameters_are_listed_in_order(probe):
    assert parameter_names(probe) == tuple(inspect.signature(probe).parameters)


def _star_args(repo, *facts):
    return []


def _star_kwargs(repo, **facts):
    return []


@pytest.mark.parametrize("probe", [_star_args, _star_kwargs])
def test_variadic_probes_are_refused_as_unknown_facts_are(probe):
    with pytest.raises(TypeError, match=r"^probe test_parameter_names takes \*args or \*\*kwargs"):
        parameter_names(probe)
