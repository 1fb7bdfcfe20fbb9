import itertools

import pytest

from auditor.facts.files import glob_to_regex
from auditor.facts.path_index import PathIndex, SegmentGlob

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


def test_the_globs_rules_use_need_no_regex():
    for pattern in ("**/*.py", "Dockerfile*", "*.yaml", "README.md", ".github/workflows/*.y*ml", "docs/**/*.md",
                    ".dvc/**", "**", "**/.hydra/config.yaml", "**/*config*.json"):
        assert SegmentGlob.parse(pattern) is not None, pattern


@pytest.mark.parametrize("pattern", ["?", "a**", "**.py", "\u00e9t\u00e9.json", "a\nb"])
def test_globs_outside_the_segment_vocabulary_go_to_the_regex(pattern):
    assert SegmentGlob.parse(pattern) is None


NAMES = ["a", "A", "b", "ab", "ba", ".py", "x.py", "X.PY", "a.y.ml", "ayml", "", "k", "\u212a", "a\nb", "\u00e9"]
GLOB_PARTS = ["a", "b", "*", "**", "*.py", "a*", "*b", "a*b", "*y*ml", "", "k", "?"]


def _generated_paths():
    paths = set()
    for depth in (1, 2, 3):
        paths.update("/".join(names) for names in itertools.product(NAMES[:8] + NAMES[10:], repeat=depth)
                     if depth < 3 or len(set(names)) == 1 or names[0] in ("a", "k"))
    return sorted(paths)


def _generated_globs():
    globs = set()
    for depth in (1, 2, 3):
        globs.update("/".join(parts) for parts in itertools.product(GLOB_PARTS, repeat=depth))
    return sorted(globs)


def test_segment_matching_agrees_with_the_regex_on_every_generated_path_and_glob():
    paths = _generated_paths()
    index = PathIndex(paths)
    wrong = []
    for pattern in _generated_globs():
        regex = glob_to_regex(pattern)
        expected = [p for p in paths if regex.match(p)]
        if index.in_listing_order(index.matching(pattern)) != expected:
            wrong.append(pattern)
    assert not wrong


FOLDER_FILES = ["src/app/main.py", "Docs/index.md", "docsy.txt", "données/x.csv", "a/b/c/d.txt"]


@pytest.mark.parametrize("folder, holds", [
    ("src", True), ("src/", True), ("src/app", True), ("src/ap", False), ("Docs", True), ("docs", False),
    ("docsy.txt", False), ("données", True), ("a/b/c", True), ("a/b/c/d.txt", False), ("b", False),
])
def test_a_folder_is_held_when_a_listed_path_lies_under_it(folder, holds):
    index = PathIndex(FOLDER_FILES)
    assert index.holds_folder(folder) is holds
    assert holds is any(f.startswith(folder.rstrip("/") + "/") for f in FOLDER_FILES)
