"""The benchmark's floor reads what the audit reads: the auditor's own rules choose the files."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "audit.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("benchmark_audit", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("rel, read", [
    ("src/proj/train.py", True),
    ("Dockerfile", True),
    ("configs/experiment/exp1.yaml", True),
    ("reports/README.md", True),
    ("wandb/run-20240110/files/config.yaml", False),
    ("src/outputs/2024-01-10/.hydra/config.yaml", False),
    ("reports/figures/loss.PNG", False),
    ("data/processed/train.pt", False),
    ("data/raw/reviews.csv", False),
])
def test_the_floor_reads_the_files_the_audit_reads(bench, rel, read):
    assert bench.audit_reads(rel) is read


def test_the_floor_skips_files_over_the_read_cap(bench, tmp_path):
    small, huge = tmp_path / "small.py", tmp_path / "huge.py"
    small.write_text("x = 1\n")
    huge.write_bytes(b"#" * (bench.MAX_FILE_BYTES + 1))
    assert bench.read_capped(small) and not bench.read_capped(huge)
    assert not bench.read_capped(tmp_path / "missing.py")


def test_the_measured_copy_is_not_the_one_in_the_current_folder(bench, tmp_path, monkeypatch):
    """`python -m auditor` looks in the current folder first: a benchmark started from a checkout
    must still measure the copy it was asked for."""
    decoy = tmp_path / "auditor"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("__version__ = 'decoy'\n")
    monkeypatch.chdir(tmp_path)
    auditor = bench.Auditor(sys.executable)
    described = auditor.describe()
    assert "decoy" not in described and str(decoy) not in described
    assert not any(Path(auditor.cwd).iterdir())


def test_a_paired_measurement_alternates_the_two_copies(bench, monkeypatch, tmp_path):
    order = []

    def timed(command, env, cwd):
        order.append(env["WHICH"])
        return (0.2, 30.0) if env["WHICH"] == "new" else (0.25, 31.0)

    monkeypatch.setattr(bench, "timed", timed)
    new, old = bench.Auditor(sys.executable), bench.Auditor(sys.executable)
    new.env["WHICH"], old.env["WHICH"] = "new", "old"
    assert bench.measure_pair(new, old, tmp_path, 4) == (0.2, 30.0, 0.25, 0.8)
    assert order == ["new", "old", "old", "new", "new", "old", "old", "new"], "each first in every other pair"
