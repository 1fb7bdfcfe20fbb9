"""The workflow fact's lines, read from the block layout: commented-out lines, top-level keys,
a job's key and a key inside that job's block."""

from __future__ import annotations

import re

import pytest

from auditor.facts.repository import Workflow
from auditor.facts.structured import parse_yaml

WORKFLOW = """name: ci
"on":
  push:
jobs:
  unit-test:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo matrix: not a key of the job
  test:
    # strategy:
    #   matrix: [a, b]
    - name: a list where a mapping belongs
  "lint":
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - run: ruff check .
env:
  matrix: 1
"""


def workflow(text: str) -> Workflow:
    parsed = parse_yaml(text)
    return Workflow(".github/workflows/ci.yml", text, parsed.data, parsed.error)


@pytest.mark.parametrize("job, line, matrix", [
    ("unit-test", 5, None),      # `matrix:` inside a run script is no key
    ("test", 10, None),          # a commented matrix is no key, and the next job's is not this one's
    ("lint", 14, 17),            # a quoted job name
    ("build", None, None),
])
def test_the_line_of_a_job_and_of_a_key_inside_it(job, line, matrix):
    wf = workflow(WORKFLOW)
    assert wf.job_line(job) == line
    assert wf.job_key_line(job, "matrix") == matrix


def test_top_level_keys_and_commented_lines():
    wf = workflow(WORKFLOW)
    assert (wf.trigger_line, wf.jobs_line) == (2, 4)
    assert wf.commented_lines == ((11, "# strategy:"), (12, "#   matrix: [a, b]"))


def test_jobs_written_as_a_flow_mapping_have_no_block_lines():
    wf = workflow("on: push\njobs: {test: {runs-on: x, strategy: {matrix: {py: [1, 2]}}}}\n")
    assert wf.jobs_line == 2 and wf.job_line("test") is None and wf.job_key_line("test", "matrix") is None


def test_a_workflow_that_does_not_parse_shows_what_it_mentions_with_the_line():
    wf = workflow("on: [push\njobs:\n  lint:\n    steps:\n      - run: ruff check .\n")
    assert wf.error and wf.mention(re.compile(r"\bruff\b")) == (5, "ruff")
    assert wf.mention(re.compile(r"flake8")) is None


def test_a_hostile_line_is_read_in_bounded_time():
    wf = workflow("jobs:\n  test:\n    x: " + "a " * 500_000 + "\n" + "    " + " " * 100_000 + "matrix :\n")
    assert wf.job_key_line("test", "matrix") == 4
