"""Collected tests that exercise the data code and assert something."""

import re

from auditor.lazy_pattern import LazyPattern
from auditor.rules._testing import probe_topic

DATA = LazyPattern(r"data|dataset|preprocess|loader|make_dataset", re.IGNORECASE)


def probe(repo, tests, test_functions):
    yield from probe_topic(tests, test_functions, DATA, "data", repo)
