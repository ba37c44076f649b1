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
