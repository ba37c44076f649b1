"""Every operator address, for every persona: operators reach only their company's vehicles."""

import pytest

from accounts.models import AuditEntry
from declarations.models import Person
from tests.conftest import make_staff
from tests.transport.test_declare_for_passengers import passenger

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "operator",
    "other_operator",
    "transport_officer",
    "administrator",
    "officer",
    "health_worker",
    "leader",
    "outsider",
]
SEES_ALL = {"transport_officer": 200, "administrator": 200, "anonymous": LOGIN}
NOT_FOUND = {
    "operator": 404,
    "other_operator": 404,
    "transport_officer": 404,
    "administrator": 404,
    "anonymous": LOGIN,
}

# address -> {persona: expected status}; "default" for the personas not named (else 403).
EXPECTED = {
    ("get", "/nha-xe/"): {"operator": 200, "other_operator": 200, **SEES_ALL},
    **{
        ("get", f"/nha-xe/xe/{{vehicle}}/{suffix}"): {
            "operator": 200,
            "other_operator": 404,
            **SEES_ALL,
        }
        for suffix in ("", "poster/", "qr.png", "qr.svg")
    },
    # Who travelled is the company's: the transport department sees vehicles, not passengers.
    **{
        ("get", f"/nha-xe/xe/{{vehicle}}/{suffix}"): {
            "operator": 200,
            "other_operator": 404,
            **SEES_ALL,
            "transport_officer": 403,
        }
        for suffix in (
            "hanh-khach/",
            "hanh-khach/?ngay=2020-01-01",
            "hanh-khach.xlsx",
            "khai-ho/",
        )
    },
    ("get", "/nha-xe/xe/{vehicle}/qr.gif"): NOT_FOUND,
    ("get", "/nha-xe/xe/999999/"): NOT_FOUND,
    ("post", "/nha-xe/xe/{vehicle}/khai-ho/"): {
        "operator": 302,
        "other_operator": 404,
        "transport_officer": 403,
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("post", "/nha-xe/xe/{vehicle}/doi-ma-qr/"): {
        "operator": 302,
        "other_operator": 404,
        "transport_officer": 302,
        "administrator": 302,
        "anonymous": LOGIN,
    },
}


def expected_status(expected: dict, persona: str):
    return expected.get(persona, expected.get("default", 403))


CASES = [
    pytest.param(
        method, path, persona, expected_status(expected, persona), id=f"{method} {path} {persona}"
    )
    for (method, path), expected in EXPECTED.items()
    for persona in PERSONAS
]


@pytest.mark.parametrize(("method", "path", "persona", "status"), CASES)
def test_operator_address_answers(request, client, vehicle, method, path, persona, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = path.format(vehicle=vehicle.pk)
    response = client.post(url, passenger()) if method == "post" else client.get(url)

    if status == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")
    else:
        assert response.status_code == status


@pytest.mark.parametrize("persona", ["other_operator", "leader", "outsider"])
def test_a_refused_declaration_or_qr_replacement_writes_nothing(request, client, vehicle, persona):
    client.force_login(request.getfixturevalue(persona))
    token = vehicle.point.token

    client.post(f"/nha-xe/xe/{vehicle.pk}/khai-ho/", passenger())
    client.post(f"/nha-xe/xe/{vehicle.pk}/doi-ma-qr/")

    vehicle.point.refresh_from_db()
    assert vehicle.point.token == token
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_qr_is_replaced_only_by_a_post(client, operator, vehicle):
    client.force_login(operator)
    token = vehicle.point.token
    response = client.get(f"/nha-xe/xe/{vehicle.pk}/doi-ma-qr/")
    assert (response.status_code, response.url) == (302, f"/nha-xe/xe/{vehicle.pk}/")
    vehicle.point.refresh_from_db()
    assert vehicle.point.token == token


def test_an_operator_without_a_company_sees_no_vehicle(client, vehicle, places):
    client.force_login(make_staff("newcomer", "operator"))

    assert client.get(f"/nha-xe/xe/{vehicle.pk}/").status_code == 404
    assert list(client.get("/nha-xe/").context["rows"]) == []
