"""Shared by the roles migrations: the groups that stand for roles, and their permissions."""

from django.contrib.auth.management import create_permissions


def _create_permissions(apps) -> None:
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_roles(apps, role_permissions: dict[str, list[str]]) -> None:
    """Make each role's group hold exactly the given permissions."""
    _create_permissions(apps)
    for role, names in role_permissions.items():
        _group(apps, role).permissions.set(_permissions(apps, names))


def grant(apps, role_permissions: dict[str, list[str]]) -> None:
    """Add permissions to roles' groups, leaving the others they hold as they are."""
    _create_permissions(apps)
    for role, names in role_permissions.items():
        _group(apps, role).permissions.add(*_permissions(apps, names))


def _group(apps, role: str):
    return apps.get_model("auth", "Group").objects.get_or_create(name=role)[0]


def _permissions(apps, names: list[str]) -> list:
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in (name.split(".") for name in names)
    ]
