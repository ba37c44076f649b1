"""The server errors hostile input found, one test each (the sweep of test_forms finds them too;
here each says what was wrong). Junk .xlsx files at the contact import: test_import_files."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

DAY_RANGE = "Choose a day between 01/01/2000 and 31/12/2099."


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.parametrize("page", ["²", "9" * 5_000])
def test_a_page_or_position_int_cannot_read_shows_the_first_page(world, page):
    """``"²".isdigit()`` is true, but ``int("²")`` fails; so does ``int`` of 5,000 digits. The
    desk and the risk list take positions, the duplicates a page number."""
    officer = as_user(world.users["officer"])
    assert officer.get("/chot/", {"q": "Lò", "sau": page}).status_code == 200
    assert officer.get("/chot/", {"q": "Lò", "truoc": f"{page}-{page}"}).status_code == 200
    health = as_user(world.users["health_worker"])
    assert health.get("/y-te/", {"sau": page}).status_code == 200
    assert health.get("/y-te/", {"truoc": f"{page}-{page}"}).status_code == 200
    assert health.get("/y-te/trung-lap/", {"page": page}).status_code == 200


def test_an_id_int_cannot_read_is_no_id(world, checkpoint, facility):
    admin = as_user(world.users["administrator"])
    assert admin.get("/chot/bang/", {"chot": "²"}).status_code == 200
    assert admin.get("/co-so-y-te/", {"co_so": "²"}).status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_days_at_the_ends_of_the_calendar_are_refused(world, day):
    """A day is added to them, or a time zone applied: they overflowed."""
    transport = as_user(world.users["transport_officer"])
    findings = transport.get("/giao-thong/phat-hien/", {"start": day, "end": day})
    assert DAY_RANGE in findings.context["form"].errors["start"]
    health = as_user(world.users["health_worker"])
    risk_list = health.get("/y-te/", {"tu_ngay": day, "den_ngay": day})
    assert DAY_RANGE in risk_list.context["form"].errors["den_ngay"]


def test_a_case_cannot_be_confirmed_in_year_one(world):
    """It would be stored; the retention job would then rebuild the counts of 2,000 years."""
    health = as_user(world.users["health_worker"])
    details = {"confirmed_on": "0001-01-01", "how_confirmed": "RT-PCR"}
    response = health.post(f"/y-te/ca-benh/moi/?ma={world.twins[0].lookup_code}", details)
    assert DAY_RANGE in response.context["form"].errors["confirmed_on"]


def test_a_qr_token_that_cannot_be_one_is_not_looked_up():
    """PostgreSQL refuses a NUL in a query: /q/%00/ was a server error there."""
    assert Client().get("/q/%00/").status_code == 404
    assert Client().get("/q/a%00b/").status_code == 404


def test_a_user_name_longer_than_any_is_refused_before_authenticating(officer):
    """It reached django-axes, whose record of the failure it did not fit (PostgreSQL)."""
    response = Client().post("/dang-nhap/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
