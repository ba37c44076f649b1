"""Administrators manage health facilities in the Django admin."""

import pytest

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
