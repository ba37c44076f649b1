"""What the benchmark scripts share: the scratch database, the site under gunicorn, the load loop.

``bench/declarations.py`` and ``bench/desk.py`` import it (they run as scripts, so ``bench/`` is
first on ``sys.path``). Everything here talks to 127.0.0.1 only, and every loop is bounded by time
and by count.
"""

import http.client
import importlib.util
import math
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
LOCAL_DB_HOSTS = {"127.0.0.1", "localhost", "::1"}

HTTP_TIMEOUT = 30  # seconds for one request
SETUP_TIMEOUT = 300  # seconds for one manage.py command
HEALTH_TIMEOUT = 30  # seconds for gunicorn to answer /healthz
MAX_REQUESTS_PER_CLIENT = 1_000_000  # per phase; the duration normally ends it first
ERROR_SNIPPET = 300  # characters of the first unexpected answer to show


# -- the declaration form ------------------------------------------------------------------------

# What a declaration posts, as tests/conftest.py form_data() does: a resident of Hà Nội (01) /
# Ba Đình (001) / Phúc Xá (00001), on a coach to Lai Châu city (105) / Quyết Thắng (03386).
# The person's identity (name, year of birth, phone, ID) and the travel date are added per post.
JOURNEY_FIELDS = {
    "email": "",
    "from_province": "01",
    "from_district": "001",
    "to_district": "105",
    "to_commune": "03386",
    "to_address": "Số 5 đường Trần Phú",
    "transport": "coach",
    "vehicle_plate": "25b01234",
    "seat": "12",
    "places_visited": "",
    "vaccine_doses": "2",
    "commitment": "on",
}
NEW_PERSON_FIELDS = {
    "sex": "female",
    "nationality": "Việt Nam",
    "residence_province": "01",
    "residence_district": "001",
    "residence_commune": "00001",
    "residence_address": "12 Phố Phúc Xá",
}
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Đỗ"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc"]
GIVEN_NAMES = ["Hoà", "Minh", "An", "Lan", "Hùng", "Dũng", "Mai", "Tú", "Hạnh", "Sơn"]


# -- the database ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where the benchmark database lives, parsed from a postgres:// URL."""

    url: str
    name: str
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> "Database":
        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if parts.scheme not in {"postgres", "postgresql"}:
            sys.exit(f"--database-url must be a postgres:// URL, not {url!r}")
        if (parts.hostname or "") not in LOCAL_DB_HOSTS:
            sys.exit(f"--database-url must point to this machine, not {parts.hostname!r}")
        if "bench" not in name:
            sys.exit(f"refusing to drop {name!r}: the database name must contain 'bench'")
        return cls(
            url=url,
            name=name,
            host=parts.hostname,
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )

    def connect(self, dbname: str | None = None):
        connection = psycopg2.connect(
            dbname=dbname or self.name,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
        )
        connection.autocommit = True
        return connection

    def scalar(self, query: str, params: tuple = ()):
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def execute(self, statement, dbname: str | None = None) -> None:
        connection = self.connect(dbname)
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def exists(self) -> bool:
        connection = self.connect("postgres")
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
                return cursor.fetchone() is not None
        finally:
            connection.close()

    def drop(self) -> None:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        self.execute(drop, dbname="postgres")

    def create(self) -> None:
        self.drop()
        self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)), "postgres")


# -- the site -------------------------------------------------------------------------------------


def app_environment(database: Database, static_root: Path) -> dict[str, str]:
    """The environment of manage.py and gunicorn: production-like, on the bench database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "BENCH_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database.url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *arguments: str, timeout: float = SETUP_TIMEOUT) -> str:
    """Run one manage.py command; its standard output, or exit with its output if it fails."""
    command = [str(VENV_BIN / "python"), "manage.py", *arguments]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_workers() -> int:
    """The workers production starts on this machine (``truyvet/gunicorn.py``), read from its
    file. The project's package is not on the benchmark scripts' path: it is while the file
    runs, for what the file imports from it (``truyvet.env``)."""
    spec = importlib.util.spec_from_file_location(
        "gunicorn_settings", ROOT / "truyvet" / "gunicorn.py"
    )
    settings = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT))
    try:
        spec.loader.exec_module(settings)
    finally:
        sys.path.remove(str(ROOT))
    return settings.default_workers()


# The tables the site writes all day and its staff pages read through their indexes alone. In
# production, autovacuum looks after them once 2% of their rows have changed (declarations.0018),
# so that those reads stay index-only; this machine's PostgreSQL runs with autovacuum off.
BUSY_TABLES = ("declarations_person", "declarations_declaration", "tracing_followup")


def autovacuum_is_off(database: Database) -> bool:
    return database.scalar("SHOW autovacuum") == "off"


def vacuum_busy_tables(database: Database) -> float:
    """``VACUUM (ANALYZE)`` of the busy tables, as autovacuum would have run it in production
    after the rows a phase wrote; the seconds it took."""
    started = time.monotonic()
    for table in BUSY_TABLES:
        database.execute(f"VACUUM (ANALYZE) {table}")
    return time.monotonic() - started


# gunicorn's access log as the load test reads it: the request's name (the header
# ``WORKER_NAME_HEADER`` the load test sends) and the time the request took in the worker, in
# microseconds, from reading the request to writing the whole answer.
WORKER_NAME_HEADER = "X-Bench-Request"
ACCESS_LOG_FORMAT = "%({x-bench-request}i)s|%(D)s"


def start_gunicorn(
    env: dict[str, str], workers: int, port: int, log: Path, access_log: Path | None = None
) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "bench.wsgi_bench:application",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    if access_log is not None:
        command += ["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT]
    print(f"gunicorn: {workers} workers on {HOST}:{port}")
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_healthy(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT
    for _attempt in range(HEALTH_TIMEOUT * 10):
        if server.poll() is not None or time.monotonic() > deadline:
            break
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    sys.exit(f"gunicorn did not become healthy; its log:\n{log.read_text()[-3000:]}")


def stop_gunicorn(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


# -- the load loop --------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one or more clients saw during one run."""

    latencies: list[float] = field(default_factory=list)  # seconds, accepted requests only
    errors: int = 0
    first_error: str = ""
    elapsed: float = 0.0

    @property
    def accepted(self) -> int:
        return len(self.latencies)

    @property
    def requests(self) -> int:
        return self.accepted + self.errors

    @property
    def rate(self) -> float:
        return self.accepted / self.elapsed if self.elapsed else 0.0

    def record_error(self, text: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or text

    def merge(self, other: "Tally") -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error

    def percentile_ms(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        return percentile(sorted(self.latencies), fraction) * 1000


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values: the smallest value with at least that
    ``fraction`` of them at or below it (the ⌈fraction·n⌉-th). Of 20 answers, the p95 is the
    19th, not the slowest."""
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


def worker_times(access_log: Path, start: int, end: int) -> dict[str, list[float]]:
    """The time each named request took in a gunicorn worker (ms, sorted), by name, from the
    access log's lines between two of its sizes (``ACCESS_LOG_FORMAT``): the requests the
    workers finished in that stretch. A line cut at ``end`` (still being written) is left out,
    and so are the requests without a name."""
    with access_log.open("rb") as log:
        log.seek(start)
        text = log.read(max(end - start, 0)).decode("utf-8", "replace")
    times: dict[str, list[float]] = {}
    for line in text.split("\n")[:-1]:  # the last piece: empty, or a line not yet ended
        name, _, micros = line.rpartition("|")
        if name not in ("", "-") and micros.isdigit():
            times.setdefault(name, []).append(int(micros) / 1000)
    return {name: sorted(values) for name, values in times.items()}


def drive(client, action, deadline: float, tally: Tally) -> None:
    """One client thread: repeat ``action`` until the deadline (or the request cap)."""
    for _request in range(MAX_REQUESTS_PER_CLIENT):
        if time.perf_counter() >= deadline:
            return
        started = time.perf_counter()
        try:
            problem = action(client)
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}"
        if problem is None:
            tally.latencies.append(time.perf_counter() - started)
        else:
            tally.record_error(problem)


def run(clients: list, action, seconds: float) -> Tally:
    """Every client runs ``action`` in its own thread for ``seconds``; their summed tally."""
    started = time.perf_counter()
    deadline = started + seconds
    tallies = [Tally() for _client in clients]
    threads = [
        threading.Thread(target=drive, args=(client, action, deadline, tally), daemon=True)
        for client, tally in zip(clients, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + HTTP_TIMEOUT + 5)
    total = Tally(elapsed=time.perf_counter() - started)
    for tally in tallies:
        total.merge(tally)
    return total
