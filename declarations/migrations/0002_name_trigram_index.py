"""On PostgreSQL, a trigram index so that the desk finds a name anywhere inside a full name
(``minh`` in ``lo van minh``) among millions of people. SQLite has no such index and scans."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_folded_trgm "
    "ON declarations_person USING gin (name_folded gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS person_name_folded_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("declarations", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
