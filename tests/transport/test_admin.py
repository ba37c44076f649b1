"""Bus companies and vehicles in the admin, kept by the transport department."""

import pytest

from transport.models import Vehicle


@pytest.fixture
def admin_client(client, transport_officer):
    client.force_login(transport_officer)
    return client


def vehicle_post(company, **changes) -> dict:
    return {
        "company": company.pk,
        "plate": "25b 123 45",
        "seats": "45",
        "route": "Lai Châu – Lào Cai",
        "is_active": "on",
        **changes,
    }


def test_the_transport_department_adds_a_vehicle_with_its_plate_written_one_way(
    admin_client, company
):
    response = admin_client.post("/admin/transport/vehicle/add/", vehicle_post(company))

    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    assert vehicle.plate == "25B-123.45"
    assert vehicle.point.vehicle_plate == "25B-123.45"


def test_a_plate_that_is_not_one_is_refused_in_vietnamese(admin_client, company):
    response = admin_client.post(
        "/admin/transport/vehicle/add/", vehicle_post(company, plate="xe khách")
    )

    assert response.context["adminform"].form.errors["plate"] == [
        "Nhập biển số đúng như ghi trên xe, ví dụ 25B-012.34."
    ]
    assert not Vehicle.objects.exists()


def test_the_same_plate_typed_another_way_is_a_duplicate(admin_client, company, vehicle):
    response = admin_client.post(
        "/admin/transport/vehicle/add/", vehicle_post(company, plate="25b01234")
    )

    assert "plate" in response.context["adminform"].form.errors
    assert Vehicle.objects.count() == 1


def test_the_vehicle_page_shows_its_qr_link_and_poster(admin_client, vehicle):
    html = admin_client.get(f"/admin/transport/vehicle/{vehicle.pk}/change/").content.decode()

    assert f"/q/{vehicle.point.token}/" in html
    assert f"/nha-xe/xe/{vehicle.pk}/poster/" in html


def test_a_plate_is_found_however_it_is_typed(admin_client, vehicle, other_vehicle):
    response = admin_client.get("/admin/transport/vehicle/", {"q": "25b01234"})

    assert list(response.context["cl"].result_list) == [vehicle]


def test_companies_are_searched_and_listed(admin_client, company, other_company, vehicle):
    response = admin_client.get("/admin/transport/buscompany/", {"q": "Hưng"})

    assert [c.name for c in response.context["cl"].result_list] == ["Nhà xe Hưng Thành"]
    assert response.context["cl"].result_list[0].vehicle_count == 1


def test_an_operator_has_no_admin(client, operator, vehicle):
    client.force_login(operator)
    response = client.get("/admin/transport/vehicle/")
    assert response.status_code == 302


def test_a_vehicle_deleted_in_the_admin_stops_its_qr(client, administrator, vehicle):
    path = vehicle.point.public_path
    client.force_login(administrator)
    client.post(f"/admin/transport/vehicle/{vehicle.pk}/delete/", {"post": "yes"})
    client.logout()

    assert client.get(path).status_code == 410


def test_a_vehicle_moved_to_another_company_does_not_show_it_the_earlier_passengers(
    admin_client, client, company, other_company, vehicle, other_operator, make_declaration
):
    """A coach sold or lent to another company keeps its plate: the new company's crew sees
    its lists from the day it joined them, not who travelled with the company before."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    make_declaration(
        full_name="Lò Thị Trước",
        transport="coach",
        vehicle_plate=vehicle.plate,
        travel_date=yesterday,
    )
    moved = admin_client.post(
        f"/admin/transport/vehicle/{vehicle.pk}/change/",
        vehicle_post(other_company, plate=vehicle.plate),
    )
    assert moved.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.company, vehicle.company_since) == (other_company, today)

    client.force_login(other_operator)
    url = f"/nha-xe/xe/{vehicle.pk}/hanh-khach"
    page = client.get(f"{url}/?ngay={yesterday:%Y-%m-%d}")
    assert page.context["day"] == today
    assert "Lò Thị Trước" not in page.content.decode()
    export = client.get(f"{url}.xlsx?ngay={yesterday:%Y-%m-%d}")
    assert f"{today:%Y-%m-%d}" in export["Content-Disposition"]


def test_saving_a_vehicle_without_moving_it_keeps_its_lists(admin_client, company, vehicle):
    admin_client.post(
        f"/admin/transport/vehicle/{vehicle.pk}/change/",
        vehicle_post(company, plate=vehicle.plate, route="Lai Châu – Sơn La"),
    )
    vehicle.refresh_from_db()
    assert (vehicle.route, vehicle.company_since) == ("Lai Châu – Sơn La", None)
