"""The staff directory's version (accounts.directory): a new one after every committed change to a
user or to someone's groups, and none after a mere login."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache, caches

from accounts.directory import KEY, directory_changed, directory_version
from tests.conftest import LAI_CHAU_CITY, make_staff


@pytest.fixture
def health_group(db):
    return Group.objects.get(name="health_staff")


def changes(capture, change) -> bool:
    """Whether ``change``, once committed, gives a new version."""
    before = directory_version()
    with capture(execute=True):
        change()
    return directory_version() != before


def test_every_change_to_the_directory_gives_a_new_version(
    places, health_group, django_capture_on_commit_callbacks
):
    worker = make_staff("y", "health_staff", district_id=LAI_CHAU_CITY)

    def rename():
        worker.first_name = "Tòng Thị"
        worker.save()

    def deactivate():
        worker.is_active = False
        worker.save(update_fields=["is_active"])

    ways = {
        "created": lambda: User.objects.create_user("new-worker"),
        "renamed": rename,
        "deactivated": deactivate,
        "user.groups.remove": lambda: worker.groups.remove(health_group),
        "group.user_set.add": lambda: health_group.user_set.add(worker),
        "user.groups.clear": lambda: worker.groups.clear(),
        "deleted": lambda: User.objects.get(username="new-worker").delete(),
        "group deleted": lambda: Group.objects.create(name="temporary").delete(),
    }
    for name, way in ways.items():
        assert changes(django_capture_on_commit_callbacks, way), name


def test_a_login_keeps_the_version(client, places, django_capture_on_commit_callbacks):
    make_staff("y", "health_staff", district_id=LAI_CHAU_CITY)
    assert not changes(
        django_capture_on_commit_callbacks,
        lambda: client.post("/dang-nhap/", {"username": "y", "password": "correct-horse-battery"}),
    )


def test_nothing_changes_before_the_change_is_committed(places, health_group):
    before = directory_version()
    make_staff("y", "health_staff", district_id=LAI_CHAU_CITY)  # inside the test's transaction
    assert directory_version() == before


def test_other_processes_see_a_new_version_within_seconds(db):
    mine = directory_version()
    cache.set(KEY, "made-by-another-process", None)  # another process's directory_changed()
    assert directory_version() == mine  # this process's copy, for a few seconds
    caches["process"].delete(KEY)  # those seconds are over
    assert directory_version() == "made-by-another-process"


def test_a_lost_version_is_made_again(db):
    cache.delete(KEY)
    caches["process"].delete(KEY)
    assert directory_version()
    directory_changed()
    assert cache.get(KEY) == directory_version()
