"""Collected tests that exercise the model or training code and assert something."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.rules._testing import probe_topic

MODEL = LazyPattern(r"model|train|network|\bnet\b|forward|lightning", re.IGNORECASE)


def probe(repo, tests, test_functions):
    yield from probe_topic(tests, test_functions, MODEL, "model/training", repo)
