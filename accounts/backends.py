"""Staff permissions, roles and profiles, read from the shared cache instead of the database.

Every staff page checks permissions (two queries with Django's ModelBackend), draws the menu from
the user's roles (one more) and scopes what it shows by the user's staff profile (one more). They
change only when an administrator changes someone's groups, a group's permissions or someone's
profile (or renames their checkpoint, facility or company), so they are kept in the cache (Redis
when several app servers share it) for ``ACCESS_CACHE_SECONDS``, and dropped at once when such a
change is saved (``accounts.signals``). The account itself (active or not) is still read on every
request, so deactivating an account takes effect at once.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

PERMISSIONS_KEY = "staff-permissions:{}"
ROLES_KEY = "staff-roles:{}"
PROFILE_KEY = "staff-profile:{}"
KEYS = (PERMISSIONS_KEY, ROLES_KEY, PROFILE_KEY)


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, its permission sets kept in the shared cache."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            read = super().get_all_permissions
            user_obj._perm_cache = _kept(user_obj, PERMISSIONS_KEY, lambda: read(user_obj))
        return user_obj._perm_cache


def cached_roles(user, read) -> set[str]:
    """The user's roles from the shared cache, or ``read()`` and kept."""
    return _kept(user, ROLES_KEY, read)


def cached_profile(user, read):
    """The user's staff profile (or None) from the shared cache, or ``read()`` and kept."""
    return _kept(user, PROFILE_KEY, lambda: (read(),))[0]  # a tuple: "no profile" is kept too


def _kept(user, key: str, read):
    """One of the user's kept values (``KEYS``), or ``read()`` and kept. The first one a request
    asks for brings all three from the shared cache in one round trip: most staff pages need
    them all (permissions for the view, roles for the menu, the profile for the scope)."""
    if not hasattr(user, "_kept_access"):
        names = {name.format(user.pk): name for name in KEYS}
        user._kept_access = {names[k]: v for k, v in cache.get_many(list(names)).items()}
    value = user._kept_access.get(key)
    if value is None:
        value = user._kept_access[key] = read()
        cache.set(key.format(user.pk), value, settings.ACCESS_CACHE_SECONDS)
    return value


def forget_access(user_ids) -> None:
    """Drop the kept permissions, roles and profiles of these users: the next request reads them
    again."""
    keys = [key.format(pk) for pk in user_ids for key in KEYS]
    if keys:
        cache.delete_many(keys)
