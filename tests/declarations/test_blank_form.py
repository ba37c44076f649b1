"""The blank declaration form is rendered once and kept (per language and declaration point);
every visitor still gets a form token of their own, and a form with anyone's answers is never
kept."""

import re

from django.conf import settings
from django.core.cache import caches

from tests.conftest import form_data

TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def blank(page) -> str:
    return CSRF.sub("", TOKEN.sub("", page.content.decode()))


def test_every_visitor_gets_a_form_token_of_their_own(client, places):
    first, second = client.get("/khai-bao/"), client.get("/khai-bao/")
    tokens = {TOKEN.search(page.content.decode()).group(1) for page in (first, second)}
    assert len(tokens) == 2
    assert blank(first) == blank(second)
    assert any(key.startswith(":1:template.cache.declaration_form") for key in _keys())


def test_the_kept_form_follows_the_language(client, places):
    assert "Họ và tên" in client.get("/khai-bao/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/khai-bao/").content.decode()
    assert "Full name" in page and "Họ và tên" not in page


def test_each_point_keeps_a_form_of_its_own(client, vehicle, other_vehicle):
    def plate_shown(point) -> str:
        page = client.get(point.public_path).content.decode()
        return re.search(r'name="vehicle_plate" value="([^"]*)"', page).group(1)

    assert plate_shown(vehicle.point) == "25B-012.34"
    assert plate_shown(other_vehicle.point) == other_vehicle.plate
    vehicle.plate = "25B-999.99"
    vehicle.save()
    vehicle.point.refresh_from_db()
    assert plate_shown(vehicle.point) == "25B-999.99"


def test_a_form_with_answers_is_never_kept(client, citizen):
    client.post("/tra-cuu/", {"code": citizen.display_code, "phone_last4": "4321"})
    update = client.get("/khai-bao/cap-nhat/").content.decode()
    assert citizen.full_name in update
    assert citizen.full_name not in client.get("/khai-bao/").content.decode()

    wrong = client.post("/khai-bao/", form_data(full_name="Trần Thị Bích Ngọc", birth_year="20"))
    assert wrong.context["form"].errors["birth_year"]
    assert "Trần Thị Bích Ngọc" in wrong.content.decode()
    assert "Trần Thị Bích Ngọc" not in client.get("/khai-bao/").content.decode()
    assert not any("Ngọc" in str(value) for value in _values())


def _keys() -> list[str]:
    return list(caches["fragments"]._cache)


def _values() -> list:
    fragments = caches["fragments"]
    return [fragments.get(key.split(":", 2)[2]) for key in _keys()]


def test_every_declaration_form_carries_one_form_token(
    client, officer, facility_worker, operator, vehicle, facility, citizen
):
    """The token is drawn outside the kept fields: each page that shows the form draws it."""
    pages = [
        (None, "/khai-bao/"),
        (None, vehicle.point.public_path),
        (officer, "/chot/khai-bao/"),
        (officer, f"/c/{citizen.lookup_code}/khai-bao/"),
        (facility_worker, f"/co-so-y-te/khai-bao/?co_so={facility.pk}"),
        (operator, f"/nha-xe/xe/{vehicle.pk}/khai-ho/"),
    ]
    for user, path in pages:
        if user is not None:
            client.force_login(user)
        page = client.get(path)
        assert page.status_code == 200, path
        assert len(TOKEN.findall(page.content.decode())) == 1, path


def test_the_plain_form_starts_at_todays_travel_date_even_when_kept_from_yesterday(
    client, places, time_machine
):
    """As the QR forms do: a citizen who leaves the date alone is not sent back for it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def travel_date_shown() -> str:
        page = client.get("/khai-bao/").content.decode()
        return re.search(r'<input type="date" name="travel_date"[^>]*>', page).group(0)

    time_machine.move_to(datetime(2026, 12, 5, 23, 50, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert 'value="2026-12-05"' in travel_date_shown()
    time_machine.move_to(datetime(2026, 12, 6, 0, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    assert 'value="2026-12-06"' in travel_date_shown()
