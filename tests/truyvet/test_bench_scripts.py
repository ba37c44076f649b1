"""The benchmark scripts start as README runs them (``make load``, ``make bench``, ...): from the
project's root, without the project on their path. No benchmark runs here; each only reads its
arguments, which for some means reading the production settings (the workers gunicorn starts)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["declarations.py", "desk.py", "tracing.py", "load.py", "faults.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_benchmark_script_starts(script):
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--help"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("usage:")


def test_the_benchmarks_percentile_is_the_nearest_rank(monkeypatch):
    """The p95 of 20 answers is the 19th: one slow answer among 20 is not the page's p95."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from common import percentile

    answers = [float(ms) for ms in range(1, 21)]
    assert percentile(answers, 0.95) == 19.0
    assert percentile(answers, 0.50) == 10.0
    assert percentile(answers, 0.99) == 20.0
    assert percentile([float(ms) for ms in range(1, 101)], 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0
