from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

from declarations.models import Declaration
from declarations.risk import RiskLevel
from declarations.services import people_risk_levels
from tracing.models import (
    Case,
    Contact,
    ContactLevel,
    ContactSource,
    ContactStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
)
from tracing.synthetic import at_risk_people

NOW = datetime(2021, 8, 20, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def population(time_machine, health_worker, provincial_health_worker):
    """Ten coaches and 1,200 declarations over two weeks; health staff of Tam Đường and of
    the province to follow people up."""
    time_machine.move_to(NOW, tick=False)
    run("generate_fleet", companies=3, vehicles=10, seed=3)
    run("generate_data", declarations=1200, seed=3)


@pytest.fixture
def generated(population) -> str:
    return run("generate_cases", cases=5, seed=3)


def test_five_cases_are_confirmed_with_contacts_of_both_levels(generated):
    assert "Created" in generated and "5 cases" in generated
    cases = Case.objects.select_related("person")
    assert cases.count() == 5
    for case in cases:
        assert "RT-PCR" in case.how_confirmed
        assert case.isolated_at.startswith(("Bệnh viện Đa khoa tỉnh", "Trung tâm Y tế"))
        assert case.confirmed_on <= timezone.localdate()
        assert case.person.risk_level == RiskLevel.HIGH
        assert case.person.follow_up.status == FollowUpStatus.TESTED_POSITIVE
    levels = Counter(Contact.objects.values_list("level", "status"))
    assert {status for _level, status in levels} == set(ContactStatus.values)
    assert sum(n for (level, _s), n in levels.items() if level == ContactLevel.F2) > 0


def test_every_person_at_risk_of_the_last_two_weeks_has_a_follow_up(population):
    at_risk = at_risk_people()
    assert at_risk.count() > 20
    assert not FollowUp.objects.exists()  # bulk inserts sent no signal
    run("generate_cases", seed=3)
    assert not at_risk.filter(follow_up__isnull=True).exists()


def test_people_whose_follow_up_ended_cleared_are_left_as_clearing_leaves_them(generated):
    """Off the risk list, unless a declaration since or an open case keeps them at risk."""
    cleared = FollowUp.objects.filter(status=FollowUpStatus.CLEARED).select_related("person")
    assert cleared.exists()
    levels = people_risk_levels(f.person_id for f in cleared)
    for follow_up in cleared:
        assert follow_up.person.risk_cleared_at == follow_up.updated_at
        assert follow_up.person.risk_level == levels[follow_up.person_id]
    assert {f.person.risk_level for f in cleared} == {RiskLevel.NONE}


def test_confirmed_contacts_are_at_risk_as_the_rule_says(generated):
    """An F1 or F2 confirmed and not cleared since is at risk, and on the risk list."""
    confirmed = Contact.objects.filter(status=ContactStatus.CONFIRMED).select_related("person")
    levels = people_risk_levels(c.person_id for c in confirmed)
    assert {c.person.risk_level for c in confirmed} - {RiskLevel.NONE}
    for contact in confirmed:
        assert contact.person.risk_level == levels[contact.person_id]
        cleared_at = contact.person.risk_cleared_at
        if cleared_at is None or cleared_at < contact.decided_at:
            assert contact.person.risk_level != RiskLevel.NONE


def test_follow_ups_have_one_to_four_events_and_some_are_overdue(generated):
    cases = set(Case.objects.values_list("person", flat=True))
    follow_ups = FollowUp.objects.annotate(events_count=Count("events"), last=Max("events__at"))
    limit = timezone.now() - timedelta(hours=24)
    for follow_up in follow_ups.exclude(person__in=cases):
        assert 1 <= follow_up.events_count <= 4
        assert follow_up.created_at <= follow_up.last == follow_up.updated_at <= timezone.now()
    statuses = Counter(follow_ups.values_list("status", flat=True))
    assert len(statuses) >= 5
    assert follow_ups.exclude(status=FollowUpStatus.CLEARED).filter(updated_at__lt=limit).exists()
    assert follow_ups.filter(updated_at__gte=limit).exists()


def test_events_are_written_by_the_persons_district_staff_or_the_province(
    generated, health_worker, provincial_health_worker
):
    events = FollowUpEvent.objects.exclude(user=None).select_related("follow_up__person")
    assert events.exists()
    for event in events:
        person = event.follow_up.person
        if event.user_id == health_worker.pk:
            assert person.residence_district_id == "106"
        else:
            assert event.user_id == provincial_health_worker.pk
    assert FollowUpEvent.objects.exclude(note="").count() == FollowUpEvent.objects.count()


def test_co_travellers_shared_the_cases_vehicle_within_a_day(generated):
    vehicle = Contact.objects.filter(level=ContactLevel.F1, source=ContactSource.PROPOSED)
    checked = 0
    for contact in vehicle.select_related("case"):
        for reason in contact.reasons:
            if reason["rule"] != "vehicle":
                continue
            day = datetime.fromisoformat(reason["day"]).date()
            assert Declaration.objects.filter(
                person=contact.person_id, vehicle_plate=reason["plate"], travel_date=day
            ).exists()
            assert Declaration.objects.filter(
                person=contact.case.person_id,
                vehicle_plate=reason["plate"],
                travel_date__range=(day - timedelta(1), day + timedelta(1)),
            ).exists()
            checked += 1
    assert checked > 10


def test_an_f2_always_goes_through_a_confirmed_f1_of_the_same_case(generated):
    f2s = Contact.objects.filter(level=ContactLevel.F2).select_related("via")
    assert f2s.exists()
    for f2 in f2s:
        assert f2.via.level == ContactLevel.F1
        assert f2.via.status == ContactStatus.CONFIRMED
        assert f2.via.case_id == f2.case_id
        assert f2.person_id not in (f2.via.person_id, f2.case.person_id)
    assert not Contact.objects.filter(level=ContactLevel.F1, via__isnull=False).exists()


def test_confirmed_contacts_are_followed_up_and_decided_ones_say_by_whom(generated):
    confirmed = Contact.objects.filter(status=ContactStatus.CONFIRMED)
    assert confirmed.exists()
    assert not confirmed.filter(person__follow_up__isnull=True).exists()
    decided = Contact.objects.exclude(status=ContactStatus.PROPOSED)
    assert not decided.filter(decided_at__isnull=True).exists()
    assert not Contact.objects.filter(status=ContactStatus.PROPOSED, decided_at__isnull=False)
    for contact in decided.select_related("case"):
        assert contact.case.created_at <= contact.created_at <= contact.decided_at
        assert contact.decided_at <= timezone.now()


def test_with_if_empty_a_second_run_adds_nothing(generated):
    counts = [m.objects.count() for m in (Case, Contact, FollowUp, FollowUpEvent)]
    assert "already exist" in run("generate_cases", if_empty=True)
    assert [m.objects.count() for m in (Case, Contact, FollowUp, FollowUpEvent)] == counts


def test_runs_without_if_empty_add_cases_and_never_a_contact_twice(generated):
    run("generate_cases", cases=5, seed=3)
    run("generate_cases", cases=5)
    assert Case.objects.count() == 15
    twice = Contact.objects.values("case", "person").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    assert FollowUp.objects.values("person").distinct().count() == FollowUp.objects.count()


def test_loading_takes_a_bounded_number_of_queries(population, django_assert_max_num_queries):
    # SQLite takes at most 999 values a statement: each column of an event (the follow-up's
    # unassigned flag is one) makes its batches smaller, not one query per row.
    with django_assert_max_num_queries(42):
        run("generate_cases", cases=5, seed=3)


def test_without_people_nothing_is_generated(places):
    assert "0 follow-ups" in run("generate_cases")
    assert not Case.objects.exists()


def test_follow_up_reasons_are_written_in_the_source_language(generated):
    """Shown in each reader's language (tracing.models.shown_text): "Nguy cơ cao" stayed
    Vietnamese on an English page."""
    from django.utils import translation

    reasons = set(FollowUp.objects.values_list("reason", flat=True))
    assert "High risk" in reasons or "Medium risk" in reasons
    assert not reasons & {"Nguy cơ cao", "Nguy cơ trung bình"}
    follow_up = FollowUp.objects.filter(reason="High risk").first() or FollowUp.objects.first()
    with translation.override("en"):
        assert follow_up.reason_shown in ("High risk", "Medium risk")


def test_reasons_written_in_vietnamese_before_are_written_again_in_the_source_language(
    citizen, make_declaration
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tracing.migrations.0007_follow_up_reasons_in_source_language")
    other = make_declaration(full_name="Lò Thị Khác").person
    written = FollowUp.objects.create(person=citizen, reason="Nguy cơ cao")
    typed = FollowUp.objects.create(person=other, reason="Gọi lại sau 17 giờ")
    migration.reasons_in_source_language(apps, None)
    written.refresh_from_db()
    typed.refresh_from_db()
    assert (written.reason, typed.reason) == ("High risk", "Gọi lại sau 17 giờ")
