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
