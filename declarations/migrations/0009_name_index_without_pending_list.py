"""On PostgreSQL, the names' trigram index takes each new name at once (``fastupdate`` off).

By default a GIN index gathers new entries in a pending list, which every search reads through
from end to end, until a vacuum or a full list (4 MB) merges it. In a surge the list grows with
every declaration: after some 20,000 declarations it held 9,800 names, and a search for a rare
name took 39 ms instead of 21 ms, until an unlucky declaration merged the whole list. Without
the list, a declaration costs no more (measured with one client on 1,000,000 declarations: 3.1 to
3.4 ms either way), and the desk's search no longer slows down in a surge. The names already
pending are merged now.
"""

from django.db import migrations

INDEX = "person_name_folded_trgm"
FORWARD = [
    f"ALTER INDEX {INDEX} SET (fastupdate = off)",
    f"SELECT gin_clean_pending_list('{INDEX}'::regclass)",
]
BACKWARD = [f"ALTER INDEX {INDEX} RESET (fastupdate)"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("declarations", "0008_person_at_risk_district")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
