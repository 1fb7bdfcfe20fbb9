"""The words that name each checklist item in a free-text answer.

`specific` terms name the item itself: an affirmative mention says the group did it, a
negated one says they did not. `broad` terms name a family of items ("monitoring"): only
a negation counts ("we did not implement monitoring" says no alerts, no metrics, no drift
API; "we implemented monitoring" does not say which). A term is a regex, or a tuple of
regexes that must all occur in the same sentence. `context` limits a term to answers
whose question heading matches it (a linter named in the CI answer runs in CI).
Items a repository cannot show (reflections, team habits) have no terms.
"""

from __future__ import annotations

import re
from functools import cache

from auditor.lazy_pattern import LazyPattern
from auditor.record import record

Term = LazyPattern | tuple[LazyPattern, ...]


@record(frozen=True)
class Terms:
    specific: tuple[Term, ...] = ()
    broad: tuple[Term, ...] = ()
    in_context: tuple[Term, ...] = ()  # specific, but only in answers to a `context` question
    context: LazyPattern | None = None
    exclude: LazyPattern | None = None  # a clause that matches this is about something else


def _c(*patterns: str) -> tuple[Term, ...]:
    """Each argument one term; `a && b` means both in the same sentence."""
    terms: list[Term] = []
    for pattern in patterns:
        parts = tuple(LazyPattern(p.strip(), re.IGNORECASE) for p in pattern.split("&&"))
        terms.append(parts[0] if len(parts) == 1 else parts)
    return tuple(terms)


LINTERS = r"\b(flake8|ruff|pylint|isort|mypy|black(?!\s*[- ]?box)|lint(ing|er|s)?)\b"
CI_WORDS = r"\b(github actions?|workflows?|continuous integration|CI)\b"
MONITORING = r"\bmonitor(ing|ed)?\b"
DOCKER_IMAGE = r"\b(docker\s*(images?|files?|containers?)?|dockerfiles?|containers?|images?)\b"
CI_HEADING = LazyPattern(r"continuous integration|\bCI\b", re.IGNORECASE)


@cache
def all_terms() -> dict[str, Terms]:
    """Every item's terms (some 170 patterns, each compiled on its first search)."""
    return {
        "git-repo": Terms(
            specific=_c(
                r"\bgit\b(?!\s*lfs)",
                r"\bgithub\b",
            ),
        ),
        "team-write-access": Terms(
            specific=_c(
                r"\bwrite access\b",
                r"\bcollaborators?\b",
                r"\b(admin|push) (access|rights|permissions?)\b",
            ),
        ),
        "environment": Terms(
            specific=_c(
                r"\b(conda|mamba|virtualenv|venv|pipenv|poetry)\b",
                r"\buv\s+(sync|venv|add)\b",
                r"\b(dedicated|new|own|separate|virtual|python|conda|isolated)\s+environments?\b",
                r"\benvironment\.ya?ml\b",
            ),
        ),
        "cookiecutter": Terms(
            specific=_c(
                r"\bcookie\s*-?cutter\b",
                r"\bmlops_template\b",
            ),
        ),
        "data-py": Terms(
            specific=_c(
                r"\bmake_dataset(\.py)?\b",
                r"\bdata\.py\b",
                r"\bdataset\.py\b",
                r"\b(download|preprocess|process)(ed|es|ing|s)?\s+"
                r"(the\s+|our\s+)?(raw\s+)?(data|dataset|images)\b",
                r"\bdata\s+(pipeline|preprocessing|processing)\b",
            ),
        ),
        "model-train": Terms(
            specific=_c(
                r"\btrain(ed|ing|s)?\b.{0,30}\bmodels?\b",
                r"\b(train(_model)?|model)\.py\b",
                r"\btraining\s+(script|loop|procedure|pipeline)\b",
            ),
        ),
        "requirements": Terms(
            specific=_c(
                r"\brequirements[\w-]*(\.txt)?\b",
                r"\bpyproject(\.toml)?\b",
                r"\bpipreqs\b",
                r"\b(uv|poetry)\.lock\b",
            ),
        ),
        "pep8": Terms(
            specific=_c(
                r"\bpep\s*-?8\b",
                r"\b(flake8|ruff|pylint|isort|black(?!\s*[- ]?box))\b",
                r"\blint(ing|er|ers)?\b",
                r"\b(code\s+)?format(ting|ter|ters)\b",
            ),
        ),
        "typing-docs": Terms(
            specific=_c(
                r"\btyping\b",
                r"\btype\s*(hints?|hinting|annotations?|checking)\b",
                r"\bmypy\b",
                r"\bdocstrings?\b",
                r"\btyped\b",
            ),
        ),
        "data-versioning": Terms(
            specific=_c(
                r"\bdvc\b",
                r"\bdata version control\b",
                r"\bversion(ing|ed)?\s+(control\s+)?(of|for)\s+(the\s+|our\s+)?data\b",
                r"\bgit[\s-]lfs\b",
            ),
        ),
        "cli": Terms(
            specific=_c(
                r"\b(typer|argparse\w*|arg\s*parser|python-fire)\b",
                r"`click`",
                r"\bclick\s+(library|package|framework|cli|commands?)\b",
                r"\bcommand[\s-]line\s+(interfaces?|arguments?|tools?|commands?)\b",
                r"\bCLI\b",
                r"\binvoke\b.{0,20}\btasks?\b",
                r"\btasks\.py\b",
                r"\bmakefile\b",
            ),
        ),
        "dockerfiles": Terms(
            specific=_c(
                r"\bdocker",
                r"\bcontaineri[sz]",
            ),
        ),
        "docker-build-local": Terms(
            specific=_c(
                r"\bdocker\s+(build|compose)\b",
                r"\bdocker-compose\b",
                r"\b(buil[dt]|building|ran|run|running|tested)\b.{0,40}\blocally\b" + " && " + DOCKER_IMAGE,
                r"\blocally\b.{0,20}\b(buil[dt]|building)\b" + " && " + DOCKER_IMAGE,
            ),
        ),
        "config-files": Terms(
            specific=_c(
                r"\bconfig(uration)?\s+files?\b",
                r"\bconfigs?/",
                r"\b\w+\.ya?ml\b && \bhyper\s*-?parameters?\b",
                r"\bhyper\s*-?parameters?\b.{0,40}\b(config|yaml|file)s?\b",
            ),
        ),
        "hydra": Terms(
            specific=_c(
                r"\bhydra\b",
            ),
        ),
        "profiling": Terms(
            specific=_c(
                r"\bprofil(e|ed|er|ers|ing)\b",
                r"\bcprofile\b",
                r"\bsnakeviz\b",
                r"\bpyinstrument\b",
            ),
        ),
        "logging": Terms(
            specific=_c(
                r"\bloggers?\b(?!\s*=\s*wandb)",
                r"\bloguru\b",
                r"`logging`",
                r"\blogging\s+(module|library|package|statements?)\b",
                r"\b(general|application|event|info|debug|console|python|local)\s+logs?\b",
                r"\blog\s+(files?|messages?|statements?|levels?)\b",
                r"\blogg(ing|ed)\b.{0,40}\b(with|using|via|through)\s+hydra\b",  # Hydra configures Python's logging
                r"\bhydra(\W+\w+)?\s+logg(ing|er)\b",
            ),
        ),
        "wandb": Terms(
            specific=_c(
                r"\bwandb\b",
                r"\bw\s*&\s*b\b",
                r"\bweights\s*(and|&)\s*biases\b",
            ),
        ),
        "sweep": Terms(
            specific=_c(
                r"\bsweeps?\b",
                r"\boptuna\b",
                r"\bray\s+tune\b",
                r"\bhyper\s*-?parameter\s+(optimi[sz]ation|search|tuning)\b",
            ),
        ),
        "lightning": Terms(
            specific=_c(
                r"\blightning\b",
                r"\bpl\.Trainer\b",
            ),
        ),
        "tests-data": Terms(
            specific=_c(
                r"\b(data|dataset|dataloader|data\s+loading)\s+(unit\s+)?tests?\b",
                r"\btest_data\w*\.py\b",
                r"\btest(s|ed|ing)?\s+((of|for|on|that|the|our|whether|if)\s+){1,3}(data|dataset|dataloader)\b",
            ),
        ),
        "tests-model": Terms(
            specific=_c(
                r"\b(model|training)\s+(unit\s+)?tests?\b",
                r"\btest_(model|train)\w*\.py\b",
                r"\btest(s|ed|ing)?\s+((of|for|on|that|the|our|whether|if)\s+){1,3}(models?|training)\b",
            ),
        ),
        "coverage": Terms(
            specific=_c(
                r"\bcoverage\b",
            ),
        ),
        "ci": Terms(
            specific=_c(
                r"\bgithub actions?\b",
                r"\bcontinuous integration\b",
                r"\bCI\b",
                r"\.github/workflows\b",
            ),
        ),
        "ci-cache-matrix": Terms(
            in_context=_c(
                r"\bcach(e|es|ed|ing)\b",
                r"\bmatrix\b",
                r"\b(multiple|several|different|various|three|two)\s+"
                r"(operating systems|os|oses|python versions|systems|platforms)\b",
                r"\b(windows|macos|mac)\b && \b(ubuntu|linux)\b",
            ),
            context=CI_HEADING,
        ),
        "ci-lint": Terms(
            specific=_c(
                LINTERS + " && " + CI_WORDS,
            ),
            in_context=_c(
                LINTERS,
            ),
            context=CI_HEADING,
            exclude=LazyPattern(r"\bpre-?commit|\blocally\b", re.IGNORECASE),
        ),
        "pre-commit": Terms(
            specific=_c(
                r"\bpre-?commits?\b",
            ),
        ),
        "workflow-data-change": Terms(
            specific=_c(
                r"\b(trigger\w*|workflows?|runs?)\b.{0,60}"
                r"\b(data\s+(changes?|is\s+(changed|updated))|changes?\s+(to|in|of)\s+(the\s+)?data)\b",
                r"\bwhen(ever)?\s+(the\s+)?data\s+(changes|is\s+(changed|updated|modified))\b",
            ),
        ),
        "workflow-model-registry": Terms(
            specific=_c(
                r"\bmodel\s+registry\b && \b(trigger\w*|workflows?|github actions?)\b",
            ),
        ),
        "gcp-bucket-dvc": Terms(
            specific=_c(
                r"\bdvc\b && \b(buckets?|gcs|gs://|cloud storage|google cloud|gcp)\b",
            ),
        ),
        "docker-build-trigger": Terms(
            specific=_c(
                r"\b(triggers?|triggered|cloud\s*build|cloudbuild)\b" + " && " + DOCKER_IMAGE,
                r"\b(github actions?|workflows?)\b && \b(build|push)\w*\b" + " && " + DOCKER_IMAGE,
            ),
        ),
        "cloud-training": Terms(
            specific=_c(
                r"\bvertex(\s*ai)?\b",
                r"\b(compute engine|vms?|virtual machines?)\b && \btrain",
                r"\btrain(ed|ing)?\s+((the|our|a)\s+)?([\w-]+\s+)?(models?|networks?\s+)?"
                r"(in|on|using)\s+(the\s+)?(cloud|gcp|google\s+cloud)\b",
                r"\bcloud\s+training\b",
            ),
        ),
        "fastapi": Terms(
            specific=_c(
                r"\bfast\s*-?api\b",
            ),
        ),
        "cloud-deploy": Terms(
            specific=_c(
                r"\bcloud\s+run\b",
                r"\bcloud\s+functions?\b",
                r"\b(google\s+)?run\.app\b",
                r"\bdeploy\w*\b.{0,60}\b(cloud|gcp)\b",
            ),
        ),
        "api-tests-ci": Terms(
            specific=_c(
                r"\b(api|endpoints?|integration)\s+tests?\b",
                # tests as a noun ("tests for the API"); "to test the API we ..." may be by hand
                r"\btests\s+((of|for|on|the|our)\s+){1,3}(api|endpoints?)\b",
                # not across a parenthesis: "branches for unit tests (to add them), another for the Fast API" names two things
                r"\b(pytest|unit\s*tests?|test\s*client|testclient)\b[^;()]{0,60}\b(api|endpoints?)\b",
            ),
        ),
        "load-test": Terms(
            specific=_c(
                r"\blocust\w*\b",
                r"\bload[\s-]?test\w*\b",
                r"\bk6\b",
                r"\bstress[\s-]test\w*\b",
            ),
        ),
        "onnx-bentoml": Terms(
            specific=_c(
                r"\bonnx\w*\b",
                r"\bbento\s*ml\b",
            ),
        ),
        "torchserve": Terms(
            specific=_c(
                r"\btorch\s*serve\b",
                r"\btorch-model-archiver\b",
            ),
        ),
        "frontend": Terms(
            specific=_c(
                r"\bfront[\s-]?end\b",
                r"\bstreamlit\b",
                r"\bgradio\b",
            ),
        ),
        "drift-robustness": Terms(
            specific=_c(
                r"\bevidently\b",
                r"\bdrift\s+(detection|report|analysis|tests?|checks?)\b",
                r"\b(detect|check|test|analy[sz]|measur)\w*\b.{0,40}\bdrift\w*\b",
            ),
        ),
        "io-collection": Terms(
            specific=_c(
                r"\b(stor|sav|collect|log)\w*\b.{0,40}\b(inputs?|requests?)\b.{0,40}\b(predictions?|outputs?)\b",
                r"\bprediction\s+logg?(s|ing)\b",
                r"\bpredictions?\b.{0,20}\b(logged|stored|saved|written)\s+(to|in|into)\b.{0,30}"
                r"\b(gcs|buckets?|database|db|files?|storage)\b",
            ),
        ),
        "drift-api": Terms(
            specific=_c(
                r"\bdrift\w*\s+(api|endpoint|service|monitoring)\b",
            ),
            broad=_c(
                MONITORING,
            ),
        ),
        "api-metrics": Terms(
            specific=_c(
                r"\bprometheus\b",
                r"/metrics\b",
                r"\binstrumentator\b",
                r"\bopen\s*telemetry\b",
                r"\binstrument(ed|ing)\b.{0,30}\bapi\b",
            ),
            broad=_c(
                MONITORING,
            ),
        ),
        "cloud-monitoring": Terms(
            specific=_c(
                r"\bcloud monitoring\b",
                r"\bmonitoring\s+dashboards?\b",
                r"\bservice level objectives?\b",
                r"\bSLOs?\b",
            ),
            broad=_c(
                MONITORING,
            ),
        ),
        "alerts": Terms(
            specific=_c(
                r"\balert(s|ing)?\b",
            ),
            broad=_c(
                MONITORING,
            ),
        ),
        "distributed-data": Terms(
            specific=_c(
                r"\bnum_workers\b",
                r"\bdistributed\s+data(\s*-?\s*loading)?\b",
                r"\b(multiple|several)\s+workers\b",
                r"\bparallel\s+data\s+loading\b",
            ),
        ),
        "distributed-training": Terms(
            specific=_c(
                r"\bdistributed\s+(model\s+)?training\b",
                r"\bDDP\b",
                r"\bmulti-?gpu\b",
                r"\bdata\s+parallel\w*\b",
            ),
        ),
        "quantization": Terms(
            specific=_c(
                r"\bquantiz\w*\b",
                r"\bprun(e|ed|ing)\b",
                r"\btorch\.compile\b",
                r"\bcompil(e|ed|ing|ation)\s+(of\s+)?(the\s+|our\s+)?models?\b",
            ),
        ),
        "documentation": Terms(
            specific=_c(
                r"\bmkdocs\b",
                r"\bsphinx\b",
                r"\bdocumentation\s+(site|page|website|pages)\b",
            ),
        ),
        "gh-pages": Terms(
            specific=_c(
                r"\bgithub\s+pages\b",
                r"\bgh-pages\b",
            ),
        ),
        "code-on-github": Terms(
            specific=_c(
                r"\bgithub\s+repo(sitory)?\b",
                r"\b(uploaded|pushed|hosted)\b.{0,40}\bgithub\b",
            ),
        ),
    }

