"""Staff accounts shown beside what a page lists (who made a declaration, recorded a passage,
flagged a risk, changed a follow-up) are taken from memory, as places are (``with_places``).

A page shows a staff member by name (``get_full_name`` or ``username``). Joining the accounts to
each list made its query costlier to compile and plan (without the joins, the person page takes
10% fewer instructions, the follow-up page 13%), and a whole account carries its password hash
for nothing. Each process keeps every account's id and names under the staff directory's version
(``accounts.directory``): a new or renamed account shows at once in the process that saved it,
and within seconds in the others, as the follow-up form's list of assignees does.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import router

from accounts.directory import directory_version

SHOWN = ("id", "username", "first_name", "last_name")

# (directory version, {account id: its SHOWN values}), this process's copy: kept in the module,
# not in the "process" cache, which would pickle and unpickle every account on each read.
_kept: tuple[str, dict[int, tuple]] = ("", {})


def staff_name(user) -> str:
    """How pages show a staff member: their full name, or their username if they have none (as
    ``{{ user.get_full_name|default:user.username }}``)."""
    return user.get_full_name() or user.get_username()


def with_staff_names(objects: Iterable, *fields: str) -> list:
    """The objects, with the staff accounts their foreign keys ``fields`` name taken from memory:
    with only their names read (any other field is read from the database if used), one object
    per account for all these objects, as ``prefetch_related`` gives. An account memory does
    not know is left alone, and read if used."""
    objects = list(objects)
    if not objects:
        return objects
    names = _staff_names()
    user = get_user_model()
    alias = router.db_for_read(user)
    accounts = {}
    user_fields = [type(objects[0])._meta.get_field(name) for name in fields]
    for obj in objects:
        for field in user_fields:
            key = getattr(obj, field.attname)
            if key not in accounts and key in names:
                accounts[key] = user.from_db(alias, SHOWN, names[key])
            if key in accounts:
                field.set_cached_value(obj, accounts[key])
    return objects


def staff_accounts(keys: Iterable[int | None]) -> dict:
    """The accounts with these keys (None is no account), by key, with only their names read:
    from memory, as ``with_staff_names`` gives them to objects; an account memory does not know
    is read from the database, and one that does not exist is left out."""
    names = _staff_names()
    user = get_user_model()
    alias = router.db_for_read(user)
    wanted = {key for key in keys if key is not None}
    accounts = {key: user.from_db(alias, SHOWN, names[key]) for key in wanted if key in names}
    if unknown := wanted - accounts.keys():
        accounts |= user.objects.only(*SHOWN).in_bulk(unknown)
    return accounts


def _staff_names() -> dict[int, tuple]:
    global _kept
    version = directory_version()
    if _kept[0] != version:
        rows = get_user_model().objects.values_list(*SHOWN)
        _kept = (version, {row[0]: row for row in rows})
    return _kept[1]
