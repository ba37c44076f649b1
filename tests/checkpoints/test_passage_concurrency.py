"""Two officers recording the same crossing at the same moment record it once."""

import threading
import time
import uuid

import pytest
from django.db import connection, connections

from checkpoints import services
from checkpoints.models import Passage
from checkpoints.services import passage_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer at a time: no two requests race; CI runs it on PostgreSQL",
    ),
]


def test_the_same_crossing_sent_by_two_officers_at_once_is_recorded_once(
    monkeypatch, citizen, checkpoint, officer, other_officer
):
    """Each form has its own token (two desks, or two tabs): without a lock both looked for the
    crossing, found none and recorded one each."""
    looked_up = services.same_crossing

    def slow_same_crossing(**where):
        found = looked_up(**where)
        time.sleep(0.3)  # the other request looks in the meantime
        return found

    monkeypatch.setattr(services, "same_crossing", slow_same_crossing)
    start = threading.Barrier(2, timeout=30)
    recorded, errors = [], []

    def record(user, outcome):
        try:
            start.wait()
            passage = passage_record(
                person=citizen,
                checkpoint=checkpoint,
                officer=user,
                direction="in",
                outcome=outcome,
                form_token=uuid.uuid4(),
            )
            recorded.append(passage.pk)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=record, args=(officer, "allowed")),
        threading.Thread(target=record, args=(other_officer, "held")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(recorded)) == 1
    passage = Passage.objects.get()
    assert passage.outcome == "held"  # whichever came second, the measure taken stands
