"""Staff permissions and roles are kept in the cache between requests (accounts.backends), and
every change to someone's access takes effect on their next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

DESK = "/chot/"
ACCESS_TABLES = ('"auth_permission"', '"auth_group"')


def access_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DESK).status_code == 200
    return [q["sql"] for q in captured if any(t in q["sql"] for t in ACCESS_TABLES)]


@pytest.fixture
def desk(client, officer):
    client.force_login(officer)
    return client


def test_a_staff_page_reads_permissions_and_roles_once(desk):
    assert access_queries(desk)  # the first request reads them
    assert access_queries(desk) == []  # the next ones find them kept


def removal_ways(officer):
    group = Group.objects.get(name="checkpoint_officer")
    use_desk = Permission.objects.get(codename="use_desk")
    return {
        "user.groups.remove": lambda: officer.groups.remove(group),
        "user.groups.clear": lambda: officer.groups.clear(),
        "group.user_set.remove": lambda: group.user_set.remove(officer),
        "group.user_set.clear": lambda: group.user_set.clear(),
        "group.permissions.remove": lambda: group.permissions.remove(use_desk),
        "permission.group_set.clear": lambda: use_desk.group_set.clear(),
        "group deleted": lambda: group.delete(),
    }


@pytest.mark.parametrize(
    "way",
    [
        "user.groups.remove",
        "user.groups.clear",
        "group.user_set.remove",
        "group.user_set.clear",
        "group.permissions.remove",
        "permission.group_set.clear",
        "group deleted",
    ],
)
def test_taking_a_role_away_takes_effect_at_once(desk, officer, way):
    access_queries(desk)
    removal_ways(officer)[way]()
    assert desk.get(DESK).status_code == 403


def test_a_permission_given_takes_effect_at_once(client, leader):
    client.force_login(leader)
    assert client.get(DESK).status_code == 403
    leader.user_permissions.add(Permission.objects.get(codename="use_desk"))
    assert client.get(DESK).status_code == 200


def test_a_deactivated_account_is_out_at_once(desk, officer):
    access_queries(desk)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert desk.get(DESK)["Location"].startswith("/dang-nhap/")
