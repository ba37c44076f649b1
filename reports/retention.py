"""Retention: personal data is kept RETENTION_DAYS after a person's last activity, then purged.

A person's last activity is the latest of their own record's update, declarations, passages,
risk flags, follow-up (its last update and its events) and the closing of a case they belong to.
Nobody under an open case (as the case or as a contact of it) or an open follow-up is purged.
The cut-off falls at a local midnight, so a day is purged whole: activity on day D is deleted on
day D + RETENTION_DAYS.

The daily counts of the days being purged are stored first (reports.counts), so the reports keep
their figures once the people behind them are gone.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import DateTimeField, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from checkpoints.models import Passage
from declarations.models import Declaration, KnownName, Person, RiskFlag
from tracing.models import Case, Contact, FollowUp, FollowUpEvent, FollowUpStatus
from truyvet import prepared

BATCH_SIZE = 1000


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.datetime
    people: int = 0
    declarations: int = 0
    passages: int = 0
    follow_ups: int = 0
    names: int = 0  # the known names nobody has any more (declarations.KnownName)
    audit_entries: int = 0  # older than AUDIT_RETENTION_DAYS
    audit_cutoff: dt.datetime | None = None
    counted_days: tuple[dt.date, dt.date] | None = None  # the days whose counts were stored


def retention_cutoff(*, now: dt.datetime | None = None, retention_days: int | None = None):
    """The local midnight before which a person's activity has expired."""
    days = settings.RETENTION_DAYS if retention_days is None else retention_days
    first_kept_day = timezone.localdate(now or timezone.now()) - dt.timedelta(days=days - 1)
    return timezone.make_aware(dt.datetime.combine(first_kept_day, dt.time.min))


def _held() -> Q:
    """People who are kept whatever their age: an open case, as the case or a contact, or an
    open follow-up."""
    person = OuterRef("pk")
    return Q(
        Exists(Case.objects.filter(person=person, closed_at__isnull=True))
        | Exists(Contact.objects.filter(person=person, case__closed_at__isnull=True))
        | Exists(FollowUp.objects.filter(person=person).exclude(status=FollowUpStatus.CLEARED))
    )


def _activity_since(cutoff: dt.datetime) -> Q:
    """People with any activity at or after the cut-off (each test uses a per-person index)."""
    person = OuterRef("pk")
    return Q(
        Q(updated_at__gte=cutoff)
        | Exists(Declaration.objects.filter(person=person, submitted_at__gte=cutoff))
        | Exists(Passage.objects.filter(person=person, at__gte=cutoff))
        | Exists(RiskFlag.objects.filter(person=person, flagged_at__gte=cutoff))
        | Exists(FollowUp.objects.filter(person=person, updated_at__gte=cutoff))
        | Exists(FollowUpEvent.objects.filter(follow_up__person=person, at__gte=cutoff))
        | Exists(Case.objects.filter(person=person, closed_at__gte=cutoff))
        | Exists(Contact.objects.filter(person=person, case__closed_at__gte=cutoff))
        # Deleting a case deletes its contacts: keep it while any of them is recent.
        | Exists(
            Contact.objects.filter(case__person=person).filter(
                Q(created_at__gte=cutoff) | Q(decided_at__gte=cutoff)
            )
        )
    )


def expired_people(*, cutoff: dt.datetime) -> QuerySet[Person]:
    """The people whose every trace is older than the cut-off and who are not held."""
    return Person.objects.exclude(_activity_since(cutoff)).exclude(_held())


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").values(field)[:1],
        output_field=DateTimeField(),
    )


def deletion_date(person: Person) -> dt.date | None:
    """The day the purge will delete this person, or None while they are held by an open case or
    follow-up. One query, prepared once per database session (``truyvet.prepared``)."""
    alias = router.db_for_read(Person)
    query = _deletion_sql(alias)
    row = prepared.fetchone(
        connections[alias], "truyvet_deletion_date", query, person.pk, slot=_ANY_PERSON
    )
    if row is None or row[0]:
        return None
    last_activity = _as_datetime(row[1])
    return timezone.localdate(last_activity) + dt.timedelta(days=settings.RETENTION_DAYS)


_ANY_PERSON = -7_340_461_953  # no row has it: stands for the person in the compiled query


@functools.cache
def _deletion_sql(alias: str) -> tuple[str, list]:
    """The deletion date's query, compiled once per process and database: with its nine
    subqueries, compiling it took longer than running it, on a page every officer opens."""
    ref = OuterRef("pk")
    latest = (
        Coalesce(_latest(queryset, field), F("updated_at"))
        for queryset, field in (
            (Declaration.objects.filter(person=ref), "submitted_at"),
            (Passage.objects.filter(person=ref), "at"),
            (RiskFlag.objects.filter(person=ref), "flagged_at"),
            (FollowUp.objects.filter(person=ref), "updated_at"),
            (FollowUpEvent.objects.filter(follow_up__person=ref), "at"),
            (Case.objects.filter(person=ref), "closed_at"),
            (Contact.objects.filter(person=ref), "case__closed_at"),
            (Contact.objects.filter(case__person=ref), "created_at"),
            (Contact.objects.filter(case__person=ref), "decided_at"),
        )
    )
    query = (
        Person.objects.filter(pk=_ANY_PERSON)
        .annotate(held=_held(), last_activity=Greatest(F("updated_at"), *latest))
        .values_list("held", "last_activity")
        .query
    )
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params).count(_ANY_PERSON) != 1:
        raise RuntimeError("The deletion date's query does not name the person once.")
    return sql, list(params)


def _as_datetime(value) -> dt.datetime:
    """A moment as the database returned it: SQLite gives computed ones as UTC text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _oldest_day(people: QuerySet[Person]) -> dt.date | None:
    """The first day holding any of these people's declarations, passages, follow-ups, cases or
    contacts: the figures the daily counts take from them."""
    moments = [
        Declaration.objects.filter(person__in=people).aggregate(first=Min("submitted_at")),
        Passage.objects.filter(person__in=people).aggregate(first=Min("at")),
        FollowUp.objects.filter(person__in=people).aggregate(first=Min("created_at")),
        # With a person go their own contacts, their case's and the F2 reached through them.
        Contact.objects.filter(
            Q(person__in=people) | Q(case__person__in=people) | Q(via__person__in=people)
        ).aggregate(first=Min("created_at")),
        people.aggregate(first=Min("created_at")),
    ]
    days = [timezone.localdate(m["first"]) for m in moments if m["first"] is not None]
    first_case = Case.objects.filter(person__in=people).aggregate(first=Min("confirmed_on"))
    if first_case["first"] is not None:
        days.append(first_case["first"])
    return min(days) if days else None


def _days_with_stored_counts(start: dt.date, end: dt.date) -> set[dt.date]:
    from reports.models import CheckpointDailyCount, DailyCount

    return {
        day
        for model in (DailyCount, CheckpointDailyCount)
        for day in model.objects.filter(day__range=(start, end))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    }


def counts_store(*, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """Compute and store the daily counts of the days from start to end that have none yet.

    Days already stored are left alone: an earlier purge may have removed some of their people,
    and counting them again would lower their figures. Returns the first and last day computed.
    """
    from reports.counts import counts_rebuild  # reports.counts may read this module

    stored = _days_with_stored_counts(start, end)
    missing = [
        start + dt.timedelta(days=n)
        for n in range((end - start).days + 1)
        if start + dt.timedelta(days=n) not in stored
    ]
    # Rebuild each run of consecutive missing days in one call.
    runs: list[list[dt.date]] = []
    for day in missing:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        counts_rebuild(start=run[0], end=run[-1])
    return (missing[0], missing[-1]) if missing else None


def purge_expired(
    *,
    now: dt.datetime | None = None,
    retention_days: int | None = None,
    audit_days: int | None = None,
) -> PurgeResult:
    """Delete the people whose personal data has expired, with everything that cascades from
    them (declarations, passages, risk flags, follow-ups, contacts, merged codes), then the
    names that nobody has any more (``KnownName``).

    Stores the daily counts of the purged days first. Deletes in batches, each in its own
    transaction, re-checking each person inside it so that someone who declared in the meantime
    is kept. Running it again removes nothing more. Audit entries stay (their person becomes null)
    until they are older than AUDIT_RETENTION_DAYS (``audit_days``), then go too.
    """
    cutoff = retention_cutoff(now=now, retention_days=retention_days)
    expired = expired_people(cutoff=cutoff)
    counted_days = None
    oldest = _oldest_day(expired)
    if oldest is not None:
        last_day = timezone.localdate(cutoff) - dt.timedelta(days=1)
        counted_days = counts_store(start=min(oldest, last_day), end=last_day)

    totals = {"people": 0, "declarations": 0, "passages": 0, "follow_ups": 0}
    labels = {
        "declarations.Person": "people",
        "declarations.Declaration": "declarations",
        "checkpoints.Passage": "passages",
        "tracing.FollowUp": "follow_ups",
    }
    while True:
        with transaction.atomic():
            batch = expired.select_for_update(skip_locked=True).order_by("pk")[:BATCH_SIZE]
            ids = list(batch.values_list("pk", flat=True))
            if not ids:
                break
            _total, per_model = Person.objects.filter(pk__in=ids).delete()
        for label, key in labels.items():
            totals[key] += per_model.get(label, 0)
    from reports.models import Purge

    # Never sooner than the people's data, even when a run keeps that longer (``--days``).
    audit_days = settings.AUDIT_RETENTION_DAYS if audit_days is None else audit_days
    audit_days = max(audit_days, retention_days or settings.RETENTION_DAYS)
    audit_cutoff = retention_cutoff(now=now, retention_days=audit_days)
    audit_entries = audit_purge(cutoff=audit_cutoff)
    Purge.objects.create(
        first_kept_day=timezone.localdate(cutoff),
        people=totals["people"],
        audit_entries=audit_entries,
    )
    names = KnownName.objects.forget_unused()
    return PurgeResult(
        cutoff=cutoff,
        counted_days=counted_days,
        names=names,
        audit_entries=audit_entries,
        audit_cutoff=audit_cutoff,
        **totals,
    )


def audit_purge(*, cutoff: dt.datetime) -> int:
    """Delete the audit entries written before ``cutoff``, ``BATCH_SIZE`` at a time, each batch
    in its own transaction; how many went."""
    from accounts.models import AuditEntry

    old = AuditEntry.objects.filter(at__lt=cutoff).order_by("at")
    removed = 0
    while ids := list(old.values_list("pk", flat=True)[:BATCH_SIZE]):
        with transaction.atomic():
            removed += AuditEntry.objects.filter(pk__in=ids).delete()[0]
    return removed


def first_unpurged_day() -> dt.date | None:
    """The first day no purge has reached (``Purge``): the days before it are counted for good."""
    from reports.models import Purge

    return Purge.objects.aggregate(day=Max("first_kept_day"))["day"]
