"""The rule catalogue itself: stable ids and codes, loadable probes, documented rules."""

from __future__ import annotations

import re

from auditor.catalog import load_catalog
from auditor.engine.run import probe_function

SPEC_IDS = {
    "git-repo", "team-write-access", "environment", "cookiecutter", "data-py", "model-train", "requirements", "pep8",
    "typing-docs", "data-versioning", "cli", "dockerfiles", "docker-build-local", "config-files", "hydra",
    "profiling", "logging", "wandb", "sweep", "lightning", "tests-data", "tests-model", "coverage", "ci",
    "ci-cache-matrix", "ci-lint", "pre-commit", "workflow-data-change", "workflow-model-registry", "gcp-bucket-dvc",
    "docker-build-trigger", "cloud-training", "fastapi", "cloud-deploy", "api-tests-ci", "load-test", "onnx-bentoml",
    "torchserve", "frontend", "drift-robustness", "io-collection", "drift-api", "api-metrics", "cloud-monitoring",
    "alerts", "distributed-data", "distributed-training", "quantization", "documentation", "gh-pages",
    "revisit-description", "architecture-diagram", "team-understanding", "code-on-github",
}


def test_catalog_holds_exactly_the_spec_ids():
    ids = [spec.id for spec in load_catalog()]
    assert len(ids) == len(set(ids)) == 54
    assert set(ids) == SPEC_IDS


def test_codes_are_unique_and_well_formed():
    codes = [spec.code for spec in load_catalog()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"MLO[1-4]\d\d", code) for code in codes)


def test_every_rule_is_documented_and_matchable():
    for spec in load_catalog():
        assert spec.title and spec.strong, spec.id
        assert spec.match, f"{spec.id} has no report wording to match"
        assert spec.na or spec.evidence or spec.probe, f"{spec.id} collects no evidence"


def test_every_probe_loads_and_is_documented():
    for spec in load_catalog():
        if spec.probe:
            probe = probe_function(spec)
            module = __import__(probe.__module__, fromlist=["probe"])
            assert module.__doc__, f"rules/{spec.probe}.py needs a docstring (it documents the rule)"


def test_every_unused_step_asks_only_keys_the_engine_knows():
    """A misspelt key of the shared weak tail would be ignored without a word."""
    from auditor.engine.patterns import MENTIONED_KEYS, SCOPE_FACTS, UNUSED_KEYS

    for spec in (s for s in load_catalog() if s.unused):
        assert set(spec.unused) <= UNUSED_KEYS, (spec.id, set(spec.unused) - UNUSED_KEYS)
        assert set(spec.unused.get("mentioned") or {}) <= MENTIONED_KEYS, spec.id
        assert str(spec.unused.get("scope", "source")) in SCOPE_FACTS, spec.id
