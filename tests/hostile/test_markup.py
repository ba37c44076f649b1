"""Markup stored through every form that stores text comes back escaped on every page showing it.

Each form is sent markup in every free-text field it keeps (names, addresses, notes, reasons,
a file's cells and name); then each page that shows those values is read by the staff who use
it. None may hold the markup raw, and each must hold it escaped (so that the check is not empty:
the page does show the value).
"""

import csv
import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from markupsafe import escape as jinja2_escape

from checkpoints.bus_checks import bus_check_record
from declarations.models import Person
from tests.conftest import LAI_CHAU, TAM_DUONG, TAM_DUONG_TOWN, form_data
from tests.hostile.payloads import IMG, SCRIPT, SVG, has_raw_markup
from tracing.contact_import import COLUMNS
from tracing.models import Case

pytestmark = pytest.mark.django_db

# Names and addresses of Tam Đường, so that its health worker sees them; at risk (a fever).
HOME = {
    "residence_province": LAI_CHAU,
    "residence_district": TAM_DUONG,
    "residence_commune": TAM_DUONG_TOWN,
}


def tag(label: str) -> str:
    """Markup that names the field it was sent in, to find it again on the pages."""
    return f"<script>alert('{label}')</script>"


def declaration(**changes) -> dict:
    return form_data(
        full_name=tag("name"),
        nationality=tag("nationality"),
        residence_address=tag("address"),
        to_address=tag("to-address"),
        places_visited=tag("places"),
        symptoms=["fever"],
        **HOME,
        **changes,
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_escaped(client: Client, path: str, *labels: str) -> None:
    """The page answers and holds no raw markup; the values sent with these labels are shown,
    escaped (without labels: at least one of the markers, whichever)."""
    cache.clear()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    page = response.content.decode()
    assert has_raw_markup(page) is None, f"raw markup in {path}"
    if labels:
        missing = [label for label in labels if not shown_escaped(tag(label), page)]
        assert not missing, f"{path} does not show {missing}"
    else:
        markers = [tag("name"), SCRIPT, IMG, SVG]
        assert any(shown_escaped(marker, page) for marker in markers), f"{path} shows none"


def shown_escaped(text: str, page: str) -> bool:
    """Whether the page shows ``text`` escaped: by Django's templates, or by the Jinja2 ones
    that draw the form widgets (they write quotes as &#39; and &#34;, Django as &#x27; and
    &quot;)."""
    return escape(text) in page or str(jinja2_escape(text)) in page


def post(client: Client, path: str, data: dict, expected=302):
    cache.clear()
    response = client.post(path, data)
    assert response.status_code == expected, (path, response.status_code, _errors(response))
    return response


def _errors(response):
    context = response.context or {}
    return {name: form.errors for name, form in context.items() if hasattr(form, "errors")}


@pytest.fixture
def stored(world, today):
    """Markup sent through the citizen's forms (plain, vehicle, facility and checkpoint QR) and
    through every staff form that keeps text."""
    users, anonymous = world.users, Client()
    vehicle, facility, checkpoint = world.vehicle, world.facility, world.checkpoint

    success = post(anonymous, "/khai-bao/", declaration(phone="0912000111"))["Location"]
    post(anonymous, vehicle.point.public_path, declaration(phone="0912000222"))
    visit = declaration(phone="0912000333", visit_role="patient", department="Khoa Nhi")
    post(anonymous, facility.point.public_path, visit)
    post(anonymous, checkpoint.point.public_path, declaration(phone="0912000444"))
    person = Person.objects.get(phone="0912000111")
    traveller = Person.objects.get(phone="0912000444")
    code = person.lookup_code

    officer = as_user(users["officer"])
    passage = {"checkpoint": checkpoint.pk, "direction": "in", "outcome": "allowed"}
    post(officer, f"/c/{traveller.lookup_code}/qua-chot/", passage | {"note": tag("passage")})
    post(officer, f"/c/{code}/nguy-co/", {"level": "high", "reason": tag("flag")})
    bus_check = {"on_board": [world.passenger.pk], "undeclared": "1", "direction": "in"}
    post(officer, "/chot/kiem-tra-xe/?plate=25B-012.34", bus_check | {"note": tag("bus")})

    crew = as_user(users["operator"])
    passenger = {
        "form_token": str(uuid.uuid4()),
        "full_name": tag("passenger"),
        "birth_year": "1975",
        "sex": "female",
        "phone": "0912000555",
        **HOME,
        "from_province": HOME["residence_province"],
        "from_district": HOME["residence_district"],
        "to_district": TAM_DUONG,
        "to_commune": TAM_DUONG_TOWN,
        "seat": "<b>5</b>",
    }
    post(crew, f"/nha-xe/xe/{vehicle.pk}/khai-ho/", passenger)

    health = as_user(users["health_worker"])
    follow_up = {"status": "contacted", "note": tag("follow-up")}
    post(health, f"/y-te/theo-doi/{code}/cap-nhat/", follow_up)
    case_details = {
        "form_token": str(uuid.uuid4()),
        "confirmed_on": today.isoformat(),
        "how_confirmed": tag("how-confirmed"),
        "isolated_at": tag("isolated-at"),
    }
    post(health, f"/y-te/ca-benh/moi/?ma={code}", case_details)
    case = Case.objects.get(person=person)
    contact = {
        "full_name": tag("contact"),
        "birth_year": "1995",
        "sex": "female",
        "phone": "0977000111",
        **HOME,
        "residence_address": tag("contact-address"),
        "level": "F1",
        "note": tag("contact-note"),
    }
    post(health, f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/", contact)
    upload = {"file": SimpleUploadedFile(f"{tag('file')}.csv", contacts_file())}
    preview = post(health, f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/", upload, expected=200)
    page = preview.content.decode()
    assert has_raw_markup(page) is None
    assert escape(tag("imported")) in page
    confirm = {"sha256": preview.context["sha256"]}
    post(health, f"/y-te/ca-benh/{case.pk}/tiep-xuc/nhap/xac-nhan/", confirm)

    provincial = as_user(users["provincial_health_worker"])
    zone = {"province": LAI_CHAU, "starts_on": (today - timedelta(days=1)).isoformat()}
    post(provincial, "/y-te/vung-dich/", zone | {"note": tag("zone")})
    return SimpleNamespace(
        success=success,
        code=code,
        traveller=traveller.lookup_code,
        case=case,
        anonymous=anonymous,
        officer=officer,
        crew=crew,
        health=health,
        provincial=provincial,
        facility=as_user(users["facility_worker"]),
    )


def contacts_file() -> bytes:
    """Two contacts whose free-text cells hold markup."""
    rows = [
        {"full_name": tag("imported"), "phone": "0977000222", "note": tag("imported-note")},
        {"full_name": IMG, "phone": "0977000333", "residence_address": SVG},
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        values = row | {"birth_year": "1990", "sex": "Nữ", "province": LAI_CHAU}
        values |= {"district": TAM_DUONG, "commune": TAM_DUONG_TOWN}
        writer.writerow([values.get(column.attribute, "") for column in COLUMNS])
    return buffer.getvalue().encode()


def test_the_citizen_sees_their_answers_escaped(stored):
    anonymous = stored.anonymous
    assert_escaped(anonymous, stored.success, "name")
    post(anonymous, "/tra-cuu/", {"code": stored.code, "phone_last4": "0111"})
    assert_escaped(anonymous, "/tra-cuu/to-khai/", "name")
    assert_escaped(anonymous, "/khai-bao/cap-nhat/", "name", "address", "to-address")


def test_checkpoint_pages_show_stored_markup_escaped(stored):
    officer, code = stored.officer, stored.code
    assert_escaped(officer, f"/c/{code}/", "name", "address", "flag")
    assert_escaped(officer, f"/c/{stored.traveller}/", "passage")
    assert_escaped(officer, f"/c/{code}/khai-bao/", "name")
    assert_escaped(officer, "/chot/?q=script", "name")
    assert_escaped(officer, "/chot/bang/", "name")
    assert_escaped(officer, "/chot/kiem-tra-xe/?plate=25B-012.34", "name")


def test_vehicle_and_facility_pages_show_stored_markup_escaped(stored, world):
    vehicle = world.vehicle
    assert_escaped(stored.crew, f"/nha-xe/xe/{vehicle.pk}/hanh-khach/", "name", "passenger")
    assert_escaped(stored.crew, f"/nha-xe/xe/{vehicle.pk}/khai-ho/", "passenger")
    assert_escaped(stored.facility, "/co-so-y-te/", "name")


def test_health_pages_show_stored_markup_escaped(stored):
    health, case, code = stored.health, stored.case, stored.code
    assert_escaped(health, "/y-te/", "name")
    assert_escaped(health, f"/y-te/theo-doi/{code}/", "name", "follow-up", "flag")
    assert_escaped(health, "/y-te/ca-benh/", "name")
    case_page = f"/y-te/ca-benh/{case.pk}/"
    assert_escaped(health, case_page, "name", "how-confirmed", "contact", "imported")
    assert_escaped(health, f"/y-te/ca-benh/{case.pk}/chuoi/", "name", "contact", "imported")
    assert_escaped(health, f"/y-te/ca-benh/{case.pk}/tiep-xuc/them/", "contact", "imported")
    assert_escaped(health, f"/y-te/ca-benh/{case.pk}/khoanh-vung/", "name")
    assert_escaped(stored.provincial, "/y-te/vung-dich/", "zone")


def test_duplicates_show_stored_markup_escaped(stored, make_declaration):
    for phone in ("0355000111", "0355000222"):
        make_declaration(full_name=tag("twin"), id_number="012345000999", phone=phone)
    assert_escaped(stored.health, "/y-te/trung-lap/", "twin")


def test_names_set_in_the_admin_are_escaped_on_public_and_staff_pages(world):
    """Checkpoints, facilities, companies and vehicles are named in the admin; their names
    reach the public QR forms and the staff pages."""
    world.checkpoint.name = SCRIPT
    world.checkpoint.save()
    world.facility.name = IMG
    world.facility.departments = f"{SVG}\nKhoa Nhi"
    world.facility.save()
    world.vehicle.company.name = SCRIPT
    world.vehicle.company.save()
    world.vehicle.route = IMG
    world.vehicle.save()
    anonymous, users = Client(), world.users
    for point in (world.checkpoint.point, world.facility.point, world.vehicle.point):
        assert_escaped(anonymous, point.public_path)
    assert_escaped(as_user(users["administrator"]), f"/chot/{world.checkpoint.pk}/poster/")
    assert_escaped(as_user(users["officer"]), "/chot/bang/")
    assert_escaped(as_user(users["facility_worker"]), "/co-so-y-te/")
    assert_escaped(as_user(users["facility_worker"]), f"/co-so-y-te/{world.facility.pk}/poster/")
    crew = as_user(users["operator"])
    assert_escaped(crew, "/nha-xe/")
    assert_escaped(crew, f"/nha-xe/xe/{world.vehicle.pk}/")
    assert_escaped(crew, f"/nha-xe/xe/{world.vehicle.pk}/poster/")
    assert_escaped(as_user(users["transport_officer"]), "/nha-xe/")


def test_the_findings_page_shows_company_names_escaped(world):
    world.vehicle.company.name = SCRIPT
    world.vehicle.company.save()
    bus_check_record(
        checkpoint=world.checkpoint,
        officer=world.users["officer"],
        plate=world.vehicle.plate,
        vehicle=world.vehicle,
        on_board=[],
        on_list=0,
        undeclared=3,
    )
    assert_escaped(as_user(world.users["transport_officer"]), "/giao-thong/phat-hien/")
