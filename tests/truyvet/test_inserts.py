"""``truyvet.inserts.insert_one``: one row written as ``save(force_insert=True)`` writes it."""

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from truyvet import inserts

pytestmark = pytest.mark.django_db


def entry(**values) -> AuditEntry:
    return AuditEntry(username="chot", action=AuditAction.SEARCH, detail="lo van", **values)


def test_a_row_gets_its_key_and_its_defaults(officer):
    before = timezone.now()
    written = entry(user=officer)
    inserts.insert_one(written)
    stored = AuditEntry.objects.get()
    assert written.pk == stored.pk and not written._state.adding
    assert (stored.user, stored.detail, stored.client_ip) == (officer, "lo van", None)
    assert before <= stored.at <= timezone.now()


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="emulates a SQLite older than 3.35, which has no RETURNING; CI runs it on SQLite",
)
def test_where_the_database_cannot_return_the_key_it_saves_as_usual(monkeypatch):
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    written = entry()
    inserts.insert_one(written)
    assert AuditEntry.objects.get().pk == written.pk


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="synchronous_commit is PostgreSQL's; CI runs this on PostgreSQL",
)


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_row_on_its_own_may_be_committed_without_waiting_for_the_disk():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as sent:
        inserts.insert_one(entry(), wait_for_disk=False)
        inserts.insert_one(entry())

    assert AuditEntry.objects.count() == 2
    not_waiting, waiting = (query["sql"] for query in sent.captured_queries[-2:])
    assert "set_config('synchronous_commit', 'off', true)" in not_waiting
    assert "synchronous_commit" not in waiting
    assert synchronous_commit() == "on"  # for that transaction alone, not the session


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_within_a_transaction_the_row_waits_for_the_disk_with_the_other_writes():
    from django.db import transaction

    with transaction.atomic():
        inserts.insert_one(entry(), wait_for_disk=False)
        assert synchronous_commit() == "on"
    assert AuditEntry.objects.count() == 1


def audit_sent(rf, user, action: str) -> str:
    """The SQL that ``accounts.audit.audit`` sent for an entry of ``action``."""
    from django.test.utils import CaptureQueriesContext

    from accounts.audit import audit

    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as sent:
        audit(request, action, detail="lo van")
    return sent.captured_queries[-1]["sql"]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_s_audit_entry_does_not_wait_for_the_disk(rf, officer):
    assert "'synchronous_commit', 'off'" in audit_sent(rf, officer, AuditAction.SEARCH)
    assert AuditEntry.objects.get().detail == "lo van"


@pytest.mark.django_db(transaction=True)
def test_a_row_on_its_own_is_written_on_either_database():
    """Only PostgreSQL is told not to wait: SQLite has no such setting, and is not asked."""
    inserts.insert_one(entry(), wait_for_disk=False)
    assert AuditEntry.objects.get().detail == "lo van"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_entry_of_a_change_waits_for_the_disk_as_the_change_does(rf, officer):
    assert "synchronous_commit" not in audit_sent(rf, officer, AuditAction.FLAG_RISK)
    assert AuditEntry.objects.get().action == AuditAction.FLAG_RISK
