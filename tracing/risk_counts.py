"""How many people at risk the health staff have to deal with, in their scope: at risk, overdue,
not contacted yet. Shown above the risk list, so that a worker knows how many calls are left.

Counting every person of a scope costs more than the page itself (a district's scope reads each
person's journeys: 200–300 ms among a million declarations), so the counts are kept in the
shared cache per scope, and the page says when they were counted. Counts older than
``KEPT_SECONDS`` are still shown, and one page (one worker, through a lock) counts again after
its answer has been sent (``truyvet.after_response``): no page waits for the count, except the
first one in ``FORGOTTEN_SECONDS``. Each process also keeps the counts it read in its memory
while they are younger than ``KEPT_SECONDS``, so that a list opened again costs no round trip
to the shared cache; then it reads the shared cache again, where another worker may have counted
since. They are aggregates, not personal data.
"""

from functools import partial

from django.core.cache import cache, caches
from django.db.models import Count, Q
from django.utils import timezone

from tracing.access import people_at_risk_in_scope, scope_name
from tracing.forms_risk import overdue
from tracing.models import FollowUpStatus
from truyvet.after_response import after_response
from truyvet.db_router import replica_reads

KEPT_SECONDS = 60  # counts older than this are counted again, after the page showing them
FORGOTTEN_SECONDS = 15 * 60  # counts nobody asked for in this long are dropped
COUNTING_SECONDS = 60  # how long one worker's count keeps the others from counting too


def scope_counts(user) -> dict:
    """{"at_risk", "overdue", "new", "counted_at"} for the people the user may see."""
    key = _scope_key(user)
    counts = caches["process"].get(key)
    if counts is not None and _age(counts) <= KEPT_SECONDS:
        return counts
    counts = cache.get(key)
    if counts is None:
        return _count_and_keep(key, user)
    if _age(counts) > KEPT_SECONDS and cache.add(f"{key}:counting", 1, COUNTING_SECONDS):
        after_response(partial(_count_and_keep, key, user))
    caches["process"].set(key, counts, KEPT_SECONDS)
    return counts


def _age(counts: dict) -> float:
    return (timezone.now() - counts["counted_at"]).total_seconds()


def _scope_key(user) -> str:
    """Counts are kept per scope (``tracing.access.scope_name``); a user who sees nobody, apart."""
    return f"risk-counts:{scope_name(user) or f'user:{user.pk}'}"


def _count_and_keep(key: str, user) -> dict:
    with replica_reads():  # as the list itself reads (``reads_from_replica``)
        counts = _count(user)
    cache.set(key, counts, FORGOTTEN_SECONDS)
    caches["process"].set(key, counts, KEPT_SECONDS)
    cache.delete(f"{key}:counting")
    return counts


def _count(user) -> dict:
    now = timezone.now()
    at_risk = people_at_risk_in_scope(user)
    counts = at_risk.aggregate(
        at_risk=Count("pk"),
        overdue=Count("pk", filter=overdue(now)),
        # as the list's "new" filter: a follow-up not yet handled, or none opened yet
        new=Count("pk", filter=Q(follow_up__status=FollowUpStatus.NEW) | Q(follow_up=None)),
    )
    return {**counts, "counted_at": now}
