"""Everyone at risk gets a follow-up, and open follow-ups an index in the order they have waited.

People bulk-loaded at risk before this migration may have no follow-up: the overdue list now
tests the follow-up alone (``tracing.forms_risk.overdue``), so they get one, opened and last
updated when the person was, which keeps them exactly as overdue as they were.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

BATCH = 2000


def open_missing_follow_ups(apps, schema_editor):
    from declarations.risk import RiskLevel

    Person = apps.get_model("declarations", "Person")
    FollowUp = apps.get_model("tracing", "FollowUp")
    missing = (
        Person.objects.exclude(risk_level="none")
        .filter(follow_up__isnull=True)
        .values_list("pk", "risk_level", "updated_at")
    )
    with translation.override(settings.LANGUAGE_CODE):
        reasons = {level: str(level.label) for level in RiskLevel}
    follow_ups = [
        FollowUp(person_id=pk, reason=reasons[level], created_at=updated, updated_at=updated)
        for pk, level, updated in missing
    ]
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0007_person_at_risk_index"),
        ("tracing", "0002_case_entry_token"),
    ]

    operations = [
        migrations.RunPython(open_missing_follow_ups, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(
                    (
                        "status__in",
                        ["new", "contacted", "home", "facility", "negative", "positive"],
                    )
                ),
                fields=["updated_at", "id"],
                name="followup_open_waiting",
            ),
        ),
    ]
