"""Django's PostgreSQL backend, with a health check that costs no round trip when none is needed.

Django checks a connection kept between requests (``CONN_HEALTH_CHECKS``) with ``SELECT 1``
before the request's first query: one more round trip to PostgreSQL on every page that reads
the database. On a busy machine each round trip also waits for both processes to be given a core
again: in a declaration's profile under load, that check took as long as the declaration's own
statement.

A connection that is idle between requests has nothing to read on its socket, unless the server
has said something since: a server that ends the connection (a restart, an administrator's
``pg_terminate_backend``, an idle timeout) sends an error message and closes it. So the check
looks at the socket first, which is free. If it has something to read (or the connection is in
a transaction, which it should not be between requests), Django's ``SELECT 1`` decides, as
before: the connection is closed if it fails, and kept otherwise (a notice, say). A server that
vanished without a word (a network cut) is not noticed by either check before the request's own
query, whose failure gives the friendly 503 page (``DatabaseUnavailableMiddleware``) and a new
connection at the next request.
"""

import select

from django.db.backends.postgresql import base

# The project installs psycopg2. Should Django find psycopg 3 instead (it prefers it), this
# backend leaves the check to Django.
if not base.is_psycopg3:
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if base.is_psycopg3 or connection is None or connection.closed:
            return super().is_usable()
        idle = connection.get_transaction_status() == TRANSACTION_STATUS_IDLE
        if idle and not has_something_to_read(connection.fileno()):
            return True
        return super().is_usable()


def has_something_to_read(socket_fd: int) -> bool:
    """Whether the socket has data, its end or an error waiting, without waiting."""
    poller = select.poll()
    poller.register(socket_fd, select.POLLIN | select.POLLPRI)  # POLLHUP, POLLERR: always
    return bool(poller.poll(0))
