"""Staff accounts, permissions and roles are kept in the cache between requests
(accounts.backends), and every change to someone's access takes effect on their next request."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ACCOUNT_KEY, KEYS
from tests.conftest import LAI_CHAU_CITY

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


def account_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DESK).status_code == 200
    return [q["sql"] for q in captured if 'FROM "auth_user"' in q["sql"]]


def test_a_staff_page_reads_the_account_once(desk):
    assert account_queries(desk)  # the first request reads it
    assert account_queries(desk) == []  # the next ones find it kept


@pytest.mark.parametrize("way", ["password changed", "account deleted"])
def test_other_changes_to_the_account_log_it_out_at_once(desk, officer, way):
    account_queries(desk)
    if way == "password changed":  # elsewhere: this session's hash no longer matches
        officer.set_password("another-horse-battery")
        officer.save()
    else:
        officer.delete()
    assert desk.get(DESK)["Location"].startswith("/dang-nhap/")


def test_an_account_kept_while_its_change_was_not_committed_is_dropped_at_the_commit(
    desk, officer, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    account_queries(desk)
    key = ACCOUNT_KEY.format(officer.pk)
    with django_capture_on_commit_callbacks(execute=True):
        officer.is_active = False
        officer.save(update_fields=["is_active"])
        assert cache.get(key) is None  # dropped at once
        cache.set(key, User.objects.get(pk=officer.pk))  # as another request may, meanwhile
    assert cache.get(key) is None  # dropped again
    assert desk.get(DESK)["Location"].startswith("/dang-nhap/")


# -- the staff profile (the user's checkpoint, district, facility or company) ---------------------


def profile_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured if '"accounts_staffprofile"' in q["sql"]]


def test_the_staff_profile_is_read_once(desk, citizen):
    page = f"/c/{citizen.lookup_code}/"  # starts the passage form at the officer's checkpoint
    assert profile_queries(desk, page)  # the first request reads it
    assert profile_queries(desk, page) == []


def test_the_kept_access_comes_in_one_round_trip(desk, citizen, monkeypatch):
    from django.core.cache import cache

    page = f"/c/{citizen.lookup_code}/"  # permissions, roles (the menu) and the profile
    assert desk.get(page).status_code == 200  # the first request reads and keeps them
    asked, inside = [], []  # the calls to the cache; inside one (locmem's get_many calls get)

    def spy(method):
        original = getattr(cache, method)

        def call(keys, *args, **kwargs):
            if not inside:
                asked.append((method, keys))
            inside.append(method)
            try:
                return original(keys, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, call)

    spy("get")
    spy("get_many")
    assert desk.get(page).status_code == 200
    access = [(method, keys) for method, keys in asked if "staff-" in str(keys)]
    assert access == [("get_many", [key.format(desk_user(desk)) for key in KEYS])]


def desk_user(client) -> int:
    return int(client.session["_auth_user_id"])


@pytest.fixture
def district_worker(client, health_worker, make_declaration):
    """A health worker of Tam Đường, who sees its resident (and not, later, from elsewhere)."""
    client.force_login(health_worker)
    resident = make_declaration().person
    assert client.get(f"/y-te/theo-doi/{resident.lookup_code}/").status_code == 200
    return client, f"/y-te/theo-doi/{resident.lookup_code}/"


def test_a_health_worker_moved_to_another_district_loses_the_old_one_at_once(
    district_worker, health_worker
):
    client, page = district_worker
    health_worker.staff_profile.district_id = LAI_CHAU_CITY
    health_worker.staff_profile.save()
    assert client.get(page).status_code == 404


def test_a_deleted_profile_takes_the_scope_away_at_once(district_worker, health_worker):
    client, page = district_worker
    health_worker.staff_profile.delete()
    assert client.get(page).status_code == 404


@pytest.mark.parametrize("change", ["renamed", "deleted"])
def test_a_renamed_or_deleted_checkpoint_shows_at_once(desk, citizen, checkpoint, change):
    """A flag raised at the desk records the officer's checkpoint as it is now."""
    assert profile_queries(desk, f"/c/{citizen.lookup_code}/")  # the profile is kept from here
    if change == "renamed":
        checkpoint.name = "Chốt Km 16 QL4D"
        checkpoint.save()
    else:
        checkpoint.delete()
    desk.post(f"/c/{citizen.lookup_code}/nguy-co/", {"level": "high", "reason": "Sốt"})
    flag = citizen.risk_flags.get()
    assert flag.place == ("Chốt Km 16 QL4D" if change == "renamed" else "")
