"""A person's current risk: the highest of their declarations of the last 14 days made since the
health staff last cleared them, their open risk flags and an open case
(``declarations.services.people_risk_levels``). A declaration without risk must not hide the
fever declared yesterday, at the checkpoint or on the health staff's risk list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration, Person
from declarations.services import risk_flag_add
from tracing.models import FollowUp
from tracing.services import case_confirm, follow_up_update


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def risk_of(person) -> str:
    return Person.objects.get(pk=person.pk).risk_level


@pytest.fixture
def feverish(make_declaration):
    """Declared a fever an hour ago."""
    declaration = make_declaration(full_name="Sốt Hôm Qua", symptoms=("fever",))
    hour_ago = timezone.now() - timedelta(hours=1)
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=hour_ago)
    return declaration.person


def test_a_declaration_without_risk_keeps_the_fever_declared_before(make_declaration, feverish):
    make_declaration(person=feverish, full_name="Sốt Hôm Qua")
    assert risk_of(feverish) == "high"


def test_the_person_stays_on_the_risk_list_and_high_at_the_checkpoint(
    client, health_worker, officer, make_declaration, feverish
):
    make_declaration(person=feverish, full_name="Sốt Hôm Qua")
    client.force_login(health_worker)
    names = [row.person.full_name for row in client.get("/y-te/").context["rows"]]
    assert names == ["Sốt Hôm Qua"]
    client.force_login(officer)
    page = client.get(f"/c/{feverish.lookup_code}/").content.decode()
    assert 'class="risk-banner risk-high' in page


def test_a_risk_declared_more_than_14_days_ago_no_longer_counts(make_declaration, feverish):
    long_ago = timezone.now() - timedelta(days=15)
    Declaration.objects.filter(person=feverish).update(submitted_at=long_ago)
    make_declaration(person=feverish, full_name="Sốt Hôm Qua")
    assert risk_of(feverish) == "none"


def test_a_medium_declaration_after_a_high_one_keeps_the_person_high(make_declaration, feverish):
    make_declaration(person=feverish, full_name="Sốt Hôm Qua", exposures=("suspected_case",))
    assert risk_of(feverish) == "high"


def test_an_open_case_stays_high_after_a_declaration_without_risk(make_declaration, citizen, today):
    case_confirm(
        person=citizen, confirmed_on=today, how_confirmed="RT-PCR", isolated_at="", user=None
    )
    make_declaration(person=citizen)
    assert risk_of(citizen) == "high"


def test_clearing_the_follow_up_clears_the_risk_and_the_flags(
    make_declaration, feverish, health_worker
):
    risk_flag_add(person=feverish, level="medium", reason="Sốt 38,5", place="Chốt", user=None)
    follow_up = FollowUp.objects.get(person=feverish)

    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")

    assert risk_of(feverish) == "none"
    assert not feverish.open_risk_flags()
    make_declaration(person=feverish, full_name="Sốt Hôm Qua")
    assert risk_of(feverish) == "none"  # the fever before the clearing no longer counts


def test_a_new_risk_after_clearing_counts_and_reopens_the_follow_up(
    make_declaration, feverish, health_worker
):
    follow_up = FollowUp.objects.get(person=feverish)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")

    make_declaration(person=feverish, full_name="Sốt Hôm Qua", symptoms=("cough",))

    assert risk_of(feverish) == "high"
    follow_up.refresh_from_db()
    assert follow_up.status == "new"


def test_clearing_the_follow_up_of_an_open_case_keeps_them_high(citizen, health_worker, today):
    case_confirm(
        person=citizen, confirmed_on=today, how_confirmed="RT-PCR", isolated_at="", user=None
    )
    follow_up = FollowUp.objects.get(person=citizen)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    assert risk_of(citizen) == "high"


def test_a_change_of_follow_up_other_than_clearing_leaves_the_risk(feverish, health_worker):
    follow_up = FollowUp.objects.get(person=feverish)
    follow_up_update(follow_up=follow_up, user=health_worker, status="negative")
    assert risk_of(feverish) == "high"
    assert Person.objects.get(pk=feverish.pk).risk_cleared_at is None


def test_the_pages_say_why_the_risk_is_not_the_latest_declarations(
    client, health_worker, officer, make_declaration, feverish
):
    note = "highest of the declarations of the last 14 days"
    client.force_login(officer)
    assert note not in client.get(f"/c/{feverish.lookup_code}/").content.decode()
    make_declaration(person=feverish, full_name="Sốt Hôm Qua")
    assert note in client.get(f"/c/{feverish.lookup_code}/").content.decode()
    client.force_login(health_worker)
    assert note in client.get(f"/y-te/theo-doi/{feverish.lookup_code}/").content.decode()


def test_clearing_on_the_follow_up_page_takes_the_person_off_the_risk_list(
    client, health_worker, feverish
):
    client.force_login(health_worker)
    page = f"/y-te/theo-doi/{feverish.lookup_code}/"
    response = client.post(f"{page}cap-nhat/", {"status": "cleared", "note": "Âm tính, hết sốt"})
    assert response.status_code == 302
    assert client.get(page).status_code == 200  # the page stays open to the staff
    assert risk_of(feverish) == "none"
    assert client.get("/y-te/").context["rows"] == []
