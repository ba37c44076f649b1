"""The names people have, each once (``KnownName``), kept in step by the database: the desk's
search by name looks through them first, then reads the people with the names found by the index
of names (``PersonQuerySet.with_name_containing``).

Among a million declarations, 625,000 people have about 14,500 names. The trigram index of every
person's name took 6–8 ms to find a rare name, reading long lists of people for its common
trigrams ("ng ", " th"); among the names, the same look-up reads a few short lists.

A trigger adds the name of each person inserted, and the new name of each person renamed,
whatever writes them: the declaration's prepared insert, a bulk insert, the admin. It runs
before the row is written, in the same transaction: a person whose insert fails adds no name. On
PostgreSQL, the names have a trigram index of their own; SQLite scans them.

The existing names are copied in once (under a second among a million declarations).
"""

from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION declarations_person_name_known() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO declarations_knownname (name_folded) VALUES (NEW.name_folded)
        ON CONFLICT DO NOTHING;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER person_name_known_insert BEFORE INSERT ON declarations_person"
    " FOR EACH ROW EXECUTE FUNCTION declarations_person_name_known()",
    "CREATE TRIGGER person_name_known_update BEFORE UPDATE OF name_folded ON declarations_person"
    " FOR EACH ROW WHEN (OLD.name_folded IS DISTINCT FROM NEW.name_folded)"
    " EXECUTE FUNCTION declarations_person_name_known()",
    "INSERT INTO declarations_knownname (name_folded)"
    " SELECT DISTINCT name_folded FROM declarations_person ON CONFLICT DO NOTHING",
    "CREATE INDEX knownname_trgm ON declarations_knownname USING gin (name_folded gin_trgm_ops)",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS person_name_known_insert ON declarations_person",
    "DROP TRIGGER IF EXISTS person_name_known_update ON declarations_person",
    "DROP FUNCTION IF EXISTS declarations_person_name_known()",
]
SQLITE = [
    "CREATE TRIGGER person_name_known_insert AFTER INSERT ON declarations_person BEGIN"
    " INSERT OR IGNORE INTO declarations_knownname (name_folded) VALUES (NEW.name_folded); END",
    "CREATE TRIGGER person_name_known_update AFTER UPDATE OF name_folded ON declarations_person"
    " WHEN OLD.name_folded IS NOT NEW.name_folded BEGIN"
    " INSERT OR IGNORE INTO declarations_knownname (name_folded) VALUES (NEW.name_folded); END",
    "INSERT OR IGNORE INTO declarations_knownname (name_folded)"
    " SELECT DISTINCT name_folded FROM declarations_person",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS person_name_known_insert",
    "DROP TRIGGER IF EXISTS person_name_known_update",
]


def run(postgresql: list[str], sqlite: list[str]):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in {"postgresql": postgresql, "sqlite": sqlite}.get(vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0020_risk_list_read_from_its_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="KnownName",
            fields=[
                (
                    "name_folded",
                    models.CharField(
                        editable=False, max_length=100, primary_key=True, serialize=False
                    ),
                ),
            ],
        ),
        migrations.RunPython(run(POSTGRESQL, SQLITE), run(POSTGRESQL_UNDO, SQLITE_UNDO)),
    ]
