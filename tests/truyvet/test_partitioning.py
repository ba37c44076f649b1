"""deploy/postgresql/partition_declarations.sql on a scratch PostgreSQL database: the declarations
move into monthly partitions, nothing is lost, and the app keeps working on the result (a new
declaration, a second submission of the same form, a person deleted).

It needs PostgreSQL; CI runs it in its PostgreSQL pass. The scratch database is migrated and used
by manage.py in subprocesses, as the DBA's steps in docs/scaling.md do, and dropped at the end.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from tests.reliability.site import database_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "postgresql" / "partition_declarations.sql"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)"
)

# Before: declarations in two past months and this one (submitted_at moved back by hand, as a
# database holding older data has them).
BEFORE = """
import datetime as dt, uuid
from django.utils import timezone
from declarations.models import Declaration
from declarations.services import declaration_submit
from tests.conftest import declaration_data
now = timezone.now()
for months_ago, name in ((2, "Lò Văn Một"), (1, "Lò Văn Hai"), (0, "Lò Văn Ba")):
    made = declaration_submit(data=declaration_data(full_name=name), token=uuid.uuid4())
    Declaration.objects.filter(pk=made.pk).update(
        submitted_at=now - dt.timedelta(days=31 * months_ago))
"""

# After: the app on the partitioned table.
AFTER = """
import json, os, uuid
from declarations.models import Declaration, Person
from declarations.services import declaration_submit
from tests.conftest import declaration_data
token = uuid.UUID(os.environ["TOKEN"])
first = declaration_submit(data=declaration_data(full_name="Lò Thị Bốn"), token=token)
again = declaration_submit(data=declaration_data(full_name="Lò Thị Bốn"), token=token)
update = declaration_submit(
    data=declaration_data(full_name="Lò Văn Một"), token=uuid.uuid4(),
    person=Person.objects.get(full_name="Lò Văn Một"))
newest = Person.objects.get(full_name="Lò Văn Một").declarations.newest_first().first()
Person.objects.get(full_name="Lò Văn Hai").delete()
print(json.dumps({
    "same": first.pk == again.pk,
    "declarations": Declaration.objects.count(),
    "people": Person.objects.count(),
    "newest_is_update": newest.pk == update.pk,
}))
"""


@pytest.fixture
def scratch_database():
    settings = dict(connection.settings_dict)
    name = f"truyvet_partition_{uuid.uuid4().hex[:8]}"
    admin = _connect(settings, "postgres")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, database_url({**settings, "NAME": name})
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _connect(settings: dict, name: str):
    db = psycopg2.connect(
        dbname=name,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    db.autocommit = True
    return db


def manage(url: str, *arguments: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_partitioning_script_keeps_every_declaration_and_the_app_working(scratch_database):
    name, url = scratch_database
    manage(url, "migrate", "--no-input")
    manage(url, "load_places")
    manage(url, "shell", "--no-imports", "-c", BEFORE)

    db = _connect(dict(connection.settings_dict), name)
    try:
        with db.cursor() as cursor:
            cursor.execute(SCRIPT.read_text())
            cursor.execute(
                "SELECT count(*) FROM pg_inherits"
                " WHERE inhparent = 'declarations_declaration'::regclass"
            )
            partitions = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM declarations_declaration_unpartitioned")
            kept = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(DISTINCT tableoid) FROM declarations_declaration"
                " WHERE tableoid <> 'declarations_declaration_default'::regclass"
            )
            months_used = cursor.fetchone()[0]

        after = json.loads(
            manage(url, "shell", "--no-imports", "-c", AFTER, TOKEN=str(uuid.uuid4())).strip()
        )

        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM declarations_declaration_default")
            in_default = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM declarations_submission_token")
            tokens = cursor.fetchone()[0]
            vacuumed_soon = _partitions_vacuumed_soon(cursor)
        # declarations.0018 taken back and applied again on the partitioned table: each
        # partition's settings, since the table itself takes none.
        manage(url, "migrate", "--no-input", "declarations", "0017")
        with db.cursor() as cursor:
            vacuumed_soon_without = _partitions_vacuumed_soon(cursor)
        manage(url, "migrate", "--no-input")
        with db.cursor() as cursor:
            vacuumed_soon_again = _partitions_vacuumed_soon(cursor)
    finally:
        db.close()

    assert kept == 3
    assert partitions >= 3 + 4  # two past months, this one and three ahead, plus the default
    assert after == {"same": True, "declarations": 4, "people": 3, "newest_is_update": True}
    assert tokens == 4  # the deleted person's token went with their declaration
    assert in_default == 0
    assert months_used == 3  # each declaration in its own month's partition
    assert vacuumed_soon == vacuumed_soon_again == (partitions, partitions)
    assert vacuumed_soon_without == (0, partitions)


def _partitions_vacuumed_soon(cursor) -> tuple[int, int]:
    """How many of the declarations' partitions autovacuum looks after once 2% of their rows
    have changed (declarations.0018), of how many."""
    cursor.execute(
        "SELECT count(*) FILTER (WHERE 'autovacuum_vacuum_insert_scale_factor=0.02'"
        " = ANY(c.reloptions)), count(*)"
        " FROM pg_inherits AS p JOIN pg_class AS c ON c.oid = p.inhrelid"
        " WHERE p.inhparent = 'declarations_declaration'::regclass"
    )
    return tuple(cursor.fetchone())
