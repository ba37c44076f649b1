"""The administrator finds a staff member by name with or without accents, as people are found
("tong thi y" finds Tòng Thị Y), in the list of users and in the audit log: the admin's search
matched the accents as typed, and the audit log searched user names only."""

import pytest

from accounts.audit import audit
from accounts.models import AuditAction


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def named_worker(health_worker):
    health_worker.first_name = "Tòng Thị Yến"
    health_worker.save(update_fields=["first_name"])
    return health_worker


@pytest.mark.parametrize("typed", ["tong thi yen", "Tòng Thị Yến", "thi yen"])
def test_the_user_list_finds_a_name_with_or_without_accents(
    admin_client, named_worker, officer, typed
):
    found = admin_client.get("/admin/auth/user/", {"q": typed}).context["cl"].result_list
    assert list(found) == [named_worker]


def test_the_audit_log_finds_a_staff_members_entries_by_their_name(
    admin_client, named_worker, officer, rf
):
    for user in (named_worker, officer):
        request = rf.get("/y-te/")
        request.user = user
        audit(request, AuditAction.VIEW_LIST, subject="cases", page=1)

    found = admin_client.get("/admin/accounts/auditentry/", {"q": "tong thi yen"})
    assert [entry.username for entry in found.context["cl"].result_list] == [named_worker.username]
