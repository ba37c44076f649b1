"""Roles get what declaration points, vehicles, facilities and bus checks need."""

from django.db import migrations

from accounts.migrations._roles import sync_roles

# A frozen copy of accounts.roles.ROLE_PERMISSIONS as of this migration.
OFFICER = [
    "checkpoints.use_desk",
    "declarations.view_person",
    "checkpoints.add_passage",
    "checkpoints.view_passage",
    "checkpoints.add_buscheck",
]
TRANSPORT = [
    "transport.view_vehicle",
    "transport.add_vehicle",
    "transport.change_vehicle",
    "transport.view_buscompany",
    "transport.add_buscompany",
    "transport.change_buscompany",
    "transport.manage_vehicles",
    "transport.view_findings",
]
ROLE_PERMISSIONS = {
    "operator": ["transport.view_vehicle"],
    "checkpoint_officer": OFFICER,
    "health_staff": ["declarations.view_person", "facilities.view_healthfacility"],
    "transport": TRANSPORT,
    "leadership": [],
    "administrator": [
        *OFFICER,
        "checkpoints.add_checkpoint",
        "checkpoints.change_checkpoint",
        "checkpoints.view_checkpoint",
        "accounts.view_auditentry",
        *TRANSPORT,
        "facilities.view_healthfacility",
        "facilities.add_healthfacility",
        "facilities.change_healthfacility",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_staffprofile_company_staffprofile_facility"),
        ("transport", "0001_initial"),
        ("facilities", "0001_initial"),
        ("checkpoints", "0004_points_for_existing_checkpoints"),
    ]

    operations = [
        migrations.RunPython(lambda apps, editor: sync_roles(apps, ROLE_PERMISSIONS)),
    ]
