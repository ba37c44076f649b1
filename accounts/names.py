"""Staff accounts shown beside what a page lists (who made a declaration, recorded a passage,
flagged a risk, changed a follow-up) are read by their names only.

A page shows a staff member by name (``get_full_name`` or ``username``). Reading the whole account
with each row would read its password hash too, for nothing, and each column read costs time on
pages every officer and health worker opens many times an hour.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

SHOWN = frozenset({"id", "username", "first_name", "last_name"})


def with_staff_names(queryset: QuerySet, *relations: str) -> QuerySet:
    """``queryset`` with the staff accounts at these relations (foreign keys to a user, as
    ``select_related`` takes them) read in the same query, by name only."""
    unshown = [f"{relation}__{name}" for relation in relations for name in _unshown()]
    return queryset.select_related(*relations).defer(*unshown)


@cache
def _unshown() -> tuple[str, ...]:
    fields = get_user_model()._meta.concrete_fields
    return tuple(field.name for field in fields if field.name not in SHOWN)
