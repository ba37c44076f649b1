from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from declarations.models import EpidemicZone
from tests.conftest import BA_DINH


def test_a_zone_added_in_the_admin_re_evaluates_recent_risks(
    client, administrator, make_declaration
):
    person = make_declaration(from_province="01", from_district=BA_DINH).person
    client.force_login(administrator)
    client.post(
        "/admin/declarations/epidemiczone/add/",
        {
            "place_code": BA_DINH,
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
        {"place_code": BA_DINH, "starts_on": timezone.localdate().isoformat()},
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
