"""Administrators manage health facilities in the Django admin."""

import pytest

from declarations.models import Declaration
from facilities.models import HealthFacility
from tests.conftest import LAI_CHAU_CITY


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_list_links_each_facility_to_its_poster(admin_client, facility, other_facility):
    response = admin_client.get("/admin/facilities/healthfacility/")

    html = response.content.decode()
    assert f'href="/co-so-y-te/{facility.pk}/poster/"' in html
    assert f'href="/co-so-y-te/{other_facility.pk}/poster/"' in html


def test_the_list_filters_by_kind_and_searches_by_name(admin_client, facility, other_facility):
    by_kind = admin_client.get("/admin/facilities/healthfacility/", {"kind": "centre"})
    assert list(by_kind.context["cl"].result_list) == [other_facility]
    found = admin_client.get("/admin/facilities/healthfacility/", {"q": "Đa khoa"})
    assert list(found.context["cl"].result_list) == [facility]


def test_the_change_page_shows_the_qr_link_read_only(admin_client, facility):
    response = admin_client.get(f"/admin/facilities/healthfacility/{facility.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/q/{facility.point.token}/" in html
    assert 'name="qr_poster"' not in html


def test_adding_a_facility_gives_it_a_qr(admin_client, places):
    admin_client.post(
        "/admin/facilities/healthfacility/add/",
        {
            "name": "Phòng khám Đa khoa Tân Phong",
            "kind": "clinic",
            "district": LAI_CHAU_CITY,
            "address": "",
            "departments": "Khám tổng quát",
        },
    )
    facility = HealthFacility.objects.get()
    assert facility.point.kind == "facility"
    assert facility.point.departments == "Khám tổng quát"


def test_health_staff_have_no_admin(client, facility_worker, facility):
    client.force_login(facility_worker)
    response = client.get("/admin/facilities/healthfacility/")
    assert response.status_code == 302


def test_a_deleted_facilitys_qr_says_it_is_no_longer_valid_and_keeps_its_visitors(
    admin_client, client, facility, make_declaration
):
    path = facility.point.public_path
    point = facility.point
    visit = make_declaration()
    Declaration.objects.filter(pk=visit.pk).update(point=point)

    admin_client.post(f"/admin/facilities/healthfacility/{facility.pk}/delete/", {"post": "yes"})

    assert not HealthFacility.objects.exists()
    scanned = client.get(path)
    assert scanned.status_code == 410
    assert "Áp phích này không còn hiệu lực" in scanned.content.decode()
    assert "đang khai báo tại" not in scanned.content.decode()
    visit.refresh_from_db()
    assert visit.point == point


def test_facilities_deleted_with_the_lists_action_stop_their_qr(
    admin_client, client, facility, other_facility
):
    paths = [facility.point.public_path, other_facility.point.public_path]
    admin_client.post(
        "/admin/facilities/healthfacility/",
        {
            "action": "delete_selected",
            "_selected_action": [facility.pk, other_facility.pk],
            "post": "yes",
        },
    )
    assert not HealthFacility.objects.exists()
    assert [client.get(path).status_code for path in paths] == [410, 410]


def test_a_facility_taken_out_of_service_is_kept_and_its_qr_stops(admin_client, client, facility):
    admin_client.post(
        f"/admin/facilities/healthfacility/{facility.pk}/change/",
        {
            "name": facility.name,
            "kind": facility.kind,
            "district": facility.district_id,
            "address": "",
            "departments": facility.departments,
        },  # "in service" unticked
    )
    facility.refresh_from_db()
    assert facility.is_active is False
    assert client.get(facility.point.public_path).status_code == 410


def test_the_delete_page_says_the_qr_stops_and_who_loses_their_scope(
    admin_client, facility, facility_worker
):
    for page in (
        admin_client.get(f"/admin/facilities/healthfacility/{facility.pk}/delete/"),
        admin_client.post(
            "/admin/facilities/healthfacility/",
            {"action": "delete_selected", "_selected_action": [facility.pk]},
        ),
    ):
        html = page.content.decode()
        assert "Áp phích QR của chúng sẽ ngừng hoạt động" in html
        assert "sẽ chỉ thấy các trang trống" in html
        assert facility_worker.username in html
    assert HealthFacility.objects.filter(pk=facility.pk).exists()


def test_a_department_longer_than_a_visit_can_hold_is_refused(admin_client, places):
    long_name = "Khoa " + "Hồi sức tích cực và chống độc " * 4  # 125 characters
    response = admin_client.post(
        "/admin/facilities/healthfacility/add/",
        {
            "name": "Phòng khám Đa khoa Tân Phong",
            "kind": "clinic",
            "district": LAI_CHAU_CITY,
            "address": "",
            "departments": f"Khám tổng quát\n{long_name}",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert not HealthFacility.objects.exists()
    [error] = response.context["adminform"].form.errors["departments"]
    assert "100" in error
