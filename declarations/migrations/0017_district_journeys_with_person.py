"""The index of declarations by district travelled to holds the person's key too.

Who declared a journey to a district is a district health worker's scope, counted above the risk
list every minute (``tracing.risk_counts``): read from the table, the busiest district's 207,000
journeys among a million declarations took 945 ms of one core; from the index alone, a fraction
of that. The new index is built before the old one is dropped, so that queries always have one.
On a large table the build holds writes to the declarations for its duration (seconds per
million rows): run it at a quiet hour (docs/deploy.md, upgrades).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0016_database_without_jit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(
                fields=["to_district", "travel_date", "person"], name="decl_to_district_person"
            ),
        ),
        migrations.RemoveIndex(model_name="declaration", name="decl_to_district_date"),
    ]
