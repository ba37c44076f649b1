"""The risk list's people are read from its indexes alone: the index it walks newest first, and a
new one by person for the overdue lists, each holding what the list shows of a person (code,
name, year of birth, phone, district, risk).

A page of the list showed 50 people read from 50 pages scattered over the people's table, and a
district's page passed over a hundred more to find its own; on a busy server most of those pages
are not in PostgreSQL's memory. The people at risk are a small part of everyone: both indexes
hold them alone, in about 4 MB each among a million declarations, which stay in memory. Rows
changed since the last vacuum are still read from the table, as before. Measured among a million
declarations, just after PostgreSQL started: a district's later pages 8.0–9.5 → 7.0–7.1 ms at the
median, its overdue pages 9.3–10.2 → 7.8–7.9 ms (docs/performance.md, twenty-seventh round).

The new index is built before the old one is dropped, so that the list always has one.
"""

from django.db import migrations, models

AT_RISK = models.Q(("risk_level", "none"), _negated=True)
SHOWN = ("lookup_code", "full_name", "birth_year", "phone", "residence_district", "risk_level")


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0019_district_journeys_by_person"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=AT_RISK,
                fields=["-updated_at", "-id"],
                include=SHOWN,
                name="person_at_risk_listed",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_at_risk_newest"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=AT_RISK,
                fields=["id"],
                include=(*SHOWN, "updated_at"),
                name="person_at_risk_by_id",
            ),
        ),
    ]
