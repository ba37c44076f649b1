"""Declaration points: a QR token opens the form with its vehicle, checkpoint or facility."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from declarations.models import Declaration, Person, PointKind
from declarations.services import point_replace_token
from tests.conftest import form_data
from transport.manifest import manifest_declarations


def test_each_owner_gets_a_point_with_an_unguessable_token(vehicle, checkpoint, facility):
    tokens = {vehicle.point.token, checkpoint.point.token, facility.point.token}
    assert len(tokens) == 3
    assert all(len(token) >= 16 for token in tokens)
    assert (vehicle.point.kind, checkpoint.point.kind, facility.point.kind) == (
        PointKind.VEHICLE,
        PointKind.CHECKPOINT,
        PointKind.FACILITY,
    )


def test_a_vehicle_qr_fills_and_fixes_the_plate(client, vehicle):
    form = client.get(vehicle.point.public_path).context["form"]
    assert form.fields["vehicle_plate"].disabled
    assert form.fields["vehicle_plate"].initial == "25B-012.34"
    assert form.initial["travel_date"] == timezone.localdate()

    client.post(vehicle.point.public_path, form_data(vehicle_plate="99A-999.99", transport="car"))

    declaration = Declaration.objects.get()
    assert (declaration.vehicle_plate, declaration.transport) == ("25B-012.34", "coach")
    assert declaration.point == vehicle.point


def test_a_vehicle_qr_keeps_its_plate_shown_when_the_places_are_refreshed(client, vehicle):
    """Without JavaScript the form is sent back to list the districts; a browser does not send
    the disabled plate, which the form shows again from the poster."""
    posted = form_data(refresh_places="1", vehicle_plate=None, transport=None)
    form = client.post(vehicle.point.public_path, posted).context["form"]
    assert (form["vehicle_plate"].value(), form["transport"].value()) == ("25B-012.34", "coach")


def test_a_checkpoint_qr_links_the_declaration_to_the_checkpoint(client, checkpoint):
    page = client.get(checkpoint.point.public_path)
    assert checkpoint.name in page.content.decode()
    client.post(checkpoint.point.public_path, form_data(transport="on_foot", vehicle_plate=""))
    assert Declaration.objects.get().point == checkpoint.point


def test_a_facility_qr_asks_about_the_visit(client, facility, settings):
    settings.LANGUAGE_CODE = "en"
    missing = client.post(facility.point.public_path, form_data())
    assert missing.context["form"].errors["visit_role"] == ["This field is required."]
    wrong = client.post(
        facility.point.public_path, form_data(visit_role="patient", department="Khoa Mắt")
    )
    assert "department" in wrong.context["form"].errors

    client.post(facility.point.public_path, form_data(visit_role="relative", department="Khoa Nhi"))
    declaration = Declaration.objects.get()
    assert (declaration.visit_role, declaration.department) == ("relative", "Khoa Nhi")
    assert declaration.point == facility.point


def test_a_replaced_token_retires_the_old_poster(client, vehicle):
    old_path = vehicle.point.public_path
    point_replace_token(point=vehicle.point)
    vehicle.point.refresh_from_db()

    retired = client.get(old_path)
    assert retired.status_code == 410
    assert "/khai-bao/" in retired.content.decode()
    assert client.get(vehicle.point.public_path).status_code == 200
    assert client.post(old_path, form_data()).status_code == 410
    assert not Declaration.objects.exists()


def test_an_unknown_token_is_not_found(client, places):
    assert client.get("/q/not-a-real-token/").status_code == 404


def test_renaming_the_owner_renames_its_point(vehicle, company):
    vehicle.plate = "25B-999.00"
    vehicle.save()
    vehicle.point.refresh_from_db()
    assert vehicle.point.vehicle_plate == "25B-999.00"
    assert vehicle.point.name == f"25B-999.00 · {company.name}"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_downloads_of_a_checkpoint(client, officer, checkpoint, kind):
    client.force_login(officer)
    response = client.get(f"/chot/{checkpoint.pk}/qr.{kind}")
    assert response.status_code == 200
    assert response["Content-Type"] == {"png": "image/png", "svg": "image/svg+xml"}[kind]
    # "Chốt Km 15 QL4D": named by the checkpoint, in letters every file system takes.
    assert response["Content-Disposition"] == f'attachment; filename="qr-chot-km-15-ql4d.{kind}"'


def test_a_facilitys_qr_file_is_named_by_the_facility(facility):
    from declarations.posters import qr_filename

    assert qr_filename(facility.point, "png") == "qr-benh-vien-da-khoa-tinh-lai-chau.png"


def test_a_checkpoints_qr_has_no_other_format(client, officer, checkpoint):
    client.force_login(officer)
    assert client.get(f"/chot/{checkpoint.pk}/qr.gif").status_code == 404


def test_the_poster_holds_the_absolute_link(client, officer, checkpoint):
    client.force_login(officer)
    html = client.get(f"/chot/{checkpoint.pk}/poster/").content.decode()
    assert f"http://testserver/q/{checkpoint.point.token}/" in html
    assert '<svg class="qr"' in html


def test_a_poster_printed_from_the_english_site_is_in_vietnamese_with_english_under_it(
    client, officer, checkpoint, settings
):
    """Posters are stuck up for the province's travellers, whatever the language of the staff
    who print them: the English site printed them in English only."""
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/chot/{checkpoint.pk}/poster/").content.decode()
    poster = html[html.index('<main class="poster"') :]

    assert '<main class="poster" lang="vi">' in poster
    assert "<h1>KHAI BÁO Y TẾ</h1>" in poster
    assert "Khai báo miễn phí." in poster
    assert '<p class="in-english" lang="en"><strong>HEALTH DECLARATION</strong>' in poster
    assert "Declaring is free." in poster
    assert "Print on A5 paper, portrait." in html  # the page around it is the user's


def test_an_officer_cannot_print_another_checkpoints_poster(client, officer, other_checkpoint):
    client.force_login(officer)
    assert client.get(f"/chot/{other_checkpoint.pk}/poster/").status_code == 404


def test_replacing_a_checkpoint_qr(client, officer, checkpoint):
    client.force_login(officer)
    old = checkpoint.point.token
    client.post(f"/chot/{checkpoint.pk}/doi-ma-qr/")
    checkpoint.point.refresh_from_db()
    assert checkpoint.point.token != old


def test_declarations_through_the_checkpoint_qr_appear_on_its_board(client, officer, checkpoint):
    client.post(checkpoint.point.public_path, form_data(full_name="Đi Bộ Qua Chốt"))
    client.force_login(officer)
    board = client.get("/chot/bang/")
    assert [d.person.full_name for d in board.context["qr_declarations"]] == ["Đi Bộ Qua Chốt"]


def test_a_vehicle_out_of_service_retires_its_poster(client, vehicle):
    vehicle.is_active = False
    vehicle.save()
    page = client.get(vehicle.point.public_path)
    assert page.status_code == 410
    # No new poster was made: the page does not send the passenger looking for one.
    text = page.content.decode()
    assert "hoặc xe hay nơi đó đã ngừng hoạt động" in text
    assert "Mã QR Anh/Chị vừa quét đã được thay bằng áp phích mới." not in text


# -- an update keeps the point of the declaration it updates, for the same trip -----------------


def declare_and_look_up(client, point, **answers):
    """Declare through ``point``'s QR (form_data's coach 25B-012.34, today), then look the code
    up as the citizen does before updating."""
    assert client.post(point.public_path, form_data(**answers)).status_code == 302
    person = Person.objects.get()
    client.post("/tra-cuu/", {"code": person.display_code, "phone_last4": "5678"})
    return person


def update(client, **changes) -> Declaration:
    response = client.post("/khai-bao/cap-nhat/", form_data(**changes))
    assert response.status_code == 302
    return Declaration.objects.get(submission_token=response["Location"].split("/")[-2])


def test_an_update_of_the_same_trip_stays_declared_through_the_coach(
    client, vehicle, provincial_health_worker, settings
):
    settings.LANGUAGE_CODE = "en"
    passenger = declare_and_look_up(client, vehicle.point, symptoms=["fever"])

    updated = update(client, symptoms=["fever", "cough"])

    assert updated.point == vehicle.point
    success = client.get(f"/khai-bao/xong/{updated.submission_token}/").content.decode()
    assert "Declared at" in success and vehicle.point.name in success
    assert manifest_declarations(vehicle, timezone.localdate()) == [updated]
    client.force_login(provincial_health_worker)
    listed = client.get("/y-te/", {"diem": "vehicle"}).context["rows"]
    assert [row.person.lookup_code for row in listed] == [passenger.lookup_code]


@pytest.mark.parametrize(
    "another_trip",
    [
        {"transport": "motorbike", "vehicle_plate": "", "seat": ""},
        {"transport": "coach", "vehicle_plate": "25B-555.66"},
        {"travel_date": (timezone.localdate() - timedelta(days=1)).isoformat()},
    ],
    ids=["another means", "another plate", "another day"],
)
def test_an_update_of_another_trip_drops_the_coachs_point(client, vehicle, another_trip):
    passenger = declare_and_look_up(client, vehicle.point)
    assert update(client).point == vehicle.point  # the same trip: still the coach's

    updated = update(client, **another_trip)

    assert updated.point is None
    assert passenger.declarations.count() == 3


def test_an_update_of_a_visit_stays_at_the_facility_in_its_department(client, facility):
    declare_and_look_up(
        client, facility.point, transport="car", visit_role="relative", department="Khoa Nhi"
    )

    updated = update(client, transport="car", symptoms=["fever"])

    assert updated.point == facility.point
    assert (updated.visit_role, updated.department) == ("relative", "Khoa Nhi")


def test_an_update_of_a_crossing_stays_declared_through_the_checkpoint(client, checkpoint):
    declare_and_look_up(client, checkpoint.point, transport="on_foot", vehicle_plate="")

    updated = update(client, transport="on_foot", vehicle_plate="", seat="")

    assert updated.point == checkpoint.point


# -- a citizen with a code scans a new poster: an update recorded at its point ------------------


def look_up_from(client, point, code, last4="4321", **headers):
    return client.post(
        f"/tra-cuu/?qr={point.token}", {"code": code, "phone_last4": last4}, **headers
    )


def identity(person: Person, **changes) -> dict:
    """The update form's post of ``person``: what the browser sends (the fixed fields of a
    vehicle's poster are disabled inputs, which it does not send)."""
    return form_data(
        full_name=person.full_name,
        birth_year=str(person.birth_year),
        sex=person.sex,
        phone=person.phone,
        id_number="",
        residence_province=person.residence_province_id,
        residence_district=person.residence_district_id,
        residence_commune=person.residence_commune_id,
        **changes,
    )


@pytest.fixture
def yesterdays_passenger(make_declaration) -> Person:
    """Lò Văn Minh, who declared yesterday's coach 29B-111.22, seat 7."""
    yesterday = timezone.localdate() - timedelta(days=1)
    return make_declaration(
        transport="coach", vehicle_plate="29B-111.22", seat="7", travel_date=yesterday
    ).person


def test_a_poster_offers_to_update_with_its_trip_instead_of_declaring_again(client, vehicle):
    html = client.get(vehicle.point.public_path).content.decode()
    offer = f'href="/tra-cuu/?qr={vehicle.point.token}"'
    assert offer in html
    assert "Đã có mã tra cứu? Cập nhật tờ khai với chuyến đi này" in html
    assert html.index(offer) < html.index('name="full_name"')  # near the top, before the form


def test_the_plain_form_offers_the_look_up_too(client, places):
    html = client.get("/khai-bao/").content.decode()
    assert 'id="update-instead" href="/tra-cuu/"' in html


def test_a_passenger_with_a_code_updates_with_the_coach_scanned_keeping_one_person_and_code(
    client, vehicle, yesterdays_passenger
):
    passenger = yesterdays_passenger
    code = passenger.lookup_code
    lookup = client.get(f"/tra-cuu/?qr={vehicle.point.token}").content.decode()
    assert vehicle.point.name in lookup

    looked_up = look_up_from(client, vehicle.point, passenger.display_code)
    assert looked_up["Location"] == f"/khai-bao/cap-nhat/?qr={vehicle.point.token}"
    page = client.get(looked_up["Location"])
    form = page.context["form"]
    assert page.context["person"] == passenger and form.point == vehicle.point
    assert form.fields["vehicle_plate"].disabled and form.fields["transport"].disabled
    assert (form["vehicle_plate"].value(), form["transport"].value()) == ("25B-012.34", "coach")
    assert (form["travel_date"].value(), form["seat"].value()) == (timezone.localdate(), "")
    assert form["full_name"].value() == passenger.full_name
    assert not form["symptoms"].value()
    html = page.content.decode()
    assert vehicle.point.name in html and passenger.display_code in html
    assert 'id="update-instead"' not in html

    post = identity(passenger, seat="21", symptoms=["cough"])
    del post["transport"], post["vehicle_plate"]
    response = client.post(looked_up["Location"], post)
    again = client.post(looked_up["Location"], post)  # a double tap

    assert response.status_code == again.status_code == 302
    assert again["Location"] == response["Location"]
    assert Person.objects.count() == 1
    declaration = passenger.declarations.newest_first().first()
    assert passenger.declarations.count() == 2
    assert declaration.point == vehicle.point
    assert (declaration.vehicle_plate, declaration.transport, declaration.seat) == (
        "25B-012.34",
        "coach",
        "21",
    )
    assert manifest_declarations(vehicle, timezone.localdate()) == [declaration]
    success = client.get(response["Location"]).content.decode()
    assert passenger.display_code in success
    passenger.refresh_from_db()
    assert passenger.lookup_code == code


def test_a_plate_posted_to_a_coachs_update_is_not_the_one_recorded(client, vehicle, citizen):
    look_up_from(client, vehicle.point, citizen.display_code)
    client.post(
        f"/khai-bao/cap-nhat/?qr={vehicle.point.token}",
        identity(citizen, transport="car", vehicle_plate="99A-999.99"),
    )
    declaration = citizen.declarations.newest_first().first()
    assert (declaration.vehicle_plate, declaration.transport) == ("25B-012.34", "coach")
    assert declaration.point == vehicle.point


def test_an_update_from_a_checkpoints_poster_is_recorded_at_the_checkpoint(
    client, checkpoint, citizen
):
    look_up_from(client, checkpoint.point, citizen.display_code)
    client.post(
        f"/khai-bao/cap-nhat/?qr={checkpoint.point.token}",
        identity(citizen, transport="on_foot", vehicle_plate="", seat=""),
    )
    assert citizen.declarations.newest_first().first().point == checkpoint.point
    assert Person.objects.count() == 1


def test_an_update_from_a_facilitys_poster_asks_about_the_visit(client, facility, citizen):
    look_up_from(client, facility.point, citizen.display_code)
    path = f"/khai-bao/cap-nhat/?qr={facility.point.token}"
    form = client.get(path).context["form"]
    assert {"visit_role", "department"} <= set(form.fields)

    missing = client.post(path, identity(citizen, transport="car"))
    assert {"visit_role", "department"} <= set(missing.context["form"].errors)
    client.post(
        path, identity(citizen, transport="car", visit_role="relative", department="Khoa Nhi")
    )
    declaration = citizen.declarations.newest_first().first()
    assert declaration.point == facility.point
    assert (declaration.visit_role, declaration.department) == ("relative", "Khoa Nhi")


def test_a_poster_survives_a_look_up_to_do_again(client, vehicle, citizen):
    """The look-up lasts half an hour: the update form sends the citizen back to it, still
    with the poster they scanned."""
    update_path = f"/khai-bao/cap-nhat/?qr={vehicle.point.token}"
    assert client.get(update_path)["Location"] == f"/tra-cuu/?qr={vehicle.point.token}"


def _retire(kind: str, point, owner) -> None:
    if kind == "replaced":
        point_replace_token(point=point)
    else:
        owner.is_active = False
        owner.save()


@pytest.mark.parametrize("kind", ["replaced", "out of service"])
def test_a_poster_no_longer_in_use_falls_back_to_the_plain_update(client, vehicle, citizen, kind):
    token = vehicle.point.token
    _retire(kind, vehicle.point, vehicle)

    lookup = client.get(f"/tra-cuu/?qr={token}")
    assert lookup.status_code == 200
    assert "không còn được sử dụng" in lookup.content.decode()
    looked_up = client.post(
        f"/tra-cuu/?qr={token}", {"code": citizen.display_code, "phone_last4": "4321"}
    )
    assert looked_up["Location"] == "/khai-bao/cap-nhat/"

    page = client.get(f"/khai-bao/cap-nhat/?qr={token}")
    assert page.status_code == 200 and page.context["form"].point is None
    assert not page.context["form"].fields["vehicle_plate"].disabled
    response = client.post(f"/khai-bao/cap-nhat/?qr={token}", identity(citizen, transport="car"))
    assert response.status_code == 302
    assert citizen.declarations.newest_first().first().point is None


@pytest.mark.parametrize(
    "token", ["not-a-real-token", "<script>", "a" * 500, "x\x00y", "../../admin/"]
)
def test_an_unknown_poster_token_falls_back_to_the_plain_update(client, citizen, token):
    query = {"qr": token}
    assert client.get("/tra-cuu/", query).status_code == 200
    looked_up = client.post(
        f"/tra-cuu/?{urlencode(query)}", {"code": citizen.display_code, "phone_last4": "4321"}
    )
    assert looked_up["Location"] == "/khai-bao/cap-nhat/"
    page = client.get("/khai-bao/cap-nhat/", query)
    assert page.status_code == 200 and page.context["form"].point is None


def test_the_look_up_from_a_poster_is_limited_per_address_as_any(client, vehicle, make_declaration):
    people = [make_declaration(full_name=f"Người {n}").person for n in range(11)]
    for person in people[:9]:
        assert look_up_from(client, vehicle.point, person.display_code, "0000").status_code == 200
    found = look_up_from(Client(), vehicle.point, people[9].display_code)  # the same address
    assert found["Location"] == f"/khai-bao/cap-nhat/?qr={vehicle.point.token}"
    assert look_up_from(client, vehicle.point, people[9].display_code, "0000").status_code == 200
    refused = look_up_from(client, vehicle.point, people[10].display_code)
    assert refused.status_code == 429
    assert "lookup_person" not in client.session


def test_the_look_up_from_a_poster_is_limited_per_code_whatever_the_address(
    client, vehicle, citizen
):
    for n in range(10):
        address = {"REMOTE_ADDR": f"10.0.0.{n}"}
        wrong = look_up_from(client, vehicle.point, citizen.display_code, f"{n:04d}", **address)
        assert wrong.status_code == 200
        assert "không khớp" in wrong.content.decode()
        if n == 8:  # the owner, in between, is let through to the poster's update
            found = look_up_from(Client(), vehicle.point, citizen.display_code)
            assert found["Location"] == f"/khai-bao/cap-nhat/?qr={vehicle.point.token}"
    refused = look_up_from(client, vehicle.point, citizen.display_code, REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 429
    assert "lookup_person" not in client.session
    assert client.get(f"/khai-bao/cap-nhat/?qr={vehicle.point.token}").status_code == 302
