"""Leadership and administrators get the daily report."""

from django.db import migrations

from accounts.migrations._roles import sync_roles

HEALTH = [
    "declarations.view_person",
    "facilities.view_healthfacility",
    "tracing.view_followup",
    "tracing.change_followup",
    "tracing.view_case",
    "tracing.add_case",
    "tracing.view_contact",
    "tracing.add_contact",
    "tracing.change_contact",
    "declarations.view_epidemiczone",
    "declarations.add_epidemiczone",
    "declarations.change_epidemiczone",
]
ROLES = {
    "leadership": ["reports.view_report"],
    "administrator": [
        "checkpoints.use_desk",
        "declarations.view_person",
        "checkpoints.add_passage",
        "checkpoints.view_passage",
        "checkpoints.add_buscheck",
        "checkpoints.add_checkpoint",
        "checkpoints.change_checkpoint",
        "checkpoints.view_checkpoint",
        "accounts.view_auditentry",
        "transport.view_vehicle",
        "transport.add_vehicle",
        "transport.change_vehicle",
        "transport.view_buscompany",
        "transport.add_buscompany",
        "transport.change_buscompany",
        "transport.manage_vehicles",
        "transport.view_findings",
        "facilities.view_healthfacility",
        "facilities.add_healthfacility",
        "facilities.change_healthfacility",
        *HEALTH[2:],
        "reports.view_report",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_roles_for_tracing"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(lambda apps, editor: sync_roles(apps, ROLES))]
