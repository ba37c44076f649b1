"""Failed logins counted per client address, whatever the user names tried.

django-axes locks a user name at one address after ``AXES_FAILURE_LIMIT`` failures (five by
default). That alone lets one address try four passwords on every user name it can guess, over
and over (password spraying). So every failed login also counts against the address (an IPv6
address by its /64 network, ``truyvet.client.client_network``), at the higher rate
``LOGIN_ADDRESS_FAILURE_RATE``: past it, nobody logs in from that address until the window of
counting ends, and the lockout page says so. The rate leaves room for a district office whose
staff share one public address: a handful of typing mistakes each is far below it.

The counting is django-ratelimit's; the refusal is an authentication backend put first in
``AUTHENTICATION_BACKENDS``, so that the site's login and the admin's are both covered, and
answered with django-axes' lockout page (its middleware turns the flag set here into it).
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django_ratelimit.core import get_usage

from truyvet.client import client_network

GROUP = "login-failure-address"


class AddressPaused(PermissionDenied):
    """Logins from this address are paused: too many failed there."""


class LoginAddressLimitBackend:
    """Refuses every login from an address that has failed too often. It logs nobody in, and
    has no ``get_user``: sessions are never its own (and the test client's ``force_login``
    skips it)."""

    def authenticate(self, request, **credentials):
        minutes = minutes_paused(request) if request is not None else 0
        if minutes:
            request.axes_locked_out = True  # django-axes' middleware answers with its page,
            request.login_paused_minutes = minutes  # which says this
            raise AddressPaused
        return None


def minutes_paused(request) -> int:
    """How many minutes (rounded up) logins from the request's address stay paused; 0 when
    they are not."""
    until = cache.get(_mark(request))
    left = (until or 0) - time.time()
    return max(0, -int(-left // 60))


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs) -> None:
    """Count a failed login against its address; the one that reaches the limit pauses the
    address until its window of counting ends."""
    if request is None:
        return
    usage = get_usage(
        request,
        group=GROUP,
        key=lambda _group, request: client_network(request),
        rate=settings.LOGIN_ADDRESS_FAILURE_RATE,
        increment=True,
    )
    # A cache that does not answer gives a limit of 0: then nobody is stopped by it.
    if usage is not None and 0 < usage["limit"] <= usage["count"]:
        left = max(usage["time_left"], 1)
        cache.set(_mark(request), time.time() + left, timeout=left)


def _mark(request) -> str:
    return f"{GROUP}-paused:{client_network(request)}"
