"""A load test with locust: a realistic mix of citizens and staff among a million declarations.

What it measures, in one run against the app under gunicorn on PostgreSQL (1,000,000 synthetic
declarations by default), one phase after the other with locust:

1. baselines at full speed (``--full-users`` users, no think time): the trivial page (the privacy
   notice, a static template) and the bare insert (a POST to /bench/baseline/ that passes the
   same middleware, CSRF included, and inserts one row with raw SQL);
2. declarations only at full speed: valid declaration POSTs, as bench/declarations.py sends them;
3. the bare insert again: the declarations are compared with the mean of its two runs, so that a
   drift of the machine's speed between the phases moves both sides (as in bench/declarations.py);
4. the realistic mix, measured for ``--mix-seconds`` (its staff pages are a few requests in a
   hundred: six minutes give the rarest, the provincial overdue list, about 35 answers, where
   three gave it 15 to 20, whose p95 is their slowest answer): ``--users`` users
   thinking ``--think`` seconds between tasks, by share: citizens declaring 40 (form, POST, success
   page; one in ten first sends the form with a mistyped phone and gets it back with the field
   marked), looking up 15 (lookup form, POST, their declarations), updating 5 (lookup, update form,
   POST, success page); checkpoint officers 20 (desk search by code, phone, ID number or name, then
   the person page); provincial health staff 4 (the risk list: all, a district, overdue, later
   pages; then a follow-up); district health staff 6 (their district's risk list: all, overdue,
   later pages; then a follow-up); leaders 5 (the report); plus one user that GETs the trivial page
   ``--probe-rate`` times a second: the reference for the staff pages' latency under the same load;
   and one that GETs it as often logged in as the demo officer: what every staff page pays before
   its own work (the session, the account, the staff menu), a baseline shown beside the staff
   pages, not judged;
5. the staff pages on a quiet machine: one officer, one provincial and one district health
   worker and one leader, thinking as in the mix, and the trivial page's probes: with the machine
   nearly idle a page's time is its own work, so their p50 against the trivial page's shows how
   far the mix's ratios could fall short of queueing on a saturated machine.

It prints, per request name: answers, req/s, p50/p95/p99 (ms), the p50 and p95 of the time the
request spent in a gunicorn worker (from the workers' access log: each request names itself in a
header; the rest is the wait for a free worker and the HTTP round trip), errors and p95 as a
multiple of the trivial page's p95 in the same phase; which staff pages are over the aim in the
workers too (their own work, not queueing); declarations per second at full speed against the bare
insert rate (the mean of its runs before and after the declarations), and during the mix; the
errors; and whether each aim is met: declarations per second at least half the bare-insert rate;
every staff page's p95 within 3x the trivial page's; no error.
It writes the same to bench/results/load-<date>.md. An error is a wrong answer (an unexpected
status, a redirect elsewhere, a page without what it must show), at any time: warm-up, measured
window or the stop. At the end it checks that every accepted declaration and baseline POST wrote
exactly one row. It exits with 1 on an error, a row too many or too few, or a phase not run; the
aims are judged in the text only.

How: it builds or reuses the database as bench/desk.py does (``truyvet_bench_desk``: with --reuse,
any database with at least N declarations is migrated and kept as it is), adds what the mix needs
as bench/tracing.py does (cases and follow-ups, a provincial health worker), a health worker of
the district with the most people at risk, makes sure of the demo officer and leader, clears
login lockouts, rebuilds the report's counts, draws the inputs from the database with a fixed
seed (people to look up, desk searches as bench/desk.py draws them, the risk list's districts
and pages), collects the static files into a scratch directory and starts gunicorn with
``bench.wsgi_bench`` (``--workers``: by default a worker a core and at least two) on a free
port of 127.0.0.1, with REDIS_URL set, so that the rate limits are counted in Redis as in
production, and LOOKUP_RATE raised: every simulated citizen comes from 127.0.0.1, which the
production limit (10 look-ups per address per 10 minutes) would stop at once. Locust runs in a
process of its own (bench/locustfile.py), since it patches the standard library with gevent; it
shares the cores with gunicorn and PostgreSQL: each phase prints the CPU time that gunicorn, the
database's PostgreSQL backends, locust and the whole machine used. The staff log in once each
through the login form before the mix's warm-up; one failed login stops the run, far from the
lockout. This machine's PostgreSQL runs with autovacuum off; production's runs it (the default),
and looks after the busiest tables once 2% of their rows have changed (declarations.0018), which
keeps the staff pages' index-only reads index-only. So when autovacuum is off, the run stands in
for it: a ``VACUUM (ANALYZE)`` of those tables before each phase, outside the measured windows
(its time is printed). If the trivial page is slower in the mix than at full speed, the machine
was saturated (by the mix or by other processes) and it says so: the ratios then compare
queueing.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth by default;
Redis on 127.0.0.1:6379):

    .venv/bin/python bench/load.py [--reuse] [--keep] [--seconds 60] [--mix-seconds 360]
                                   [--users 50] [--full-users 8] [--think 1 4] [--workers 2]
                                   [--phases trivial,baseline,declarations,baseline-again,mix]
    make load                       # LOAD_ARGS="--reuse --keep" by default

Building the million declarations takes about 4 minutes; with --reuse --keep the database is kept
for the next run (and for bench/desk.py and bench/tracing.py, which use it too). A run adds its
accepted declarations to it (some 15,000 in a full run) and its baseline rows to bench_baseline.
It talks only to 127.0.0.1 and stops by itself: every phase is bounded in time.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import redis
from common import (
    HOST,
    ROOT,
    VENV_BIN,
    Database,
    app_environment,
    autovacuum_is_off,
    free_port,
    manage,
    production_workers,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)
from desk import (
    COMMON_NAMES,
    DEFAULT_DATABASE_URL,
    OFFICER,
    OFFICER_PASSWORD,
    code_probes,
    desk_probe,
    id_probes,
    phone_probes,
    prepare_database,
    random_people_ids,
    rare_name_probes,
    sampled_people,
    timed,
)
from desk import PERSON_LINK as ANY_PERSON_LINK

from tracing import (
    DEFAULT_PROVINCE,
    HEALTH_PASSWORD,
    HEALTH_USER,
    busiest_districts,
    health_worker,
    later_pages,
    prepare_tracing,
    risk_probe,
)
from tracing import page_kinds as risk_kinds

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
LOOKUP_RATE = "1000000/m"  # instead of 10/10m: every simulated citizen shares 127.0.0.1
LEADER = "lanhdao"
DISTRICT_HEALTH_USER = "bench-yte-huyen"  # of the district with the most people at risk
DISTRICT_HEALTH_PASSWORD = "bench-yte-huyen-1"  # a local scratch database only
DEMO_PASSWORD = "truyvet-demo"  # accounts.demo.DEMO_PASSWORD
CASES = 40  # generate_cases --cases, as bench/tracing.py, if the database has no case
INPUT_SEED = 7  # which people are looked up and searched for
LOOKUP_PEOPLE = 300
NEWCOMERS = 2000  # people of the database whose names and homes the new people take
NEWCOMER_FIELDS = (
    "full_name",
    "sex",
    "residence_province",
    "residence_district",
    "residence_commune",
    "residence_address",
)
RESULTS_DIR = ROOT / "bench" / "results"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"

AIM_DECLARATION_RATIO = 0.5
AIM_P95_RATIO = 3.0
STAFF_PREFIXES = ("officer:", "health:", "district health:", "leader:")

# The realistic mix: user class, share of the users (bench/locustfile.py has the classes).
MIX = [
    ("CitizenDeclaring", 40),
    ("CitizenLookingUp", 15),
    ("CitizenUpdating", 5),
    ("Officer", 20),
    ("HealthStaff", 4),
    ("DistrictHealthStaff", 6),
    ("Leader", 5),
]
PHASES = ("trivial", "baseline", "declarations", "baseline-again", "mix", "quiet")
QUIET_STAFF = ("Officer", "HealthStaff", "DistrictHealthStaff", "Leader")  # one of each, quiet
BASELINE_PHASES = ("baseline", "baseline-again")  # the bare insert's runs, before and after
MIX_SPAWN_RATE = 10  # users per second: the staff's logins (PBKDF2) spread over the warm-up
ROW_ORDER = [  # the mix's rows in this order; any other name after them
    "trivial page",
    "trivial page, logged in",
    "citizen: declaration form",
    "citizen: declare (POST)",
    "citizen: success page",
    "citizen: lookup form",
    "citizen: look up (POST)",
    "citizen: my declarations",
    "citizen: update form",
    "citizen: update (POST)",
    "officer: search by code",
    "officer: search by phone",
    "officer: search by ID number",
    "officer: search by name",
    "officer: person page",
    "health: risk list",
    "health: risk list, a district",
    "health: risk list, overdue",
    "health: risk list, page 2+",
    "health: follow-up",
    "district health: risk list",
    "district health: risk list, overdue",
    "district health: risk list, page 2+",
    "district health: follow-up",
    "leader: report",
]
STAFF_PAGES = [name for name in ROW_ORDER if name.startswith(STAFF_PREFIXES)]  # the aim's pages
DECLARATION_POSTS = ("declaration (POST)", "citizen: declare (POST)", "citizen: update (POST)")
BASELINE_POST = "bare one-row insert (POST)"

BASELINE_TABLE = """
    CREATE TABLE IF NOT EXISTS bench_baseline (
        id bigserial PRIMARY KEY,
        payload text,
        created_at timestamptz
    )
"""

# Runs in a manage.py shell: the demo officer and leader exist (create_demo_accounts ran before)
# and have the demo password; prints nothing on success.
STAFF_CHECK = """
import os
from django.contrib.auth.models import User
for username in os.environ["BENCH_USERS"].split(","):
    user = User.objects.get(username=username)
    if not user.is_active or not user.check_password(os.environ["BENCH_PASSWORD"]):
        user.is_active = True
        user.set_password(os.environ["BENCH_PASSWORD"])
        user.save()
        print("BENCH-RESET", username)
"""


# -- command line ---------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="local PostgreSQL database to build or reuse; its name must contain 'bench'",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="local Redis for the site")
    parser.add_argument("--declarations", type=int, default=1_000_000, help="synthetic ones")
    parser.add_argument("--seconds", type=float, default=60, help="measured time of each phase")
    parser.add_argument(
        "--mix-seconds",
        type=float,
        default=360,
        help="measured time of the mix: its staff pages are a few in a hundred of its requests, "
        "and a p95 needs answers to rest on",
    )
    parser.add_argument("--warmup", type=float, default=10, help="warm-up of each phase")
    parser.add_argument("--users", type=int, default=50, help="simulated users in the mix")
    parser.add_argument(
        "--full-users", type=int, default=8, help="users of the full-speed phases (no think time)"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=[1.0, 4.0],
        metavar=("MIN", "MAX"),
        help="seconds a user of the mix waits between two tasks (uniform)",
    )
    parser.add_argument(
        "--probe-rate",
        type=float,
        default=10,
        help="trivial-page GETs a second in the mix, by each probe",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=production_workers(),  # as many as truyvet/gunicorn.py starts
        help="gunicorn workers",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"the phases to run, comma-separated, in this order: {','.join(PHASES)} (default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="skip building if the database has enough data"
    )
    args = parser.parse_args()
    if (
        min(args.seconds, args.mix_seconds) <= 0
        or args.warmup < 0
        or args.workers < 1
        or args.probe_rate <= 0
    ):
        parser.error(
            "--seconds, --mix-seconds and --probe-rate must be > 0, --warmup >= 0, --workers >= 1"
        )
    if args.users < len(MIX) + 2 or args.full_users < 1:
        parser.error(f"--users must be >= {len(MIX) + 2} and --full-users >= 1")
    if not 0 <= args.think[0] <= args.think[1]:
        parser.error("--think takes MIN MAX with 0 <= MIN <= MAX")
    if args.declarations < 100:
        parser.error("--declarations must be >= 100")
    args.phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    if not args.phases or set(args.phases) - set(PHASES):
        parser.error(f"--phases takes some of {','.join(PHASES)}")
    args.cases = CASES  # for tracing.prepare_tracing
    return args


# -- the database ---------------------------------------------------------------------------------


def prepare_load(database: Database, env: dict[str, str]) -> str:
    """What the mix needs besides bench/desk.py's and bench/tracing.py's data; the district of
    the district health worker."""
    timed(
        "create_demo_accounts",
        lambda: manage({**env, "DEBUG": "1"}, "create_demo_accounts"),
    )
    staff_env = {**env, "BENCH_USERS": f"{OFFICER},{LEADER}", "BENCH_PASSWORD": DEMO_PASSWORD}
    said = manage(staff_env, "shell", "--no-imports", "-c", STAFF_CHECK)
    for line in said.splitlines():
        if line.startswith("BENCH-RESET"):
            print(f"  password of {line.split()[1]} set to the demo password")
    if OFFICER_PASSWORD != DEMO_PASSWORD:
        sys.exit("bench/desk.py's officer password is not the demo password")
    timed("axes_reset (no login lockout left)", lambda: manage(env, "axes_reset"))
    timed("rebuild_counts (the report)", lambda: manage(env, "rebuild_counts", timeout=1800))
    database.execute(BASELINE_TABLE)
    district = busiest_districts(database, env.get("PROVINCE_CODE", DEFAULT_PROVINCE))[0]
    health_worker(env, DISTRICT_HEALTH_USER, DISTRICT_HEALTH_PASSWORD, district)
    print(f"  district health worker {DISTRICT_HEALTH_USER} of district {district}")
    return district


def check_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_timeout=5).ping()
    except redis.RedisError as error:
        sys.exit(f"Redis at {url} does not answer ({error}): start it, or pass --redis-url")


def people_inputs(database: Database, rng: random.Random) -> list[dict]:
    """People with a phone, to look up (code and last 4 digits) and to update (their own data)."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            ids = random_people_ids(cursor, rng, LOOKUP_PEOPLE * 2)
            cursor.execute(
                "SELECT lookup_code, phone, full_name, birth_year, sex, nationality, id_number,"
                " residence_province_id, residence_district_id, residence_commune_id,"
                " residence_address FROM declarations_person"
                " WHERE id = ANY(%s) AND phone <> '' ORDER BY id LIMIT %s",
                [ids, LOOKUP_PEOPLE],
            )
            rows = cursor.fetchall()
    finally:
        connection.close()
    people = []
    for code, phone, name, year, sex, nationality, id_number, *residence in rows:
        province, district, commune, address = residence
        fields = {
            "full_name": name,
            "birth_year": str(year),
            "sex": sex,
            "nationality": nationality,
            "id_number": id_number,
            "phone": phone,
            "residence_province": province,
            "residence_district": district,
            "residence_commune": commune,
            "residence_address": address,
        }
        typed = f"{code[:4]}-{code[4:]}".lower()
        people.append(
            {"code": code, "code_typed": typed, "phone": phone, "full_name": name, "fields": fields}
        )
    if not people:
        sys.exit("no person with a phone to look up: is the database filled?")
    return people


def newcomer_inputs(database: Database, rng: random.Random) -> list[dict]:
    """Names, sex and homes for the people who declare for the first time, taken from random
    people of the database: the new people's names then follow the million's, as a real surge's
    would, where a short list of names would crowd the newest people and slow the name search
    in a way no real site sees."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            ids = random_people_ids(cursor, rng, NEWCOMERS)
            cursor.execute(
                "SELECT full_name, sex, residence_province_id, residence_district_id,"
                " residence_commune_id, residence_address FROM declarations_person"
                " WHERE id = ANY(%s) ORDER BY id",
                [ids],
            )
            rows = cursor.fetchall()
    finally:
        connection.close()
    if not rows:
        sys.exit("no person to take new people's names from: is the database filled?")
    return [dict(zip(NEWCOMER_FIELDS, row, strict=True)) for row in rows]


def desk_inputs(database: Database, port: int, rng: random.Random) -> dict[str, list[dict]]:
    """The desk searches, drawn and checked as bench/desk.py draws and checks them."""
    connection = database.connect()
    try:
        with connection.cursor() as cursor:
            people = sampled_people(cursor, rng)
            kinds = {
                "code": code_probes(people, port),
                "phone": phone_probes(people),
                "id_number": id_probes(people),
                "common_name": [desk_probe(n, contains=ANY_PERSON_LINK) for n in COMMON_NAMES],
                "rare_name": rare_name_probes(cursor, rng),
            }
    finally:
        connection.close()
    for kind, probes in kinds.items():
        if not probes:
            sys.exit(f"no input found for the desk search by {kind}: is the database filled?")
    return {kind: [asdict(probe) for probe in probes] for kind, probes in kinds.items()}


def risk_inputs(database: Database, env: dict[str, str]) -> dict[str, list[dict]]:
    """The risk list's variants, as bench/tracing.py draws and checks them."""
    kinds = {kind.name: kind.probes for kind in risk_kinds(database, env, [])}
    later = next((probes for name, probes in kinds.items() if name.startswith("risk: pages")), [])
    inputs = {
        "all": kinds["risk list"],
        "district": kinds["risk: a district"] or kinds["risk list"],
        "overdue": kinds["risk: overdue"] + kinds["risk: district+overdue"],
        "later_page": later or kinds["risk list"],
    }
    return {kind: [asdict(probe) for probe in probes] for kind, probes in inputs.items()}


def district_risk_inputs(database: Database, district: str) -> dict[str, list[dict]]:
    """The district health worker's lists: all, overdue, and its pages 2 to 20 (its residents
    at risk and those who declared a journey to it)."""
    inputs = {
        "all": [risk_probe()],
        "overdue": [risk_probe(False, qua_han="on")],
        "later_page": later_pages(database, district) or [risk_probe()],
    }
    return {kind: [asdict(probe) for probe in probes] for kind, probes in inputs.items()}


def describe_inputs(inputs: dict) -> None:
    desk = ", ".join(f"{len(probes)} {kind}" for kind, probes in inputs["desk"].items())
    risk = ", ".join(f"{len(probes)} {kind}" for kind, probes in inputs["risk"].items())
    print(
        f"inputs (fixed seed): {len(inputs['people'])} people to look up and update, "
        f"{len(inputs['newcomers'])} whose names and homes new people take"
    )
    print(f"  desk searches: {desk}; risk lists: {risk}")


def count_rows(database: Database) -> dict[str, int]:
    return {
        "declarations": database.scalar("SELECT count(*) FROM declarations_declaration"),
        "baseline": database.scalar("SELECT count(*) FROM bench_baseline"),
    }


# -- the plan and the locust process --------------------------------------------------------------


def phases(args: argparse.Namespace) -> list[dict]:
    full_speed = {"kind": "constant"}

    def alone(key: str, title: str, user_class: str) -> dict:
        return {
            "key": key,
            "title": title,
            "user_count": args.full_users,
            "spawn_rate": args.full_users,
            "warmup": args.warmup,
            "seconds": args.seconds,
            "users": [{"class": user_class, "wait": full_speed}],
        }

    think = {"kind": "between", "min": args.think[0], "max": args.think[1]}
    pacing = {"kind": "pacing", "seconds": 1 / args.probe_rate}
    probe = {"class": "TrivialUser", "fixed_count": 1, "wait": pacing}
    staff_probe = {"class": "StaffTrivialUser", "fixed_count": 1, "wait": pacing}
    mix = [{"class": name, "weight": share, "wait": think} for name, share in MIX]
    every = [
        alone("trivial", "baseline: trivial page at full speed", "TrivialUser"),
        alone("baseline", "baseline: bare one-row insert at full speed", "BaselineUser"),
        alone("declarations", "declarations only at full speed", "DeclareOnlyUser"),
        alone("baseline-again", "baseline again: bare insert at full speed", "BaselineUser"),
        {
            "key": "mix",
            "title": "realistic mix",
            "user_count": args.users,
            "spawn_rate": MIX_SPAWN_RATE,
            "warmup": args.warmup,  # after every staff user has logged in
            "seconds": args.mix_seconds,
            "users": [probe, staff_probe, *mix],
        },
        {
            "key": "quiet",
            "title": "staff pages on a quiet machine",
            "user_count": 2 + len(QUIET_STAFF),
            "spawn_rate": 2 + len(QUIET_STAFF),
            "warmup": args.warmup,
            "seconds": args.seconds,
            "users": [
                probe,
                staff_probe,
                *({"class": n, "fixed_count": 1, "wait": think} for n in QUIET_STAFF),
            ],
        },
    ]
    return [phase for phase in every if phase["key"] in args.phases]


def run_locust(plan: dict, scratch: Path) -> dict:
    plan_file, results_file = scratch / "plan.json", scratch / "results.json"
    plan_file.write_text(json.dumps(plan))
    budget = sum(phase["warmup"] + phase["seconds"] + 120 for phase in plan["phases"])
    command = [str(VENV_BIN / "python"), str(LOCUSTFILE), str(plan_file), str(results_file)]
    try:
        done = subprocess.run(command, cwd=ROOT, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        sys.exit(f"locust did not finish in {budget:.0f} s")
    if not results_file.exists():
        sys.exit(f"locust failed (exit {done.returncode}) before measuring anything")
    return json.loads(results_file.read_text())


# -- the report -----------------------------------------------------------------------------------


def rows_of(phase: dict) -> dict[str, dict]:
    return {row["name"]: row for row in phase["measured"]["rows"]}


def errors_of(phase: dict) -> int:
    stretches = (phase["warmup"], phase["measured"], phase["stopping"])
    failures = sum(row["errors"] for stretch in stretches for row in stretch["rows"])
    return failures + phase["exception_count"]


def cpu_of(phase: dict) -> str:
    """The CPU use of the measured window, in % of one core."""
    cpu = phase["cpu"]
    return (
        f"gunicorn {cpu['gunicorn']:.0f}%, PostgreSQL {cpu['postgres']:.0f}%, locust "
        f"{cpu['locust']:.0f}%, whole machine {cpu['machine']:.0f}% of {100 * cpu['cores']}%"
    )


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


class Report:
    """The table and the verdicts, as text for the terminal and as Markdown for the file."""

    def __init__(self, results: dict, args: argparse.Namespace, rows_written: dict[str, int]):
        self.phases = {phase["key"]: phase for phase in results["phases"]}
        self.args = args
        self.rows_written = rows_written
        self.lines: list[str] = []
        self.markdown: list[str] = []

    def rate(self, key: str, name: str) -> float:
        row = rows_of(self.phases[key]).get(name) if key in self.phases else None
        return row["rate"] if row else 0.0

    def trivial_p95(self, key: str) -> float | None:
        row = rows_of(self.phases.get(key, {"measured": {"rows": []}})).get("trivial page")
        return row["p95"] if row else None

    def table(self) -> None:
        header = (
            f"{'request':<38}{'answers':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'wk p50':>8}{'wk p95':>8}{'errors':>7}{'p95/triv':>9}"
        )
        self.lines += ["", header]
        self.markdown += [
            "| request | answers | req/s | p50 ms | p95 ms | p99 ms | p50 ms in a worker | "
            "p95 ms in a worker | errors | p95 / trivial |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for key, phase in self.phases.items():
            reference = self.trivial_p95(key if key in ("mix", "quiet") else "trivial")
            users = ", ".join(f"{count} {name}" for name, count in phase["users"].items() if count)
            title = f"{phase['title']} ({users}; {phase['elapsed']:.0f} s; CPU {cpu_of(phase)})"
            self.lines.append(f"-- {title}")
            self.markdown.append(f"| **{title}** | | | | | | | | | |")
            measured = rows_of(phase)
            in_worker = phase.get("in_worker", {})
            names = [name for name in ROW_ORDER if name in measured]
            names += sorted(name for name in measured if name not in names)
            names = [name for name in names if not name.endswith("(once)")]
            for name in names:
                worker = in_worker.get(name, {})
                self.row(name, measured[name] | {"worker": worker}, reference, judged=key == "mix")
            total_ok = sum(row["ok"] for row in measured.values())
            total_errors = sum(row["errors"] for row in measured.values())
            total_rate = total_ok / phase["elapsed"] if phase["elapsed"] else 0.0
            if key == "mix":
                self.lines.append(
                    f"{'all requests of the mix':<38}{total_ok:>8}{total_rate:>8.1f}"
                    f"{'':>40}{total_errors:>7}"
                )
                self.markdown.append(
                    f"| all requests of the mix | {total_ok:,} | {total_rate:,.1f} | | | | | | "
                    f"{total_errors} | |"
                )

    def row(self, name: str, row: dict, reference: float | None, judged: bool = False) -> None:
        ratio = row["p95"] / reference if row["p95"] is not None and reference else None
        verdict = ""
        if judged and name.startswith(STAFF_PREFIXES) and ratio is not None:
            verdict = "  met" if ratio <= AIM_P95_RATIO else "  NOT MET"
        worker = row.get("worker", {})
        worker_p50, worker_p95 = fmt(worker.get("p50")), fmt(worker.get("p95"))
        self.lines.append(
            f"{name:<38}{row['ok']:>8}{fmt(row['rate']):>8}{fmt(row['p50']):>8}"
            f"{fmt(row['p95']):>8}{fmt(row['p99']):>8}{worker_p50:>8}{worker_p95:>8}"
            f"{row['errors']:>7}{fmt(ratio, 2):>8}x{verdict}"
        )
        self.markdown.append(
            f"| {name} | {row['ok']:,} | {fmt(row['rate'])} | {fmt(row['p50'])} | "
            f"{fmt(row['p95'])} | {fmt(row['p99'])} | {worker_p50} | {worker_p95} | "
            f"{row['errors']} | {fmt(ratio, 2)}{verdict.replace('  ', ' ')} |"
        )

    def summary(self) -> list[tuple[str, bool | None]]:
        """(line, aim met?) for the aims, and the other figures (None)."""
        out: list[tuple[str, bool | None]] = []
        inserts = [self.rate(key, BASELINE_POST) for key in BASELINE_PHASES if key in self.phases]
        if inserts and "declarations" in self.phases:
            insert = sum(inserts) / len(inserts)
            runs = " and ".join(f"{rate:.1f}" for rate in inserts)
            full = self.rate("declarations", "declaration (POST)")
            ratio = full / insert if insert else 0.0
            out.append(
                (
                    f"declarations at full speed: {full:.1f}/s; bare one-row insert: "
                    f"{insert:.1f}/s (mean of {runs}); ratio {ratio:.3f} "
                    f"(aim >= {AIM_DECLARATION_RATIO:.2f})",
                    ratio >= AIM_DECLARATION_RATIO,
                )
            )
        mix = self.phases.get("mix")
        if mix:
            declared = sum(self.rate("mix", name) for name in DECLARATION_POSTS)
            out.append((f"declarations during the mix: {declared:.1f}/s (new and updates)", None))
            reference = self.trivial_p95("mix")
            staff = [(n, r) for n, r in rows_of(mix).items() if n.startswith(STAFF_PREFIXES)]
            over = [
                f"{name} ({row['p95'] / reference:.1f}x)"
                for name, row in staff
                if reference and row["p95"] is not None and row["p95"] > AIM_P95_RATIO * reference
            ]
            # A staff page the mix never reached is not within the aim: it was not measured.
            unmeasured = [name for name in STAFF_PAGES if name not in dict(staff)]
            limit = AIM_P95_RATIO * reference if reference else float("nan")
            verdict = f"over: {', '.join(over)}" if over else f"all {len(staff)} within"
            if unmeasured:
                verdict += f"; not measured: {', '.join(unmeasured)}"
            out.append(
                (
                    f"staff pages' p95 within {AIM_P95_RATIO:g}x the trivial page's "
                    f"({fmt(reference)} ms in the mix, so <= {limit:.1f} ms): {verdict}",
                    bool(staff) and not over and not unmeasured and reference is not None,
                )
            )
            out.append((f"CPU during the mix: {cpu_of(mix)}", None))
            out.append((self.in_worker(mix), None))
            full_speed = self.trivial_p95("trivial")
            if reference and full_speed and reference > full_speed:
                out.append(
                    (
                        f"warning: the trivial page is slower in the mix ({reference:.1f} ms) than "
                        f"at full speed ({full_speed:.1f} ms): the machine is saturated (by the "
                        "mix or by other processes) and the latencies are mostly queueing",
                        None,
                    )
                )
        if "quiet" in self.phases:
            out.append((self.quiet(), None))
        errors = sum(errors_of(phase) for phase in self.phases.values())
        out.append((f"errors, warm-ups and stops included: {errors} (aim: none)", errors == 0))
        return out

    def in_worker(self, mix: dict) -> str:
        """The staff pages' p95 in a worker against the trivial page's, in the mix: where a page
        is over the aim in the worker as well, its own work (or what it waits for: the database,
        Redis, the cores) makes the difference, not waiting for a free worker."""
        times = mix.get("in_worker", {})
        trivial = times.get("trivial page", {}).get("p95")
        if not trivial:
            return "in a worker: no time recorded for the trivial page"
        staff = [
            (name, times[name]["p95"] / trivial)
            for name in ROW_ORDER
            if name.startswith(STAFF_PREFIXES) and times.get(name, {}).get("p95") is not None
        ]
        over = [f"{name} ({ratio:.1f}x)" for name, ratio in staff if ratio > AIM_P95_RATIO]
        return (
            f"in a worker, the trivial page's p95 is {trivial:.1f} ms; staff pages over "
            f"{AIM_P95_RATIO:g}x that: " + (", ".join(over) or "none")
        )

    def quiet(self) -> str:
        """What the staff pages cost with the machine nearly idle: there, a page's time is its
        own work, and the mix's ratios cannot fall much below these unless queueing dominates (a
        saturated machine), in the order of the table."""
        rows = rows_of(self.phases["quiet"])
        trivial = rows.get("trivial page", {}).get("p50")
        staff = [
            (name, rows[name]["p50"] / trivial)
            for name in ROW_ORDER
            if name.startswith(STAFF_PREFIXES)
            and name in rows
            and rows[name]["p50"] is not None
            and trivial
        ]
        ratios = ", ".join(f"{name} {ratio:.1f}x" for name, ratio in staff)
        return (
            f"on a quiet machine ({cpu_of(self.phases['quiet'])}), staff pages' p50 against the "
            f"trivial page's ({fmt(trivial)} ms): " + (ratios or "none answered")
        )

    def build(self) -> bool:
        """The table, the aims and the errors; True if every phase ran without an error (the
        aims are judged in the text, not in the exit status)."""
        self.table()
        self.lines.append("")
        self.markdown.append("")
        for line, met in self.summary():
            verdict = "" if met is None else (" -> met" if met else " -> NOT MET")
            self.lines.append(line + verdict)
            self.markdown.append(f"- {line}{verdict}")
        for phase in self.phases.values():
            self.errors(phase)
        complete = len(self.phases) == len(self.args.phases)
        if not complete:
            self.lines.append("the run stopped early: not every phase was measured")
        elif len(self.phases) < len(PHASES):
            self.lines.append(f"only the phases {', '.join(self.phases)}: not every aim is judged")
        return complete and not sum(errors_of(phase) for phase in self.phases.values())

    def errors(self, phase: dict) -> None:
        for stretch in ("warmup", "measured", "stopping"):
            for name, kinds in phase[stretch]["errors"].items():
                for text, count in list(kinds.items())[:2]:
                    line = f"{phase['key']} {stretch}: {name}: {count}x {text}"
                    self.lines.append(line)
                    self.markdown.append(f"- {line}")
        for text in phase["exceptions"][:3]:
            self.lines.append(f"{phase['key']}: exception in a simulated user: {text}")
            self.markdown.append(f"- {phase['key']}: exception in a simulated user: {text}")


def write_markdown(report: Report, args: argparse.Namespace, database_info: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    path = RESULTS_DIR / f"load-{stamp}.md"
    think = f"{args.think[0]:g}-{args.think[1]:g} s"
    head = [
        f"# Load test, {stamp}",
        "",
        f"{database_info}; gunicorn with {args.workers} sync workers, REDIS_URL set, "
        f"LOOKUP_RATE={LOOKUP_RATE}; {os.cpu_count()} cores shared with PostgreSQL and locust. "
        f"Full-speed phases: {args.full_users} users without think time; the mix: {args.users} "
        f"users thinking {think}, and trivial-page probes at {args.probe_rate:g}/s, anonymous and "
        f"logged in. Warm-up "
        f"{args.warmup:g} s, then {args.seconds:g} s measured per phase ({args.mix_seconds:g} s "
        "for the mix). In a worker: the time a gunicorn worker spent on the request (its access "
        "log), from reading it to writing the whole answer; the rest of the time measured is "
        "the wait for a free worker and the HTTP round trip. p95 / trivial: against "
        "the trivial page of the same phase (the full-speed one for the full-speed phases).",
        "",
    ]
    path.write_text("\n".join(head + report.markdown) + "\n")
    return path


# -- the whole run --------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    database = Database.from_url(args.database_url)
    check_redis(args.redis_url)
    scratch = Path(tempfile.mkdtemp(prefix="truyvet-bench-load-"))
    server = None
    started = time.monotonic()
    try:
        env = app_environment(database, scratch / "static")
        env |= {"REDIS_URL": args.redis_url, "LOOKUP_RATE": LOOKUP_RATE}
        prepare_database(database, env, args)
        prepare_tracing(database, env, args)
        district = prepare_load(database, env)
        timed("collectstatic", lambda: manage(env, "collectstatic", "--no-input"))
        port, log, access_log = free_port(), scratch / "gunicorn.log", scratch / "access.log"
        rng = random.Random(INPUT_SEED)
        inputs = {
            "people": people_inputs(database, rng),
            "desk": desk_inputs(database, port, rng),
            "risk": risk_inputs(database, env),
            "risk_district": district_risk_inputs(database, district),
            "newcomers": newcomer_inputs(database, rng),
        }
        describe_inputs(inputs)
        before = count_rows(database)
        declarations_info = (
            f"PostgreSQL with {before['declarations']:,} declarations "
            f"(shared_buffers {database.scalar('SHOW shared_buffers')})"
        )
        vacuuming = autovacuum_is_off(database)
        if vacuuming:
            declarations_info += (
                "; autovacuum off on this server: the busy tables vacuumed before each phase, "
                "as production's autovacuum would (declarations.0018)"
            )
        print(f"{declarations_info} at the start")
        print(
            f"rate limits in Redis ({args.redis_url}); LOOKUP_RATE={LOOKUP_RATE} instead of "
            "10/10m: every simulated citizen comes from 127.0.0.1"
        )
        server = start_gunicorn(env, args.workers, port, log, access_log)
        wait_healthy(server, port, log)
        plan = {
            "host": f"http://{HOST}:{port}",
            "accounts": {
                "officer": [OFFICER, OFFICER_PASSWORD],
                "health": [HEALTH_USER, HEALTH_PASSWORD],
                "health_district": [DISTRICT_HEALTH_USER, DISTRICT_HEALTH_PASSWORD],
                "leader": [LEADER, DEMO_PASSWORD],
            },
            "inputs": inputs,
            "phases": phases(args),
            "server": {
                "gunicorn_pid": server.pid,
                "database": database.name,
                "access_log": str(access_log),
            },
            "vacuum_before_phases": database.url if vacuuming else "",
        }
        results = run_locust(plan, scratch)
        stop_gunicorn(server)
        server = None
        after = count_rows(database)
        written = {name: after[name] - before[name] for name in after}
        report = Report(results, args, written)
        sound = report.build()
        consistent = check_writes(results, written, report)
        print("\n".join(report.lines))
        path = write_markdown(report, args, declarations_info)
        print(f"\nwritten to {path.relative_to(ROOT)}; the run took {time_taken(started)}")
        if not sound:
            tail = log.read_text()[-2000:].strip()
            if tail:
                print(f"gunicorn's log ends with:\n{tail}")
        return 0 if sound and consistent else 1
    finally:
        stop_gunicorn(server)
        if args.keep:
            print(f"kept database {database.name} (rerun with --reuse)")
        else:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


def check_writes(results: dict, written: dict[str, int], report: Report) -> bool:
    """Every accepted declaration and baseline POST wrote exactly one row, and nothing else did."""
    accepted = {"declarations": 0, "baseline": 0}
    for phase in results["phases"]:
        accepted["declarations"] += sum(phase["writes"][name] for name in DECLARATION_POSTS)
        accepted["baseline"] += phase["writes"][BASELINE_POST]
    good = True
    for name, count in accepted.items():
        ok = written[name] == count
        good &= ok
        line = f"check {name}: {written[name]:,} rows written, {count:,} accepted POSTs -> " + (
            "ok" if ok else "MISMATCH"
        )
        report.lines.append(line)
        report.markdown.append(f"- {line}")
    return good


def time_taken(started: float) -> str:
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    return f"{minutes} min {seconds} s"


if __name__ == "__main__":
    sys.exit(main())
