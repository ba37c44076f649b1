"""Two requests carrying the same form token at the same moment still make one declaration."""

import threading
import uuid

import pytest
from django.db import connection, connections

from declarations.models import Declaration, Person
from declarations.services import declaration_submit
from tests.conftest import declaration_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; CI runs it on PostgreSQL"
)
def test_simultaneous_submissions_with_one_token_make_one_declaration(places):
    token = uuid.uuid4()
    start = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            start.wait()
            results.append(declaration_submit(data=declaration_data(), token=token).pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    assert Declaration.objects.count() == 1
    assert Person.objects.count() == 1
