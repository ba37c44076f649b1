"""Redis stops and starts again under a running site (truyvet.cache): meanwhile citizens declare
and staff work, the look-up is paused (503) and /healthz says so with a 200; once Redis is back,
the look-up works again and nothing the site wrote meanwhile is read back from before the outage:
a staff member who logged out then stays logged out.

One worker: each worker mends the keys it wrote itself, at its first command once Redis answers.
"""

import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from declarations.models import Declaration
from tests.conftest import REDIS_TEST_URL, needs_redis
from tests.reliability.conftest import needs_postgresql
from tests.reliability.dbproxy import DatabaseProxy
from tests.reliability.site import CSRF_INPUT, HOST, Phone, Site, request
from tests.reliability.test_database_outage import staff_session_cookie
from truyvet.cache import Outage

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

LOOKUP_PAUSED = "Việc tra cứu tờ khai tạm dừng trong vài phút."
RISK_LIST = "/y-te/"


@pytest.fixture
def redis_proxy():
    needs_redis()
    host, port = re.match(r"redis://([^:/]+):(\d+)/", REDIS_TEST_URL).groups()
    proxy = DatabaseProxy(host, int(port)).start()
    yield proxy
    proxy.stop()


def look_up(site: Site, phone: Phone, code: str, last4: str):
    body = urlencode({"csrfmiddlewaretoken": phone.csrf_token, "code": code, "phone_last4": last4})
    headers = {"Cookie": phone.cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return request(site.port, "POST", "/tra-cuu/", body=body, headers=headers)


def log_out(site: Site, session_cookie: str):
    """Log out as the staff page's button does (its CSRF cookie and token)."""
    page = site.get(RISK_LIST, cookie=session_cookie)
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    cookie = f"{session_cookie}; csrftoken={cookies['csrftoken'].value}"
    body = urlencode({"csrfmiddlewaretoken": CSRF_INPUT.search(page.text).group(1)})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    return request(site.port, "POST", "/dang-xuat/", body=body, headers=headers)


def test_while_redis_is_stopped_the_site_serves_and_mends_what_it_wrote_once_it_is_back(
    start_site, redis_proxy, health_worker, citizen
):
    database = REDIS_TEST_URL.rsplit("/", 1)[1]
    site = start_site(workers=1, redis_url=f"redis://{HOST}:{redis_proxy.port}/{database}")
    staff = staff_session_cookie(health_worker)
    phone = Phone(site.port)
    phone.open_form()
    assert site.get(RISK_LIST, cookie=staff).status == 200  # the session, now kept in Redis
    assert look_up(site, phone, citizen.display_code, "4321").status == 302

    redis_proxy.stop()

    healthz = site.get("/healthz")
    assert (healthz.status, healthz.text) == (200, "ok\ncache unavailable\n")
    phone.next_form()
    phone.declare(1, read_code=False)  # accepted: its success page's address came back
    assert Declaration.objects.filter(submission_token=phone.form_token).exists()
    paused = look_up(site, phone, citizen.display_code, "4321")
    assert (paused.status, paused.headers["Retry-After"]) == (503, "60")
    assert LOOKUP_PAUSED in paused.text
    assert site.get(RISK_LIST, cookie=staff).status == 200  # the session, from the database
    assert log_out(site, staff).status == 302

    redis_proxy.start()
    time.sleep(Outage.RETRY_SECONDS)

    assert site.get("/healthz").text == "ok\n"
    back = site.get(RISK_LIST, cookie=staff)
    assert (back.status, back.location) == (
        302,
        resolve_url(settings.LOGIN_URL),
    )  # logged out it stays
    assert look_up(site, phone, citizen.display_code, "4321").status == 302
