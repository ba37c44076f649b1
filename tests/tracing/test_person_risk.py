"""A person's current risk: the highest of their declarations of the last 14 days made since the
health staff last cleared them, their open risk flags, an open case and their confirmed contacts
of cases (``declarations.services.people_risk_levels``). A declaration without risk must not
hide the fever declared yesterday, at the checkpoint or on the health staff's risk list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration, Person
from declarations.services import risk_flag_add
from tests.conftest import confirm_case
from tracing.models import Case, Contact, FollowUp
from tracing.services import (
    case_close,
    contact_decide,
    contact_report,
    contacts_decide_all,
    follow_up_update,
)


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


def test_an_open_case_stays_high_after_a_declaration_without_risk(make_declaration, citizen):
    confirm_case(citizen)
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


def test_clearing_the_follow_up_of_an_open_case_closes_the_case(citizen, health_worker):
    case = confirm_case(citizen)
    follow_up = FollowUp.objects.get(person=citizen)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    case.refresh_from_db()
    assert case.closed_at is not None
    assert risk_of(citizen) == "none"


@pytest.fixture
def case(make_declaration):
    return confirm_case(make_declaration(full_name="Ca Bệnh Một").person)


def proposed(case, person, level="F1", via=None) -> Contact:
    return Contact.objects.create(case=case, person=person, level=level, via=via)


def test_a_confirmed_f1_is_high_and_an_f2_medium_until_the_staff_clear_them(
    case, make_declaration, health_worker
):
    f1 = proposed(case, make_declaration(full_name="Tiếp Xúc Gần").person)
    f2 = proposed(case, make_declaration(full_name="Tiếp Xúc Xa").person, "F2", via=f1)
    assert risk_of(f1.person) == risk_of(f2.person) == "none"  # proposed is not yet a contact

    contact_decide(contact=f1, status="confirmed", user=health_worker)
    contacts_decide_all(case=case, status="confirmed", user=health_worker, level="F2")
    assert (risk_of(f1.person), risk_of(f2.person)) == ("high", "medium")
    # A clean declaration of theirs does not hide it.
    make_declaration(person=f1.person, full_name="Tiếp Xúc Gần")
    assert risk_of(f1.person) == "high"

    follow_up_update(
        follow_up=FollowUp.objects.get(person=f1.person), user=health_worker, status="cleared"
    )
    assert risk_of(f1.person) == "none"
    assert risk_of(f2.person) == "medium"


def test_a_contact_reported_by_the_investigation_team_is_at_risk_at_once(
    case, health_worker, citizen
):
    contact_report(
        case=case, person=citizen, person_values={}, level="F1", note="Ăn cùng", user=health_worker
    )
    assert risk_of(citizen) == "high"


def test_a_dismissed_contact_is_not_at_risk(case, citizen, health_worker):
    contact = proposed(case, citizen)
    contact_decide(contact=contact, status="dismissed", user=health_worker)
    assert risk_of(citizen) == "none"


def test_a_contact_confirmed_again_after_clearing_is_at_risk_again(
    case, citizen, health_worker, make_declaration
):
    contact_decide(contact=proposed(case, citizen), status="confirmed", user=health_worker)
    follow_up = FollowUp.objects.get(person=citizen)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    assert risk_of(citizen) == "none"

    other = confirm_case(make_declaration(full_name="Ca Bệnh Hai").person)
    contact_decide(contact=proposed(other, citizen), status="confirmed", user=health_worker)
    assert risk_of(citizen) == "high"
    follow_up.refresh_from_db()
    assert follow_up.status == "new"


def test_closing_a_case_clears_its_follow_up_but_not_its_contacts(case, citizen, health_worker):
    contact_decide(contact=proposed(case, citizen), status="confirmed", user=health_worker)

    case_close(case=case, user=health_worker, note="Khỏi bệnh, ra viện")

    assert case.closed_at is not None
    assert risk_of(case.person) == "none"
    follow_up = FollowUp.objects.get(person=case.person)
    assert follow_up.status == "cleared"
    assert follow_up.events.first().note == "Khỏi bệnh, ra viện"  # newest first
    assert risk_of(citizen) == "high"  # the F1's quarantine runs on


def test_a_closed_case_confirmed_again_is_open_and_high(case, health_worker):
    case_close(case=case, user=health_worker)
    confirm_case(case.person)
    assert Case.objects.get(pk=case.pk).closed_at is None
    assert risk_of(case.person) == "high"


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
    response = client.post(
        f"{page}cap-nhat/", {"status": "cleared", "confirm_clear": "on", "note": "Âm tính, hết sốt"}
    )
    assert response.status_code == 302
    assert client.get(page).status_code == 200  # the page stays open to the staff
    assert risk_of(feverish) == "none"
    assert client.get("/y-te/").context["rows"] == []


def test_a_clearing_by_mistake_is_undone_by_reopening_the_follow_up(
    feverish, health_worker, make_declaration
):
    risk_flag_add(person=feverish, level="high", reason="Sốt 39", place="Chốt", user=None)
    follow_up = FollowUp.objects.get(person=feverish)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    assert risk_of(feverish) == "none"

    follow_up_update(follow_up=follow_up, user=health_worker, status="contacted")

    assert risk_of(feverish) == "high"  # the fever declared before the clearing counts again
    assert Person.objects.get(pk=feverish.pk).risk_cleared_at is None
    assert [flag.reason for flag in feverish.open_risk_flags()] == ["Sốt 39"]


def test_undoing_a_clearing_goes_back_to_the_clearing_before_it(
    feverish, health_worker, make_declaration
):
    follow_up = FollowUp.objects.get(person=feverish)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    first_clearing = Person.objects.get(pk=feverish.pk).risk_cleared_at
    make_declaration(person=feverish, full_name="Sốt Hôm Qua", symptoms=("cough",))
    follow_up.refresh_from_db()
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")

    follow_up_update(follow_up=follow_up, user=health_worker, status="home")

    assert Person.objects.get(pk=feverish.pk).risk_cleared_at == first_clearing
    assert risk_of(feverish) == "high"  # the cough, declared after the first clearing


def test_reopening_the_follow_up_of_a_case_closed_by_its_clearing_opens_the_case(
    case, health_worker
):
    follow_up = FollowUp.objects.get(person=case.person)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    assert Case.objects.get(pk=case.pk).closed_at is not None

    follow_up_update(follow_up=follow_up, user=health_worker, status="facility")

    assert Case.objects.get(pk=case.pk).closed_at is None
    assert risk_of(case.person) == "high"


def test_news_that_reopens_a_cleared_follow_up_does_not_undo_the_clearing(
    feverish, health_worker, make_declaration
):
    follow_up = FollowUp.objects.get(person=feverish)
    follow_up_update(follow_up=follow_up, user=health_worker, status="cleared")
    make_declaration(person=feverish, full_name="Sốt Hôm Qua", exposures=("suspected_case",))
    assert FollowUp.objects.get(person=feverish).status == "new"
    assert risk_of(feverish) == "medium"  # the new exposure only, not the fever before


def test_clearing_on_the_page_asks_for_confirmation_and_can_be_undone(
    client, health_worker, feverish
):
    client.force_login(health_worker)
    page = f"/y-te/theo-doi/{feverish.lookup_code}/"
    assert 'name="confirm_clear"' in client.get(page).content.decode()
    client.post(f"{page}cap-nhat/", {"status": "cleared"})
    assert risk_of(feverish) == "high"  # not confirmed: nothing saved
    assert FollowUp.objects.get(person=feverish).status == "new"

    client.post(f"{page}cap-nhat/", {"status": "cleared", "confirm_clear": "on"})
    assert risk_of(feverish) == "none"
    assert 'id="cleared-reopen"' in client.get(page).content.decode()

    client.post(f"{page}cap-nhat/", {"status": "contacted"})
    assert risk_of(feverish) == "high"
    assert client.get("/y-te/").context["rows"]


def test_the_pages_say_why_the_person_is_at_risk(
    client, case, health_worker, officer, make_declaration
):
    f1 = proposed(case, make_declaration(full_name="Tiếp Xúc Gần").person)
    contact_decide(contact=f1, status="confirmed", user=health_worker)
    fever = make_declaration(person=f1.person, full_name="Tiếp Xúc Gần", symptoms=("fever",))
    Declaration.objects.filter(pk=fever.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    make_declaration(person=f1.person, full_name="Tiếp Xúc Gần")  # the latest: no risk
    when = f"{timezone.localtime(timezone.now() - timedelta(days=2)):%d/%m/%Y}"

    for user, page in ((health_worker, "/y-te/theo-doi/{}/"), (officer, "/c/{}/")):
        client.force_login(user)
        html = client.get(page.format(f1.person.lookup_code)).content.decode()
        reasons = html.split('id="risk-reasons"')[1].split("</div>")[0]
        assert "Confirmed F1 contact of the case Ca Bệnh Một" in reasons
        assert "Symptom: Fever" in reasons and when in reasons


def test_the_pages_read_a_persons_case_with_them_not_again_for_their_risk(
    client, case, health_worker, officer
):
    """Both pages of a case read the case with the person: why they are at risk says so from
    it, with no query of its own, and no longer once the case is closed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    code = case.person.lookup_code
    for user, page in ((health_worker, f"/y-te/theo-doi/{code}/"), (officer, f"/c/{code}/")):
        client.force_login(user)
        with CaptureQueriesContext(connection) as read:
            html = client.get(page).content.decode()
        assert "Confirmed case (F0), not closed" in html.split('id="risk-reasons"')[1]
        cases = [q["sql"] for q in read if '"tracing_case"."closed_at" IS NULL' in q["sql"]]
        assert cases == []

    from declarations.services import risk_sources_of

    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    closed = Person.objects.select_related("case").get(pk=case.person.pk)
    assert "case" not in [source.kind for source in risk_sources_of(closed)]
    unread = Person.objects.get(pk=case.person.pk)  # the case not read with them: read here
    Case.objects.filter(pk=case.pk).update(closed_at=None)
    assert "case" in [source.kind for source in risk_sources_of(unread)]


def test_the_sources_of_a_person_not_at_risk_cost_no_query(citizen, django_assert_num_queries):
    from declarations.services import risk_sources_of

    with django_assert_num_queries(0):
        assert risk_sources_of(citizen) == []


def test_the_pages_read_the_open_flags_once_for_the_list_and_the_reasons(
    client, health_worker, officer, citizen
):
    """A person's pages list the flags not cleared, and say why the person is at risk, which
    counts the same flags: read once, for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    risk_flag_add(person=citizen, level="high", reason="Sốt 39 độ", place="Chốt Km 15", user=None)
    for user, page in ((health_worker, "/y-te/theo-doi/{}/"), (officer, "/c/{}/")):
        client.force_login(user)
        url = page.format(citizen.lookup_code)
        client.get(url)  # the statements prepared, once a session (PostgreSQL)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        # Sent whole (SQLite), or by the names of the statements prepared (truyvet.compiled).
        flags = [
            q
            for q in queries
            if q["sql"].startswith('SELECT "declarations_riskflag"') or "_flag" in q["sql"]
        ]
        assert len(flags) == 1, [q["sql"] for q in flags]
        reasons = html.split('id="risk-reasons"')[1].split("</div>")[0]
        assert "Sốt 39 độ" in reasons
