"""Work a page leaves for after its answer has been sent: ``after_response(task)``.

The WSGI server closes a response once its body is written (gunicorn's workers, runserver),
and Django then sends ``request_finished``: the tasks queued during that request run there, in
the same worker, while the reader already has the whole page. It is for work that the page
does not wait for, such as counting again what the page showed from the cache
(``tracing.risk_counts``). Nothing that must be done for sure goes here: a worker that stops
before the end of the request drops its tasks.

A task that fails is logged, and neither stops the other tasks nor reaches the next request.
Outside a request (a command, a shell), a task runs at once.
"""

import logging
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

log = logging.getLogger(__name__)

# The tasks of the request being answered, or None outside a request.
_tasks: ContextVar[list[Callable[[], object]] | None] = ContextVar("after_response", default=None)


def after_response(task: Callable[[], object]) -> None:
    """Run ``task`` (no arguments) once the current request's answer has been sent."""
    tasks = _tasks.get()
    if tasks is None:
        _run(task)
    else:
        tasks.append(task)


@receiver(request_started, dispatch_uid="after_response_start")
def _start(**kwargs) -> None:
    _tasks.set([])  # a request that never finished leaves nothing to the next one


@receiver(request_finished, dispatch_uid="after_response_finish")
def _finish(**kwargs) -> None:
    tasks = _tasks.get()
    _tasks.set(None)
    if not tasks:
        return
    for task in tasks:
        _run(task)
    # Django closed the connections due to be closed before the tasks ran (its own receiver
    # comes first); one a task opened again is closed at the next request's start, as Django
    # closes any connection past its age. Closing it here would also close the connection a
    # test's transaction holds (the test client keeps Django's receiver from doing so).


def _run(task: Callable[[], object]) -> None:
    try:
        task()
    except Exception:
        log.exception("A task left for after the response failed: %r", task)
