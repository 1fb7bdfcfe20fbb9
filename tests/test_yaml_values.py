"""mentions(): a YAML file's lines count only where the match is one of its parsed strings."""

from __future__ import annotations

import re

import pytest

from auditor.facts import Repository
from auditor.facts.yaml_values import mentions

URL = re.compile(r"[\w.-]+\.run\.app")

CASES = [
    ("a value", {"a.yaml": "url: https://x.run.app\n"}, [("a.yaml", 1)]),
    ("a key", {"a.yaml": "x.run.app: live\n"}, [("a.yaml", 1)]),
    ("a line of a block scalar", {"a.yml": "run: |\n  echo start\n  curl x.run.app\n"}, [("a.yml", 3)]),
    ("a whole-line comment", {"a.yaml": "# x.run.app\nport: 1\n"}, []),
    ("a comment after a value", {"a.yaml": "port: 1  # x.run.app\n"}, []),
    ("a file that does not parse, by its lines", {"a.yaml": "url: [x.run.app\n"}, [("a.yaml", 1)]),
    ("a comment in a file that does not parse", {"a.yaml": "# x.run.app\nurl: [\n"}, []),
    ("a key: value pair, quoted", {"a.yaml": "\"url\" :  x.run.app\n"}, [("a.yaml", 1)]),
    ("the comment skipped, the value found", {"a.yaml": "# x.run.app\nurl: x.run.app\n"}, [("a.yaml", 2)]),
    ("other files by their lines", {"a.md": "# x.run.app\n", "a.sh": "# x.run.app\n"}, [("a.md", 1), ("a.sh", 1)]),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mentions_in_yaml_are_its_values(tree, files, expected):
    repo = Repository(tree(files))
    found = mentions(repo, URL, "**/*.yaml", "**/*.yml", "**/*.md", "**/*.sh", limit=5)
    assert sorted((m.path, m.line) for m in found) == expected


def test_commented_lines_do_not_use_up_the_limit(tree):
    lines = "".join(f"# old{i}.run.app\n" for i in range(5)) + "url: new.run.app\n"
    repo = Repository(tree({"a.yaml": lines}))
    assert [(m.line, m.text) for m in mentions(repo, URL, "**/*.yaml", limit=1)] == [(6, "url: new.run.app")]
