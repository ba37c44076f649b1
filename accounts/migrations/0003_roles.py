"""Create one group per role, with its permissions (see accounts/roles.py)."""

from django.db import migrations

from accounts.migrations._roles import sync_roles

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
    sync_roles(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_scopes"),
        ("checkpoints", "0001_initial"),
        ("declarations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
