import pytest

from auditor.facts.files import glob_to_regex
from auditor.facts.path_index import PathIndex, literal_ending

FILES = [
    "README.md", "docs/readme.MD", "a/b/config.yaml", "a/.hydra/config.yaml", "x.yml", "x.YML",
    "requirements.txt", "requirements-dev.txt", "requirement.txt", "Dockerfile", "docker/api.dockerfile",
    ".dvc/config", ".github/workflows/ci.yml", "data.dvc", "weird/\u212a.yml", "long\u017f", "mlſ",
    "environment.yaml", "environment.yml", "Makefile", "sub/Makefile", "a", "ab", "k", "\u00e9t\u00e9.json",
]
PATTERNS = [
    "*.yaml", "**/*.yml", "**/*.yaml", "README.md", "requirements*.txt", "environment.y*ml", "Makefile",
    "**/Makefile", ".dvc/**", "**/*.dvc", "*", "", "**/.hydra/config.yaml", ".github/workflows/*.yml",
    "**/*.json", "?", "??", "**/k", "**/*.yml", "*s", "*ls",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_index_matches_exactly_what_a_full_scan_matches(pattern):
    regex = glob_to_regex(pattern)
    expected = [f for f in FILES if regex.match(f)]
    index = PathIndex(FILES)
    assert index.in_listing_order(index.matching(pattern)) == expected


def test_literal_ending_is_the_text_after_the_last_wildcard():
    assert literal_ending("**/*.yaml") == ".yaml"
    assert literal_ending("environment.y*ml") == "ml"
    assert literal_ending(".dvc/**") == ""
    assert literal_ending("Makefile") == "Makefile"
    assert literal_ending("**/Makefile") == "Makefile"
    assert literal_ending("a*/b") == "/b"
