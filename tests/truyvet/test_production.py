"""Production: `check --deploy` is clean with the documented settings, every response carries the
security headers, no page needs what the Content-Security-Policy forbids, and logs are JSON lines
without query strings, gunicorn's included."""

import importlib
import json
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver

from tests.reliability.site import free_port
from truyvet.logs import JsonLineFormatter

ROOT = Path(__file__).resolve().parents[2]
CSP = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# What a strict CSP blocks in a page: inline scripts (a JSON data block is not run), event
# handler attributes, inline styles, javascript: links.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I)
JS_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def production_environment(**changes: str) -> dict[str, str]:
    """deploy/env.example, which docs/deploy.md installs as /etc/truyvet/env, with a real secret."""
    env = {}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {"PATH": os.environ.get("PATH", ""), **env, **changes}


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources} (its order does not matter)."""
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: sources for name, sources in directives}


def run_python(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


# -- check --deploy and the production settings -------------------------------------------------


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = production_environment(HOME=str(tmp_path))
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_a_site_on_plain_http(tmp_path):
    """The check above is not vacuous: the same settings without HTTPS fail it."""
    env = production_environment(HOME=str(tmp_path), SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0")
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "secure_cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE],
    "http_only": [s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY],
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "redirect_exempt": s.SECURE_REDIRECT_EXEMPT,
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "proxy_ssl_header": s.SECURE_PROXY_SSL_HEADER,
    "static_storage": s.STORAGES["staticfiles"]["BACKEND"],
    "cache": s.CACHES["default"]["BACKEND"],
    "log_format": s.LOG_FORMAT,
    "databases": sorted(s.DATABASES), "routers": s.DATABASE_ROUTERS,
}))
"""


def production_settings(tmp_path, **changes: str) -> dict:
    env = production_environment(HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="truyvet.settings")
    result = run_python("-c", PRINT_SETTINGS, env=env | changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_documented_production_settings_are_secure(tmp_path):
    values = production_settings(tmp_path)
    assert values["secure_cookies"] == [True, True, True]
    assert values["http_only"] == [True, True]
    assert values["ssl_redirect"] is True
    assert values["redirect_exempt"] == ["^healthz$"]
    assert values["hsts"] == [31_536_000, True, False]
    assert values["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["cache"] == "truyvet.cache.ReusingRedisCache"
    assert values["log_format"] == "json"
    assert values["databases"] == ["default"] and values["routers"] == []


def test_a_replica_url_adds_the_replica_and_its_router(tmp_path):
    url = "postgres://truyvet:secret@10.0.0.21:5432/truyvet"
    values = production_settings(tmp_path, DATABASE_REPLICA_URL=url)
    assert values["databases"] == ["default", "replica"]
    assert values["routers"] == ["truyvet.db_router.ReplicaRouter"]


# -- headers --------------------------------------------------------------------------------------


def test_every_page_carries_the_security_headers(client, places):
    response = client.get("/")
    assert policy(response) == CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_carry_hsts_and_plain_http_ones_do_not(client, places):
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")


def test_error_pages_and_the_admin_carry_the_policy_too(client, places, administrator):
    assert policy(client.get("/khong-co/")) == CSP
    client.force_login(administrator)
    assert policy(client.get("/admin/")) == CSP


def test_plain_http_is_redirected_to_https_except_the_health_check(client, places, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/khai-bao/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/khai-bao/"
    assert client.get("/khai-bao/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get("/healthz").status_code == 200


# -- no page needs what the policy forbids --------------------------------------------------------


def blocked_by_csp(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE, JS_URL):
        found += pattern.findall(html)
    return found


def plain_paths(resolver=None, prefix: str = "") -> list[str]:
    """Every address of the site that takes no parameter, outside the admin and i18n."""
    paths = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver) and not route.startswith(("admin/", "i18n/")):
            paths += plain_paths(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
            paths.append("/" + route)
    return paths


def admin_paths() -> list[str]:
    paths = ["/admin/", "/admin/password_change/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths += [base, base + "add/"]
    return paths


def test_no_page_has_an_inline_script_style_or_handler(
    client, citizen, administrator, officer, facility_worker
):
    """Every page as the public, an officer, a facility's staff and an administrator see it, and
    the whole admin, holds nothing that the policy would block."""
    paths = plain_paths()
    assert {"/khai-bao/", "/chot/", "/bao-cao/", "/y-te/", "/co-so-y-te/"} <= set(paths)
    admin_pages = [*admin_paths(), f"/admin/auth/user/{officer.pk}/change/"]
    visits = [(None, paths), (officer, paths), (facility_worker, paths), (administrator, paths)]
    visits.append((administrator, [*admin_pages, f"/c/{citizen.lookup_code}/"]))
    offenders, seen = {}, 0
    for user, pages in visits:
        client.logout()
        if user:
            client.force_login(user)
        for path in pages:
            response = client.get(path)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                seen += 1
                offenders[(str(user), path)] = blocked_by_csp(response.content.decode())
    assert seen > 60
    assert {page: found for page, found in offenders.items() if found} == {}


def test_the_report_print_button_is_wired_by_site_js(client, leader):
    client.force_login(leader)
    html = client.get("/bao-cao/").content.decode()
    assert "data-print hidden" in html and "onclick" not in html


# -- logs -----------------------------------------------------------------------------------------


def json_line(record: logging.LogRecord) -> dict:
    return json.loads(JsonLineFormatter().format(record))


def test_django_log_records_become_json_lines_without_the_query_string(rf):
    request = rf.get("/chot/", {"q": "0912345678"})
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/chot/",), None
    )
    record.request, record.status_code = request, 404
    line = json_line(record)
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["message"] == "Not Found: /chot/"
    assert (line["method"], line["path"], line["status_code"]) == ("GET", "/chot/", 404)
    assert "0912345678" not in json.dumps(line)


def _gunicorn_settings(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("truyvet.gunicorn", None)  # its values are read from the environment on import
    module = importlib.import_module("truyvet.gunicorn")
    sys.modules.pop("truyvet.gunicorn", None)
    return module


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 2), (4, 4), (16, 16)])
def test_gunicorn_runs_a_worker_a_core_and_at_least_two_unless_told(monkeypatch, cores, workers):
    """The work is mostly CPU: more workers than cores only take turns on them. Never one alone,
    which a long export would hold."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert _gunicorn_settings(monkeypatch, GUNICORN_WORKERS="").workers == workers
    assert _gunicorn_settings(monkeypatch, GUNICORN_WORKERS="7").workers == 7


@pytest.mark.parametrize("name", ["GUNICORN_WORKERS", "GUNICORN_TIMEOUT"])
def test_gunicorn_names_a_bad_setting(monkeypatch, name):
    """gunicorn prints the error: the administrator learns which line of the settings to fix."""
    with pytest.raises(ImproperlyConfigured, match=f"{name} must be a whole number; got 'abc'"):
        _gunicorn_settings(monkeypatch, **{name: "abc"})
    with pytest.raises(ImproperlyConfigured, match=f"{name} must be at least 1"):
        _gunicorn_settings(monkeypatch, **{name: "0"})


def test_gunicorn_access_records_become_json_fields_without_the_query_string():
    atoms = {
        "h": "10.0.0.11", "m": "GET", "U": "/chot/", "q": "q=0912345678", "s": "200", "B": 5120,
        "M": 12, "r": "GET /chot/?q=0912345678 HTTP/1.1", "f": "https://x/chot/?q=0912345678",
        "{x-request-id}i": "abc123",
    }  # fmt: skip
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(m)s", atoms, None)
    line = json_line(record)
    assert line["message"] == "GET /chot/ 200"
    assert line["status"] == 200 and line["bytes"] == 5120 and line["duration_ms"] == 12
    assert line["remote_addr"] == "10.0.0.11" and line["request_id"] == "abc123"
    assert "0912345678" not in json.dumps(line)


def wait_for(url: str, server: subprocess.Popen) -> None:
    for _attempt in range(100):
        if server.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=10)  # noqa: S310 - our own local server
            return
        except OSError:  # not listening yet
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer")


def test_gunicorn_writes_json_lines_to_stdout_without_query_strings(tmp_path):
    """truyvet/gunicorn.py as production runs it: JSON access lines, and no search in them."""
    port = free_port()
    env = production_environment(
        HOME=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        ALLOWED_HOSTS="127.0.0.1",
    )  # HTTPS as in production: /healthz answers over plain HTTP all the same
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-c", "python:truyvet.gunicorn", "truyvet.wsgi"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?q=0912345678", timeout=5)
    finally:
        server.send_signal(signal.SIGTERM)
        output, errors = server.communicate(timeout=40)
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Listening at ..."
    assert access[-1]["message"] == "GET /healthz 200"
    assert "0912345678" not in output + errors


@pytest.mark.parametrize("path", ["/", "/q/unknown-token/", "/admin/login/", "/admin/"])
def test_every_page_names_the_site_icon_so_browsers_do_not_ask_for_favicon_ico(
    client, places, administrator, path
):
    if path == "/admin/":
        client.force_login(administrator)
    html = client.get(path).content.decode()
    assert re.search(
        r'<link rel="icon" href="/static/favicon[^"]*\.svg" type="image/svg\+xml">', html
    )


FROZEN_PROBE = """
import gc
frozen_before = gc.get_freeze_count()
from {module} import application
print(frozen_before, gc.get_freeze_count())
"""


@pytest.mark.parametrize("module", ["truyvet.wsgi", "bench.wsgi_bench"])
def test_a_worker_keeps_what_it_loaded_out_of_the_garbage_collectors_full_collections(module):
    env = dict(os.environ, DEBUG="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    probe = FROZEN_PROBE.format(module=module)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.split()
    assert before == "0"
    assert int(after) > 20_000  # the application, its models and its views
