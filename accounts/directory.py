"""The staff directory's version: it changes whenever a user, someone's groups, a staff profile
or a health facility changes.

Page fragments that list staff (the follow-up form's assignees) are kept rendered with the version
in their cache key, so that they can be kept for an hour and still show a health worker added,
renamed, moved or removed within seconds; ``tracing.access`` reads the health staff again for
each version. The version lives in the shared cache (Redis when
several app servers share it) and, for ``PROCESS_SECONDS``, in each process's memory: one read of
the shared cache every few seconds, not one per page. ``accounts.signals`` calls
``directory_changed`` on every such change.
"""

import uuid

from django.core.cache import cache, caches

KEY = "staff-directory-version"
PROCESS_SECONDS = 5


def directory_version() -> str:
    """The current version (a new one is made if the shared cache has lost it)."""
    version = caches["process"].get(KEY)
    if version is None:
        version = cache.get_or_set(KEY, _new_version, None)
        caches["process"].set(KEY, version, PROCESS_SECONDS)
    return version


def directory_changed() -> None:
    """A new version: this process sees it at once, the others within ``PROCESS_SECONDS``."""
    cache.set(KEY, _new_version(), None)
    caches["process"].delete(KEY)


def _new_version() -> str:
    return uuid.uuid4().hex
