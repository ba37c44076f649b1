"""Staff accounts, permissions, roles and profiles, read from the shared cache instead of the
database.

Every staff page reads the account of the session (one query with Django's ModelBackend), checks
permissions (two more), draws the menu from the user's roles (one more) and scopes what it shows
by the user's staff profile (one more). They change only when an administrator changes someone's
account, groups, a group's permissions or someone's profile (or renames their checkpoint,
facility or company), or when the user logs in or changes their password, so they are kept in the
cache (Redis when several app servers share it) for ``ACCESS_CACHE_SECONDS``, all four brought
back in one round trip, and dropped when such a change is saved and again once it is committed
(``accounts.signals``): deactivating an account, or changing its password, logs it out at the
next request.

The kept account holds what the database row holds, its password hash included: Django checks
each session against a hash of it. The shared cache also holds the sessions themselves, which give
more than a hash does, so it is reachable from the app servers only (``docs/scaling.md``).
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

ACCOUNT_KEY = "staff-account:{}"
PERMISSIONS_KEY = "staff-permissions:{}"
ROLES_KEY = "staff-roles:{}"
PROFILE_KEY = "staff-profile:{}"
KEYS = (ACCOUNT_KEY, PERMISSIONS_KEY, ROLES_KEY, PROFILE_KEY)


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, its accounts and permission sets kept in the shared cache."""

    def get_user(self, user_id):
        """The active account with this key, or None. Its kept permissions, roles and profile
        come with it from the shared cache, in the same round trip."""
        kept = _kept_for(user_id)
        user = kept.pop(ACCOUNT_KEY, None)
        if user is None:
            user = super().get_user(user_id)  # None for an unknown or inactive account
            if user is None:
                return None
            cache.set(ACCOUNT_KEY.format(user_id), user, settings.ACCESS_CACHE_SECONDS)
        user._kept_access = kept
        return user

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
    """One of the user's kept values, or ``read()`` and kept. They came with the account
    (``get_user``); for a user found otherwise (the login form's), the first one a request asks
    for brings them all: most staff pages need them all (permissions for the view, roles for the
    menu, the profile for the scope)."""
    if not hasattr(user, "_kept_access"):
        user._kept_access = _kept_for(user.pk)
        user._kept_access.pop(ACCOUNT_KEY, None)
    value = user._kept_access.get(key)
    if value is None:
        value = user._kept_access[key] = read()
        cache.set(key.format(user.pk), value, settings.ACCESS_CACHE_SECONDS)
    return value


def _kept_for(user_id) -> dict:
    """What the shared cache keeps of this user, by key pattern (``KEYS``), in one round trip."""
    names = {name.format(user_id): name for name in KEYS}
    return {names[key]: value for key, value in cache.get_many(list(names)).items()}


def forget_access(user_ids) -> None:
    """Drop the kept accounts, permissions, roles and profiles of these users: the next request
    reads them again."""
    keys = [key.format(pk) for pk in user_ids for key in KEYS]
    if keys:
        cache.delete_many(keys)
