"""The checkpoint board and the facility visitors page offer to replace their QR code."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_board_offers_to_replace_the_checkpoint_qr(client, officer, checkpoint):
    client.force_login(officer)
    page = client.get("/chot/bang/").content.decode()
    assert f'action="/chot/{checkpoint.pk}/doi-ma-qr/"' in page
    assert "Đổi mã QR" in page


def test_the_visitors_page_offers_to_replace_the_facility_qr(client, facility_worker, facility):
    client.force_login(facility_worker)
    page = client.get("/co-so-y-te/").content.decode()
    assert f'action="/co-so-y-te/{facility.pk}/doi-ma-qr/"' in page
