"""Benchmark the other-branches step: audit repositories with many branches with and without it
(not a test). The goal: reading the branches costs at most 20% of a plain audit.

    python3 benchmarks/branches.py                         # a generated 50-branch repository + the corpus
                                                           # repositories with the most branches
    python3 benchmarks/branches.py /path/to/repo ...       # any work trees instead of the corpus ones
    python3 benchmarks/branches.py --branches 100          # a bigger generated repository
    python3 benchmarks/branches.py --process               # each audit a fresh `auditor audit --format json`
                                                           # process (start-up included, as a user sees it)

"Without" replaces the Repository fact `branches_view` by one that finds no branch, in this
process only: the audit itself has no switch for it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor import audit as audit_module  # noqa: E402
from auditor.facts.repository import Repository  # noqa: E402

CORPUS = Path("/work/corpus")
BASE_FOR_GENERATED = CORPUS / "denisababeii+mlops_group_11"
GOAL = 1.20
COMMIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
              "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "commit.gpgsign=false", *args], input=stdin,
                          capture_output=True, check=True, env={**os.environ, **COMMIT_ENV})
    return done.stdout.decode()


def _branch_count(repo: Path) -> int:
    out = subprocess.run(["git", "-C", str(repo), "for-each-ref", "refs/heads", "refs/remotes"],
                         capture_output=True, text=True, check=False).stdout
    return len(out.splitlines())


def _is_work_tree(repo: Path) -> bool:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "--is-inside-work-tree"],
                          capture_output=True, check=False).returncode == 0


def generated_repository(branches: int, where: Path) -> Path:
    """A student-sized tree (a corpus repository's audited files, or a small synthetic one) in one
    commit, and `branches` branches off it, each with two commits changing or adding a few files."""
    repo = where / f"generated-{branches}-branches"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _fill_base(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    python_files = [p for p in _git(repo, "ls-files", "*.py").splitlines()][:20] or ["src/proj/train.py"]
    for number in range(branches):
        _git(repo, "checkout", "-q", "-b", f"feature-{number:02d}", "main")
        for step in range(2):
            changed = python_files[(number + step) % len(python_files)]
            with open(repo / changed, "a", encoding="utf-8") as handle:
                handle.write(f"\n# feature {number} step {step}\n")
            extra = repo / "src" / "extra" / f"feature_{number:02d}_{step}.py"
            extra.parent.mkdir(parents=True, exist_ok=True)
            extra.write_text(f"def feature_{number}_{step}():\n    return {number * 10 + step}\n", encoding="utf-8")
            config = repo / "configs" / f"feature_{number:02d}.yaml"
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(f"lr: 0.00{step + 1}\nbatch_size: {16 * (step + 1)}\n", encoding="utf-8")
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "-m", f"feature {number} step {step}")
    _git(repo, "checkout", "-q", "main")
    return repo


def _fill_base(repo: Path) -> None:
    if _is_work_tree(BASE_FOR_GENERATED):
        archive = subprocess.run(["git", "-C", str(BASE_FOR_GENERATED), "archive", "HEAD"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(repo)], input=archive, check=True)
        return
    (repo / "src" / "proj").mkdir(parents=True)
    (repo / "src" / "proj" / "train.py").write_text("print('train')\n", encoding="utf-8")
    (repo / "reports").mkdir()
    (repo / "reports" / "README.md").write_text("* [x] Construct docker files (M10)\n", encoding="utf-8")


def _seconds(repo: Path) -> float:
    start = time.perf_counter()
    audit_module.audit(repo)
    return time.perf_counter() - start


def _no_branches(self) -> None:
    return None


def _process_seconds(repo: Path, plain: bool) -> float:
    """One fresh `auditor audit REPO --format json`; the plain one through this script, which swaps
    the fact before handing over to the command line."""
    head = [sys.executable, __file__, "--cli-without-branches"] if plain else [sys.executable, "-m", "auditor"]
    start = time.perf_counter()
    subprocess.run([*head, "audit", str(repo), "--format", "json"], stdout=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def _without_branches() -> None:
    Repository.branches_view = cached_property(_no_branches)
    Repository.branches_view.__set_name__(Repository, "branches_view")


def _paired_processes(repo: Path, rounds: int) -> tuple[float, float]:
    plain, with_branches = float("inf"), float("inf")
    for _ in range(rounds):
        plain = min(plain, _process_seconds(repo, plain=True))
        with_branches = min(with_branches, _process_seconds(repo, plain=False))
    return plain, with_branches


def _paired(repo: Path, rounds: int) -> tuple[float, float]:
    """Best plain and best with-branches time, the two alternating so that noise hits both alike."""
    real = Repository.__dict__["branches_view"]
    plain, with_branches = float("inf"), float("inf")
    try:
        for _ in range(rounds):
            _without_branches()
            plain = min(plain, _seconds(repo))
            Repository.branches_view = real
            with_branches = min(with_branches, _seconds(repo))
    finally:
        Repository.branches_view = real
    return plain, with_branches


def main() -> int:
    if sys.argv[1:2] == ["--cli-without-branches"]:
        from auditor.cli import app
        _without_branches()
        return app(args=sys.argv[2:], prog_name="auditor")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--branches", type=int, default=50, help="branches of the generated repository (0: none)")
    parser.add_argument("--corpus-top", type=int, default=4, help="corpus repositories with the most branches")
    parser.add_argument("--process", action="store_true", help="time fresh command-line processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-branches-") as scratch:
        repos = [generated_repository(args.branches, Path(scratch))] if args.branches else []
        if args.repos:
            repos += args.repos
        elif CORPUS.is_dir():
            repos += sorted(CORPUS.iterdir(), key=_branch_count, reverse=True)[:args.corpus_top]
        return _report([r for r in repos if _is_work_tree(r) or print(f"{r}: not a git work tree, skipped")],
                       args.rounds, _paired_processes if args.process else _paired)


def _report(repos: list[Path], rounds: int, paired) -> int:
    audit_module.audit(repos[0]) if repos else None   # imports and catalogue loaded before any timing
    worst = 0.0
    for repo in repos:
        plain, with_branches = paired(repo, rounds)
        ratio = with_branches / plain
        worst = max(worst, ratio)
        print(f"{repo.name[:45]:45} refs {_branch_count(repo):3}  plain {plain:5.2f}s  "
              f"with branches {with_branches:5.2f}s  x{ratio:.2f}", flush=True)
    print(f"worst x{worst:.2f} (goal <= x{GOAL:.2f})")
    return 0 if worst <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
