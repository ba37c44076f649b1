"""Epidemic zones (vùng dịch): declaring one, ending one, and re-evaluating the risk they change.

A zone changes the risk of every recent declaration whose places lie in it, so each change is
followed by one batched pass over the last 14 days of declarations (``risk_reevaluate``), which
has the report's daily counts of the days it changed counted again.
"""

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from declarations.models import Declaration, EpidemicZone, Person
from declarations.risk import RiskLevel, Zone, assess_risk
from declarations.services import people_risk_recompute, zones_changed
from tracing.models import counted_days_changed
from tracing.services import follow_ups_open

# Declarations read, and written, per transaction; small enough for SQLite's parameter limit.
BATCH = 2000
RECENT_DAYS = 14

# The places of a declaration that the risk rules look at, as ``declaration_risk`` gives them:
# where the person came from and where they live (their residence as it is now).
PLACE_FIELDS = (
    "from_province_id",
    "from_district_id",
    "person__residence_province_id",
    "person__residence_district_id",
    "person__residence_commune_id",
)
FIELDS = (
    "pk",
    "person_id",
    "travel_date",
    "symptoms",
    "exposures",
    *PLACE_FIELDS,
    "risk_level",
    "risk_reasons",
)


@dataclass
class Reevaluation:
    """What a re-evaluation changed."""

    declarations: int = 0  # read
    changed: int = 0  # declarations whose risk changed
    people_changed: int = 0  # people whose current risk changed
    follow_ups_opened: int = 0
    seconds: float = 0.0


def zone_add(
    *, place_code: str, starts_on: date, ends_on: date | None = None, note: str = ""
) -> tuple[EpidemicZone, Reevaluation]:
    """Declare an epidemic zone and re-evaluate the recent declarations; declarations made
    from now on see it too."""
    zone = EpidemicZone(place_code=place_code, starts_on=starts_on, ends_on=ends_on, note=note)
    zone.full_clean()  # checks the place code and names the place
    zone.save()
    _zones_changed()
    return zone, risk_reevaluate()


def zone_end(*, zone: EpidemicZone, ends_on: date) -> Reevaluation:
    """End a zone after ``ends_on`` (its last day in force) and re-evaluate."""
    zone.ends_on = ends_on
    zone.full_clean()
    zone.save(update_fields=["ends_on"])
    _zones_changed()
    return risk_reevaluate()


def _zones_changed() -> None:
    # EpidemicZone.save clears the shared cache of zones once its transaction commits (so that
    # no other process refills it with the old zones meanwhile); clearing it now as well makes
    # the change visible at once to a caller that is itself inside a transaction.
    zones_changed()


def risk_reevaluate(*, days: int = RECENT_DAYS) -> Reevaluation:
    """Assess again the declarations of the last ``days`` days with the zones now recorded.

    Symptoms and exposures give the same reasons as before; zone reasons are recomputed. Only
    declarations whose risk changed are written, then the current risk of their people (the
    highest of the latest declaration, open risk flags and an open case), and whoever became
    at risk gets a follow-up. One pass in order of submission, one transaction per batch:
    if it stops half-way, running it again finishes the work (it only writes differences).
    """
    started = time.monotonic()
    result = Reevaluation()
    assess = _Assessor(
        Zone(z.place_code, z.place_name, z.starts_on, z.ends_on)
        for z in EpidemicZone.objects.all()  # not the cache: it may predate this change
    )
    recent = Declaration.objects.filter(submitted_at__gte=timezone.now() - timedelta(days=days))
    in_order = recent.order_by("submitted_at", "pk").values_list(*FIELDS, "submitted_at")
    rows = list(in_order[:BATCH])
    while rows:
        _reevaluate_batch(rows, assess, result)
        # The next batch after the last row read, by the index on the submission time.
        last_pk, last_at = rows[-1][0], rows[-1][-1]
        after = in_order.filter(submitted_at__gte=last_at).exclude(
            submitted_at=last_at, pk__lte=last_pk
        )
        rows = list(after[:BATCH])
    result.seconds = time.monotonic() - started
    return result


class _Assessor:
    """``assess_risk`` with the zones indexed by place and each distinct case assessed once:
    answers repeat, and a declaration outside every zone needs no zone at all."""

    def __init__(self, zones):
        self.zones_at: dict[str, list[Zone]] = defaultdict(list)
        for zone in zones:
            self.zones_at[zone.place_code].append(zone)
        self.known: dict[tuple, tuple[str, list[str]]] = {}

    def __call__(self, symptoms, exposures, places, day) -> tuple[str, list[str]]:
        zones = tuple(
            zone for code in places for zone in self.zones_at.get(code, ()) if zone.active_on(day)
        )
        key = (tuple(symptoms), tuple(exposures), zones)
        if key not in self.known:
            risk = assess_risk(
                symptoms=symptoms,
                exposures=exposures,
                place_codes=places,
                travel_date=day,
                zones=zones,
            )
            self.known[key] = (risk.level, risk.stored_reasons())
        return self.known[key]


def _reevaluate_batch(rows: list[tuple], assess: _Assessor, result: Reevaluation) -> None:
    changed = defaultdict(list)  # (level, reasons) -> declarations now with that risk
    people = set()
    raised_at = {}  # person -> the time of their first declaration whose level is now higher
    counted_days = set()  # the local days of declarations whose level changed (the report's)
    for pk, person_id, day, symptoms, exposures, *places, level, reasons, at in rows:
        new_level, new_reasons = assess(symptoms, exposures, places, day)
        if (new_level, new_reasons) != (level, reasons):
            changed[new_level, tuple(new_reasons)].append(pk)
            people.add(person_id)
        if new_level != level:
            counted_days.add(timezone.localdate(at))
        if RiskLevel.highest(new_level, level) != level:
            raised_at.setdefault(person_id, at)  # rows come oldest first
    result.declarations += len(rows)
    if not changed:
        return
    with transaction.atomic():
        # A declaration is immutable (Declaration.save refuses updates): the person's answers
        # never change. Its risk is derived from those answers and the zones, so when a zone
        # changes it is recomputed here, by UPDATE statements that bypass save() on purpose:
        # one per distinct new risk, as few distinct risks are shared by many declarations
        # (much quicker than bulk_update's CASE over every row).
        for (level, reasons), pks in changed.items():
            Declaration.objects.filter(pk__in=pks).update(
                risk_level=level, risk_reasons=list(reasons)
            )
        _clearing_moved_before(raised_at)
        raised, people_changed = people_risk_recompute(people)
        opened = follow_ups_open(
            person_ids=raised,
            # Kept in the source language, shown in the reader's (tracing.models.shown_text).
            reason=gettext_noop("At risk after a change of epidemic zones"),
        )
        # The report's daily counts of risk, of those days, are counted again in this same
        # transaction (reports listens; days a purge reached stay as stored): a run stopped
        # half-way and run again still recounts what each batch changed.
        if counted_days:
            counted_days_changed.send(Declaration, days=counted_days)
    result.changed += sum(len(pks) for pks in changed.values())
    result.people_changed += people_changed
    result.follow_ups_opened += opened


def _clearing_moved_before(raised_at: dict) -> None:
    """A zone that raises a declaration made before the health staff cleared the person is news
    they did not have: the clearing moves to just before that declaration, which then counts
    toward the person's risk (``people_risk_levels``) and reopens their follow-up."""
    cleared = Person.objects.filter(pk__in=list(raised_at), risk_cleared_at__isnull=False)
    for pk, cleared_at in cleared.values_list("pk", "risk_cleared_at"):
        if cleared_at >= raised_at[pk]:
            moved = raised_at[pk] - timedelta(microseconds=1)
            Person.objects.filter(pk=pk).update(risk_cleared_at=moved)
