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
            key = PERMISSIONS_KEY.format(user_obj.pk)
            permissions = cache.get(key)
            if permissions is None:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, permissions, settings.ACCESS_CACHE_SECONDS)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache


def cached_roles(user, read) -> set[str]:
    """The user's roles from the shared cache, or ``read()`` and kept."""
    key = ROLES_KEY.format(user.pk)
    roles = cache.get(key)
    if roles is None:
        roles = read()
        cache.set(key, roles, settings.ACCESS_CACHE_SECONDS)
    return roles


def cached_profile(user, read):
    """The user's staff profile (or None) from the shared cache, or ``read()`` and kept."""
    key = PROFILE_KEY.format(user.pk)
    kept = cache.get(key)  # a tuple, so that "no profile" is kept too
    if kept is None:
        kept = (read(),)
        cache.set(key, kept, settings.ACCESS_CACHE_SECONDS)
    return kept[0]


def forget_access(user_ids) -> None:
    """Drop the kept permissions, roles and profiles of these users: the next request reads them
    again."""
    keys = [key.format(pk) for pk in user_ids for key in KEYS]
    if keys:
        cache.delete_many(keys)
