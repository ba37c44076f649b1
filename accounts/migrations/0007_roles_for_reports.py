"""Leadership and administrators get the daily report."""

from django.db import migrations

from accounts.migrations._roles import grant

GRANTS = {"leadership": ["reports.view_report"], "administrator": ["reports.view_report"]}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_roles_for_tracing"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(lambda apps, editor: grant(apps, GRANTS))]
