"""A session ends while a staff member works: the form they send leads to the login page, and
once logged in they land on the page the form was on, told that nothing was saved, never on a
blank "405" page."""

from django.urls import set_script_prefix

from checkpoints.models import Passage

NOTHING_SAVED = "Nothing was saved: what you sent reached us after your session had ended."


def test_the_login_page_says_why_it_came_and_that_the_form_was_not_saved(client, settings, places):
    settings.LANGUAGE_CODE = "en"
    page = client.get("/dang-nhap/", {"next": "/c/ABCD2345/qua-chot/"}).content.decode()
    assert "A session ends after 60 minutes without use" in page
    assert "A session ends" not in client.get("/dang-nhap/").content.decode()


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page(
    client, officer, citizen, checkpoint, settings
):
    settings.LANGUAGE_CODE = "en"
    action = f"/c/{citizen.lookup_code}/qua-chot/"
    sent = client.post(action, {"checkpoint": checkpoint.pk, "direction": "in"})
    assert sent.status_code == 302 and sent.url.startswith("/dang-nhap/?next=")
    client.force_login(officer)

    # Where the login page sends the browser, from the login page.
    after_login = client.get(action, HTTP_REFERER=f"http://testserver{sent.url}")

    assert after_login.status_code == 302
    assert after_login.url == f"/c/{citizen.lookup_code}/"
    page = client.get(after_login.url).content.decode()
    assert NOTHING_SAVED in page
    assert not Passage.objects.exists()


def test_an_address_with_no_page_above_it_leads_to_the_start_page(
    client, provincial_health_worker, settings
):
    from declarations.models import EpidemicZone

    zone = EpidemicZone.objects.create(place_code="12", starts_on="2026-01-01")
    client.force_login(provincial_health_worker)
    response = client.get(f"/y-te/vung-dich/{zone.pk}/ket-thuc/")
    assert (response.status_code, response.url) == (302, "/y-te/vung-dich/")
    # Typed by hand, not sent back by the login page: no word of a session.
    assert NOTHING_SAVED not in client.get(response.url).content.decode()
    response = client.get("/nhan-vien/dang-xuat-khong-co/")
    assert response.status_code == 404  # an unknown address is still a 404


def test_under_an_address_prefix_the_page_above_keeps_the_prefix(
    client, officer, citizen, settings
):
    # Served under /truyvet/ behind a proxy (SCRIPT_NAME): the page above is under it too.
    client.force_login(officer)
    action = f"/c/{citizen.lookup_code}/qua-chot/"

    set_script_prefix("/truyvet/")  # as gunicorn's WSGI handler does; the test client does not
    try:
        response = client.get(action, SCRIPT_NAME="/truyvet")
    finally:
        set_script_prefix("/")

    assert (response.status_code, response.url) == (302, f"/truyvet/c/{citizen.lookup_code}/")
