"""Follow-up reasons the system wrote in the site's language are kept in the source language.

Since ``tracing.models.system_text``, a reason the system chooses (a risk level's label) is
stored in English and shown in each reader's language. Reasons written before, by migration
0003, by the synthetic data or by a page in Vietnamese, stayed Vietnamese ("Nguy cơ cao") and
showed so on an English page. They are written again in the source language; what staff typed
is left as typed.
"""

from django.db import migrations
from django.utils import translation


def reasons_in_source_language(apps, schema_editor):
    from declarations.risk import RiskLevel

    FollowUp = apps.get_model("tracing", "FollowUp")
    for level in RiskLevel:
        with translation.override(None):
            source = str(level.label)
        with translation.override("vi"):
            shown = str(level.label)
        if shown != source:
            FollowUp.objects.filter(reason=shown).update(reason=source)


class Migration(migrations.Migration):
    dependencies = [("tracing", "0006_followupevent_risk_cleared_before")]

    operations = [migrations.RunPython(reasons_in_source_language, migrations.RunPython.noop)]
