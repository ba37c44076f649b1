"""Every staff address of health-facility visits, for every persona: the answer each one gets."""

import pytest

from tests.conftest import make_staff

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "facility_worker",
    "other_facility_worker",
    "health_worker",
    "provincial_health_worker",
    "administrator",
    "officer",
    "operator",
    "transport_officer",
    "leader",
    "outsider",
]

# address -> {persona: expected status}; anyone not named gets 403. "login" means a redirect
# to the login page. Health staff without a facility, and the staff of another facility than
# the one asked for, get 404 (no hint that the address exists for others).
OWN = {
    "facility_worker": 200,
    "other_facility_worker": 200,
    "health_worker": 404,
    "provincial_health_worker": 404,
    "administrator": 200,
    "anonymous": LOGIN,
}
SCOPED = {**OWN, "other_facility_worker": 404}
EXPECTED = {
    ("get", "/co-so-y-te/"): OWN,
    ("get", "/co-so-y-te/khai-bao/"): OWN,
    ("get", "/co-so-y-te/?co_so={facility}&khoa=Khoa%20Nhi"): SCOPED,
    ("get", "/co-so-y-te/?co_so={other_facility}"): {
        **SCOPED,
        "facility_worker": 404,
        "other_facility_worker": 200,
    },
    ("get", "/co-so-y-te/khai-bao/?co_so={other_facility}"): {
        **SCOPED,
        "facility_worker": 404,
        "other_facility_worker": 200,
    },
    ("get", "/co-so-y-te/{facility}/poster/"): SCOPED,
    ("get", "/co-so-y-te/{facility}/qr.png"): SCOPED,
    ("get", "/co-so-y-te/{facility}/qr.svg"): SCOPED,
    ("get", "/co-so-y-te/{other_facility}/poster/"): {
        **SCOPED,
        "facility_worker": 404,
        "other_facility_worker": 200,
    },
    ("get", "/co-so-y-te/{other_facility}/qr.png"): {
        **SCOPED,
        "facility_worker": 404,
        "other_facility_worker": 200,
    },
    ("get", "/co-so-y-te/999999/poster/"): {**SCOPED, "facility_worker": 404, "administrator": 404},
    ("post", "/co-so-y-te/{facility}/doi-ma-qr/"): {
        **SCOPED,
        "facility_worker": 302,
        "administrator": 302,
    },
    ("post", "/co-so-y-te/{other_facility}/doi-ma-qr/"): {
        **SCOPED,
        "facility_worker": 404,
        "other_facility_worker": 302,
        "administrator": 302,
    },
}


@pytest.fixture
def other_facility_worker(other_facility):
    """Health staff of Tam Đường health centre, another facility."""
    return make_staff("centre", "health_staff", facility=other_facility)


def expected_status(expected: dict, persona: str):
    return expected.get(persona, 403)


CASES = [
    pytest.param(
        method, path, persona, expected_status(expected, persona), id=f"{method} {path} {persona}"
    )
    for (method, path), expected in EXPECTED.items()
    for persona in PERSONAS
]


@pytest.mark.parametrize(("method", "path", "persona", "status"), CASES)
def test_facility_address_answers(
    request, client, facility, other_facility, method, path, persona, status
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = path.format(facility=facility.pk, other_facility=other_facility.pk)
    response = client.post(url) if method == "post" else client.get(url)

    if status == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")
    else:
        assert response.status_code == status


def test_a_refused_qr_replacement_keeps_the_posters_valid(client, facility, leader, health_worker):
    token = facility.point.token
    for user in (leader, health_worker):
        client.force_login(user)
        client.post(f"/co-so-y-te/{facility.pk}/doi-ma-qr/")
    facility.point.refresh_from_db()
    assert facility.point.token == token


def test_replacing_the_qr_needs_a_post(client, facility, facility_worker):
    client.force_login(facility_worker)
    token = facility.point.token
    response = client.get(f"/co-so-y-te/{facility.pk}/doi-ma-qr/")
    assert (response.status_code, response.url) == (302, "/co-so-y-te/")  # the page above
    facility.point.refresh_from_db()
    assert facility.point.token == token


def test_an_unknown_qr_format_is_not_found(client, facility, facility_worker):
    client.force_login(facility_worker)
    assert client.get(f"/co-so-y-te/{facility.pk}/qr.gif").status_code == 404


def test_an_administrator_sees_the_first_facility_unless_they_choose(
    client, administrator, facility, other_facility
):
    client.force_login(administrator)
    assert client.get("/co-so-y-te/").context["facility"] == facility
    chosen = client.get(f"/co-so-y-te/?co_so={other_facility.pk}")
    assert chosen.context["facility"] == other_facility
    assert [f.name for f in chosen.context["facilities"]] == [facility.name, other_facility.name]


def test_an_administrator_with_no_facility_in_the_province_gets_404(client, administrator):
    client.force_login(administrator)
    assert client.get("/co-so-y-te/").status_code == 404


def test_facility_staff_get_no_choice_of_facility(client, facility_worker, other_facility):
    client.force_login(facility_worker)
    response = client.get("/co-so-y-te/")
    assert response.context["facilities"] == []
    assert other_facility.name not in response.content.decode()
