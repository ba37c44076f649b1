"""The user guide: a public page per role, in Vietnamese and English, linked from each role's
start page."""

import re

import pytest
from django.test import Client

from guide.guides import GUIDES

pytestmark = pytest.mark.django_db

SLUGS = [guide.slug for guide in GUIDES]


def assert_no_inline_code(page: str):
    """The site's Content-Security-Policy allows no inline script or style."""
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("slug", SLUGS)
def test_each_roles_guide_is_public_in_vietnamese_with_its_screenshot(client, places, slug):
    response = client.get(f"/huong-dan/{slug}/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    page = response.content.decode()
    assert f'src="/static/guide/{slug}.png"' in page
    assert "<h1" in page and 'lang="vi"' in page
    assert_no_inline_code(page)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_roles_guide_has_an_english_version(client, places, slug):
    response = english(client).get(f"/huong-dan/{slug}/")
    assert response.status_code == 200
    names = [template.name for template in response.templates]
    assert f"guide/en/{slug}.html" in names
    assert f"guide/vi/{slug}.html" not in names
    assert 'lang="en"' in response.content.decode()
    assert_no_inline_code(response.content.decode())
    assert f'src="/static/guide/{slug}.png"' in response.content.decode()


def test_a_language_without_its_own_guide_falls_back_to_vietnamese(client, places, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "French")]
    client.cookies["django_language"] = "fr"
    response = client.get("/huong-dan/nguoi-dan/")
    assert response.status_code == 200
    assert "guide/vi/nguoi-dan.html" in [t.name for t in response.templates]


def test_the_index_lists_every_roles_guide(client, places):
    page = client.get("/huong-dan/").content.decode()
    assert_no_inline_code(page)
    for slug in SLUGS:
        assert f'href="/huong-dan/{slug}/"' in page


def test_an_unknown_guide_is_not_found(client, places):
    assert client.get("/huong-dan/khong-co/").status_code == 404


def test_the_screenshots_are_small_pngs():
    from django.conf import settings

    for slug in SLUGS:
        png = settings.BASE_DIR / "static" / "guide" / f"{slug}.png"
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG"), slug
        assert len(data) < 150_000, slug


def test_citizens_find_their_guide_at_the_foot_of_every_page(client, places):
    assert 'href="/huong-dan/nguoi-dan/"' in client.get("/").content.decode()
    assert 'href="/huong-dan/nguoi-dan/"' in client.get("/khai-bao/").content.decode()


@pytest.mark.parametrize(
    ("persona", "start", "slug"),
    [
        ("officer", "/chot/", "chot-kiem-soat"),
        ("operator", "/nha-xe/", "nha-xe"),
        ("health_worker", "/y-te/", "y-te"),
        ("provincial_health_worker", "/y-te/", "y-te"),
        ("facility_worker", "/co-so-y-te/", "co-so-y-te"),
        ("transport_officer", "/nha-xe/", "giao-thong"),
        ("leader", "/bao-cao/", "lanh-dao"),
        ("administrator", "/nhan-vien/", "quan-tri"),
    ],
)
def test_each_personas_start_page_links_to_their_roles_guide(client, request, persona, start, slug):
    from accounts.menu import start_url

    user = request.getfixturevalue(persona)
    assert start_url(user) == start
    client.force_login(user)
    page = client.get(start).content.decode()
    assert page.count(f'href="/huong-dan/{slug}/"') == 2  # the staff menu and the footer


def test_staff_with_no_role_are_pointed_to_the_index(client, outsider):
    client.force_login(outsider)
    page = client.get("/nhan-vien/").content.decode()
    assert 'href="/huong-dan/"' in page


def test_the_officers_guide_quotes_the_deployments_limit_on_codes(client, places, settings):
    settings.CODE_MISS_RATE = "40/15m"
    page = client.get("/huong-dan/chot-kiem-soat/").content.decode()
    assert "quá 40 lần trong 15 phút" in page and "nhiều nhất 15 phút" in page
    page = english(client).get("/huong-dan/chot-kiem-soat/").content.decode()
    assert "past 40 in 15 minutes" in page


def test_the_guides_quote_the_deployments_limit_on_failed_logins_per_network(
    client, places, settings
):
    settings.LOGIN_ADDRESS_FAILURE_RATE = "12/20m"
    page = client.get("/huong-dan/chot-kiem-soat/").content.decode()  # its login section
    assert "trong 20 phút có 12 lần đăng nhập sai từ cùng một mạng" in page
    page = english(client).get("/huong-dan/quan-tri/").content.decode()
    assert "When 12 logins fail from one network within 20 minutes" in page


def test_the_administrators_guide_says_how_long_the_audit_log_is_kept(client, places, settings):
    settings.AUDIT_RETENTION_DAYS = 730
    page = client.get("/huong-dan/quan-tri/").content.decode()
    assert "nhật ký được giữ 730 ngày, sau đó lần xóa dữ liệu hằng đêm xóa các dòng cũ hơn" in page
    page = english(client).get("/huong-dan/quan-tri/").content.decode()
    assert "it is kept 730 days, then the nightly purge deletes the older entries" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_administrators_guide_names_the_lockouts_as_the_admin_does(
    client, places, settings, language
):
    from axes.models import AccessAttempt
    from django.apps import apps
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/huong-dan/quan-tri/").content.decode()

    with translation.override(language):
        app = apps.get_app_config("axes").verbose_name
        section = AccessAttempt._meta.verbose_name_plural
        assert f"{app} › {str(section).capitalize()}" in page
        assert "Lưu lại" not in page  # the admin's button is "Lưu"
