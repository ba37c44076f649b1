"""Every staff address this issue adds, for every persona: the answer each one gets."""

import pytest

from checkpoints.models import Passage

LOGIN = "login"
PERSONAS = [
    "anonymous",
    "officer",
    "other_officer",
    "health_worker",
    "other_health_worker",
    "provincial_health_worker",
    "operator",
    "transport_officer",
    "leader",
    "administrator",
    "outsider",
]

# address -> {persona: expected status}; "login" means a redirect to the login page.
# A POST that succeeds redirects back to the person page (302).
EXPECTED = {
    ("get", "/chot/"): {
        "officer": 200,
        "other_officer": 200,
        "administrator": 200,
        "anonymous": LOGIN,
    },
    ("get", "/chot/bang/"): {
        "officer": 200,
        "other_officer": 200,
        "administrator": 200,
        "anonymous": LOGIN,
    },
    ("get", "/chot/bang/?chot={other_checkpoint}"): {
        "officer": 404,
        "other_officer": 200,
        "administrator": 200,
        "anonymous": LOGIN,
    },
    ("get", "/chot/khai-bao/"): {
        "officer": 200,
        "other_officer": 200,
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("get", "/c/{code}/"): {
        "officer": 200,
        "other_officer": 200,
        "administrator": 200,
        "anonymous": LOGIN,
        "health_worker": 200,
        "other_health_worker": 404,
        "provincial_health_worker": 200,
        "operator": 302,  # a crew's scan goes to its passenger check (/nha-xe/hanh-khach/)
    },
    ("get", "/c/ZZZZ-ZZZZ/"): {
        "officer": 404,
        "other_officer": 404,
        "administrator": 404,
        "anonymous": LOGIN,
        "health_worker": 404,
        "other_health_worker": 404,
        "provincial_health_worker": 404,
        "operator": 302,
    },
    ("post", "/c/{code}/qua-chot/"): {
        "officer": 302,
        "other_officer": 400,  # a passage at another officer's checkpoint is refused
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("post", "/c/{code}/yeu-cau-cap-nhat/"): {
        "officer": 302,
        "other_officer": 302,
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("post", "/c/{code}/nguy-co/"): {
        "officer": 302,
        "other_officer": 302,
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("get", "/c/{code}/khai-bao/"): {
        "officer": 200,
        "other_officer": 200,
        "administrator": 302,
        "anonymous": LOGIN,
    },
    ("get", "/nhan-vien/"): {
        "officer": 302,
        "other_officer": 302,
        "anonymous": LOGIN,
        "operator": 302,
        "transport_officer": 302,
        "health_worker": 302,
        "other_health_worker": 302,
        "provincial_health_worker": 302,
        "leader": 302,
        "default": 200,
    },
    ("get", "/doi-mat-khau/"): {"anonymous": LOGIN, "default": 200},
    ("get", "/admin/accounts/auditentry/"): {
        "administrator": 200,
        "anonymous": 302,
        "transport_officer": 403,
        "default": 302,
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
def test_staff_address_answers(
    request, client, citizen, other_checkpoint, checkpoint, method, path, persona, status
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = path.format(code=citizen.lookup_code, other_checkpoint=other_checkpoint.pk)
    data = {
        "checkpoint": checkpoint.pk,
        "direction": "in",
        "outcome": "allowed",
        "level": "high",
        "reason": "Sốt 38,5 độ",
    }
    response = client.post(url, data) if method == "post" else client.get(url)

    if status == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")
    else:
        assert response.status_code == status


def test_a_refused_post_writes_nothing(client, citizen, checkpoint, leader):
    client.force_login(leader)
    client.post(f"/c/{citizen.lookup_code}/qua-chot/", {"checkpoint": checkpoint.pk})
    assert not Passage.objects.exists()


def test_an_anonymous_scan_goes_to_login_and_back(client, citizen, officer):
    response = client.get(f"/c/{citizen.lookup_code}/")
    login_page = response["Location"]
    assert login_page == f"/dang-nhap/?next=/c/{citizen.lookup_code}/"
    response = client.post(login_page, {"username": "officer", "password": "correct-horse-battery"})
    assert response["Location"] == f"/c/{citizen.lookup_code}/"


def test_facility_staff_see_the_people_who_visited_their_facility(
    client, facility_worker, facility, other_facility, make_declaration
):
    visitor = make_declaration(point=facility.point, full_name="Bệnh Nhân").person
    elsewhere = make_declaration(point=other_facility.point, full_name="Nơi Khác").person
    client.force_login(facility_worker)
    assert client.get(f"/c/{visitor.lookup_code}/").status_code == 200
    assert client.get(f"/c/{elsewhere.lookup_code}/").status_code == 404


@pytest.fixture
def bus_check(checkpoint, officer, vehicle):
    """A bus checked at ``checkpoint`` by ``officer``."""
    from checkpoints.bus_checks import bus_check_record

    return bus_check_record(
        checkpoint=checkpoint,
        officer=officer,
        plate=vehicle.plate,
        vehicle=vehicle,
        on_board=[],
        on_list=0,
        undeclared=2,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("other_officer", 404), ("administrator", 200), ("health_worker", 403)],
)
def test_a_bus_check_is_read_at_its_checkpoint_and_by_administrators(
    request, client, bus_check, persona, status
):
    """An administrator reads any checkpoint's checks as they read any board: by their role,
    whether or not their account is also a superuser."""
    user = request.getfixturevalue(persona)
    user.is_superuser = False  # an administrator by the group alone
    user.save()
    client.force_login(user)
    assert client.get(f"/chot/kiem-tra-xe/{bus_check.pk}/").status_code == status
