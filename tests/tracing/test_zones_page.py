"""The epidemic zones page: the zones in force, planned and ended; adding one with the chained
place choices; ending one. Each change re-evaluates the recent declarations."""

from datetime import timedelta

import pytest

from declarations.models import EpidemicZone, Person
from tests.conftest import BA_DINH, HA_NOI, LAI_CHAU, PHUC_XA, TAM_DUONG, TAM_DUONG_TOWN


@pytest.fixture
def manager(client, provincial_health_worker, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(provincial_health_worker)
    return client


def zone_post(**changes) -> dict:
    data = {"province": HA_NOI, "district": BA_DINH, "commune": "", "starts_on": "", "note": ""}
    data.update(changes)
    return data


def test_the_page_lists_zones_in_force_planned_and_ended(manager, places, today):
    EpidemicZone.objects.create(place_code="01", place_name="Hà Nội", starts_on=today)
    EpidemicZone.objects.create(
        place_code="001", place_name="Ba Đình", starts_on=today + timedelta(days=2)
    )
    EpidemicZone.objects.create(
        place_code="002",
        place_name="Hoàn Kiếm",
        starts_on=today - timedelta(days=9),
        ends_on=today - timedelta(days=1),
    )
    html = manager.get("/y-te/vung-dich/").content.decode()
    assert html.count("In force") == 1
    assert html.count("Planned") == 1
    assert html.count(">Ended<") == 1
    assert html.count('action="/y-te/vung-dich/') == 3  # two end forms and the new zone


def test_the_form_starts_on_this_province_with_its_districts(manager, places):
    form = manager.get("/y-te/vung-dich/").context["form"]
    assert form["province"].value() == LAI_CHAU
    assert TAM_DUONG in [code for code, _name in form.fields["district"].choices]


def test_adding_a_district_zone_raises_who_came_from_it(manager, make_declaration, today):
    person = make_declaration().person  # from Ba Đình
    response = manager.post("/y-te/vung-dich/", zone_post(starts_on=today), follow=True)
    zone = EpidemicZone.objects.get()
    assert (zone.place_code, zone.place_name, zone.ends_on) == (BA_DINH, "Quận Ba Đình", None)
    assert Person.objects.get(pk=person.pk).risk_level == "medium"
    html = response.content.decode()
    assert "Epidemic zone added: Quận Ba Đình." in html
    assert "1 changed, 1 people&#x27;s risk changed, 1 follow-ups opened." in html


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"district": "", "commune": ""}, HA_NOI),
        ({"commune": PHUC_XA}, PHUC_XA),
        ({"province": LAI_CHAU, "district": TAM_DUONG, "commune": TAM_DUONG_TOWN}, TAM_DUONG_TOWN),
    ],
)
def test_the_zone_is_the_most_precise_place_chosen(manager, places, today, changes, place):
    manager.post("/y-te/vung-dich/", zone_post(starts_on=today, **changes))
    assert EpidemicZone.objects.get().place_code == place


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"district": TAM_DUONG}, "district"),
        ({"commune": TAM_DUONG_TOWN}, "commune"),
        ({"district": "", "commune": PHUC_XA}, "commune"),
        ({"province": "99"}, "province"),
        ({"starts_on": ""}, "starts_on"),
        ({"ends_on": "2021-01-01"}, "ends_on"),
    ],
)
def test_a_wrong_zone_is_refused_next_to_its_field(manager, places, today, changes, field):
    response = manager.post("/y-te/vung-dich/", zone_post(**{"starts_on": today, **changes}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EpidemicZone.objects.exists()


def test_without_javascript_the_districts_of_the_province_chosen_are_shown(manager, places):
    response = manager.post(
        "/y-te/vung-dich/", {"province": HA_NOI, "refresh_places": "1", "starts_on": ""}
    )
    form = response.context["form"]
    assert not form.is_bound
    assert BA_DINH in [code for code, _name in form.fields["district"].choices]
    assert not EpidemicZone.objects.exists()


def test_ending_a_zone_lowers_who_it_raised(manager, make_declaration, today):
    person = make_declaration().person
    manager.post("/y-te/vung-dich/", zone_post(starts_on=today - timedelta(days=3)))
    zone = EpidemicZone.objects.get()

    response = manager.post(
        f"/y-te/vung-dich/{zone.pk}/ket-thuc/", {"ends_on": today - timedelta(days=1)}, follow=True
    )

    zone.refresh_from_db()
    assert zone.ends_on == today - timedelta(days=1)
    assert Person.objects.get(pk=person.pk).risk_level == "none"
    assert "Epidemic zone ended: Quận Ba Đình." in response.content.decode()


def test_a_zone_cannot_end_before_it_starts(manager, places, today):
    zone = EpidemicZone.objects.create(place_code="01", place_name="Hà Nội", starts_on=today)
    response = manager.post(
        f"/y-te/vung-dich/{zone.pk}/ket-thuc/", {"ends_on": today - timedelta(days=1)}, follow=True
    )
    zone.refresh_from_db()
    assert zone.ends_on is None
    assert "A zone cannot end before it starts" in response.content.decode()


def test_ending_an_unknown_zone_is_404(manager, places):
    assert (
        manager.post("/y-te/vung-dich/999/ket-thuc/", {"ends_on": "2021-05-01"}).status_code == 404
    )


def test_district_staff_can_neither_add_nor_end_zones(client, health_worker, places, today):
    zone = EpidemicZone.objects.create(place_code="01", place_name="Hà Nội", starts_on=today)
    client.force_login(health_worker)
    assert client.post("/y-te/vung-dich/", zone_post(starts_on=today)).status_code == 403
    assert (
        client.post(f"/y-te/vung-dich/{zone.pk}/ket-thuc/", {"ends_on": today}).status_code == 403
    )
    assert EpidemicZone.objects.count() == 1


def test_the_zones_start_date_column_is_headed_as_a_date_in_vietnamese(
    client, provincial_health_worker
):
    client.force_login(provincial_health_worker)
    html = client.get("/y-te/vung-dich/").content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert "<th>Từ ngày</th>" in head
    assert "Nơi đi" not in head  # "From" of a journey


def test_a_zone_is_shown_by_its_place_and_the_places_above_it_not_its_code(manager, places, today):
    EpidemicZone.objects.create(place_code="001", place_name="Quận Ba Đình", starts_on=today)
    html = manager.get("/y-te/vung-dich/").content.decode()
    assert "<td>Quận Ba Đình, Thành phố Hà Nội</td>" in html
    assert ">001<" not in html


def test_a_zone_sent_twice_is_added_once(manager, places, today):
    """Two zones of one place: ending one would leave the other raising people's risk."""
    manager.post("/y-te/vung-dich/", zone_post(starts_on=today))
    response = manager.post("/y-te/vung-dich/", zone_post(starts_on=today))
    assert EpidemicZone.objects.count() == 1
    assert response.context["form"].errors == {
        "__all__": [
            f"Quận Ba Đình is already an epidemic zone over these days (from {today:%d/%m/%Y}): "
            "end that zone, or add this one after it ends."
        ]
    }
    assert "Quận Ba Đình is already an epidemic zone" in response.content.decode()


def test_a_place_may_be_a_zone_again_after_its_zone_ended(manager, places, today):
    EpidemicZone.objects.create(
        place_code=BA_DINH,
        place_name="Quận Ba Đình",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=1),
    )
    manager.post("/y-te/vung-dich/", zone_post(starts_on=today))
    assert EpidemicZone.objects.count() == 2
