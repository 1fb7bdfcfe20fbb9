"""Benchmark the answers' statement reading, auditor.report.statements.statements() (not a test).

    python3 benchmarks/statements.py                       # three corpus repositories
    python3 benchmarks/statements.py /path/to/repo ...     # any work trees with a reports/README.md
    python3 benchmarks/statements.py --runs 15             # more fresh processes per repository

Each run is a fresh process that parses the report, then times the first statements() call (what
an audit pays: term patterns compiled on first use) and the best of five further calls.
Prints the medians per repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/corpus")
DEFAULT_REPOS = ("soenia+mlops_hatespeech", "XanderBaatz+dtu_mlops_project", "MLOpsGroup23+MLOps-Project")

ONE_RUN = r"""
import sys, time
from pathlib import Path
from auditor.report.answers import parse_answers
from auditor.report.statements import statements
from auditor.report.statement_terms import all_terms
answers = parse_answers(Path(sys.argv[1], "reports", "README.md").read_text(errors="replace"))
terms = all_terms()
start = time.perf_counter(); statements(answers, terms); first = time.perf_counter() - start
again = []
for _ in range(5):
    start = time.perf_counter(); statements(answers, terms); again.append(time.perf_counter() - start)
print(first, min(again))
"""


def one_run(repo: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", ONE_RUN, str(repo)], capture_output=True, text=True,
                         check=True, env=env).stdout
    first, again = out.split()
    return float(first), float(again)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    repos = args.repos or [CORPUS / name for name in DEFAULT_REPOS]
    print(f"statements() from {ROOT}, median of {args.runs} fresh processes")
    for repo in repos:
        runs = [one_run(repo) for _ in range(args.runs)]
        first = statistics.median(r[0] for r in runs) * 1000
        again = statistics.median(r[1] for r in runs) * 1000
        print(f"{repo.name:40s} first call {first:6.1f} ms   later calls {again:6.1f} ms")


if __name__ == "__main__":
    main()
