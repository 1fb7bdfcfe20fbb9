"""Benchmark the other-branches step: audit repositories with many branches with and without it
(not a test). The goal: reading the branches costs at most 20% of a plain audit.

    python3 benchmarks/branches.py                         # the corpus repositories with the most branches
    python3 benchmarks/branches.py /path/to/repo ...       # any work trees
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor import audit as audit_module  # noqa: E402
from auditor.engine import run as engine  # noqa: E402

CORPUS = Path("/work/corpus")
GOAL = 1.20


def _branch_count(repo: Path) -> int:
    out = subprocess.run(["git", "-C", str(repo), "for-each-ref", "refs/heads", "refs/remotes"],
                         capture_output=True, text=True, check=False).stdout
    return len(out.splitlines())


def _seconds(repo: Path, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        audit_module.audit(repo)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    repos = args.repos or sorted(CORPUS.iterdir(), key=_branch_count, reverse=True)[:4]
    real = engine.other_branches
    worst = 0.0
    for repo in repos:
        engine.other_branches = real
        with_branches = _seconds(repo, args.rounds)
        engine.other_branches = lambda git: []
        plain = _seconds(repo, args.rounds)
        engine.other_branches = real
        ratio = with_branches / plain
        worst = max(worst, ratio)
        print(f"{repo.name:45} refs {_branch_count(repo):3}  plain {plain:5.2f}s  with branches {with_branches:5.2f}s  x{ratio:.2f}")
    print(f"worst x{worst:.2f} (goal <= x{GOAL:.2f})")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
