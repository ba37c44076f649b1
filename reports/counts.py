"""Daily counts: computed from the raw data with grouped queries, stored in DailyCount and
CheckpointDailyCount, and read back for the report.

The stored counts outlive the personal data they come from (retention purges it), so the report
reads only them. They are kept up to date by a short job: a systemd timer or cron entry (or the
compose ``counts`` service) runs ``manage.py rebuild_counts --days 2`` every 5 minutes, which
calls ``counts_refresh``. Yesterday is included so that late records (a contact confirmed just
after midnight, a clock off by a few minutes) still land in the right day.

A day is a local day (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh). A row's district is the
declaration's destination district, the checkpoint's district for passages and bus checks, and
the person's district of residence for cases and contacts; a district outside the served
province counts as no district (outside the province or unknown).
"""

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checkpoints.models import BusCheck, Direction, Passage
from declarations.models import Declaration, District, MadeBy
from declarations.places import served_province_code
from declarations.risk import RiskLevel
from reports.models import CheckpointDailyCount, DailyCount, Measure
from tracing.models import Case, Contact, ContactLevel, ContactStatus

# (day, district code or None, measure) -> value; zeros are left out.
DailyFigures = dict[tuple[date, str | None, str], int]
# (day, checkpoint id, direction) -> value; zeros are left out.
CheckpointFigures = dict[tuple[date, int, str], int]

REBUILD_LOCK = 0x7472_7670  # any fixed number: one rebuild at a time on PostgreSQL
PASSAGE_MEASURES = {Direction.IN: Measure.PASSAGES_IN, Direction.OUT: Measure.PASSAGES_OUT}
CONTACT_MEASURES = {ContactLevel.F1: Measure.NEW_F1, ContactLevel.F2: Measure.NEW_F2}
# The report of a period and a district (or the whole province), in a language, kept in the
# shared cache with the version of the counts it was built from (report_kept), five minutes at
# most. Only a shared cache (Redis) keeps it: without one, each process would keep its own, and a
# rebuild run by the timer, in another process, could not make them a new version.
REPORT_KEY = "report:{start}:{end}:{district}:{language}"
COUNTS_VERSION_KEY = "report-counts-version"
REPORT_SECONDS = 300


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the start of the day after ``end``."""
    zone = _zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _local_day(expression) -> TruncDate:
    return TruncDate(expression, tzinfo=_zone())


RISK_MEASURES = {RiskLevel.HIGH: Measure.HIGH_RISK, RiskLevel.MEDIUM: Measure.MEDIUM_RISK}


def _people_at_risk(lo: datetime, hi: datetime) -> dict[tuple[date, str | None, str], int]:
    """How many people declared at high and at medium risk, per local day and district.

    Leaders read these columns as people, not forms: someone who declared twice in a day (at
    medium, then at high with a fever) is one person at high risk that day, counted in the
    destination district of that declaration (the latest one at that level). One query, on the
    day's declarations at risk only (a small part of them); the choice is made here.
    """
    rows = (
        Declaration.objects.filter(
            submitted_at__gte=lo,
            submitted_at__lt=hi,
            risk_level__in=list(RISK_MEASURES),
        )
        .annotate(day=_local_day("submitted_at"))
        .values_list("day", "person_id", "risk_level", "submitted_at", "to_district")
        .order_by()
    )
    # (day, person) -> the declaration that counts: the highest level, then the latest
    chosen: dict[tuple[date, int], tuple[bool, datetime, str | None, str]] = {}
    for day, person, level, submitted_at, district in rows:
        candidate = (level == RiskLevel.HIGH, submitted_at, district, level)
        kept = chosen.get((day, person))
        if kept is None or candidate[:2] > kept[:2]:
            chosen[day, person] = candidate
    counts: dict[tuple[date, str | None, str], int] = defaultdict(int)
    for (day, _person), (_high, _at, district, level) in chosen.items():
        counts[day, district, RISK_MEASURES[level]] += 1
    return counts


def counts_raw(*, start: date, end: date) -> dict:
    """The counts of the days in [start, end] straight from the raw data, without storing them:
    ``{"daily": DailyFigures, "checkpoints": CheckpointFigures}``. Seven queries: six grouped, and
    the declarations at risk (``_people_at_risk``)."""
    lo, hi = _bounds(start, end)
    served = served_province_code()
    in_province = set(District.objects.filter(province_id=served).values_list("code", flat=True))
    daily: DailyFigures = defaultdict(int)
    checkpoints: CheckpointFigures = {}

    def add(day, district, measure, value):
        if value:
            daily[(day, district if district in in_province else None, measure)] += value

    declarations = (
        Declaration.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)
        .annotate(day=_local_day("submitted_at"))
        .values("day", "to_district")
        .order_by()
        .annotate(
            declarations=Count("id"),
            # People, not declarations: an update of the same journey is not a second arrival.
            arrivals=Count("person", distinct=True, filter=~Q(from_province=served)),
            on_behalf=Count("id", filter=Q(made_by=MadeBy.ON_BEHALF)),
        )
    )
    for row in declarations:
        for measure in (Measure.DECLARATIONS, Measure.ARRIVALS, Measure.ON_BEHALF):
            add(row["day"], row["to_district"], measure, row[measure.value])
    for (day, district, measure), value in _people_at_risk(lo, hi).items():
        add(day, district, measure, value)

    passages = (
        Passage.objects.filter(at__gte=lo, at__lt=hi)
        .annotate(day=_local_day("at"), district=F("checkpoint__district"))
        .values("day", "checkpoint", "district", "direction")
        .order_by()
        .annotate(value=Count("id"))
    )
    for row in passages:
        add(row["day"], row["district"], PASSAGE_MEASURES[row["direction"]], row["value"])
        checkpoints[(row["day"], row["checkpoint"], row["direction"])] = row["value"]

    bus_checks = (
        BusCheck.objects.filter(at__gte=lo, at__lt=hi)
        .annotate(day=_local_day("at"), district=F("checkpoint__district"))
        .values("day", "district")
        .order_by()
        .annotate(value=Sum("undeclared"))
    )
    for row in bus_checks:
        add(row["day"], row["district"], Measure.UNDECLARED, row["value"])

    cases = (
        Case.objects.filter(confirmed_on__range=(start, end))
        .values("confirmed_on", district=F("person__residence_district"))
        .order_by()
        .annotate(value=Count("id"))
    )
    for row in cases:
        add(row["confirmed_on"], row["district"], Measure.NEW_CASES, row["value"])

    contacts = (
        Contact.objects.filter(status=ContactStatus.CONFIRMED)
        .annotate(moment=Coalesce("decided_at", "created_at"))
        .filter(moment__gte=lo, moment__lt=hi)
        .annotate(day=_local_day("moment"), district=F("person__residence_district"))
        .values("day", "district", "level")
        .order_by()
        .annotate(value=Count("id"))
    )
    for row in contacts:
        add(row["day"], row["district"], CONTACT_MEASURES[row["level"]], row["value"])

    return {"daily": dict(daily), "checkpoints": checkpoints}


def counts_stored(*, start: date, end: date) -> dict:
    """The stored counts of the days in [start, end], in the shape of ``counts_raw``."""
    daily = {
        (day, district, measure): value
        for day, district, measure, value in DailyCount.objects.filter(
            day__range=(start, end)
        ).values_list("day", "district", "measure", "value")
    }
    checkpoints = {
        (day, checkpoint, direction): value
        for day, checkpoint, direction, value in CheckpointDailyCount.objects.filter(
            day__range=(start, end)
        ).values_list("day", "checkpoint", "direction", "value")
    }
    return {"daily": daily, "checkpoints": checkpoints}


@transaction.atomic
def counts_rebuild(*, start: date, end: date) -> int:
    """Recompute exactly, from the raw data, every count of the days in [start, end]: their
    stored rows are replaced in one transaction. Returns the number of rows written.

    Days a purge has reached (``retention.first_unpurged_day``) are left as stored: counted
    again from what is left of their people, their figures would fall.
    """
    from reports.retention import first_unpurged_day  # it reads this module

    first_whole_day = first_unpurged_day()
    if first_whole_day is not None and start < first_whole_day:
        start = first_whole_day
    if start > end:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
    counted_at = timezone.now()
    figures = counts_raw(start=start, end=end)
    transaction.on_commit(counts_changed)
    DailyCount.objects.filter(day__range=(start, end)).delete()
    CheckpointDailyCount.objects.filter(day__range=(start, end)).delete()
    daily = DailyCount.objects.bulk_create(
        [
            DailyCount(
                day=day, district_id=district, measure=measure, value=value, counted_at=counted_at
            )
            for (day, district, measure), value in figures["daily"].items()
        ],
        batch_size=2000,
    )
    checkpoints = CheckpointDailyCount.objects.bulk_create(
        [
            CheckpointDailyCount(day=day, checkpoint_id=checkpoint, direction=direction, value=v)
            for (day, checkpoint, direction), v in figures["checkpoints"].items()
        ],
        batch_size=2000,
    )
    return len(daily) + len(checkpoints)


def counts_rebuild_days(days) -> int:
    """``counts_rebuild`` of these days (any dates, in any order): one rebuild per run of
    consecutive days. Returns the number of rows written."""
    days = sorted(set(days))
    written, start = 0, None
    for index, day in enumerate(days):
        start = start or day
        if index + 1 == len(days) or days[index + 1] != day + timedelta(days=1):
            written += counts_rebuild(start=start, end=day)
            start = None
    return written


def counts_refresh(*, days: int = 2) -> int:
    """Rebuild the counts of the last ``days`` local days, today included: the short job that
    a systemd timer, cron or the compose service runs every 5 minutes through
    ``manage.py rebuild_counts --days 2``."""
    today = timezone.localdate()
    return counts_rebuild(start=today - timedelta(days=max(days, 1) - 1), end=today)


def first_day() -> date | None:
    """The local day of the first declaration, where a full rebuild starts."""
    first = Declaration.objects.aggregate(first=Min("submitted_at"))["first"]
    return timezone.localdate(first) if first else None


# -- the report -------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    values: list[int]


@dataclass
class Report:
    """What the report page shows and its downloads contain, read from the stored counts.

    With a ``district``, the days, their total and the checkpoints are that district's; the
    districts (and their province total) are still all the province's, for comparison."""

    start: date
    end: date
    district: str | None = None  # its code; None: the whole province
    district_name: str = ""
    measures: list[Measure] = field(default_factory=lambda: list(Measure))
    districts: list[Row] = field(default_factory=list)
    total: Row | None = None
    days: list[Row] = field(default_factory=list)
    day_total: Row | None = None
    checkpoints: list[Row] = field(default_factory=list)
    checkpoint_total: Row | None = None
    counted_at: datetime | None = None  # the latest count of these days, if any

    @property
    def day_count(self) -> int:
        return (self.end - self.start).days + 1

    def digest(self) -> str:
        """A fingerprint of all the report shows: reports with the same one render alike."""
        parts: list = [self.start, self.end, self.district, self.district_name, *self.measures]
        tables = (
            self.districts,
            [self.total],
            self.days,
            [self.day_total],
            self.checkpoints,
            [self.checkpoint_total],
        )
        for rows in tables:
            parts += [(str(row.label), row.values) for row in rows if row is not None]
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    def column(self, rows: list[Row], measure: Measure) -> list[tuple[str, int]]:
        index = self.measures.index(measure)
        return [(row.label, row.values[index]) for row in rows]


def report_kept(*, start: date, end: date, district: str | None = None) -> Report:
    """``report_build``'s report, kept in the shared cache until the stored counts, or the names
    they show, change (``counts_changed``): one round trip to the cache instead of three
    queries, on a page leaders open all day while the counts change every five minutes.

    The version is read before the counts: a report built from counts newer than its version
    is only built again once more, never kept under a version it is older than.

    Without a shared cache (``settings.CACHE_SHARED``), the report is built each time: a leader
    would otherwise read the counts of before the last rebuild for up to five more minutes."""
    if not settings.CACHE_SHARED:
        return report_build(start=start, end=end, district=district)
    key = REPORT_KEY.format(
        start=start, end=end, district=district or "province", language=get_language()
    )
    kept = cache.get_many([COUNTS_VERSION_KEY, key])
    version = kept.get(COUNTS_VERSION_KEY)
    if version is None:
        version = _first_version()
    elif key in kept and kept[key][0] == version:
        return kept[key][1]
    report = report_build(start=start, end=end, district=district)
    cache.set(key, (version, report), REPORT_SECONDS)
    return report


def counts_changed() -> None:
    """The stored counts, or the names of the districts or checkpoints they show, have changed:
    every kept report, of every period, district and language, is built again when next asked
    for: they are all kept under this one version."""
    cache.set(COUNTS_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _first_version() -> str:
    """A version for a cache that has none yet, or the one another process made meanwhile."""
    version = uuid.uuid4().hex
    if cache.add(COUNTS_VERSION_KEY, version, timeout=None):
        return version
    return cache.get(COUNTS_VERSION_KEY) or version


def report_build(*, start: date, end: date, district: str | None = None) -> Report:
    """The report of the days in [start, end], of one ``district`` of the province or of the
    whole province (None): three queries on the stored counts."""
    report = Report(start=start, end=end, district=district)
    column = {measure.value: i for i, measure in enumerate(report.measures)}
    width = len(report.measures)
    by_district: dict[str | None, list[int]] = {}
    names = dict(
        District.objects.filter(province_id=served_province_code()).values_list("code", "name")
    )
    for code in names:
        by_district[code] = [0] * width
    by_day = {start + timedelta(days=i): [0] * width for i in range(report.day_count)}
    for day, counted_in, measure, value, counted_at in DailyCount.objects.filter(
        day__range=(start, end)
    ).values_list("day", "district", "measure", "value", "counted_at"):
        report.counted_at = max(counted_at, report.counted_at or counted_at)
        key = counted_in if counted_in in names else None
        by_district.setdefault(key, [0] * width)[column[measure]] += value
        if district is None or key == district:
            by_day[day][column[measure]] += value
    report.districts = [
        Row(names.get(code, _("Outside the province or unknown")), values)
        for code, values in by_district.items()
    ]
    totals = [sum(values[i] for values in by_district.values()) for i in range(width)]
    report.total = Row(_("Province total"), totals)
    report.days = [Row(f"{day:%d/%m/%Y}", values) for day, values in by_day.items()]
    if district:
        report.district_name = names.get(district, district)
    report.day_total = Row(
        _("%(district)s total") % {"district": report.district_name}
        if district
        else _("Province total"),
        [sum(values[i] for values in by_day.values()) for i in range(width)],
    )
    checkpoint_counts = CheckpointDailyCount.objects.filter(day__range=(start, end))
    if district:
        checkpoint_counts = checkpoint_counts.filter(checkpoint__district=district)
    passages = (
        checkpoint_counts.values("checkpoint", "checkpoint__name")
        .annotate(
            entering=Sum("value", filter=Q(direction=Direction.IN)),
            leaving=Sum("value", filter=Q(direction=Direction.OUT)),
        )
        .order_by("checkpoint__name", "checkpoint")
    )
    report.checkpoints = [
        Row(row["checkpoint__name"], [row["entering"] or 0, row["leaving"] or 0])
        for row in passages
    ]
    report.checkpoint_total = Row(
        _("Total"), [sum(row.values[i] for row in report.checkpoints) for i in range(2)]
    )
    return report
