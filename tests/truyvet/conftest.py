"""Fixtures of the project-wide modules' tests."""

import pytest
from django.db import connection


@pytest.fixture
def pgbouncer():
    """DISABLE_SERVER_SIDE_CURSORS, as set behind PgBouncer in transaction mode."""
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    yield
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
