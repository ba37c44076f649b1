"""Declaration points: a QR token opens the form with its vehicle, checkpoint or facility."""

from datetime import timedelta

import pytest
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
