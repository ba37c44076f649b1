"""On PostgreSQL, autovacuum looks after the busiest tables sooner: people, declarations and
follow-ups are vacuumed and analysed once 2% of their rows have changed or been added, instead of
20% (and 10% for the statistics).

The staff pages read these tables through their indexes alone where they can: a district's
overdue list finds its people in ``person_at_risk_district``, the risk counts a district's
journeys in ``decl_to_district_person``. An index alone answers only for the table's pages that
a vacuum has marked all-visible since their last change; any other row is read from the table as
well. With the defaults, a table of a million rows waits for 200,000 changes: after a day of
declarations most of what the lists read is fetched twice. Measured among a million declarations,
the keys of the busiest district's overdue list took 9.8 ms with 1,888 rows fetched from the table
and 2.4 ms once vacuumed (docs/performance.md, twenty-sixth round). Autovacuum must be on, as it
is by default (docs/deploy.md). The settings are the tables', so they reach a replica and survive
a restart; SQLite has no such thing. Declarations split into monthly partitions
(deploy/postgresql/partition_declarations.sql, which gives each partition it creates the same
settings) take them on each partition: a partitioned table holds no rows, and no such settings.
"""

from django.db import migrations

TABLES = ("declarations_person", "declarations_declaration", "tracing_followup")
SETTINGS = {
    "autovacuum_vacuum_scale_factor": "0.02",
    "autovacuum_vacuum_insert_scale_factor": "0.02",
    "autovacuum_analyze_scale_factor": "0.02",
}


def _each_table(statement: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            for holder in _holding_rows(schema_editor.connection, table):
                schema_editor.execute(statement.format(table=holder))

    return apply


def _holding_rows(connection, table: str) -> list[str]:
    """The table itself, or the partitions of a partitioned one (each as a quoted name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN c.relkind = 'p' THEN p.inhrelid::regclass::text"
            " ELSE c.oid::regclass::text END"
            " FROM pg_class AS c LEFT JOIN pg_inherits AS p ON p.inhparent = c.oid"
            " WHERE c.oid = to_regclass(%s)",
            [table],
        )
        return [name for (name,) in cursor.fetchall() if name]


SET = "ALTER TABLE {table} SET (" + ", ".join(f"{k} = {v}" for k, v in SETTINGS.items()) + ")"
RESET = "ALTER TABLE {table} RESET (" + ", ".join(SETTINGS) + ")"


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0017_district_journeys_with_person"),
        ("tracing", "0009_followupevent_unassigned"),
    ]

    operations = [migrations.RunPython(_each_table(SET), _each_table(RESET), elidable=False)]
