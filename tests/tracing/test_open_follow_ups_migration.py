"""Migration tracing.0003: people loaded at risk without a follow-up get one, dated when the
person was last updated, so that the overdue list (which tests the follow-up alone) lists them
exactly when it listed them before."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from declarations.models import Person
from tracing.forms_risk import overdue
from tracing.models import FollowUp

migration = importlib.import_module("tracing.migrations.0003_open_follow_ups")


def test_people_at_risk_without_a_follow_up_get_one_dated_when_they_were_updated(
    make_declaration,
):
    at_risk = make_declaration(full_name="Sốt", symptoms=("fever",)).person
    recent = make_declaration(full_name="Ho", exposures=("suspected_case",)).person
    followed = make_declaration(full_name="Đã Theo Dõi", symptoms=("fever",)).person
    well = make_declaration(full_name="Khoẻ").person
    FollowUp.objects.filter(person__in=[at_risk, recent]).delete()
    two_days_ago = timezone.now() - timedelta(days=2)
    Person.objects.filter(pk=at_risk.pk).update(updated_at=two_days_ago)
    kept = FollowUp.objects.get(person=followed)

    migration.open_missing_follow_ups(apps, None)

    opened = FollowUp.objects.get(person=at_risk)
    assert (opened.status, opened.reason) == ("new", "Nguy cơ cao")
    assert opened.created_at == opened.updated_at == two_days_ago
    assert FollowUp.objects.get(person=recent).reason == "Nguy cơ trung bình"
    assert FollowUp.objects.get(person=followed) == kept
    assert kept.updated_at == FollowUp.objects.get(person=followed).updated_at
    assert not FollowUp.objects.filter(person=well).exists()
    late = Person.objects.filter(overdue(timezone.now())).values_list("full_name", flat=True)
    assert list(late) == ["Sốt"]


def test_running_it_again_opens_nothing_more(make_declaration):
    person = make_declaration(full_name="Sốt", symptoms=("fever",)).person
    FollowUp.objects.filter(person=person).delete()
    migration.open_missing_follow_ups(apps, None)
    migration.open_missing_follow_ups(apps, None)
    assert FollowUp.objects.filter(person=person).count() == 1
