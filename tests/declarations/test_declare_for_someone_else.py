"""A family travelling together declares one member after the other: "Declare for someone
else" opens the next form with the journey they share (date, from, to, means and plate, and
the QR point they declared at), the next person's identity and health answers blank."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from declarations.models import Person
from tests.conftest import (
    BA_DINH,
    HA_NOI,
    LAI_CHAU_CITY,
    PHUC_XA,
    QUYET_THANG,
    TAM_DUONG,
    TAM_DUONG_TOWN,
    form_data,
)

TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')
IDENTITY_AND_HEALTH = {
    "full_name": "",
    "birth_year": "",
    "sex": "",
    "id_number": "",
    "phone": "",
    "residence_address": "",
}


def declare_another_url(client, path: str = "/khai-bao/", **changes) -> str:
    response = client.post(path, form_data(**changes))
    assert response.status_code == 302
    return client.get(response["Location"]).context["declare_another_url"]


def shown(page, name: str) -> str:
    """What a field of the drawn form holds: an input's value, or a select's chosen option."""
    html = page.content.decode()
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if field:
        value = re.search(r'value="([^"]*)"', field.group(0))
        return value.group(1) if value else ""
    field = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert field, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', field.group(1))
    return chosen.group(1) if chosen else ""


def test_the_link_carries_the_shared_journey_and_nothing_of_the_person(client, places):
    url = declare_another_url(client)

    path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
    assert path == "/khai-bao/"
    assert query == {
        "travel_date": [timezone.localdate().isoformat()],
        "from_province": [HA_NOI],
        "from_district": [BA_DINH],
        "to_district": [LAI_CHAU_CITY],
        "to_commune": [QUYET_THANG],
        "transport": ["coach"],
        "vehicle_plate": ["25B-012.34"],
    }
    for personal in ("Ho%C3%A0", "Hoa", "0912", "345678", "001188012345", "Ph%C3%BAc", "seat"):
        assert personal not in url


def test_the_next_form_opens_with_the_journey_and_a_blank_identity_and_health(client, places):
    page = client.get(declare_another_url(client, symptoms="fever", exposures="confirmed_case"))

    assert shown(page, "travel_date") == timezone.localdate().isoformat()
    assert shown(page, "from_province") == HA_NOI
    assert shown(page, "from_district") == BA_DINH
    assert shown(page, "to_district") == LAI_CHAU_CITY
    assert shown(page, "to_commune") == QUYET_THANG
    assert shown(page, "transport") == "coach"
    assert shown(page, "vehicle_plate") == "25B-012.34"
    for name in ("full_name", "birth_year", "id_number", "phone", "seat", "to_address"):
        assert shown(page, name) == "", name
    html = page.content.decode()
    assert "Nguyễn Thị Hoà" not in html and "Trần Phú" not in html
    form = page.context["form"]
    assert not form["symptoms"].value() and not form["exposures"].value()


def test_the_next_member_declares_the_same_journey_with_a_code_of_their_own(client, places):
    url = declare_another_url(client, symptoms="fever")
    page = client.get(url)
    token = TOKEN.search(page.content.decode()).group(1)
    journey = {name: value for name, value in page.context["form"].initial.items()}

    response = client.post(
        url,
        {
            **journey,
            "travel_date": journey["travel_date"].isoformat(),
            "form_token": token,
            "full_name": "Nguyễn Văn Bình",
            "birth_year": "2015",
            "sex": "male",
            "nationality": "Việt Nam",
            "phone": "0912 345 678",
            "residence_province": HA_NOI,
            "residence_district": BA_DINH,
            "residence_commune": PHUC_XA,
            "vaccine_doses": "0",
            "commitment": "on",
        },
    )

    assert response.status_code == 302
    first, second = Person.objects.order_by("pk")
    assert first.lookup_code != second.lookup_code
    declaration = second.declarations.get()
    assert (declaration.from_district_id, declaration.to_commune_id) == (BA_DINH, QUYET_THANG)
    assert (declaration.transport, declaration.vehicle_plate) == ("coach", "25B-012.34")
    assert declaration.symptoms == []  # the first member's fever is theirs only
    assert declaration.seat == ""


def test_identity_and_health_in_the_address_are_ignored(client, places):
    page = client.get(
        "/khai-bao/",
        {
            "travel_date": timezone.localdate().isoformat(),
            "full_name": "Người Lạ",
            "phone": "0987654321",
            "id_number": "001188012345",
            "symptoms": "fever",
            "commitment": "on",
            "seat": "7",
            "to_address": "Số 5 đường Trần Phú",
        },
    )

    assert set(page.context["form"].initial) == {"travel_date", "residence_province"}
    for name in ("full_name", "phone", "id_number", "seat", "to_address"):
        assert shown(page, name) == "", name
    assert not page.context["form"]["symptoms"].value()


def test_a_journey_the_form_would_refuse_is_not_carried(client, places):
    page = client.get(
        "/khai-bao/",
        {
            "travel_date": (timezone.localdate() - timedelta(days=60)).isoformat(),
            "from_province": HA_NOI,
            "from_district": TAM_DUONG,  # not in Hà Nội
            "to_district": LAI_CHAU_CITY,
            "to_commune": TAM_DUONG_TOWN,  # not in the city
            "transport": "on_foot",
            "vehicle_plate": "25B-012.34",  # no plate on foot
        },
    )

    initial = page.context["form"].initial
    assert initial["travel_date"] == timezone.localdate()  # today, as on the blank form
    assert (initial["from_province"], initial["to_district"]) == (HA_NOI, LAI_CHAU_CITY)
    assert "from_district" not in initial and "to_commune" not in initial
    assert initial["transport"] == "on_foot" and "vehicle_plate" not in initial


def test_a_plate_left_unchanged_with_another_means_is_not_the_next_members(client, places):
    """As on an update: the coach's plate carried over is that coach's, not the car's."""
    url = declare_another_url(client)
    token = TOKEN.search(client.get(url).content.decode()).group(1)

    client.post(url, form_data(form_token=token, phone="0912000002", transport="car", seat=""))

    assert Person.objects.order_by("pk").last().declarations.get().vehicle_plate == ""


def test_after_a_coachs_qr_the_next_form_is_the_coachs_with_the_journey(client, vehicle):
    url = declare_another_url(client, vehicle.point.public_path)

    assert urlsplit(url).path == vehicle.point.public_path
    page = client.get(url)
    assert page.context["point"] == vehicle.point
    assert (shown(page, "from_district"), shown(page, "to_commune")) == (BA_DINH, QUYET_THANG)
    assert shown(page, "vehicle_plate") == vehicle.plate


def test_a_posters_fixed_plate_stays_fixed_whatever_the_address_says(client, vehicle):
    path = f"{vehicle.point.public_path}?transport=car&vehicle_plate=30A-999.99"

    page = client.get(path)
    assert (shown(page, "transport"), shown(page, "vehicle_plate")) == ("coach", vehicle.plate)

    token = TOKEN.search(page.content.decode()).group(1)
    client.post(path, form_data(form_token=token, transport="car", vehicle_plate="30A-999.99"))
    declaration = Person.objects.get().declarations.get()
    assert (declaration.transport, declaration.vehicle_plate) == ("coach", vehicle.plate)
    assert declaration.point == vehicle.point


def test_after_a_facilitys_qr_the_visit_is_asked_again(client, facility):
    """The department visited is not carried: it says something of a person's health."""
    visit = {"visit_role": "patient", "department": "Khoa Truyền nhiễm"}
    url = declare_another_url(client, facility.point.public_path, **visit)

    assert urlsplit(url).path == facility.point.public_path
    assert "department" not in url and "visit_role" not in url
    page = client.get(url)
    assert shown(page, "department") == ""
    assert shown(page, "to_commune") == QUYET_THANG


def test_a_form_with_a_carried_journey_is_never_kept_as_the_blank_form(client, places):
    client.get("/khai-bao/")  # the blank form, kept
    carried = client.get("/khai-bao/", {"from_province": HA_NOI, "from_district": BA_DINH})
    blank = client.get("/khai-bao/")

    assert shown(carried, "from_district") == BA_DINH
    assert shown(blank, "from_province") == "" and shown(blank, "from_district") == ""
