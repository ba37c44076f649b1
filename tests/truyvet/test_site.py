from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from truyvet import env


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute") as execute:
        execute.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503


def test_pages_are_in_vietnamese_by_default(client, places):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Khai báo" in response.content.decode()


def test_the_language_switch_turns_the_site_to_english(client, places):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/khai-bao/"})
    assert response["Location"] == "/khai-bao/"
    page = client.get("/khai-bao/")
    assert page["Content-Language"] == "en"
    assert "Health declaration form" in page.content.decode()


def test_the_privacy_notice_states_the_retention(client, places, settings):
    settings.RETENTION_DAYS = 21
    html = client.get("/quyen-rieng-tu/").content.decode()
    assert "21" in html


def test_unknown_pages_get_a_friendly_404(client, places):
    response = client.get("/khong-co/")
    assert response.status_code == 404
    assert "Truy Vết" in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_common_words(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", default=not expected) is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG", default=False)


def test_env_int_refuses_nonsense_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("X_DAYS", "thirty")
    with pytest.raises(ImproperlyConfigured, match="X_DAYS"):
        env.env_int("X_DAYS", default=30)
    monkeypatch.setenv("X_DAYS", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("X_DAYS", default=30, minimum=1)


@pytest.mark.parametrize("raw", ["30/15m", "10/10m", "30/d", "5/h", "100/s"])
def test_env_rate_reads_django_ratelimits_rates(monkeypatch, raw):
    monkeypatch.setenv("X_RATE", raw)
    assert env.env_rate("X_RATE", default="1/m") == raw


@pytest.mark.parametrize("raw", ["thirty", "30", "30/15", "30/15 minutes", "0/m", "30/0m", "/m"])
def test_env_rate_refuses_what_django_ratelimit_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("X_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="X_RATE must be a count and a window"):
        env.env_rate("X_RATE", default="1/m")


def test_settings_refuse_to_start_without_a_secret_when_debug_is_off():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "truyvet.settings", "DEBUG": "0", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_audit_log_is_never_kept_shorter_than_the_data_it_accounts_for():
    import subprocess
    import sys

    environment = {"DJANGO_SETTINGS_MODULE": "truyvet.settings", "DEBUG": "1", "PATH": ""}
    environment |= {"RETENTION_DAYS": "60", "AUDIT_RETENTION_DAYS": "30"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be at least 60; got 30." in result.stderr


def test_an_expired_form_gets_a_friendly_page_not_an_error(places):
    from django.test import Client

    from tests.conftest import form_data

    client = Client(enforce_csrf_checks=True)
    response = client.post("/khai-bao/", form_data())
    assert response.status_code == 403
    assert "Truy Vết" in response.content.decode()


def test_manage_py_works_without_any_environment(tmp_path):
    """A newcomer's `python manage.py ...` needs no variables: it assumes development."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "check"],
        env={"PATH": "", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
