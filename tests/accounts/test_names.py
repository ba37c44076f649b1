"""Staff accounts beside what a page lists are taken from the names each process keeps
(accounts.names), under the staff directory's version."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.names import with_staff_names
from checkpoints.models import Passage
from checkpoints.services import passage_record


def record(citizen, checkpoint, officer) -> None:
    passage_record(
        person=citizen, checkpoint=checkpoint, officer=officer, direction="in", outcome="allowed"
    )


def test_the_names_are_read_once_then_taken_from_memory(citizen, checkpoint, officer):
    officer.first_name, officer.last_name = "Lan", "Vũ Thị"
    officer.save()
    record(citizen, checkpoint, officer)
    with CaptureQueriesContext(connection) as first:
        [passage] = with_staff_names(Passage.objects.all(), "officer")
        assert (passage.officer.get_full_name(), str(passage.officer)) == ("Lan Vũ Thị", "officer")
    with CaptureQueriesContext(connection) as second:
        [passage] = with_staff_names(Passage.objects.all(), "officer")
        assert passage.officer.get_full_name() == "Lan Vũ Thị"

    [names] = [q["sql"] for q in first if '"auth_user"' in q["sql"]]
    assert '"auth_user"."first_name"' in names
    assert '"auth_user"."password"' not in names and "JOIN" not in names
    assert [q["sql"] for q in second] == [str(Passage.objects.all().query)]


def test_an_account_renamed_shows_once_the_change_is_committed(
    citizen, checkpoint, officer, django_capture_on_commit_callbacks
):
    record(citizen, checkpoint, officer)
    assert with_staff_names(Passage.objects.all(), "officer")[0].officer.get_full_name() == ""
    with django_capture_on_commit_callbacks(execute=True):
        officer.first_name, officer.last_name = "Lan", "Vũ Thị"
        officer.save()
    assert with_staff_names(Passage.objects.all(), "officer")[0].officer.get_full_name() == (
        "Lan Vũ Thị"
    )


def test_rows_naming_one_account_share_it_as_prefetching_would(
    citizen, checkpoint, officer, health_worker
):
    for user in (officer, officer, health_worker):
        record(citizen, checkpoint, user)
    first, second, third = with_staff_names(Passage.objects.order_by("pk"), "officer")
    assert first.officer is second.officer
    assert (first.officer, third.officer) == (officer, health_worker)
    again = with_staff_names(Passage.objects.order_by("pk"), "officer")[0]
    assert again.officer == first.officer and again.officer is not first.officer


def test_any_other_field_is_read_when_used(citizen, checkpoint, officer):
    officer.email = "chot@laichau.gov.vn"
    officer.save()
    record(citizen, checkpoint, officer)
    [passage] = with_staff_names(Passage.objects.all(), "officer")
    assert passage.officer.email == "chot@laichau.gov.vn"


def test_no_account_and_no_row_need_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the passages only
        assert with_staff_names(Passage.objects.all(), "officer") == []


def test_accounts_by_key_come_from_memory_or_else_from_the_database(
    officer, other_officer, monkeypatch, django_assert_num_queries
):
    from accounts import names

    names.staff_accounts([officer.pk])  # the directory read once
    with django_assert_num_queries(0):
        accounts = names.staff_accounts([officer.pk, None, officer.pk])
    assert list(accounts) == [officer.pk]
    assert accounts[officer.pk].get_username() == officer.get_username()

    monkeypatch.setattr(names, "_staff_names", dict)  # an account memory does not know yet
    with django_assert_num_queries(1):
        accounts = names.staff_accounts([officer.pk, other_officer.pk, 10**9])
    assert sorted(accounts) == sorted([officer.pk, other_officer.pk])
    assert accounts[other_officer.pk].get_username() == other_officer.get_username()
