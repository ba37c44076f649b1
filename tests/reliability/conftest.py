"""The site under gunicorn, on the test database, for the tests that need real processes.

These tests need PostgreSQL (SQLite cannot take writes from several processes at this rate);
CI runs them in its PostgreSQL pass. Their data must be committed for gunicorn to see it, so
they use transactional tests, and the site is stopped before the test's database is flushed.
"""

import pytest
from django.conf import settings
from django.db import connection

from tests.reliability.dbproxy import DatabaseProxy
from tests.reliability.site import HOST, Site, collect_static, database_url, site_environment

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)"
)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files, collected once per run (DEBUG is off: the manifest storage needs them)."""
    root = tmp_path_factory.mktemp("static")
    env = site_environment(
        database_url="postgres://unused@127.0.0.1/unused",
        static_root=root,
        secret_key=settings.SECRET_KEY,
    )
    collect_static(env)
    return root


@pytest.fixture
def start_site(places, static_root, tmp_path):
    """Start gunicorn on the test database, directly or through a ``DatabaseProxy``; with
    ``redis_url``, Redis as its shared cache."""
    sites = []

    def start(*, workers: int = 4, proxy: DatabaseProxy | None = None, redis_url: str = "") -> Site:
        db = connection.settings_dict
        url = database_url(db, host=HOST, port=proxy.port) if proxy else database_url(db)
        env = site_environment(
            database_url=url, static_root=static_root, secret_key=settings.SECRET_KEY
        )
        env["REDIS_URL"] = redis_url  # none by default: each worker's memory
        site = Site(env, tmp_path / f"gunicorn-{len(sites)}.log", workers=workers)
        sites.append(site)
        return site.start()

    yield start
    for site in sites:
        site.stop()
    _end_other_sessions()


def _end_other_sessions() -> None:
    """End what the site left connected to the test database (a worker killed in a transaction,
    a connection held by the proxy), so that pytest-django can drop the database at the end."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def database_proxy():
    db = connection.settings_dict
    proxy = DatabaseProxy(db["HOST"] or HOST, int(db["PORT"] or 5432)).start()
    yield proxy
    proxy.stop()
