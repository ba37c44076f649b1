"""On PostgreSQL, no JIT compilation for the site's database (``ALTER DATABASE … SET jit = off``).

PostgreSQL compiles a query to machine code when its estimated cost passes ``jit_above_cost``.
The staff pages' queries (a district's scope, the risk list's counts, the overdue list) are
estimated high but run in milliseconds, and compiling them cost 100–400 ms: one such answer in
twenty made the risk list's slowest. The setting is the database's, so it holds for every
connection (the site's, the jobs', through PgBouncer) and reaches a streaming replica with the
catalogue; it applies to sessions opened after it. docs/performance.md, twenty-third round."""

from django.db import migrations

SET = "ALTER DATABASE %I SET jit = off"
RESET = "ALTER DATABASE %I RESET jit"


def run(statement):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(  # no parameters: %I is format()'s, not the driver's
                f"DO $$ BEGIN EXECUTE format('{statement}', current_database()); END $$", None
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("declarations", "0015_retired_token_names")]

    operations = [migrations.RunPython(run(SET), run(RESET))]
