"""A vehicle's QR poster, its downloads, and replacing a lost or copied QR code."""

from declarations.models import RetiredPointToken
from tests.conftest import form_data


def test_the_poster_shows_the_vehicles_link_and_plate(client, operator, vehicle):
    client.force_login(operator)

    response = client.get(f"/nha-xe/xe/{vehicle.pk}/poster/")

    html = response.content.decode()
    assert f"http://testserver/q/{vehicle.point.token}/" in html
    assert "25B-012.34" in html
    assert f'href="/nha-xe/xe/{vehicle.pk}/"' in html
    assert "nhờ lái xe, phụ xe khai hộ" in html


def test_the_qr_downloads_as_png_and_svg(client, operator, vehicle):
    client.force_login(operator)

    png = client.get(f"/nha-xe/xe/{vehicle.pk}/qr.png")
    svg = client.get(f"/nha-xe/xe/{vehicle.pk}/qr.svg")

    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    # Named by the plate, not by an internal number.
    assert png["Content-Disposition"] == 'attachment; filename="qr-25B-012.34.png"'
    assert svg["Content-Disposition"] == 'attachment; filename="qr-25B-012.34.svg"'


def test_replacing_the_qr_retires_the_old_poster(client, operator, vehicle, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(operator)
    old_path = vehicle.point.public_path

    response = client.post(f"/nha-xe/xe/{vehicle.pk}/doi-ma-qr/", follow=True)

    vehicle.point.refresh_from_db()
    assert response.redirect_chain == [(f"/nha-xe/xe/{vehicle.pk}/", 302)]
    assert "the old one no longer works" in response.content.decode()
    assert vehicle.point.public_path != old_path
    assert RetiredPointToken.objects.filter(point=vehicle.point).count() == 1
    client.logout()
    retired = client.get(old_path)
    assert retired.status_code == 410
    assert "This poster is no longer valid" in retired.content.decode()
    assert client.get(vehicle.point.public_path).status_code == 200
    assert client.post(vehicle.point.public_path, form_data()).status_code == 302


def test_the_vehicle_page_asks_before_replacing_the_qr(client, operator, vehicle, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(operator)

    html = client.get(f"/nha-xe/xe/{vehicle.pk}/").content.decode()

    assert "The old posters stop working at once" in html
    assert f'action="/nha-xe/xe/{vehicle.pk}/doi-ma-qr/"' in html
    assert f'href="/nha-xe/xe/{vehicle.pk}/qr.png"' in html
