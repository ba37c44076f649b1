import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command


def test_demo_accounts_are_created_once_in_development(db, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("truyvet-demo")


def test_demo_accounts_are_refused_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_accounts")
    assert not get_user_model().objects.exists()
