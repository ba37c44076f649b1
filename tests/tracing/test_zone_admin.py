from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from declarations.models import EpidemicZone
from tests.conftest import BA_DINH, HA_NOI, PHUC_XA


def test_a_zone_added_in_the_admin_re_evaluates_recent_risks(
    client, administrator, make_declaration
):
    person = make_declaration(from_province="01", from_district=BA_DINH).person
    client.force_login(administrator)
    client.post(
        "/admin/declarations/epidemiczone/add/",
        {
            "province": HA_NOI,
            "district": BA_DINH,
            "starts_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        },
    )
    assert EpidemicZone.objects.count() == 1
    person.refresh_from_db()
    assert person.risk_level == "medium"


def test_the_command_re_evaluates_after_a_zone_changed_elsewhere(make_declaration, capsys):
    person = make_declaration(from_province="01", from_district=BA_DINH).person
    EpidemicZone.objects.create(
        place_code=BA_DINH, place_name="Quận Ba Đình", starts_on=timezone.localdate()
    )
    call_command("reevaluate_risk")
    person.refresh_from_db()
    assert person.risk_level == "medium"
    assert "1 people changed" in capsys.readouterr().out


def test_zones_deleted_with_the_lists_action_re_evaluate_recent_risks(
    client, administrator, make_declaration
):
    person = make_declaration(from_province="01", from_district=BA_DINH).person
    client.force_login(administrator)
    client.post(
        "/admin/declarations/epidemiczone/add/",
        {"province": HA_NOI, "district": BA_DINH, "starts_on": timezone.localdate().isoformat()},
    )
    person.refresh_from_db()
    assert person.risk_level == "medium"
    zone = EpidemicZone.objects.get()

    response = client.post(
        "/admin/declarations/epidemiczone/",
        {"action": "delete_selected", "_selected_action": [zone.pk], "post": "yes"},
        follow=True,
    )

    assert not EpidemicZone.objects.exists()
    person.refresh_from_db()
    assert person.risk_level == "none"
    assert person.declarations.get().risk_level == "none"
    assert "Đã đánh giá lại nguy cơ" in response.content.decode()


def test_a_zone_ending_before_it_starts_is_refused_next_to_its_end_date(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/declarations/epidemiczone/add/",
        {"province": HA_NOI, "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )

    assert not EpidemicZone.objects.exists()
    form = response.context["adminform"].form
    assert form.errors == {"ends_on": ["Ngày kết thúc trước ngày bắt đầu."]}
    assert "zone_ends_after_start" not in response.content.decode()


def test_an_empty_zone_form_says_once_that_a_place_is_needed(client, administrator):
    client.force_login(administrator)
    response = client.post("/admin/declarations/epidemiczone/add/", {})

    errors = response.context["adminform"].form.errors
    assert errors["province"] == ["Trường này là bắt buộc."]
    assert "place_code" not in errors
    assert "Không có tỉnh, huyện hoặc xã nào mang mã này." not in response.content.decode()


def test_the_zone_form_names_its_places_and_opens_a_zone_with_its_place_chosen(
    client, administrator
):
    client.force_login(administrator)
    client.post(
        "/admin/declarations/epidemiczone/add/",
        {
            "province": HA_NOI,
            "district": BA_DINH,
            "commune": PHUC_XA,
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    zone = EpidemicZone.objects.get()
    assert zone.place_code == PHUC_XA

    page = client.get(f"/admin/declarations/epidemiczone/{zone.pk}/change/")
    form = page.context["adminform"].form
    assert (form["province"].value(), form["district"].value(), form["commune"].value()) == (
        HA_NOI,
        BA_DINH,
        PHUC_XA,
    )
    html = page.content.decode()
    assert 'name="place_code"' not in html
    assert f'<option value="{BA_DINH}" selected>Quận Ba Đình</option>' in html
    assert "js/site.js" in html


def test_a_commune_outside_the_district_chosen_is_refused(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/declarations/epidemiczone/add/",
        {
            "province": HA_NOI,
            "district": BA_DINH,
            "commune": "03390",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    assert not EpidemicZone.objects.exists()
    assert "commune" in response.context["adminform"].form.errors


def test_the_english_admin_reads_and_shows_dates_day_first(client, settings, administrator):
    """In English the admin read a typed 06/12/2026 as 12 June, refused 20/12/2026, and listed
    "Dec. 6, 2026"."""
    from datetime import date

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(administrator)
    client.post(
        "/admin/declarations/epidemiczone/add/",
        {"province": HA_NOI, "starts_on": "06/12/2026", "ends_on": "20/12/2026"},
    )

    zone = EpidemicZone.objects.get()
    assert (zone.starts_on, zone.ends_on) == (date(2026, 12, 6), date(2026, 12, 20))
    page = client.get("/admin/declarations/epidemiczone/").content.decode()
    assert "06/12/2026" in page and "20/12/2026" in page
    assert "Dec. 6, 2026" not in page
