"""The benchmark scripts start as README runs them (``make load``, ``make bench``, ...): from the
project's root, without the project on their path. No benchmark runs here; each only reads its
arguments, which for some means reading the production settings (the workers gunicorn starts).
The load test's report is checked on figures given to it: how it reads gunicorn's access log,
and its table."""

import json
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


def test_the_load_test_reads_each_requests_time_in_a_worker_from_gunicorns_log(
    monkeypatch, tmp_path
):
    """The access log's lines between two of its sizes, by the name each request gave: a line
    still being written at the end, and requests that gave no name, are left out."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from common import worker_times

    log = tmp_path / "access.log"
    before = "trivial page|900\n"
    during = "trivial page|1500\nhealth: follow-up|12000\n-|700\ntrivial page|1100\n"
    log.write_text(before + during + "health: follow-up|99")  # the last line is not ended
    start, end = len(before), log.stat().st_size

    assert worker_times(log, start, end) == {
        "trivial page": [1.1, 1.5],
        "health: follow-up": [12.0],
    }
    assert worker_times(log, 0, start) == {"trivial page": [0.9]}


def test_gunicorn_writes_the_access_log_the_load_test_reads(monkeypatch):
    """``ACCESS_LOG_FORMAT`` as gunicorn fills it in: the name the request sent in its header,
    and its time in microseconds."""
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from datetime import timedelta
    from types import SimpleNamespace

    from common import ACCESS_LOG_FORMAT, WORKER_NAME_HEADER
    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}
    request = SimpleNamespace(headers=[(WORKER_NAME_HEADER.upper(), "health: follow-up")])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = Logger(Config()).atoms(response, request, environ, timedelta(microseconds=12345))

    assert ACCESS_LOG_FORMAT % SafeAtoms(atoms) == "health: follow-up|12345"


def test_the_load_tests_table_gives_the_time_in_a_worker():
    """The mix's rows show each request's p50 and p95 in a worker next to locust's, and the
    summary names the staff pages over the aim in the workers too."""

    def row(name, p50, p95):
        return {"name": name, "ok": 20, "errors": 0, "p50": p50, "p95": p95, "p99": p95,
                "rate": 1.0}  # fmt: skip

    mix = {
        "key": "mix",
        "title": "realistic mix",
        "users": {"HealthStaff": 1},
        "elapsed": 20.0,
        "cpu": {"gunicorn": 40, "postgres": 1, "locust": 9, "machine": 55, "cores": 2},
        "measured": {
            "rows": [row("trivial page", 3.0, 6.0), row("health: follow-up", 11.0, 21.0)],
            "errors": {},
        },
        "warmup": {"rows": [], "errors": {}},
        "stopping": {"rows": [], "errors": {}},
        "exception_count": 0,
        "exceptions": [],
        "in_worker": {
            "trivial page": {"p50": 2.5, "p95": 4.5},
            "health: follow-up": {"p50": 10.4, "p95": 20.9},
        },
    }
    script = (
        "import argparse, json, sys\n"
        "from load import Report\n"
        "report = Report({'phases': [json.loads(sys.argv[1])]}, "
        "argparse.Namespace(phases=['mix']), {})\n"
        "report.build()\n"
        "print('\\n'.join(report.markdown))\n"
    )
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    finished = subprocess.run(
        [sys.executable, "-c", script, json.dumps(mix)],
        cwd=ROOT / "bench",  # as when bench/load.py runs: bench/tracing.py, not the app
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert "| trivial page | 20 | 1.0 | 3.0 | 6.0 | 6.0 | 2.5 | 4.5 | 0 | 1.00 |" in lines
    assert (
        "| health: follow-up | 20 | 1.0 | 11.0 | 21.0 | 21.0 | 10.4 | 20.9 | 0 | 3.50 NOT MET |"
        in lines
    )
    assert (
        "- in a worker, the trivial page's p95 is 4.5 ms; staff pages over 3x that: "
        "health: follow-up (4.6x)" in lines
    )
