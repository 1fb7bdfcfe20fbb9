"""Benchmark `auditor audit REPO --format json` against the floor of any such tool (not a test).

    python3 benchmarks/audit.py                       # every repository in /work/corpus
    python3 benchmarks/audit.py --corpus DIR REPO...  # another folder, plus single repositories
    python3 benchmarks/audit.py --generated 50000     # also a generated 50k-file repository
    python3 benchmarks/audit.py --python VENV/bin/python  # an installed copy instead of this checkout
    python3 benchmarks/audit.py --python NEW/bin/python --baseline OLD/bin/python --runs 10  # paired

For each repository: the auditor's wall time as a fresh process (the minimum of --runs),
its peak memory (the largest resident size of that repository's audit process or a git
child it waited for, from os.wait4, over its runs), and the floor measured in the same run: a
bare `python -c pass`, `git ls-files`, and reading the tracked files the audit reads; then the
ratio. Those files are chosen by the auditor's own rules, imported from this checkout's
`auditor.facts`: generated folders (`wandb/`, `outputs/` ...: `files.is_generated`) are skipped,
so are the kinds rules seldom read (pictures, data, built pages, archives: `files.NOT_PREFETCHED`)
and files over the read cap (`files.MAX_FILE_BYTES`). Choosing them is not timed, so the floor stays
a lower bound; on the dev corpus the audit reads a subset of them (55 of 69 on a typical
repository), and only files over the cap outside them, which it stats and refuses.
The first line says which interpreter and which copy of the auditor are measured.
"""

from __future__ import annotations

import argparse
import atexit
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.facts.files import MAX_FILE_BYTES, NOT_PREFETCHED, is_generated  # noqa: E402 (this checkout's, whatever copy is measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos", nargs="*", type=Path, help="extra repositories")
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"), help="folder of repositories")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the minimum is reported)")
    parser.add_argument("--generated", type=int, default=0, help="also a generated repository of this many files")
    parser.add_argument("--python", help="run the auditor installed for this interpreter (default: this "
                                         "checkout, through PYTHONPATH, with the running interpreter)")
    parser.add_argument("--baseline", metavar="PYTHON", help="also the auditor installed for this interpreter, "
                        "its runs alternating with the measured one's: each repository's median ratio of paired "
                        "runs (what the host's drift leaves alone)")
    args = parser.parse_args()
    auditor = Auditor(args.python)
    baseline = Auditor(args.baseline) if args.baseline else None

    repos = sorted(p for p in args.corpus.iterdir() if (p / ".git").exists()) if args.corpus.is_dir() else []
    repos += [p for p in args.repos if _is_repository(p)]
    if args.generated:
        repos.append(generated_repository(args.generated))
    print(f"measuring {auditor.describe()}")
    if baseline is not None:
        print(f"against {baseline.describe()}")
    print(f"{len(repos)} repositories; minimum of {args.runs} runs; {os.cpu_count()} CPUs (other work adds noise)")
    paired_header = f" {'baseline s':>10} {'paired':>7}" if baseline else ""
    print(f"{'repository':<40} {'files':>6} {'read':>6} {'auditor s':>10} {'floor s':>8} {'ratio':>6} {'peak MB':>8}"
          f"{paired_header}")
    walls, ratios, paired = [], [], []
    for repo in repos:
        files, read, floor = measure_floor(repo, args.runs)
        if baseline is None:
            wall, peak = measure_auditor(auditor, repo, args.runs)
            columns = ""
        else:
            wall, peak, base_wall, ratio = measure_pair(auditor, baseline, repo, args.runs)
            paired.append(ratio)
            columns = f" {base_wall:>10.3f} {ratio:>7.3f}"
        walls.append(wall)
        ratios.append(wall / floor)
        print(f"{repo.name[:40]:<40} {files:>6} {read:>6} {wall:>10.3f} {floor:>8.3f} {wall / floor:>6.1f} {peak:>8.0f}"
              f"{columns}")
    if walls:
        print(f"median auditor wall {statistics.median(walls):.3f} s, median ratio to the floor "
              f"{statistics.median(ratios):.1f}, over {len(walls)} repositories")
    if paired:
        print(f"median paired ratio to the baseline {statistics.median(paired):.3f} (below 1: faster)")


def _is_repository(path: Path) -> bool:
    if (path / ".git").exists():
        return True
    print(f"skipped {path}: not a git working tree", file=sys.stderr)
    return False


class Auditor:
    """The copy measured: `python -m auditor` of an installed interpreter, or this checkout.

    Every command runs in an empty folder of its own: `python -m` and `python -c` look for modules
    in the current folder first, so one started from this checkout would measure the checkout's
    `auditor/` instead of the installed copy it was asked for."""

    def __init__(self, python: str | None):
        self.python = python or sys.executable
        self.env = {**os.environ}
        self.cwd = tempfile.mkdtemp(prefix="auditor-bench-cwd-")
        atexit.register(os.rmdir, self.cwd)
        if python is None:
            self.env["PYTHONPATH"] = str(ROOT)
        else:
            self.env.pop("PYTHONPATH", None)

    def command(self, *args: str) -> list[str]:
        return [self.python, "-m", "auditor", *args]

    def describe(self) -> str:
        probe = "import auditor, sys; print(auditor.__version__, auditor.__file__, sys.version.split()[0])"
        answer = subprocess.run([self.python, "-c", probe], env=self.env, cwd=self.cwd, capture_output=True,
                                text=True, check=True)
        version, package, python_version = answer.stdout.split()
        return (f"{self.python} -m auditor (Python {python_version}); auditor {version} from "
                f"{Path(package).parent}{' (this checkout, PYTHONPATH)' if 'PYTHONPATH' in self.env else ''}")


def measure_auditor(auditor: Auditor, repo: Path, runs: int) -> tuple[float, float]:
    """(best wall seconds, peak MB of this repository's audits) of the CLI as a fresh process."""
    command = auditor.command("audit", str(repo.resolve()), "--format", "json")
    results = [timed(command, auditor.env, auditor.cwd) for _ in range(runs)]
    return min(wall for wall, _ in results), max(peak for _, peak in results)


def measure_pair(auditor: Auditor, baseline: Auditor, repo: Path, runs: int) -> tuple[float, float, float, float]:
    """(best wall, peak MB, baseline's best wall, median ratio of paired runs): the two copies'
    runs alternate, each first in every other pair, so that what the host does meanwhile weighs on
    both alike."""
    results: dict[Auditor, list[tuple[float, float]]] = {auditor: [], baseline: []}
    for run in range(runs):
        for copy in (auditor, baseline) if run % 2 == 0 else (baseline, auditor):
            results[copy].append(timed(copy.command("audit", str(repo.resolve()), "--format", "json"), copy.env, copy.cwd))
    mine, theirs = results[auditor], results[baseline]
    ratio = statistics.median(wall / base_wall for (wall, _), (base_wall, _) in zip(mine, theirs))
    return min(wall for wall, _ in mine), max(peak for _, peak in mine), min(wall for wall, _ in theirs), ratio


def measure_floor(repo: Path, runs: int) -> tuple[int, int, float]:
    """(tracked files, files read, best seconds of: python start, `git ls-files`, reading the files
    the audit reads); choosing those files is left out of the time."""
    best = float("inf")
    tracked: list[str] = []
    read: list[str] = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        listing = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=True)
        listed = time.perf_counter() - started
        tracked = [f for f in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if f]
        wanted = [f for f in tracked if audit_reads(f)]
        started = time.perf_counter()
        read = [rel for rel in wanted if read_capped(repo / rel)]
        best = min(best, listed + time.perf_counter() - started)
    return len(tracked), len(read), best


def audit_reads(rel: str) -> bool:
    """Whether the audit may read this tracked path, by the auditor's own rules (see the docstring)."""
    return not is_generated(rel) and not NOT_PREFETCHED.search(rel)


def read_capped(path: Path) -> bool:
    """Reads the file as the audit does (a regular file within the cap); whether it was read."""
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_FILE_BYTES:
            path.read_bytes()
            return True
    except OSError:
        pass
    return False


def timed(command: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall seconds, peak MB) of one run: os.wait4 gives the rusage of that process alone
    (and the children it waited for), where RUSAGE_CHILDREN would be the maximum over all runs so far."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024


def generated_repository(count: int) -> Path:
    """A committed repository of `count` small files: mostly images and data in nested folders."""
    repo = Path(tempfile.mkdtemp(prefix="auditor-bench-gen-")) / f"generated-{count}"
    (repo / "reports").mkdir(parents=True)
    (repo / "reports" / "README.md").write_text("# Report\n\n* [x] Create a git repository (M5)\n")
    (repo / "src" / "proj").mkdir(parents=True)
    (repo / "src" / "proj" / "train.py").write_text("def main():\n    return 1\n")
    suffixes = (".png", ".jpg", ".txt", ".json", ".csv")
    for i in range(count):
        folder = repo / "data" / f"d{i % 50}" / f"e{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"item{i}{suffixes[i % len(suffixes)]}").write_bytes(b"x%d\n" % i)
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "generated"], check=True)
    return repo


if __name__ == "__main__":
    main()
