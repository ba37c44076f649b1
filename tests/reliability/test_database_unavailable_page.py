"""While the database cannot be reached, pages answer 503 with a friendly page, never 500."""

import logging
from unittest import mock

import pytest
from django.db import IntegrityError, InterfaceError, OperationalError

from tests.conftest import form_data

WAIT_AND_RETRY = "Vui lòng chờ vài phút rồi thử lại."  # "Please wait a few minutes and try again."
SOMETHING_WENT_WRONG = "Đã xảy ra lỗi"  # the 500 page
SESSION_STORE = "django.contrib.sessions.backends.cached_db.SessionStore"


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server at 127.0.0.1 failed: Connection refused"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_declaration_sent_while_the_database_is_away_gets_the_503_page(
    client, places, error, caplog
):
    with mock.patch("declarations.views.declaration_submit", side_effect=error):
        response = client.post("/khai-bao/", form_data())

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    assert WAIT_AND_RETRY in page
    assert SOMETHING_WENT_WRONG not in page
    assert ("truyvet.middleware", logging.ERROR) in [(r.name, r.levelno) for r in caplog.records]


def test_a_staff_page_whose_session_cannot_be_read_gets_the_503_page(client, officer):
    client.force_login(officer)
    # The session middleware reads the session again on the way out; that error too ends on
    # the 503 page, through handler500.
    client.raise_request_exception = False

    with mock.patch(f"{SESSION_STORE}.load", side_effect=OperationalError("server closed")):
        response = client.get("/chot/")

    page = response.content.decode()
    assert response.status_code == 503
    assert WAIT_AND_RETRY in page
    assert "staff-menu" not in page  # drawn as for a visitor: the user is in the database


def test_a_database_error_after_the_view_also_gets_the_503_page(client, officer):
    client.force_login(officer)
    client.raise_request_exception = False

    # Every staff request saves the session, after the view has answered.
    with mock.patch(f"{SESSION_STORE}.save", side_effect=OperationalError("server closed")):
        response = client.get("/chot/")

    assert response.status_code == 503
    assert WAIT_AND_RETRY in response.content.decode()


def test_the_503_page_falls_back_to_plain_text_if_drawing_it_needs_the_database(client, places):
    with (
        mock.patch("declarations.views.declaration_submit", side_effect=OperationalError),
        mock.patch("truyvet.views.render", side_effect=OperationalError),
    ):
        response = client.post("/khai-bao/", form_data())

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.content.decode().strip() == WAIT_AND_RETRY


def test_other_database_errors_are_still_server_errors(client, places):
    client.raise_request_exception = False

    with mock.patch("declarations.views.declaration_submit", side_effect=IntegrityError("bug")):
        response = client.post("/khai-bao/", form_data())

    assert response.status_code == 500
    assert SOMETHING_WENT_WRONG in response.content.decode()


def test_with_debug_on_the_error_goes_on_to_djangos_own_page(client, places, settings):
    settings.DEBUG = True

    with (
        mock.patch("declarations.views.declaration_submit", side_effect=OperationalError("x")),
        pytest.raises(OperationalError),
    ):
        client.post("/khai-bao/", form_data())
