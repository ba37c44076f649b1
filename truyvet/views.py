import logging
import sys

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from truyvet.cache import shared_cache_available
from truyvet.db_router import replica_configured, replica_health

logger = logging.getLogger(__name__)

# The errors of a database that cannot be reached (stopped, restarting, network cut), as opposed
# to a bad query: the same request can succeed a moment later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
HEALTHZ_CACHE_KEY = "healthz"


@never_cache
def healthz(request):
    """Liveness and database check for load balancers: 200 "ok", or 503 when the database fails.

    The shared cache and the read replica are checked too, for monitoring: the site serves
    without them (``truyvet.cache``, ``truyvet.db_router``), so a load balancer must keep sending
    requests, and the answer stays 200, with a line for each that does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database check failed")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    lines = ["ok"]
    cache.get(HEALTHZ_CACHE_KEY)  # a round trip to Redis, if the site uses it
    if not shared_cache_available():
        lines.append("cache unavailable")
    if replica_configured() and not replica_health.answers():
        lines.append("read replica unavailable")
    return HttpResponse("".join(f"{line}\n" for line in lines), content_type="text/plain")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database error raised outside a view (say, saving the session) ends up here.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return render(request, "500.html", status=500)


def database_unavailable(request):
    """The friendly 503 page shown while the database cannot be reached.

    It must render without the database: the staff menu and the messages read the user and the
    session from it, so the page is drawn as for an anonymous visitor, without messages (they stay
    stored for the next page).
    """
    request.user = AnonymousUser()
    try:
        response = render(request, "503.html", {"messages": ()}, status=503)
    except DatabaseError:
        logger.exception("the 503 page needed the database")
        text = _("Please wait a few minutes and try again.")
        response = HttpResponse(f"{text}\n", status=503, content_type="text/plain; charset=utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
