"""The database stops and starts again under a running site: meanwhile the site answers 503 with a
friendly page (never 500), /healthz says 503, and it recovers by itself, without a restart."""

import pytest
from django.conf import settings
from django.test import Client

from declarations.models import Declaration
from tests.reliability.conftest import needs_postgresql
from tests.reliability.site import Phone, accepted_token, declaration_fields

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

WAIT_AND_RETRY = "Vui lòng chờ vài phút rồi thử lại."  # "Please wait a few minutes and try again."
SOMETHING_WENT_WRONG = "Đã xảy ra lỗi"  # the 500 page
# A desk search reads the database (the people, the audit entry). The blank desk does not: the
# officer's session and account come from the shared cache, so it may still answer.
DESK = "/chot/"
SEARCH = "/chot/?q=0912345678"
ROUNDS = 12  # requests of each kind per phase: every one of the 4 workers gets some


def test_while_the_database_is_stopped_the_site_answers_503_and_recovers_without_restart(
    start_site, database_proxy, officer
):
    site = start_site(workers=4, proxy=database_proxy)
    officer_cookie = staff_session_cookie(officer)
    phone = Phone(site.port)
    phone.open_form()
    fields = declaration_fields(1, phone.form_token)
    for _round in range(ROUNDS):  # every worker holds a persistent connection
        assert site.get("/healthz").status == 200
        assert site.get(SEARCH, cookie=officer_cookie).status == 200
    workers = site.worker_pids()

    assert database_proxy.stop() >= 1  # the database stops: its connections are cut

    for _round in range(ROUNDS):
        assert site.get("/healthz").status == 503
        for reply in (phone.send(fields), site.get(SEARCH, cookie=officer_cookie)):
            assert reply.status == 503
            assert reply.headers["Retry-After"] == "30"
            assert WAIT_AND_RETRY in reply.text
            assert SOMETHING_WENT_WRONG not in reply.text
        # Pages that do not need the database may still answer; none breaks.
        for path in ("/", "/khai-bao/", "/tra-cuu/", "/quyen-rieng-tu/"):
            assert site.get(path).status in (200, 503)
        assert site.get(DESK, cookie=officer_cookie).status in (200, 503)

    database_proxy.start()  # the database is back

    recovery = site.wait_until(lambda: site.get("/healthz").status == 200, 30, "healthy again")
    print(f"\nrecovered {recovery:.2f} s after the database came back")
    for _round in range(ROUNDS):
        assert site.get("/healthz").status == 200
        assert site.get(SEARCH, cookie=officer_cookie).status == 200
    reply = phone.send(fields)  # the phone sends the same form again
    assert str(accepted_token(reply)) == phone.form_token
    assert Declaration.objects.filter(submission_token=phone.form_token).count() == 1
    assert site.worker_pids() == workers  # no worker was restarted


def staff_session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
