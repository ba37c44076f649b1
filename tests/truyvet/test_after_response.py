"""Work left for after a response runs once the response is closed, as a WSGI server closes it
once the body is written; outside a request it runs at once; a failing task is logged and the
others still run."""

import logging

import pytest
from django.core.signals import request_finished, request_started

from truyvet.after_response import after_response

pytestmark = pytest.mark.django_db  # a finished request closes the connections it must


def test_outside_a_request_a_task_runs_at_once():
    done = []
    after_response(lambda: done.append("now"))
    assert done == ["now"]


def test_in_a_request_the_tasks_run_when_it_finishes_in_order():
    done = []
    request_started.send(sender=None)
    after_response(lambda: done.append(1))
    after_response(lambda: done.append(2))
    assert done == []
    request_finished.send(sender=None)
    assert done == [1, 2]
    request_finished.send(sender=None)  # nothing runs twice
    assert done == [1, 2]


def test_a_failing_task_is_logged_and_the_others_run(caplog):
    done = []

    def fails():
        raise RuntimeError("count failed")

    request_started.send(sender=None)
    after_response(fails)
    after_response(lambda: done.append("next"))
    with caplog.at_level(logging.ERROR, logger="truyvet.after_response"):
        request_finished.send(sender=None)
    assert done == ["next"]
    assert "count failed" in caplog.text


def test_a_request_that_never_finished_leaves_nothing_to_the_next():
    done = []
    request_started.send(sender=None)
    after_response(lambda: done.append("dropped"))
    request_started.send(sender=None)  # the worker's next request
    request_finished.send(sender=None)
    assert done == []


def test_the_test_client_runs_them_after_the_view_as_a_server_does(client, settings):
    """Through Django's handler: the response is closed after it is returned."""
    done = []
    settings.ROOT_URLCONF = "tests.truyvet.urls_after_response"
    from tests.truyvet import urls_after_response

    urls_after_response.done = done
    response = client.get("/later/")
    assert response.content == b"answered with []"
    assert done == ["after"]
