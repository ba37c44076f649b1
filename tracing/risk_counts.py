"""How many people at risk the health staff have to deal with, in their scope: at risk, overdue,
not contacted yet. Shown above the risk list, so that a worker knows how many calls are left.

Counting every person of a scope on each page of the list would cost more than the page itself
(a district's scope reads each person's journeys): the counts are kept in the shared cache for
``KEPT_SECONDS`` per scope, and the page says when they were counted. They are aggregates, not
personal data.
"""

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from accounts.access import profile_of
from declarations.risk import RiskLevel
from tracing.access import people_in_scope, sees_the_whole_province
from tracing.forms_risk import overdue
from tracing.models import FollowUpStatus

KEPT_SECONDS = 60


def scope_counts(user) -> dict:
    """{"at_risk", "overdue", "new", "counted_at"} for the people the user may see."""
    return cache.get_or_set(_scope_key(user), lambda: _count(user), KEPT_SECONDS)


def _scope_key(user) -> str:
    if sees_the_whole_province(user):
        return "risk-counts:province"
    profile = profile_of(user)
    if profile is None:
        return f"risk-counts:user:{user.pk}"
    return f"risk-counts:{profile.district_id}:{profile.facility_id}"


def _count(user) -> dict:
    now = timezone.now()
    at_risk = people_in_scope(user).exclude(risk_level=RiskLevel.NONE)
    counts = at_risk.aggregate(
        at_risk=Count("pk"),
        overdue=Count("pk", filter=overdue(now)),
        # as the list's "new" filter: a follow-up not yet handled, or none opened yet
        new=Count("pk", filter=Q(follow_up__status=FollowUpStatus.NEW) | Q(follow_up=None)),
    )
    return {**counts, "counted_at": now}
