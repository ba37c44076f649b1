"""Create one group per role, with its permissions (see accounts/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of accounts.roles.ROLE_PERMISSIONS as of this migration; later changes to the
# roles come with a migration of their own.
ROLE_PERMISSIONS = {
    "operator": [],
    "checkpoint_officer": [
        "checkpoints.use_desk",
        "declarations.view_person",
        "checkpoints.add_passage",
        "checkpoints.view_passage",
    ],
    "health_staff": ["declarations.view_person"],
    "transport": [],
    "leadership": [],
    "administrator": [
        "checkpoints.use_desk",
        "declarations.view_person",
        "checkpoints.add_passage",
        "checkpoints.view_passage",
        "checkpoints.add_checkpoint",
        "checkpoints.change_checkpoint",
        "checkpoints.view_checkpoint",
        "accounts.view_auditentry",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (name.split(".") for name in names)
        ]
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_scopes"),
        ("checkpoints", "0001_initial"),
        ("declarations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
