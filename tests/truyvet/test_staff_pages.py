"""Staff pages hold personal data: browsers and proxies keep none of them; and the error pages
send staff back to their own start page."""


def test_a_person_page_is_never_kept_by_the_browser(client, officer, citizen):
    client.force_login(officer)
    response = client.get(f"/c/{citizen.lookup_code}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_keep_their_own_caching(client, places):
    response = client.get("/quyen-rieng-tu/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_not_found_page_sends_staff_to_their_start_page_and_citizens_home(
    client, officer, places, settings
):
    settings.DEBUG = False
    page = client.get("/khong-co-trang-nay/").content.decode()
    assert '<a class="btn btn-success" href="/">' in page
    client.force_login(officer)
    page = client.get("/khong-co-trang-nay/").content.decode()
    assert '<a class="btn btn-success" href="/nhan-vien/">Trang cán bộ</a>' in page
