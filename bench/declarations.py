"""Declarations per second against a bare insert, on gunicorn and PostgreSQL.

What it measures: how many declaration forms per second the app accepts (a valid POST to
/khai-bao/ answered by a 302 to /khai-bao/xong/<token>/), next to a baseline, a POST to
/bench/baseline/ that passes the same middleware (CSRF included) and only inserts one row with raw
SQL. It prints both rates, their latencies and the ratio declarations/baseline; the aim is a ratio
of at least 0.50.

How: it creates a fresh PostgreSQL database (dropping it first), migrates it, loads the places,
collects the static files into a scratch directory (DEBUG is off, as in production), starts
gunicorn on a free port of 127.0.0.1 with ``bench.wsgi_bench`` and drives it with N client
threads. Each client GETs the form once for its CSRF cookie and token, then POSTs in a loop
without following redirects. Phases: warm-up of each kind, then baseline, declarations and
baseline again (the baseline rate is the mean of its two runs). At the end it checks in the
database that every accepted POST wrote exactly one row, stops gunicorn and drops the database.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth by default):

    .venv/bin/python bench/declarations.py [--seconds 20] [--clients 8] [--workers 3] [--keep]
    make bench

It talks only to 127.0.0.1 and stops by itself: every loop is bounded by time and by count.
"""

import argparse
import http.client
import random
import re
import shutil
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from common import (
    ERROR_SNIPPET,
    FAMILY_NAMES,
    GIVEN_NAMES,
    HOST,
    HTTP_TIMEOUT,
    JOURNEY_FIELDS,
    MIDDLE_NAMES,
    NEW_PERSON_FIELDS,
    Database,
    Tally,
    app_environment,
    free_port,
    manage,
    production_workers,
    run,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/truyvet_bench"
SITE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

FORM_PATH = "/khai-bao/"
SUCCESS_PATH = re.compile(r"^/khai-bao/xong/([0-9a-f-]{36})/$")
BASELINE_PATH = "/bench/baseline/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

BASELINE_TABLE = """
    CREATE TABLE bench_baseline (
        id bigserial PRIMARY KEY,
        payload text,
        created_at timestamptz
    )
"""

DECLARATION_FIELDS = {**NEW_PERSON_FIELDS, **JOURNEY_FIELDS}


# -- command line and environment -----------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="local PostgreSQL database to create and drop; its name must contain 'bench'",
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=3, help="length of each warm-up run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument(
        "--workers",
        type=int,
        default=production_workers(),  # as many as truyvet/gunicorn.py starts
        help="gunicorn worker processes",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    if args.seconds <= 0 or args.warmup < 0 or args.clients < 1 or args.workers < 1:
        parser.error("--seconds must be > 0, --warmup >= 0, --clients and --workers >= 1")
    return args


# -- setting up the site --------------------------------------------------------------------------


def prepare_site(database: Database, env: dict[str, str]) -> None:
    print(f"database {database.name}: create, migrate, load places, collect static files")
    database.create()
    manage(env, "migrate", "--no-input")
    manage(env, "load_places")
    manage(env, "collectstatic", "--no-input")
    database.execute(BASELINE_TABLE)


# -- the load client ------------------------------------------------------------------------------


class Client:
    """One browser: an HTTP connection to the site, its CSRF cookie and its form's CSRF token.

    The connection is kept alive when the server allows it and reopened when it closes (gunicorn's
    default sync workers close it after every response).
    """

    def __init__(self, port: int, seed: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
        self.random = random.Random(seed)
        self.cookie = ""
        self.csrf_token = ""

    def open_form(self) -> None:
        """GET the form once, as a browser would, for the csrftoken cookie and the form token."""
        self.connection.request("GET", FORM_PATH)
        response = self.connection.getresponse()
        page = response.read().decode("utf-8", "replace")
        cookies = SimpleCookie()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookies.load(header)
        token = CSRF_INPUT.search(page)
        if response.status != 200 or "csrftoken" not in cookies or token is None:
            raise RuntimeError(f"GET {FORM_PATH}: {response.status} {page[:ERROR_SNIPPET]!r}")
        self.cookie = f"csrftoken={cookies['csrftoken'].value}"
        self.csrf_token = token.group(1)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, bytes]:
        """POST a form without following the redirect: (status, Location path, body)."""
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        try:
            self.connection.request("POST", path, body=body.encode(), headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        return response.status, urlsplit(response.getheader("Location", "")).path, content

    def declaration_fields(self, token: str) -> dict[str, str]:
        """A valid declaration (as tests/conftest.py form_data()) by a randomly named person."""
        pick = self.random.choice
        digits = "".join(self.random.choices("0123456789", k=9))
        return {
            **DECLARATION_FIELDS,
            "form_token": token,
            "full_name": f"{pick(FAMILY_NAMES)} {pick(MIDDLE_NAMES)} {pick(GIVEN_NAMES)}",
            "birth_year": str(self.random.randint(1940, 2005)),
            "id_number": f"001{digits}",
            "phone": f"09{digits[:8]}",
            "travel_date": datetime.now(SITE_TZ).date().isoformat(),
        }


def declare(client: Client) -> str | None:
    """Submit one declaration; None when it was accepted, else what went wrong."""
    token = str(uuid.uuid4())
    status, location, body = client.post(FORM_PATH, client.declaration_fields(token))
    accepted = SUCCESS_PATH.match(location)
    if status == 302 and accepted and accepted.group(1) == token:
        return None
    return f"{status} {location!r} {body[:ERROR_SNIPPET].decode('utf-8', 'replace')!r}"


def insert_baseline(client: Client) -> str | None:
    """Make one baseline insert; None when it was accepted, else what went wrong."""
    payload = f"baseline {uuid.uuid4()} {client.random.random()}"
    status, location, body = client.post(BASELINE_PATH, {"payload": payload})
    if status == 302:
        return None
    return f"{status} {location!r} {body[:ERROR_SNIPPET].decode('utf-8', 'replace')!r}"


# -- the benchmark and its report -----------------------------------------------------------------


@dataclass
class Results:
    baseline_runs: list[Tally]
    declarations: Tally
    declarations_sent: int  # accepted declaration POSTs, warm-up included
    baselines_sent: int  # accepted baseline POSTs, warm-up included

    @property
    def baseline_rate(self) -> float:
        return mean(tally.rate for tally in self.baseline_runs)

    @property
    def ratio(self) -> float:
        return self.declarations.rate / self.baseline_rate if self.baseline_rate else 0.0


def benchmark(port: int, args: argparse.Namespace) -> Results:
    clients = [Client(port, seed) for seed in range(args.clients)]
    for client in clients:
        client.open_form()
    print(f"{args.clients} clients; warm-up {args.warmup:g} s of each, runs of {args.seconds:g} s")
    warm_baseline = run(clients, insert_baseline, args.warmup)
    warm_declarations = run(clients, declare, args.warmup)
    first = run(clients, insert_baseline, args.seconds)
    declarations = run(clients, declare, args.seconds)
    second = run(clients, insert_baseline, args.seconds)
    for name, tally in [("warm-up baseline", warm_baseline), ("warm-up decl.", warm_declarations)]:
        if tally.errors:
            print(f"{name}: {tally.errors} errors, first: {tally.first_error}")
    return Results(
        baseline_runs=[first, second],
        declarations=declarations,
        declarations_sent=warm_declarations.accepted + declarations.accepted,
        baselines_sent=sum(tally.accepted for tally in [warm_baseline, first, second]),
    )


def print_report(results: Results) -> None:
    header = f"{'run':<16}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
    print()
    print(f"{header}{'p99 ms':>9}")
    rows = [
        ("baseline #1", results.baseline_runs[0]),
        ("declarations", results.declarations),
        ("baseline #2", results.baseline_runs[1]),
    ]
    for name, tally in rows:
        print(
            f"{name:<16}{tally.requests:>10}{tally.errors:>8}{tally.rate:>9.1f}"
            f"{tally.percentile_ms(0.50):>9.1f}{tally.percentile_ms(0.95):>9.1f}"
            f"{tally.percentile_ms(0.99):>9.1f}"
        )
    print()
    print(f"baseline (mean of 2 runs): {results.baseline_rate:.1f} req/s")
    print(f"declarations:              {results.declarations.rate:.1f} req/s")
    print(f"ratio declarations/baseline: {results.ratio:.3f}")  # 0.499 is not 0.50
    print(f"aim: ratio >= 0.50 -> {'met' if results.ratio >= 0.5 else 'not met'}")
    for name, tally in rows:
        if tally.first_error:
            print(f"{name}: first error: {tally.first_error}")


def check_database(database: Database, results: Results) -> bool:
    """Every accepted POST wrote exactly one row, and nothing else did."""
    checks = [
        ("declarations", "declarations_declaration", results.declarations_sent),
        ("baseline rows", "bench_baseline", results.baselines_sent),
    ]
    all_good = True
    print()
    for name, table, expected in checks:
        found = database.scalar(f"SELECT count(*) FROM {table}")
        good = found == expected
        all_good &= good
        verdict = "ok" if good else "MISMATCH"
        print(f"check {name}: {found} in the database, {expected} accepted POSTs -> {verdict}")
    return all_good


def main() -> int:
    args = parse_args()
    database = Database.from_url(args.database_url)
    scratch = Path(tempfile.mkdtemp(prefix="truyvet-bench-"))
    server = None
    try:
        env = app_environment(database, scratch / "static")
        prepare_site(database, env)
        port, log = free_port(), scratch / "gunicorn.log"
        server = start_gunicorn(env, args.workers, port, log)
        wait_healthy(server, port, log)
        results = benchmark(port, args)
        print_report(results)
        consistent = check_database(database, results)
        failed = any(tally.errors for tally in [results.declarations, *results.baseline_runs])
        return 0 if consistent and not failed else 1
    finally:
        stop_gunicorn(server)
        if args.keep:
            print(f"kept database {database.name}")
        else:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
