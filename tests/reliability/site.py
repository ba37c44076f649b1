"""The site under gunicorn, and phones that fill in its declaration form, for the reliability tests.

Everything talks to 127.0.0.1 only, and every wait is bounded.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from tests.conftest import form_data

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
HTTP_TIMEOUT = 30  # seconds for one request
START_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
STOP_TIMEOUT = 20
RETRY_PAUSE = 0.2  # seconds before a phone sends again

FORM_PATH = "/khai-bao/"
SUCCESS_PATH = re.compile(r"^/khai-bao/xong/([0-9a-f-]{36})/$")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN_INPUT = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')
LOOKUP_CODE = re.compile(r'id="lookup-code">([0-9A-Z]{4})-([0-9A-Z]{4})<')

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Đỗ"]
GIVEN_NAMES = ["Hoà", "Minh", "An", "Lan", "Hùng", "Dũng", "Mai", "Tú", "Hạnh", "Sơn"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict, *, host: str | None = None, port: int | None = None) -> str:
    """A postgres:// URL for Django's connection settings (optionally through another port)."""
    user = quote(settings_dict["USER"] or "postgres", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}" if password else user
    host = host or settings_dict["HOST"] or HOST
    port = port or settings_dict["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


def site_environment(*, database_url: str, static_root: Path, secret_key: str) -> dict[str, str]:
    """Production-like: DEBUG off, persistent connections with health checks, no HTTPS."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reliability.site_settings",
        "RELIABILITY_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "SECRET_KEY": secret_key,
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
    }


def collect_static(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{done.stdout}{done.stderr}")


# -- the server -----------------------------------------------------------------------------------


class Site:
    """gunicorn with the project's configuration (truyvet/gunicorn.py): sync workers."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 4):
        self.env = env
        self.log = log
        self.workers = workers
        self.port = free_port()
        self.server: subprocess.Popen | None = None

    def start(self) -> "Site":
        command = [
            str(BIN / "gunicorn"),
            "--config",
            "python:truyvet.gunicorn",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "truyvet.wsgi:application",
        ]
        with self.log.open("w") as out:
            self.server = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.wait_until(lambda: self.get("/healthz").status == 200, START_TIMEOUT, "healthy")
        self.wait_until(lambda: len(self.worker_pids()) == self.workers, START_TIMEOUT, "up")
        return self

    def stop(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait(timeout=STOP_TIMEOUT)

    @property
    def master_pid(self) -> int:
        return self.server.pid

    def worker_pids(self) -> set[int]:
        """The master's children, read from /proc (gunicorn's master is single-threaded)."""
        pids = set()
        for children in Path(f"/proc/{self.master_pid}/task").glob("*/children"):
            try:
                pids |= {int(pid) for pid in children.read_text().split()}
            except OSError:
                continue
        return pids

    def worker_holding_port(self, local_port: int) -> int | None:
        """The worker whose TCP socket has this local port (say, its connection to the database)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                    inodes.add(f"socket:[{fields[9]}]")
        for pid in self.worker_pids():
            for fd in Path(f"/proc/{pid}/fd").glob("*"):
                try:
                    if os.readlink(fd) in inodes:
                        return pid
                except OSError:
                    continue
        return None

    def get(self, path: str, *, cookie: str = "") -> "Reply":
        return request(self.port, "GET", path, headers={"Cookie": cookie} if cookie else {})

    def wait_until(self, condition, timeout: float, what: str) -> float:
        """Poll ``condition`` until it holds; the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.server is not None and self.server.poll() is not None:
                break
            try:
                if condition():
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise AssertionError(f"the site did not become {what}; its log:\n{self.log_tail()}")

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:]


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


def request(port: int, method: str, path: str, *, body: str = "", headers=None) -> Reply:
    """One request on a fresh connection (sync workers close it after every answer anyway)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return Reply(response.status, response.msg, text)
    finally:
        connection.close()


# -- the clients ----------------------------------------------------------------------------------


def declaration_fields(number: int, form_token: str) -> dict[str, str]:
    """A valid declaration by person ``number``: a distinct ID number and phone for each."""
    return form_data(
        form_token=form_token,
        full_name=f"{FAMILY_NAMES[number % 10]} Thị {GIVEN_NAMES[number // 10 % 10]}",
        birth_year=str(1940 + number % 60),
        id_number=f"001{number:09d}",
        phone=f"09{number:08d}",
    )


class Phone:
    """One citizen's phone: the CSRF cookie, and the declaration form it has open.

    ``patience`` is how many times it sends a request that got no answer or a 5xx (the same
    request, so the same form token), as a person tapping "send" again would.
    """

    def __init__(self, port: int, *, patience: int = 1):
        self.port = port
        self.patience = patience
        self.cookie = ""
        self.csrf_token = ""
        self.form_token = ""
        self.retries = 0

    def open_form(self) -> None:
        reply = self._request("GET", FORM_PATH)
        cookies = SimpleCookie()
        for header in reply.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        if "csrftoken" in cookies:
            self.cookie = f"csrftoken={cookies['csrftoken'].value}"
        csrf_token = CSRF_INPUT.search(reply.text)
        form_token = FORM_TOKEN_INPUT.search(reply.text)
        if reply.status != 200 or not self.cookie or not csrf_token or not form_token:
            raise UnexpectedReply(f"GET {FORM_PATH}", reply)
        self.csrf_token, self.form_token = csrf_token.group(1), form_token.group(1)

    def next_form(self) -> None:
        """Start another declaration. A new form only brings a new token, a UUID4 the server
        does not remember, so the phone draws it instead of loading the (costly) page again."""
        self.form_token = str(uuid.uuid4())

    def send(self, fields: dict[str, str]) -> Reply:
        """POST the form, without following the redirect."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **fields})
        return self._request("POST", FORM_PATH, body=body, headers=headers)

    def declare(self, number: int, *, read_code: bool = True) -> "Sent":
        """Send declaration ``number`` on the open form and read the code on the success page
        (unless told not to: the page, with its QR, costs more than the declaration)."""
        fields = declaration_fields(number, self.form_token)
        reply = self.send(fields)
        if str(accepted_token(reply)) != self.form_token:
            raise UnexpectedReply(f"POST {FORM_PATH}", reply)
        code = self.read_code(reply) if read_code else ""
        return Sent(self.form_token, fields["id_number"], code)

    def read_code(self, success: Reply) -> str:
        """Follow a successful POST to the success page; the lookup code it shows (stored form)."""
        page = self._request("GET", success.location)
        code = LOOKUP_CODE.search(page.text)
        if page.status != 200 or code is None:
            raise UnexpectedReply(f"GET {success.location}", page)
        return code.group(1) + code.group(2)

    def _request(self, method: str, path: str, *, body: str = "", headers=None) -> Reply:
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        for attempt in range(1, self.patience + 1):
            try:
                reply = request(self.port, method, path, body=body, headers=headers)
            except (OSError, http.client.HTTPException):
                if attempt == self.patience:
                    raise
            else:
                if reply.status < 500 or attempt == self.patience:
                    return reply
            self.retries += 1
            time.sleep(RETRY_PAUSE)
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class Sent:
    """A declaration as the phone saw it accepted: its form token, the person's ID number, and
    the lookup code its success page showed ("" when the phone did not open that page)."""

    form_token: str
    id_number: str
    code: str


def accepted_token(reply: Reply) -> uuid.UUID | None:
    """The form token a POST was accepted under (its redirect to the success page), or None."""
    match = SUCCESS_PATH.match(reply.location)
    return uuid.UUID(match.group(1)) if reply.status == 302 and match else None


class UnexpectedReply(Exception):
    def __init__(self, what: str, reply: Reply):
        super().__init__(f"{what}: {reply.status} {reply.text[:300]!r}")
        self.reply = reply
