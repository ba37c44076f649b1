"""The facility's QR poster, its QR images, and replacing a QR whose posters must go."""

import pytest


@pytest.fixture
def staff(client, facility_worker):
    client.force_login(facility_worker)
    return client


def test_the_poster_shows_the_absolute_link_of_the_facility_qr(staff, facility):
    response = staff.get(f"/co-so-y-te/{facility.pk}/poster/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"http://testserver/q/{facility.point.token}/" in html
    assert facility.name in html
    assert "<svg" in html
    assert f'href="/co-so-y-te/?co_so={facility.pk}"' in html
    # Patients show their code at the reception, not at a checkpoint; nor is there a crew.
    assert "quầy tiếp đón" in html and "nhân viên cơ sở y tế khai hộ" in html
    assert "chốt kiểm soát" not in html and "nhà xe" not in html


@pytest.mark.parametrize(
    ("kind", "content_type", "start"),
    [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<")],
)
def test_the_qr_downloads_as_an_image(staff, facility, kind, content_type, start):
    response = staff.get(f"/co-so-y-te/{facility.pk}/qr.{kind}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert (
        f'filename="qr-benh-vien-da-khoa-tinh-lai-chau.{kind}"' in response["Content-Disposition"]
    )


def test_replacing_the_qr_retires_the_old_posters(client, staff, facility):
    old = facility.point.token

    response = staff.post(f"/co-so-y-te/{facility.pk}/doi-ma-qr/")

    assert response["Location"] == f"/co-so-y-te/{facility.pk}/poster/"
    facility.point.refresh_from_db()
    assert facility.point.token != old
    assert client.get(f"/q/{old}/").status_code == 410
    poster = staff.get(f"/co-so-y-te/{facility.pk}/poster/").content.decode()
    assert f"/q/{facility.point.token}/" in poster
    assert f"/q/{old}/" not in poster


def test_a_facility_loaded_without_a_declaration_point_gets_one_for_its_poster(client, places):
    """``loaddata`` skips ``save``, which makes a facility's point: its staff's first visit
    makes it, rather than a server error on the poster or a form that asks nothing of the visit."""
    from facilities.models import HealthFacility
    from tests.conftest import make_staff

    [loaded] = HealthFacility.objects.bulk_create(
        [HealthFacility(name="Phòng khám nạp từ tệp", kind="clinic", district_id="105")]
    )
    client.force_login(make_staff("clinic", "health_staff", facility=loaded))

    response = client.get(f"/co-so-y-te/{loaded.pk}/poster/")

    assert response.status_code == 200
    loaded.refresh_from_db()
    assert loaded.point.kind == "facility"
    assert loaded.point.public_path in response.content.decode()
