"""What clients see when the local PostgreSQL stops and starts again under load, and how long the
site takes to recover, without restarting gunicorn.

WARNING: this stops the machine's PostgreSQL cluster for real (``pg_ctlcluster <version> main
stop``) for a few seconds, then starts it again. Every other program using that cluster loses its
connections meanwhile: run it on a development machine when nothing else needs the database,
never on a shared or production server. It refuses to stop the cluster while another database
of it has connections (--force stops it anyway).

How: it creates a scratch database ``truyvet_bench_faults`` (dropping it first), migrates it,
loads the places, collects the static files into a scratch directory and starts gunicorn with the
project's configuration (truyvet/gunicorn.py; DEBUG off, persistent connections with health
checks). N client threads send declarations one after another; a client whose declaration is not
accepted (503, another error, no answer) sends the same form again after a pause, as a phone
would. One more thread asks /healthz every 100 ms. The phases: load, stop (the stop command
running), stopped, start (the start command running), recovered. It prints, per phase, how many
answers of each kind the clients got; the time from the start command to the first healthy
/healthz and to the first accepted declaration; and a check of the database: every accepted
declaration is there once, and no person is without a declaration. PostgreSQL is started again
whatever happens (try/finally, and SIGTERM is turned into an exit); the scratch database is
dropped at the end unless --keep.

Run from the project root, as root or as the cluster's owner:

    .venv/bin/python bench/faults.py [--outage 5] [--before 5] [--after 5] [--clients 8] [--force]
"""

import argparse
import http.client
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    HOST,
    HTTP_TIMEOUT,
    ROOT,
    VENV_BIN,
    Database,
    app_environment,
    free_port,
    manage,
    stop_gunicorn,
    wait_healthy,
)

# bench/declarations.py, the declarations benchmark (bench/ is first on sys.path), not the app.
from declarations import FORM_PATH, SUCCESS_PATH, Client

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/truyvet_bench_faults"
MAX_OUTAGE = 10  # seconds: longer would hurt whatever else uses the cluster
RETRY_PAUSE = 0.5  # seconds before a client sends a refused declaration again
HEALTH_PERIOD = 0.1
RECOVERY_TIMEOUT = 60
FRIENDLY_503 = "Vui lòng chờ vài phút rồi thử lại".encode()
PHASES = ["load", "stop", "stopped", "start", "recovered"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--before", type=float, default=5, help="seconds of load before the stop")
    parser.add_argument("--outage", type=float, default=5, help=f"seconds down, <= {MAX_OUTAGE}")
    parser.add_argument("--after", type=float, default=5, help="seconds of load after recovery")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--force", action="store_true", help="stop PostgreSQL even if others are connected to it"
    )
    args = parser.parse_args()
    if not 0 < args.outage <= MAX_OUTAGE or args.before <= 0 or args.after <= 0:
        parser.error(f"--outage must be in (0, {MAX_OUTAGE}], --before and --after > 0")
    if args.clients < 1 or args.workers < 1:
        parser.error("--clients and --workers must be >= 1")
    return args


# -- the PostgreSQL cluster -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str

    @classmethod
    def serving(cls, port: int) -> "Cluster":
        """The local cluster listening on ``port``, which must be online."""
        for version, name, cluster_port, status in _clusters():
            if cluster_port == port:
                if status != "online":
                    sys.exit(f"cluster {version}/{name} is {status}, not online")
                return cls(version, name)
        sys.exit(f"no local PostgreSQL cluster on port {port} (pg_lsclusters)")

    def online(self) -> bool:
        return any(
            (version, name, status) == (self.version, self.name, "online")
            for version, name, _port, status in _clusters()
        )

    def control(self, action: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.returncode} {done.stderr.strip()}")

    def command(self, action: str) -> str:
        return f"pg_ctlcluster --skip-systemctl-redirect {self.version} {self.name} {action}"


def _clusters() -> list[tuple[str, str, int, str]]:
    """(version, name, port, status) of each local cluster."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True, timeout=30
    )
    clusters = []
    for line in listing.stdout.splitlines():
        version, name, port, status, *_rest = line.split()
        clusters.append((version, name, int(port), status))
    return clusters


# -- what the clients saw -------------------------------------------------------------------------


@dataclass
class Timeline:
    """When each phase began, and every answer the clients got (time, kind of request, outcome)."""

    phase_starts: dict[str, float] = field(default_factory=dict)
    answers: list[tuple[float, str, str]] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)  # sent, not yet accepted
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, phase: str) -> None:
        self.phase_starts[phase] = time.monotonic()
        print(f"{time.strftime('%H:%M:%S')} {phase}")

    def record(self, kind: str, outcome: str) -> None:
        with self.lock:
            self.answers.append((time.monotonic(), kind, outcome))

    def phase_at(self, moment: float) -> str:
        current = PHASES[0]
        for phase in PHASES:
            if phase in self.phase_starts and self.phase_starts[phase] <= moment:
                current = phase
        return current

    def counts(self) -> dict[tuple[str, str], Counter]:
        table: dict[tuple[str, str], Counter] = {}
        for moment, kind, outcome in self.answers:
            table.setdefault((self.phase_at(moment), kind), Counter())[outcome] += 1
        return table

    def first_after(self, moment: float, kind: str, outcome: str) -> float | None:
        times = [t for t, k, o in self.answers if t >= moment and k == kind and o == outcome]
        return min(times) - moment if times else None


def declaration_outcome(status: int, location: str, body: bytes, token: str) -> str:
    accepted = SUCCESS_PATH.match(location)
    if status == 302 and accepted and accepted.group(1) == token:
        return "accepted"
    if status == 503:
        return "503 page" if FRIENDLY_503 in body else "503 other"
    return str(status)


def send_declarations(port: int, seed: int, timeline: Timeline, running: threading.Event) -> None:
    client = Client(port, seed)
    client.open_form()
    token = str(uuid.uuid4())
    fields = client.declaration_fields(token)
    while running.is_set():
        with timeline.lock:
            timeline.pending.add(token)
        try:
            outcome = declaration_outcome(*client.post(FORM_PATH, fields), token)
        except (OSError, http.client.HTTPException):
            outcome = "no answer"
        timeline.record("declaration", outcome)
        if outcome == "accepted":
            with timeline.lock:
                timeline.accepted.add(token)
                timeline.pending.discard(token)
            token = str(uuid.uuid4())
            fields = client.declaration_fields(token)
        else:
            time.sleep(RETRY_PAUSE)  # then the same form again


def poll_health(port: int, timeline: Timeline, running: threading.Event) -> None:
    while running.is_set():
        connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
        try:
            connection.request("GET", "/healthz")
            outcome = str(connection.getresponse().status)
        except (OSError, http.client.HTTPException):
            outcome = "no answer"
        finally:
            connection.close()
        timeline.record("healthz", outcome)
        time.sleep(HEALTH_PERIOD)


# -- the run --------------------------------------------------------------------------------------


def start_site(env: dict[str, str], workers: int, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        "python:truyvet.gunicorn",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "bench.wsgi_bench:application",
    ]
    print(f"gunicorn: {workers} workers on {HOST}:{port}")
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def other_users(database: Database) -> list[str]:
    """Who else is connected to the cluster: they would lose their connections."""
    connection = database.connect("postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT datname || ' (' || coalesce(nullif(application_name, ''), '?') || ')' "
                "FROM pg_stat_activity WHERE datname IS NOT NULL AND datname <> %s "
                "AND pid <> pg_backend_pid()",
                [database.name],
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def outage(
    cluster: Cluster, args: argparse.Namespace, timeline: Timeline, database: Database
) -> None:
    """Stop the cluster, wait, start it again (whatever happens), wait for the site."""
    timeline.begin("load")
    time.sleep(args.before)
    others = other_users(database)
    if others and not args.force:
        raise SystemExit(f"not stopping PostgreSQL: others are connected: {', '.join(others)}")
    try:
        timeline.begin("stop")
        cluster.control("stop")
        timeline.begin("stopped")
        time.sleep(args.outage)
    finally:
        timeline.begin("start")
        try:
            if not cluster.online():
                cluster.control("start")
        except Exception:
            print(f"\n!!! PostgreSQL did not start again: run `{cluster.command('start')}`\n")
            raise
        timeline.begin("recovered")
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while timeline.first_after(timeline.phase_starts["start"], "declaration", "accepted") is None:
        if time.monotonic() > deadline:
            print(f"no declaration accepted {RECOVERY_TIMEOUT} s after the start")
            break
        time.sleep(0.1)
    time.sleep(args.after)


def print_report(timeline: Timeline) -> None:
    counts = timeline.counts()
    print()
    for kind in ("declaration", "healthz"):
        outcomes = sorted({o for (_phase, k), c in counts.items() if k == kind for o in c})
        print(f"{kind:<12}" + "".join(f"{phase:>11}" for phase in PHASES))
        for outcome in outcomes:
            row = [counts.get((phase, kind), Counter())[outcome] for phase in PHASES]
            print(f"  {outcome:<10}" + "".join(f"{n:>11}" for n in row))
        print()
    starts = timeline.phase_starts
    stopped_for = starts["start"] - starts["stop"]
    start_took = starts["recovered"] - starts["start"]
    print(f"database down: {stopped_for:.1f} s from the stop command to the start command")
    print(f"start command: returned after {start_took:.1f} s")
    for kind, outcome, what in [
        ("healthz", "200", "first /healthz 200"),
        ("declaration", "accepted", "first declaration accepted"),
    ]:
        delay = timeline.first_after(starts["start"], kind, outcome)
        shown = f"{delay:.2f} s" if delay is not None else "never"
        print(f"{what}: {shown} after the start command")


def check_database(database: Database, timeline: Timeline) -> bool:
    """Every accepted declaration is recorded once; nothing else is, but for a declaration
    whose answer was lost and that was not sent again before the end; nothing half-written."""
    rows = database.scalar("SELECT array_agg(submission_token::text) FROM declarations_declaration")
    recorded = set(rows or [])
    people = database.scalar("SELECT count(*) FROM declarations_person")
    orphans = database.scalar(
        "SELECT count(*) FROM declarations_person p WHERE NOT EXISTS "
        "(SELECT 1 FROM declarations_declaration d WHERE d.person_id = p.id)"
    )
    missing = timeline.accepted - recorded
    unexpected = recorded - timeline.accepted - timeline.pending
    good = not missing and not unexpected and orphans == 0 and people == len(recorded)
    print(
        f"check: {len(timeline.accepted)} accepted, {len(recorded)} in the database "
        f"({len(recorded - timeline.accepted)} of them sent but not yet answered), "
        f"{len(missing)} missing, {len(unexpected)} unexpected, {people} people, "
        f"{orphans} without a declaration -> {'ok' if good else 'MISMATCH'}"
    )
    return good


def main() -> int:
    args = parse_args()
    database = Database.from_url(args.database_url)
    cluster = Cluster.serving(database.port)
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit("terminated"))
    print(f"WARNING: this stops PostgreSQL {cluster.version}/{cluster.name} for {args.outage:g} s")
    scratch = Path(tempfile.mkdtemp(prefix="truyvet-faults-"))
    server = None
    running = threading.Event()
    threads: list[threading.Thread] = []
    try:
        env = app_environment(database, scratch / "static")
        print(f"database {database.name}: create, migrate, load places, collect static files")
        database.create()
        manage(env, "migrate", "--no-input")
        manage(env, "load_places")
        manage(env, "collectstatic", "--no-input")
        port, log = free_port(), scratch / "gunicorn.log"
        server = start_site(env, args.workers, port, log)
        wait_healthy(server, port, log)

        timeline = Timeline()
        running.set()
        threads = [
            threading.Thread(
                target=send_declarations, args=(port, seed, timeline, running), daemon=True
            )
            for seed in range(args.clients)
        ]
        health = threading.Thread(target=poll_health, args=(port, timeline, running), daemon=True)
        threads.append(health)
        for thread in threads:
            thread.start()
        outage(cluster, args, timeline, database)
        running.clear()
        for thread in threads:
            thread.join(timeout=HTTP_TIMEOUT + 5)

        print_report(timeline)
        restarted = server.poll() is not None
        print(f"gunicorn master still running, never restarted: {'no' if restarted else 'yes'}")
        return 0 if check_database(database, timeline) and not restarted else 1
    finally:
        running.clear()
        stop_gunicorn(server)
        if args.keep:
            print(f"kept database {database.name}")
        else:
            database.drop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
