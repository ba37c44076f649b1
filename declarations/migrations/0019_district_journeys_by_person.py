"""The index of declarations by district travelled to is ordered by person next, not by day.

A district health worker's risk list walks the people at risk newest first and asks, for each
one not living in the district, whether they declared a journey there. With the day between the
district and the person, that question could only be answered from the index of a person's
declarations, then each declaration read from the table to see where it went: two or three
pages from all over the table for each person passed, read cold on a busy server. By district
then person, it is one look-up in the index alone, in the part of it that holds the district's
journeys, which the district's own pages keep warm. Nothing reads the index by day: the count of
a district's scope (``tracing.risk_counts``) reads all its journeys, as before, from an index
smaller by the day's column. Measured among a million declarations, a district's later pages
opened just after PostgreSQL started: 9.9 → 8.3 ms at the median, 754 → 636 pages read each
(docs/performance.md, twenty-seventh round).

The new index is built before the old one is dropped, so that queries always have one. On a large
table the build holds writes to the declarations for its duration (about a second per million
rows): run it at a quiet hour (docs/deploy.md, upgrades).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0018_autovacuum_of_busy_tables"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="declaration",
            index=models.Index(fields=["to_district", "person"], name="decl_district_person"),
        ),
        migrations.RemoveIndex(model_name="declaration", name="decl_to_district_person"),
    ]
