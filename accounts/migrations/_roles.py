"""Shared by the roles migrations: make each role's group hold exactly the given permissions."""

from django.contrib.auth.management import create_permissions


def sync_roles(apps, role_permissions: dict[str, list[str]]) -> None:
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in (name.split(".") for name in names)
            ]
        )
