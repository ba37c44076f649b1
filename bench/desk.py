"""The checkpoint desk search and the person page among a million declarations, on PostgreSQL.

What it measures: the latency of the staff pages a checkpoint officer uses all day, next to a
trivial page (the privacy notice, a static template) in the same run and the same session. One
phase per page kind: the desk search (GET /chot/?q=...) by lookup code (answered by a 302 to the
person page, not followed), by phone, by ID number, by vehicle plate, by a common name, by a rare
name and by a name that matches nobody; the person page /c/<code>/; the board /chot/bang/. The
trivial page is measured first and last; its reference p95 is the mean of the two. The table gives
each page's requests, errors, req/s, p50/p95/p99 and its p95 as a multiple of the trivial p95;
the aim is p95 <= 3x the trivial page's. For a search kind that misses the aim (or else the
slowest one) it prints PostgreSQL's plan of the search query: the SQL that Django builds for
``checkpoints.search.search_people`` on a few of the inputs, under EXPLAIN (ANALYZE, BUFFERS)
through psycopg2.

How: it prepares the PostgreSQL database ``truyvet_bench_desk`` (migrate, load_places,
generate_data --declarations N with a fixed seed, the demo accounts, VACUUM ANALYZE); with
--reuse it keeps a database that already holds at least N declarations. It tops up today's
passages at the officer's checkpoint (for the board), draws the search inputs from the database
with a fixed seed (codes typed as ``k7qx-3m9p`` or as the scanned link, phones as ``+84 912 345
678`` or ``0912.345.678``, ID numbers, plates typed loosely as ``25b01234``, common names without
accents, rare full names, names matching nobody), collects the static files into a scratch
directory (DEBUG is off, as in production) and starts gunicorn on a free port of 127.0.0.1 with
``bench.wsgi_bench``. N client threads each log in once as the demo officer ``chot`` (GET the
login page for the CSRF cookie and token, POST the credentials, keep the session cookie; a failed
login stops the run at once, far from the lockout after 5 failures) and then GET pages in a loop
for a fixed time per phase, after a short warm-up of every kind. An error is an unexpected status
(anything but the expected 200 or 302) or a wrong answer: a code search not redirected to that
person, a phone or ID search without that person, a matching search without any person, the
no-match search with one. Every request carries the session cookie, so every page (the trivial one
too) pays for reading the session (and, once a minute, renewing it). At the end it stops gunicorn
and drops the database, unless --keep.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth by default):

    .venv/bin/python bench/desk.py [--declarations 1000000] [--seconds 15] [--clients 4]
                                   [--workers 3] [--keep] [--reuse]
    make bench-desk DESK_ARGS="--reuse --keep"

Preparing a million declarations takes several minutes: pass --keep the first time and --reuse
afterwards. It talks only to 127.0.0.1 and stops by itself: every loop is bounded by time and by
count.
"""

import argparse
import http.client
import json
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import mean, median
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import psycopg2
from common import (
    ERROR_SNIPPET,
    HOST,
    HTTP_TIMEOUT,
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
from psycopg2.extras import execute_values

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/truyvet_bench_desk"
SITE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GENERATE_TIMEOUT = 3600  # seconds for generate_data (a million takes about 4 minutes)
DATA_SEED = 2021  # generate_data --seed: the same people (but for their codes) at each build
SAMPLE_SEED = 15  # which people, plates and names the clients search for

LOGIN_PATH = "/dang-nhap/"
TRIVIAL_PATH = "/quyen-rieng-tu/"
DESK_PATH = "/chot/"
BOARD_PATH = "/chot/bang/"
OFFICER = "chot"
OFFICER_PASSWORD = "truyvet-demo"  # accounts.demo.DEMO_PASSWORD
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = 'href="/c/'

SAMPLE_PEOPLE = 400  # random people drawn for the code, phone, ID and person-page inputs
INPUTS_PER_KIND = 200
HEAVY_PEOPLE = 20  # people with the most declarations, added to the person-page inputs
RARE_NAME_MAX = 2  # a rare name is carried by at most this many people
COMMON_NAMES = ["minh", "nguyen van", "nguyen thi", "anh", "lo van", "hung", "linh", "tran van"]
NO_MATCH_NAMES = ["hoang thi thuy duong", "david nguyen", "tran quoc tuan anh", "ksor y blin"]

RESULTS_PER_PAGE = 20  # checkpoints.views.RESULTS_PER_PAGE: the desk asks for one more row
AIM_RATIO = 3.0
PLAN_INPUTS = 8  # inputs of a slow kind whose plans are measured
PLAN_LINES = 14  # lines of the slowest plan printed

SQL_OF_SEARCHES = """
import json, os
from checkpoints.search import search_people
from declarations import codes
from declarations.models import Person
out = []
for text in json.loads(os.environ["BENCH_SEARCH_TEXTS"]):
    result = search_people(text)
    if result.people is None:
        people = Person.objects.select_related("residence_district").order_by("-updated_at", "-id")
        query = people.filter(lookup_code=codes.parse_code(text))[:1]
    else:
        query = result.people[: int(os.environ["BENCH_SEARCH_LIMIT"])]
    sql, params = query.query.sql_with_params()
    out.append([text, sql, [str(value) for value in params]])
print("BENCH-SQL " + json.dumps(out))
"""


# -- command line ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="local PostgreSQL database to build or reuse; its name must contain 'bench'",
    )
    parser.add_argument("--declarations", type=int, default=1_000_000, help="synthetic ones")
    parser.add_argument("--seconds", type=float, default=15, help="length of each measured phase")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up of each page kind")
    parser.add_argument("--clients", type=int, default=4, help="concurrent logged-in clients")
    parser.add_argument(
        "--workers",
        type=int,
        default=production_workers(),  # as many as truyvet/gunicorn.py starts
        help="gunicorn worker processes",
    )
    parser.add_argument("--passages", type=int, default=500, help="today's passages, for the board")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="skip preparing if the database has enough data"
    )
    args = parser.parse_args()
    if args.seconds <= 0 or args.warmup < 0 or args.clients < 1 or args.workers < 1:
        parser.error("--seconds must be > 0, --warmup >= 0, --clients and --workers >= 1")
    if args.declarations < 100 or args.passages < 0:
        parser.error("--declarations must be >= 100 and --passages >= 0")
    return args


# -- the database ---------------------------------------------------------------------------------


def declarations_in(database: Database) -> int:
    """How many declarations a usable database already holds (0 if none, or no officer)."""
    if not database.exists():
        return 0
    try:
        officers = database.scalar("SELECT count(*) FROM auth_user WHERE username = 'chot'")
        found = database.scalar("SELECT count(*) FROM declarations_declaration")
    except psycopg2.Error as error:  # a half-built database: missing tables
        print(f"database {database.name} is not usable ({type(error).__name__}): rebuilding")
        return 0
    return found if officers else 0


def timed(label: str, step) -> None:
    started = time.monotonic()
    print(f"  {label} ...", end="", flush=True)
    step()
    print(f" {time.monotonic() - started:.0f} s")


def build_database(database: Database, env: dict[str, str], declarations: int) -> None:
    """A fresh database with the places, N synthetic declarations and the demo accounts."""
    print(f"database {database.name}: build with {declarations:,} declarations")
    database.create()
    timed("migrate", lambda: manage(env, "migrate", "--no-input"))
    timed("load_places", lambda: manage(env, "load_places"))
    generate = ["generate_data", "--declarations", str(declarations), "--seed", str(DATA_SEED)]
    timed(" ".join(generate), lambda: manage(env, *generate, timeout=GENERATE_TIMEOUT))
    # The command refuses to run with DEBUG off (demo passwords); only it sees DEBUG=1.
    timed("create_demo_accounts", lambda: manage({**env, "DEBUG": "1"}, "create_demo_accounts"))
    timed("VACUUM ANALYZE", lambda: database.execute("VACUUM ANALYZE"))


def prepare_database(database: Database, env: dict[str, str], args: argparse.Namespace) -> None:
    found = declarations_in(database) if args.reuse else 0
    if found >= args.declarations:
        print(f"database {database.name}: reused, {found:,} declarations")
        timed("migrate", lambda: manage(env, "migrate", "--no-input"))
    else:
        if args.reuse:
            print(f"database {database.name}: {found:,} declarations, fewer than asked")
        build_database(database, env, args.declarations)


def top_up_passages(database: Database, wanted: int, rng: random.Random) -> None:
    """Give the officer's checkpoint ``wanted`` passages today (site time), for the board."""
    now = datetime.now(SITE_TZ)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.checkpoint_id, u.id FROM accounts_staffprofile p"
                " JOIN auth_user u ON u.id = p.user_id WHERE u.username = %s",
                [OFFICER],
            )
            checkpoint, officer = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM checkpoints_passage WHERE checkpoint_id = %s AND at >= %s",
                [checkpoint, start],
            )
            missing = wanted - cursor.fetchone()[0]
            if missing <= 0:
                return
            people = random_people_ids(cursor, rng, missing)
            rows = [passage_row(rng, person, checkpoint, officer, start, now) for person in people]
            execute_values(
                cursor,
                "INSERT INTO checkpoints_passage (person_id, checkpoint_id, officer_id, at,"
                " direction, vehicle_plate, outcome, note) VALUES %s",
                rows,
            )
            cursor.execute("ANALYZE checkpoints_passage")
            print(f"board: {len(rows)} passages added today at the officer's checkpoint")
    finally:
        connection.close()


def passage_row(rng: random.Random, person: int, checkpoint: int, officer: int, start, now):
    at = start + timedelta(seconds=rng.random() * (now - start).total_seconds())
    direction = "in" if rng.random() < 0.6 else "out"
    outcome = "allowed" if rng.random() < 0.9 else "must_update"
    return (person, checkpoint, officer, at, direction, "", outcome, "")


def random_people_ids(cursor, rng: random.Random, count: int) -> list[int]:
    """``count`` distinct person ids, drawn among the ids (bulk inserts leave no gaps)."""
    cursor.execute("SELECT min(id), max(id) FROM declarations_person")
    low, high = cursor.fetchone()
    picked = sorted(rng.sample(range(low, high + 1), min(count, high - low + 1)))
    cursor.execute("SELECT id FROM declarations_person WHERE id = ANY(%s) ORDER BY id", [picked])
    return [row[0] for row in cursor.fetchall()]


# -- what the clients ask for ---------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request and what a right answer looks like."""

    path: str
    text: str = ""  # what was typed in the search box, if anything
    status: int = 200
    location: str = ""  # the Location path a 302 must give
    contains: str = ""  # the body must hold this
    lacks: str = ""  # and must not hold this

    def problem(self, status: int, location: str, body: bytes) -> str | None:
        """None when the answer is right, else what went wrong."""
        if status != self.status or (self.location and location != self.location):
            snippet = body[:ERROR_SNIPPET].decode("utf-8", "replace")
            return f"GET {self.path}: {status} {location!r} {snippet!r}"
        if self.contains and self.contains.encode() not in body:
            return f"GET {self.path}: {status} but without {self.contains!r} (wrong answer)"
        if self.lacks and self.lacks.encode() in body:
            return f"GET {self.path}: {status} but with {self.lacks!r} (wrong answer)"
        return None


def desk_probe(text: str, **expected) -> Probe:
    return Probe(path=f"{DESK_PATH}?{urlencode({'q': text})}", text=text, **expected)


@dataclass
class Kind:
    """One page kind: the table's row name and the probes its phase picks from."""

    name: str
    probes: list[Probe]
    searches: bool = False  # a desk search whose SQL can be explained


def grouped(text: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(text[start : start + size])
        start += size
    return separator.join(parts)


def code_probes(people: list[tuple], port: int) -> list[Probe]:
    probes = []
    for index, (_id, code, *_rest) in enumerate(people[:INPUTS_PER_KIND]):
        typed = f"{code[:4]}-{code[4:]}".lower() if index % 2 else f"http://{HOST}:{port}/c/{code}/"
        probes.append(desk_probe(typed, status=302, location=f"/c/{code}/"))
    return probes


def phone_probes(people: list[tuple]) -> list[Probe]:
    probes = []
    for index, (_id, code, phone, *_rest) in enumerate(people[:INPUTS_PER_KIND]):
        if index % 2:
            typed = "+84 " + grouped(phone[1:], (3, 3, 3), " ")
        else:
            typed = grouped(phone, (4, 3, 3), ".")
        probes.append(desk_probe(typed, contains=f'href="/c/{code}/"'))
    return probes


def id_probes(people: list[tuple]) -> list[Probe]:
    carriers = [person for person in people if person[3]][:INPUTS_PER_KIND]
    probes = []
    for index, (_id, code, _phone, id_number, *_rest) in enumerate(carriers):
        typed = grouped(id_number, (3, 3, 3, 3), " ") if index % 2 else id_number
        probes.append(desk_probe(typed, contains=f'href="/c/{code}/"'))
    return probes


def plate_probes(cursor, people: list[tuple]) -> list[Probe]:
    """Plates the sampled people travelled with, typed without dash or dot, in lower case."""
    cursor.execute(
        "SELECT DISTINCT vehicle_plate FROM declarations_declaration"
        " WHERE person_id = ANY(%s) AND vehicle_plate <> '' ORDER BY vehicle_plate",
        [[person[0] for person in people]],
    )
    plates = [row[0] for row in cursor.fetchall()][:INPUTS_PER_KIND]
    loose = [re.sub(r"[-.]", "", plate).lower() for plate in plates]
    return [desk_probe(typed, contains=PERSON_LINK) for typed in loose]


def rare_name_probes(cursor, rng: random.Random) -> list[Probe]:
    cursor.execute(
        "SELECT name_folded FROM declarations_person GROUP BY name_folded"
        " HAVING count(*) <= %s ORDER BY name_folded",
        [RARE_NAME_MAX],
    )
    names = [row[0] for row in cursor.fetchall()]
    picked = rng.sample(names, min(INPUTS_PER_KIND, len(names)))
    return [desk_probe(name, contains=PERSON_LINK) for name in picked]


def no_match_probes(cursor) -> list[Probe]:
    """The candidate names that really match nobody (the same LIKE as the desk's search)."""
    probes = []
    for name in NO_MATCH_NAMES:
        cursor.execute(
            "SELECT count(*) FROM declarations_person WHERE name_folded LIKE %s", [f"%{name}%"]
        )
        if cursor.fetchone()[0] == 0:
            probes.append(desk_probe(name, lacks=PERSON_LINK))
    return probes


def person_probes(cursor, people: list[tuple]) -> list[Probe]:
    """Random people, and the people with the most declarations (one probe in ten or so)."""
    cursor.execute(
        "SELECT p.lookup_code FROM declarations_person p JOIN (SELECT person_id, count(*) AS n"
        " FROM declarations_declaration GROUP BY person_id ORDER BY n DESC, person_id LIMIT %s)"
        " AS heavy ON heavy.person_id = p.id",
        [HEAVY_PEOPLE],
    )
    heavy = [row[0] for row in cursor.fetchall()]
    codes = [person[1] for person in people[: INPUTS_PER_KIND - len(heavy)]] + heavy
    return [Probe(path=f"/c/{code}/", contains=f"{code[:4]}-{code[4:]}") for code in codes]


def sampled_people(cursor, rng: random.Random) -> list[tuple]:
    """(id, lookup_code, phone, id_number) of random people, in a fixed order."""
    ids = random_people_ids(cursor, rng, SAMPLE_PEOPLE)
    cursor.execute(
        "SELECT id, lookup_code, phone, id_number FROM declarations_person"
        " WHERE id = ANY(%s) ORDER BY id",
        [ids],
    )
    people = cursor.fetchall()
    rng.shuffle(people)
    return people


def page_kinds(database: Database, port: int) -> list[Kind]:
    """Every page kind with its probes, drawn from the database with a fixed seed."""
    rng = random.Random(SAMPLE_SEED)
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            people = sampled_people(cursor, rng)
            kinds = [
                Kind("desk: code", code_probes(people, port), searches=True),
                Kind("desk: phone", phone_probes(people), searches=True),
                Kind("desk: ID number", id_probes(people), searches=True),
                Kind("desk: plate", plate_probes(cursor, people), searches=True),
                Kind(
                    "desk: common name",
                    [desk_probe(name, contains=PERSON_LINK) for name in COMMON_NAMES],
                    searches=True,
                ),
                Kind("desk: rare name", rare_name_probes(cursor, rng), searches=True),
                Kind("desk: no-match name", no_match_probes(cursor), searches=True),
                Kind("person page", person_probes(cursor, people)),
                Kind("board", [Probe(path=BOARD_PATH)]),
            ]
    finally:
        connection.close()
    for kind in kinds:
        if not kind.probes:
            sys.exit(f"no input found for {kind.name}: is the database filled?")
    return kinds


def describe_inputs(kinds: list[Kind]) -> None:
    print("inputs (fixed seed):")
    for kind in kinds:
        examples = ", ".join(repr(probe.text or probe.path) for probe in kind.probes[:3])
        print(f"  {kind.name:<20}{len(kind.probes):>4}: {examples}")


# -- the logged-in client -------------------------------------------------------------------------


class StaffClient:
    """One officer's browser: a connection to the site and the cookies it was given.

    The connection is kept alive when the server allows it and reopened when it closes (gunicorn's
    default sync workers close it after every response).
    """

    def __init__(self, port: int, seed: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
        self.random = random.Random(seed)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, bytes]:
        """One request with the cookies, no redirect followed: (status, Location path, body)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body and body.encode(), headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        self.keep_cookies(response.msg.get_all("Set-Cookie") or [])
        return response.status, urlsplit(response.getheader("Location", "")).path, content

    def keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def log_in(self, username: str, password: str) -> None:
        """Log in once; any failure stops the benchmark (5 failures lock the account out)."""
        status, _location, page = self.request("GET", LOGIN_PATH)
        token = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        if status != 200 or token is None or "csrftoken" not in self.cookies:
            sys.exit(f"GET {LOGIN_PATH}: {status}, no CSRF cookie or token")
        fields = {"csrfmiddlewaretoken": token.group(1), "username": username}
        status, location, page = self.request(
            "POST", LOGIN_PATH, urlencode(fields | {"password": password})
        )
        if status != 302 or "sessionid" not in self.cookies:
            snippet = page[:ERROR_SNIPPET].decode("utf-8", "replace")
            sys.exit(f"login as {username} failed (not retried): {status} {location!r} {snippet!r}")


def log_in_clients(port: int, count: int) -> list[StaffClient]:
    clients = [StaffClient(port, seed) for seed in range(count)]
    for client in clients:
        client.log_in(OFFICER, OFFICER_PASSWORD)
    return clients


def fetch(kind: Kind):
    """The phase's action: GET one of the kind's probes, picked at random; None when right."""

    def action(client: StaffClient) -> str | None:
        probe = client.random.choice(kind.probes)
        status, location, body = client.request("GET", probe.path)
        return probe.problem(status, location, body)

    return action


# -- the measurement ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    tally: Tally
    kind: Kind | None = None  # None for the trivial page


def measure(clients: list[StaffClient], kinds: list[Kind], args: argparse.Namespace) -> list[Row]:
    trivial = Kind("trivial page", [Probe(path=TRIVIAL_PATH)])
    print(
        f"{args.clients} clients; warm-up {args.warmup:g} s of each kind, phases {args.seconds:g} s"
    )
    for kind in [trivial, *kinds]:
        warm = run(clients, fetch(kind), args.warmup)
        if warm.errors:
            print(f"warm-up {kind.name}: {warm.errors} errors, first: {warm.first_error}")
    rows = [Row("trivial page #1", run(clients, fetch(trivial), args.seconds))]
    for kind in kinds:
        rows.append(Row(kind.name, run(clients, fetch(kind), args.seconds), kind))
    rows.append(Row("trivial page #2", run(clients, fetch(trivial), args.seconds)))
    return rows


def trivial_p95(rows: list[Row]) -> float:
    return mean(row.tally.percentile_ms(0.95) for row in rows if row.kind is None)


def print_report(rows: list[Row]) -> None:
    reference = trivial_p95(rows)
    header = f"{'page':<22}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    print()
    print(f"{header}{'p99 ms':>8}{'p95/triv':>9}  aim: p95 <= {AIM_RATIO:g}x trivial")
    for row in rows:
        tally = row.tally
        ratio = tally.percentile_ms(0.95) / reference
        verdict = (
            "(reference)" if row.kind is None else ("met" if ratio <= AIM_RATIO else "not met")
        )
        print(
            f"{row.name:<22}{tally.requests:>9}{tally.errors:>7}{tally.rate:>8.1f}"
            f"{tally.percentile_ms(0.50):>8.1f}{tally.percentile_ms(0.95):>8.1f}"
            f"{tally.percentile_ms(0.99):>8.1f}{ratio:>8.1f}x  {verdict}"
        )
    print()
    limit = AIM_RATIO * reference
    print(f"trivial page p95 (mean of its 2 runs): {reference:.1f} ms; aim: p95 <= {limit:.1f} ms")
    for row in rows:
        if row.tally.first_error:
            print(f"{row.name}: first error: {row.tally.first_error}")


# -- the query plans ------------------------------------------------------------------------------


def kinds_to_explain(rows: list[Row]) -> list[Row]:
    """The search kinds over the aim, or else the slowest search kind."""
    reference = trivial_p95(rows)
    searches = [row for row in rows if row.kind is not None and row.kind.searches]
    slow = [row for row in searches if row.tally.percentile_ms(0.95) > AIM_RATIO * reference]
    if slow:
        return slow
    return [max(searches, key=lambda row: row.tally.percentile_ms(0.95))] if searches else []


def search_sql(env: dict[str, str], texts: list[str]) -> list[tuple[str, str, list[str]]]:
    """(text, SQL, parameters) of the query the desk runs for each text, as Django builds it."""
    limit = str(RESULTS_PER_PAGE + 1)
    query_env = {**env, "BENCH_SEARCH_TEXTS": json.dumps(texts), "BENCH_SEARCH_LIMIT": limit}
    output = manage(query_env, "shell", "--no-imports", "-c", SQL_OF_SEARCHES)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-SQL "))
    return [tuple(item) for item in json.loads(line.removeprefix("BENCH-SQL "))]


def explain(database: Database, statement: str, params: list[str]) -> tuple[float, list[str]]:
    """(execution time in ms, plan lines) of one run of the query under EXPLAIN ANALYZE."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            lines = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    timing = next((line for line in lines if line.startswith("Execution Time")), "")
    found = re.search(r"([\d.]+) ms", timing)
    return (float(found.group(1)) if found else float("nan")), lines


def short_sql(statement: str) -> str:
    """The SQL with its list of selected columns shortened."""
    columns = re.match(r"SELECT (.*?) FROM ", statement)
    if not columns:
        return statement
    count = columns.group(1).count(", ") + 1
    return f"SELECT <{count} columns> FROM {statement[columns.end() :]}"


def print_plans(database: Database, env: dict[str, str], rows: list[Row]) -> None:
    limit = AIM_RATIO * trivial_p95(rows)
    for row in rows:
        if row.kind is not None and not row.kind.searches and row.tally.percentile_ms(0.95) > limit:
            print(f"{row.name}: over the aim, but not a desk search: no query plan printed")
    for row in kinds_to_explain(rows):
        texts = list(dict.fromkeys(probe.text for probe in row.kind.probes))[:PLAN_INPUTS]
        plans = [
            (*explain(database, statement, params), text, statement)
            for text, statement, params in search_sql(env, texts)
        ]
        times = [plan[0] for plan in plans]
        slowest_ms, lines, text, statement = max(plans, key=lambda plan: plan[0])
        print()
        print(
            f"plan of {row.name} (p95 {row.tally.percentile_ms(0.95):.1f} ms): SQL execution over "
            f"{len(plans)} inputs min {min(times):.1f} / median {median(times):.1f} / max "
            f"{slowest_ms:.1f} ms; the slowest, q={text!r}:"
        )
        print(f"  {short_sql(statement)}")
        for line in lines[:PLAN_LINES]:
            print(f"  | {line}")


# -- the whole run --------------------------------------------------------------------------------


def benchmark(database: Database, env: dict[str, str], args, scratch: Path) -> list[Row]:
    server = None
    try:
        manage(env, "collectstatic", "--no-input")
        port, log = free_port(), scratch / "gunicorn.log"
        kinds = page_kinds(database, port)
        describe_inputs(kinds)
        server = start_gunicorn(env, args.workers, port, log)
        wait_healthy(server, port, log)
        clients = log_in_clients(port, args.clients)
        return measure(clients, kinds, args)
    finally:
        stop_gunicorn(server)


def main() -> int:
    args = parse_args()
    database = Database.from_url(args.database_url)
    scratch = Path(tempfile.mkdtemp(prefix="truyvet-bench-desk-"))
    try:
        env = app_environment(database, scratch / "static")
        prepare_database(database, env, args)
        top_up_passages(database, args.passages, random.Random(SAMPLE_SEED))
        rows = benchmark(database, env, args, scratch)
        print_report(rows)
        print_plans(database, env, rows)
        return 1 if any(row.tally.errors for row in rows) else 0
    finally:
        if args.keep:
            print(f"kept database {database.name} (rerun with --reuse)")
        else:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
