"""The load test's simulated users, and the phases ``bench/load.py`` runs them in (with locust).

``bench/load.py`` prepares the database and the site, writes a plan (JSON: the site's address,
the staff accounts, the inputs drawn from the database, the phases) and runs this file in a
process of its own, because locust patches the standard library with gevent on import:

    .venv/bin/python bench/locustfile.py PLAN.json RESULTS.json

Each phase gets a fresh locust ``Environment`` and local runner: it spawns the phase's users,
lets them run for a warm-up (the staff log in then, through the login form with its CSRF token),
measures for a fixed time, then stops the users, letting each finish the task it is in. Every
request is recorded through locust's ``request`` event: the times of the right answers, and the
wrong ones (an unexpected status, a redirect elsewhere, a page without what it must show) as
errors, in the warm-up, the measured window and the stop alike. Every request also names itself
to the site (the header ``common.WORKER_NAME_HEADER``), so that gunicorn's access log gives the
time each kind of request spent in a worker in the measured window: the rest of the time locust
measures is the wait for a free worker and the HTTP round trip. It writes what it measured to
RESULTS.json; bench/load.py prints the table.

The users (their ``weight`` and think time are set per phase from the plan):

- ``TrivialUser``: GETs the privacy notice (a static template), the trivial page.
- ``BaselineUser``: POSTs to /bench/baseline/, which inserts one row with raw SQL.
- ``DeclareOnlyUser``: POSTs valid declarations without following the redirect.
- ``CitizenDeclaring``: opens the form, declares, sees the success page (a new browser each time).
- ``CitizenLookingUp``: looks up a declaration by code and phone digits, sees their declarations.
- ``CitizenUpdating``: looks up, opens the update form, declares again, sees the success page.
- ``Officer``: a checkpoint officer: searches the desk by code, phone, ID number or name, opens
  the person found.
- ``HealthStaff``: a provincial health worker: the risk list (all, a district, overdue, later
  pages), opens a person's follow-up from it.
- ``DistrictHealthStaff``: a district health centre's worker, who sees the people living in the
  district or who declared a journey to it: their risk list (all, overdue, later pages), opens a
  person's follow-up from it.
- ``Leader``: the report, for the default 14 days, 30 days or one day.
- ``StaffTrivialUser``: the trivial page, logged in as the officer (a baseline, not a staff page).

Every request goes to the plan's host on 127.0.0.1; the phases end by themselves.
"""

import contextlib
import html
import json
import random
import re
import sys
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import gevent
import psutil  # a dependency of locust
from common import (
    JOURNEY_FIELDS,
    NEW_PERSON_FIELDS,
    WORKER_NAME_HEADER,
    Database,
    percentile,
    vacuum_busy_tables,
    worker_times,
)
from locust import FastHttpUser, between, constant, constant_pacing, task
from locust.env import Environment
from locust.exception import StopUser
from locust.log import setup_logging
from locust.runners import STATE_RUNNING

SITE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HTTP_TIMEOUT = 30.0  # seconds for one request (connection and answer)
SPAWN_TIMEOUT = 120.0  # seconds for a phase's users to be spawned
ERROR_SNIPPET = 200  # characters of a wrong answer kept in its error message
ERROR_KINDS = 5  # distinct error messages kept per request name

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(rb'href="(/c/[0-9A-Za-z]+/)"')
# A row's follow-up link, with the list's address it carries back (``?next=``), as clicked.
FOLLOW_UP_LINK = re.compile(rb'href="(/y-te/theo-doi/[0-9A-Za-z]+/(?:\?[^"]*)?)"')
SUCCESS_MARK = b'id="lookup-code"'  # the success page shows the lookup code
FOLLOW_UP_MARK = b'id="follow-up-status"'  # the follow-up page shows its status
# One citizen in ten first sends the form with a phone number cut short: it comes back (200) with
# the field marked, and writes nothing.
MISTAKE_SHARE = 0.1
SENT_BACK = {"status": 200, "contains": b'id="error_1_id_phone"', "lacks": SUCCESS_MARK}

# The coaches the simulated citizens ride: a surge's travellers spread over many coaches, each
# carrying a coach's load in a day. With one plate for all, that coach would carry the whole run's
# travellers, and a case on it later propose tens of thousands of contacts (bench/tracing.py).
COACHES = 400
SEATS = 45

FORM_PATH = "/khai-bao/"
UPDATE_PATH = "/khai-bao/cap-nhat/"
LOOKUP_PATH = "/tra-cuu/"
MY_DECLARATIONS_PATH = "/tra-cuu/to-khai/"
LOGIN_PATH = "/dang-nhap/"
TRIVIAL_PATH = "/quyen-rieng-tu/"
BASELINE_PATH = "/bench/baseline/"
DESK_PATH = "/chot/"
RISK_PATH = "/y-te/"
REPORT_PATH = "/bao-cao/"

# Names of the requests that write a declaration, and of the baseline insert.
DECLARATION_POSTS = ("declaration (POST)", "citizen: declare (POST)", "citizen: update (POST)")
BASELINE_POST = "bare one-row insert (POST)"


# -- the plan -------------------------------------------------------------------------------------


_plan: dict = {}


def plan() -> dict:
    """The plan written by bench/load.py, which main() reads."""
    return _plan


class WrongAnswer(Exception):
    """A request that got an answer, but not the right one (locust counts it as a failure)."""


# -- what every simulated user shares -------------------------------------------------------------


class SiteUser(FastHttpUser):
    """A browser on the site: keeps its cookies, never follows a redirect by itself."""

    abstract = True
    network_timeout = HTTP_TIMEOUT
    connection_timeout = HTTP_TIMEOUT
    max_retries = 0
    wait_time = constant(0)

    def on_start(self) -> None:
        self.random = random.Random()
        self.inputs = plan()["inputs"]

    # -- requests -----------------------------------------------------------------------------

    def fetch(
        self,
        method: str,
        path: str,
        name: str,
        *,
        fields: dict | None = None,
        status: int = 200,
        location: str = "",
        contains: bytes = b"",
        lacks: bytes = b"",
    ):
        """One request, recorded under ``name``; the response if the answer was right, else None.

        A right answer has the expected status, for a redirect the expected Location path, and a
        body with ``contains`` and without ``lacks``.
        """
        headers = {WORKER_NAME_HEADER: name}
        body = None
        if fields is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(fields).encode()
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            problem = self.problem(response, status, location, contains, lacks)
            if problem is None:
                response.success()
                return response
            response.failure(WrongAnswer(f"{method} {path}: {problem}"))
            return None

    @staticmethod
    def problem(response, status, location, contains, lacks) -> str | None:
        content = response.content or b""
        got = response.status_code
        where = urlsplit(response.headers.get("Location", "") or "").path if got == 302 else ""
        if got != status:
            snippet = content[:ERROR_SNIPPET].decode("utf-8", "replace")
            error = getattr(response, "error", None)
            detail = f" ({type(error).__name__}: {error})" if got == 0 and error else ""
            return f"{got}{detail} {where!r} {snippet!r}"
        if location and where != location:
            return f"{got} to {where!r}, not to {location!r}"
        if contains and contains not in content:
            return f"{got} but without {contains!r} (wrong answer)"
        if lacks and lacks in content:
            return f"{got} but with {lacks!r} (wrong answer)"
        return None

    def csrf_token(self, response) -> str:
        found = CSRF_INPUT.search(response.content or b"")
        if found is None:
            raise WrongAnswer(f"no CSRF token in {response.url}")
        return found.group(1).decode()

    def new_browser(self) -> None:
        """Forget every cookie: the next request comes from someone else."""
        self.client.cookiejar.clear()

    def has_cookie(self, name: str) -> bool:
        return any(cookie.name == name for cookie in self.client.cookiejar)

    # -- forms --------------------------------------------------------------------------------

    def coach(self) -> dict[str, str]:
        """A coach among ``COACHES`` and a seat on it."""
        number = self.random.randrange(COACHES)
        return {
            "vehicle_plate": f"25B-{900 + number // 100:03d}.{number % 100:02d}",
            "seat": str(self.random.randint(1, SEATS)),
        }

    def new_declaration(self, token: str, form_token: str) -> dict[str, str]:
        """A valid declaration by a new person, travelling today, named and living as someone of
        the database (``bench/load.py`` draws them: ``newcomer_inputs``)."""
        digits = "".join(self.random.choices("0123456789", k=9))
        return {
            "csrfmiddlewaretoken": token,
            "form_token": form_token,
            **NEW_PERSON_FIELDS,
            **JOURNEY_FIELDS,
            **self.coach(),
            **self.random.choice(self.inputs["newcomers"]),
            "birth_year": str(self.random.randint(1940, 2005)),
            "id_number": f"001{digits}",
            "phone": f"09{digits[:8]}",
            "travel_date": datetime.now(SITE_TZ).date().isoformat(),
        }

    def declare(self, path: str, fields: dict[str, str], name: str) -> str | None:
        """POST a declaration; the success page's path when it was accepted."""
        form_token = fields["form_token"]
        response = self.fetch(
            "POST",
            path,
            name,
            fields=fields,
            status=302,
            location=f"/khai-bao/xong/{form_token}/",
        )
        return None if response is None else f"/khai-bao/xong/{form_token}/"

    def log_in(self, username: str, password: str) -> None:
        """Log in through the form, once. A failure stops every later login of the run, so that
        the lockout (after repeated failures) cannot spread to the other users."""
        if LoginGuard.failed:
            raise StopUser
        page = self.fetch("GET", LOGIN_PATH, "staff: login form")
        if page is not None:
            fields = {"csrfmiddlewaretoken": self.csrf_token(page), "username": username}
            fields["password"] = password
            done = self.fetch("POST", LOGIN_PATH, "staff: log in (POST)", fields=fields, status=302)
            if done is not None and self.has_cookie("sessionid"):
                LoginGuard.done += 1
                return
        LoginGuard.failed = True
        raise StopUser


class LoginGuard:
    failed = False
    done = 0  # staff logged in, in this process


# -- the baselines and the declarations at full speed ---------------------------------------------


class TrivialUser(SiteUser):
    """The trivial page: the privacy notice, a static template."""

    @task
    def trivial(self) -> None:
        self.fetch("GET", TRIVIAL_PATH, "trivial page")


class FormUser(SiteUser):
    """Opens the declaration form once for its CSRF cookie and token, then POSTs in a loop."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        page = self.fetch("GET", FORM_PATH, "declaration form (once)")
        if page is None:
            raise StopUser
        self.token = self.csrf_token(page)


class BaselineUser(FormUser):
    @task
    def insert(self) -> None:
        payload = f"baseline {uuid.uuid4()}"
        fields = {"csrfmiddlewaretoken": self.token, "payload": payload}
        self.fetch("POST", BASELINE_PATH, BASELINE_POST, fields=fields, status=302)


class DeclareOnlyUser(FormUser):
    @task
    def declare_only(self) -> None:
        fields = self.new_declaration(self.token, str(uuid.uuid4()))
        self.declare(FORM_PATH, fields, "declaration (POST)")


# -- the realistic mix: citizens ------------------------------------------------------------------


class CitizenDeclaring(SiteUser):
    """Someone new: opens the form, declares, sees the success page with their code."""

    @task
    def declare_journey(self) -> None:
        self.new_browser()
        page = self.fetch("GET", FORM_PATH, "citizen: declaration form")
        if page is None:
            return
        token = self.csrf_token(page)
        fields = self.new_declaration(token, str(uuid.uuid4()))
        if self.random.random() < MISTAKE_SHARE:
            mistyped = {**fields, "phone": fields["phone"][:6]}
            sent_back = self.fetch(
                "POST", FORM_PATH, "citizen: form sent back (POST)", fields=mistyped, **SENT_BACK
            )
            if sent_back is None:
                return
        success = self.declare(FORM_PATH, fields, "citizen: declare (POST)")
        if success is not None:
            self.fetch("GET", success, "citizen: success page", contains=SUCCESS_MARK)


class CitizenLookingUp(SiteUser):
    """Someone who declared: types their code and phone digits, sees their declarations."""

    def look_up(self, person: dict) -> bool:
        self.new_browser()
        page = self.fetch("GET", LOOKUP_PATH, "citizen: lookup form")
        if page is None:
            return False
        typed = person["code"] if self.random.random() < 0.5 else person["code_typed"]
        fields = {
            "csrfmiddlewaretoken": self.csrf_token(page),
            "code": typed,
            "phone_last4": person["phone"][-4:],
        }
        done = self.fetch(
            "POST",
            LOOKUP_PATH,
            "citizen: look up (POST)",
            fields=fields,
            status=302,
            location=MY_DECLARATIONS_PATH,
        )
        if done is None:
            return False
        mine = self.fetch(
            "GET",
            MY_DECLARATIONS_PATH,
            "citizen: my declarations",
            contains=person["full_name"].encode(),
        )
        return mine is not None

    @task
    def look_up_journey(self) -> None:
        self.look_up(self.random.choice(self.inputs["people"]))


class CitizenUpdating(CitizenLookingUp):
    """Someone who declared: looks up, then declares a new journey from the update form."""

    @task
    def look_up_journey(self) -> None:
        person = self.random.choice(self.inputs["people"])
        if not self.look_up(person):
            return
        page = self.fetch(
            "GET", UPDATE_PATH, "citizen: update form", contains=person["full_name"].encode()
        )
        if page is None:
            return
        token = self.csrf_token(page)
        fields = {
            "csrfmiddlewaretoken": token,
            "form_token": str(uuid.uuid4()),
            **JOURNEY_FIELDS,
            **self.coach(),
            **person["fields"],
            "travel_date": datetime.now(SITE_TZ).date().isoformat(),
        }
        success = self.declare(UPDATE_PATH, fields, "citizen: update (POST)")
        if success is not None:
            self.fetch("GET", success, "citizen: success page", contains=SUCCESS_MARK)


# -- the realistic mix: staff ---------------------------------------------------------------------


class StaffUser(SiteUser):
    abstract = True
    account = ""  # the plan's key of the account

    def on_start(self) -> None:
        super().on_start()
        username, password = plan()["accounts"][self.account]
        self.log_in(username, password)

    def probe(self, probe: dict, name: str):
        """GET one of the inputs drawn by bench/load.py, checked as bench/desk.py checks it."""
        return self.fetch(
            "GET",
            probe["path"],
            name,
            status=probe["status"],
            location=probe["location"],
            contains=probe["contains"].encode(),
            lacks=probe["lacks"].encode(),
        )


class StaffTrivialUser(StaffUser):
    """The trivial page again, for a logged-in officer: what every staff page pays before its
    own work (the session, the account, the staff menu), measured beside the anonymous one."""

    account = "officer"

    @task
    def trivial(self) -> None:
        self.fetch("GET", TRIVIAL_PATH, "trivial page, logged in")


class Officer(StaffUser):
    """A checkpoint officer at the desk: searches, and opens the person found."""

    account = "officer"
    searches = (  # (the plan's input kind, the row's name, share of the searches)
        ("code", "officer: search by code", 35),
        ("phone", "officer: search by phone", 25),
        ("id_number", "officer: search by ID number", 10),
        ("common_name", "officer: search by name", 15),
        ("rare_name", "officer: search by name", 15),
    )

    @task
    def search_and_open(self) -> None:
        kind, name, _share = self.random.choices(
            self.searches, weights=[share for *_rest, share in self.searches]
        )[0]
        probe = self.random.choice(self.inputs["desk"][kind])
        page = self.probe(probe, name)
        if page is None:
            return
        searched = PERSON_LINK.fullmatch(probe["contains"].encode())
        if probe["status"] == 302:
            person = probe["location"]
        elif searched:
            person = searched.group(1).decode()  # the person searched for
        else:
            found = PERSON_LINK.findall(page.content or b"")
            person = self.random.choice(found).decode() if found else None
        if person:
            code = person.split("/")[2]
            contains = f"{code[:4]}-{code[4:]}".encode()
            self.fetch("GET", person, "officer: person page", contains=contains)


class HealthStaff(StaffUser):
    """A provincial health worker: the risk list, and a person's follow-up opened from it."""

    account = "health"
    inputs_key = "risk"  # the plan's inputs of this worker's lists
    lists = (  # (the plan's input kind, the row's name, share of the lists)
        ("all", "health: risk list", 45),
        ("district", "health: risk list, a district", 20),
        ("overdue", "health: risk list, overdue", 15),
        ("later_page", "health: risk list, page 2+", 20),
    )
    follow_up = "health: follow-up"
    open_share = 0.7  # lists after which a follow-up is opened (when the list shows someone)

    @task
    def risk_list(self) -> None:
        kind, name, _share = self.random.choices(
            self.lists, weights=[share for *_rest, share in self.lists]
        )[0]
        page = self.probe(self.random.choice(self.inputs[self.inputs_key][kind]), name)
        if page is None or self.random.random() >= self.open_share:
            return
        found = FOLLOW_UP_LINK.findall(page.content or b"")
        if found:
            link = html.unescape(self.random.choice(found).decode())
            self.fetch("GET", link, self.follow_up, contains=FOLLOW_UP_MARK)


class DistrictHealthStaff(HealthStaff):
    """A district health centre's worker: their district's risk list, and follow-ups from it."""

    account = "health_district"
    inputs_key = "risk_district"
    lists = (
        ("all", "district health: risk list", 50),
        ("overdue", "district health: risk list, overdue", 20),
        ("later_page", "district health: risk list, page 2+", 30),
    )
    follow_up = "district health: follow-up"


class Leader(StaffUser):
    """A leader reading the report: the last 14 days (the default), 30 days, or yesterday."""

    account = "leader"

    @task
    def report(self) -> None:
        today = datetime.now(SITE_TZ).date()
        roll = self.random.random()
        if roll < 0.6:
            query = ""
        elif roll < 0.85:
            query = "?" + urlencode({"start": today - timedelta(days=29), "end": today})
        else:
            query = "?" + urlencode({"day": today - timedelta(days=1)})
        self.fetch("GET", f"{REPORT_PATH}{query}", "leader: report", contains=b"<table")


USER_CLASSES = {
    cls.__name__: cls
    for cls in (
        TrivialUser,
        BaselineUser,
        DeclareOnlyUser,
        CitizenDeclaring,
        CitizenLookingUp,
        CitizenUpdating,
        Officer,
        HealthStaff,
        DistrictHealthStaff,
        Leader,
        StaffTrivialUser,
    )
}


# -- recording ------------------------------------------------------------------------------------


class Bucket:
    """What the requests of one stretch of a phase (warm-up, measured window, stop) gave."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}  # ms, right answers only
        self.failures: Counter[str] = Counter()
        self.errors: dict[str, Counter[str]] = {}

    def record(self, name: str, response_time: float, exception) -> None:
        if exception is None:
            self.times.setdefault(name, []).append(response_time)
            return
        self.failures[name] += 1
        kinds = self.errors.setdefault(name, Counter())
        text = str(exception)[: ERROR_SNIPPET + 100]
        if text in kinds or len(kinds) < ERROR_KINDS:
            kinds[text] += 1

    def accepted(self, name: str) -> int:
        return len(self.times.get(name, []))

    def summary(self, elapsed: float | None = None) -> dict:
        names = sorted(set(self.times) | set(self.failures))
        rows = []
        for name in names:
            times = sorted(self.times.get(name, []))
            row = {
                "name": name,
                "ok": len(times),
                "errors": self.failures[name],
                "p50": percentile_of(times, 0.50),
                "p95": percentile_of(times, 0.95),
                "p99": percentile_of(times, 0.99),
                "mean": sum(times) / len(times) if times else None,
            }
            if elapsed:
                row["rate"] = len(times) / elapsed
            rows.append(row)
        errors = {name: dict(kinds.most_common()) for name, kinds in self.errors.items()}
        return {"rows": rows, "errors": errors}


def percentile_of(ordered: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of sorted values (``common.percentile``), None for none."""
    return percentile(ordered, fraction) if ordered else None


class Recorder:
    def __init__(self) -> None:
        self.bucket = Bucket()

    def on_request(self, name, response_time, exception, **_kwargs) -> None:
        self.bucket.record(name, response_time, exception)


# -- the phases -----------------------------------------------------------------------------------


def wait_time_of(spec: dict):
    if spec["kind"] == "between":
        return between(spec["min"], spec["max"])
    if spec["kind"] == "pacing":
        return constant_pacing(spec["seconds"])
    return constant(0)


def user_classes(phase: dict) -> list[type]:
    """The phase's user classes, with its weights, fixed counts and think times."""
    classes = []
    for spec in phase["users"]:
        cls = USER_CLASSES[spec["class"]]
        cls.weight = spec.get("weight", 1)
        cls.fixed_count = spec.get("fixed_count", 0)
        cls.wait_time = wait_time_of(spec["wait"])
        classes.append(cls)
    return classes


def run_phase(host: str, phase: dict) -> dict:
    print(
        f"phase {phase['title']}: {phase['user_count']} users, warm-up {phase['warmup']:g} s, "
        f"measured {phase['seconds']:g} s",
        flush=True,
    )
    env = Environment(
        user_classes=user_classes(phase),
        host=host,
        stop_timeout=HTTP_TIMEOUT + 5,
        catch_exceptions=True,
    )
    recorder = Recorder()
    env.events.request.add_listener(recorder.on_request)
    LoginGuard.done = 0
    runner = env.create_local_runner()
    runner.start(phase["user_count"], spawn_rate=phase["spawn_rate"])
    started = time.monotonic()
    while time.monotonic() - started < SPAWN_TIMEOUT and not (
        runner.state == STATE_RUNNING and LoginGuard.done >= staff_count(runner)
    ):
        if LoginGuard.failed:
            break
        gevent.sleep(0.1)
    gevent.sleep(phase["warmup"])
    warm, recorder.bucket = recorder.bucket, Bucket()

    cpu = CpuMeter(plan()["server"])
    access_log = Path(plan()["server"]["access_log"])
    log_start = access_log.stat().st_size
    window_start = time.monotonic()
    gevent.sleep(phase["seconds"])
    elapsed = time.monotonic() - window_start
    measured, recorder.bucket = recorder.bucket, Bucket()
    cpu_use = cpu.percent(elapsed)
    in_worker = worker_times(access_log, log_start, access_log.stat().st_size)
    users = dict(runner.user_classes_count)

    runner.stop()  # each user finishes the task it is in (up to stop_timeout)
    runner.quit()
    stopping = recorder.bucket
    errors = runner.exceptions.values()
    writes = {
        name: sum(bucket.accepted(name) for bucket in (warm, measured, stopping))
        for name in (*DECLARATION_POSTS, BASELINE_POST)
    }
    return {
        "title": phase["title"],
        "key": phase["key"],
        "users": users,
        "elapsed": elapsed,
        "measured": measured.summary(elapsed),
        "in_worker": {
            name: {"p50": percentile_of(times, 0.50), "p95": percentile_of(times, 0.95)}
            for name, times in in_worker.items()
        },
        "warmup": warm.summary(),
        "stopping": stopping.summary(),
        "exceptions": [f"{error['count']}x {error['msg']}" for error in errors],
        "exception_count": sum(error["count"] for error in errors),
        "writes": writes,
        "cpu": cpu_use,
        "login_failed": LoginGuard.failed,
    }


def staff_count(runner) -> int:
    counts = runner.user_classes_count
    staff = (Officer, HealthStaff, DistrictHealthStaff, Leader)
    return sum(counts.get(cls.__name__, 0) for cls in staff)


class CpuMeter:
    """CPU time used during the measured window, in % of one core: by the whole machine, by
    gunicorn (master and workers), by this database's PostgreSQL backends, by locust itself.

    A backend that ended during the window is missed (the site keeps its connections 60 s)."""

    def __init__(self, server: dict) -> None:
        self.server = server
        self.locust = psutil.Process()
        psutil.cpu_percent(interval=None)
        self.before = self.sample()

    def processes(self) -> dict[str, list]:
        found: dict[str, list] = {"gunicorn": [], "postgres": []}
        with contextlib.suppress(psutil.Error):
            master = psutil.Process(self.server["gunicorn_pid"])
            found["gunicorn"] = [master, *master.children(recursive=True)]
        marker = f" {self.server['database']} "
        for process in psutil.process_iter(["cmdline"]):
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith("postgres:") and marker in title:
                found["postgres"].append(process)
        return found

    def sample(self) -> dict[str, dict[int, float]]:
        times: dict[str, dict[int, float]] = {}
        for group, processes in self.processes().items():
            times[group] = {}
            for process in processes:
                with contextlib.suppress(psutil.Error):  # ended meanwhile
                    times[group][process.pid] = sum(process.cpu_times()[:2])
        times["locust"] = {self.locust.pid: sum(self.locust.cpu_times()[:2])}
        return times

    def percent(self, elapsed: float) -> dict[str, float]:
        machine = psutil.cpu_percent(interval=None) * psutil.cpu_count()
        after = self.sample()
        use = {"machine": machine, "cores": psutil.cpu_count()}
        for group, times in after.items():
            before = self.before.get(group, {})
            spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in times.items())
            use[group] = 100 * spent / elapsed
        return use


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit("usage: locustfile.py PLAN.json RESULTS.json (bench/load.py runs it)")
    _plan.update(json.loads(Path(sys.argv[1]).read_text()))
    setup_logging("WARNING")
    results = {"started": date.today().isoformat(), "phases": []}
    for phase in _plan["phases"]:
        if _plan.get("vacuum_before_phases"):  # autovacuum's stand-in (bench/load.py)
            seconds = vacuum_busy_tables(Database.from_url(_plan["vacuum_before_phases"]))
            print(f"VACUUM (ANALYZE) of the busy tables: {seconds:.1f} s", flush=True)
        results["phases"].append(run_phase(_plan["host"], phase))
        Path(sys.argv[2]).write_text(json.dumps(results))
        if LoginGuard.failed:
            print("a staff login failed: the run stops here", flush=True)
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
