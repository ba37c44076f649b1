import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from accounts.roles import ROLE_PERMISSIONS, Role


@pytest.mark.django_db
def test_each_role_is_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_demo_accounts_get_one_role_each_in_development(places, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    assert User.objects.count() == 8
    officer = User.objects.get(username="chot")
    assert officer.groups.get().name == Role.CHECKPOINT_OFFICER
    assert officer.staff_profile.checkpoint is not None
    assert officer.check_password("truyvet-demo")
    assert User.objects.get(username="admin").is_superuser


def test_demo_accounts_are_refused_in_production(places, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_accounts")
    assert not User.objects.exists()
