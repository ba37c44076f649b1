"""Who the data shows near a person: the searches behind proposed contacts (F1, then F2).

Pure queries, nothing here writes. ``contacts_found`` reads the sources' own journeys, passages
and homes (three queries on the person indexes), then asks one query per rule, each on an
index (vehicle plate and travel date; checkpoint and time; declaration point and time;
commune of residence), however many sources there are and however many rows the tables hold.
Matching a found row back to the source it came from happens in Python, on the few rows found.

A reason is a small dict kept in ``Contact.reasons``, a machine code and its detail::

    {"rule": "vehicle", "plate": "25B-012.34", "day": "2026-11-20"}

``reason_text`` puts it in words for the staff.

Each source is searched only over its ``Window``: the days when it could pass the virus on, as
``case_window`` and ``onward_windows`` decide (one place for that rule). What a rule finds must
fall in that window too, not only the source's journey it was found from.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkpoints.models import Passage
from declarations.models import Declaration, Person, PointKind
from declarations.places import place_tree
from transport.manifest import day_bounds

VEHICLE_DAYS = 1  # the same vehicle on the same day, the day before or the day after
CHECKPOINT_WINDOW = timedelta(minutes=30)

# candidate person id -> source person id -> the reasons linking them, in rule order
Found = dict[int, dict[int, list[dict]]]
Match = tuple[int, int, dict]  # (candidate person id, source person id, reason)


# -- the days searched --------------------------------------------------------------------------

# The Ministry of Health counts a confirmed case as infectious from 2 days before the onset of
# symptoms, or, without symptoms, from 2 days before the sample that tested positive; a contact of
# an F1 counts from the day the F1 could have caught it from the case (Quyết định 3638/QĐ-BYT and
# the guidance after it). A case records the day its symptoms began, when it had any, and the day
# it was confirmed, which comes about a day after the sample (its sample is not recorded): so the
# case's journeys are searched from 2 days before the onset, or from 3 days before the
# confirmation, whichever is earlier.
INFECTIOUS_DAYS_BEFORE_ONSET = 2
INFECTIOUS_DAYS_BEFORE_CONFIRMATION = 3


@dataclass(frozen=True)
class Window:
    """The local days (both ends included) over which a source's journeys are searched; with
    no last day, up to today."""

    first: date
    last: date | None = None

    def holds(self, day: date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


def case_window(case) -> Window:
    """The days when the case could infect others, as far as the system knows, to the day it
    was confirmed (and isolated). Its F1s are those who met it then.

    They begin ``INFECTIOUS_DAYS_BEFORE_ONSET`` days before its symptoms began (the Ministry's
    rule for a case with symptoms), or, without symptoms or with symptoms only after the test,
    ``INFECTIOUS_DAYS_BEFORE_CONFIRMATION`` days before it was confirmed (before its sample)."""
    first = case.confirmed_on - timedelta(days=INFECTIOUS_DAYS_BEFORE_CONFIRMATION)
    if case.onset_on is not None:
        first = min(first, case.onset_on - timedelta(days=INFECTIOUS_DAYS_BEFORE_ONSET))
    return Window(first, case.confirmed_on)


def onward_windows(case, f1s: Iterable) -> dict[int, Window]:
    """For each confirmed F1 (a ``Contact``) of the case, the days when the F1 could infect
    others: from the day they met the case (``exposure_day``) to today. Their F2s are those who
    met them then; trips the F1 made before meeting the case are not searched."""
    opens = case_window(case).first
    return {f1.person_id: Window(exposure_day(f1.reasons, default=opens)) for f1 in f1s}


def exposure_day(reasons: Iterable[dict], *, default: date) -> date:
    """The day an F1 met the case: the earliest day its reasons name (a shared vehicle, a
    checkpoint crossing, a hospital visit); ``default`` (the case's first infectious day) when
    none names one, as for a housemate or a contact the investigation team reported."""
    days = [day for reason in reasons if (day := reason_day(reason)) is not None]
    return min(days, default=default)


def reason_day(reason: dict) -> date | None:
    """The day a reason of ``contacts_found`` happened on, if it says."""
    try:
        if "day" in reason:
            return date.fromisoformat(reason["day"])
        if "at" in reason:
            return datetime.fromisoformat(reason["at"]).date()  # written in local time
    except (TypeError, ValueError):
        return None
    return None


# -- the search -----------------------------------------------------------------------------------


def contacts_found(windows: Mapping[int, Window], *, exclude: Collection[int] = ()) -> Found:
    """Everyone who shared a vehicle, a checkpoint crossing, a hospital department or a home
    with one of the source people (the keys of ``windows``) during that source's window, with
    the reasons, grouped by the source they were near.

    Only the sources' journeys, crossings and visits on the days of their window are searched
    from, and only what was found on those days is kept (``_in_window``): the co-passenger of
    the day before the window, a day apart from a journey on its first day, is not proposed. A
    home has no date: it is always searched. The sources themselves and the people in
    ``exclude`` (the case, its known contacts) are never proposed. A person found by several
    rules or several sources appears once.
    """
    sources = set(windows)
    if not sources:
        return {}
    first = min(window.first for window in windows.values())
    since, _end = day_bounds(first)
    journeys = list(
        Declaration.objects.filter(person_id__in=sources)
        .filter(Q(travel_date__gte=first) | Q(submitted_at__gte=since))
        .select_related("point")
        .only(
            "person",
            "vehicle_plate",
            "travel_date",
            "submitted_at",
            "department",
            "point",
            "point__kind",
            "point__name",
        )
    )
    trips = [j for j in journeys if windows[j.person_id].holds(j.travel_date)]
    visits = [j for j in journeys if windows[j.person_id].holds(timezone.localdate(j.submitted_at))]
    passages = [
        passage
        for passage in Passage.objects.filter(person_id__in=sources, at__gte=since)
        .exclude(vehicle_plate="")
        .select_related("checkpoint")
        .only("person", "checkpoint", "checkpoint__name", "vehicle_plate", "at")
        .order_by()
        if windows[passage.person_id].holds(timezone.localdate(passage.at))
    ]
    homes = list(
        Person.objects.filter(pk__in=sources)
        .exclude(residence_address="")
        .values_list("pk", "residence_district_id", "residence_commune_id", "residence_address")
    )
    found: Found = {}
    matches = (
        *same_vehicle(trips),
        *same_checkpoint(passages),
        *same_department(visits),
        *same_address(homes),
    )
    for person_id, source_id, reason in matches:
        if person_id in sources or person_id in exclude:
            continue
        if not _in_window(reason, windows[source_id]):
            continue
        reasons = found.setdefault(person_id, {}).setdefault(source_id, [])
        if reason not in reasons:
            reasons.append(reason)
    return found


def _in_window(reason: dict, window: Window) -> bool:
    """Whether what a rule found happened in the source's window. A rule matches around a
    source's journey (a coach a day either side, a checkpoint half an hour): a journey on the
    window's first day would otherwise bring in those who travelled the day before, when the
    source could not yet pass the virus on (or, on its last day, the day after). A reason
    with no day (a home) always counts."""
    day = reason_day(reason)
    return day is None or window.holds(day)


# -- the rules: one query each ----------------------------------------------------------------


def same_vehicle(journeys: Iterable[Declaration]) -> Iterator[Match]:
    """Travelled in the same vehicle (same plate) the same day as a source, or a day either
    side: a coach runs overnight, and people declare the day they board or the day they
    arrive. Never a day outside the source's window, though (``contacts_found``)."""
    trips = defaultdict(set)  # plate -> {(source, travel date)}
    for journey in journeys:
        if journey.vehicle_plate:
            trips[journey.vehicle_plate].add((journey.person_id, journey.travel_date))
    if not trips:
        return
    window = timedelta(days=VEHICLE_DAYS)
    query = _any(
        Q(vehicle_plate=plate, travel_date__gte=day - window, travel_date__lte=day + window)
        for plate, days in trips.items()
        for day in {day for _source, day in days}
    )
    rows = (
        Declaration.objects.filter(query)
        .values_list("person_id", "vehicle_plate", "travel_date")
        .distinct()
    )
    for person_id, plate, day in rows:
        for source_id, source_day in trips[plate]:
            if abs((day - source_day).days) <= VEHICLE_DAYS:
                yield person_id, source_id, {"rule": "vehicle", "plate": plate, "day": str(day)}


def same_checkpoint(passages: Iterable[Passage]) -> Iterator[Match]:
    """Crossed the same checkpoint in the same vehicle (same plate) within 30 minutes of a
    source's crossing."""
    crossings = defaultdict(list)  # (checkpoint, plate) -> [(source, time, checkpoint name)]
    for passage in passages:
        crossings[passage.checkpoint_id, passage.vehicle_plate].append(
            (passage.person_id, passage.at, passage.checkpoint.name)
        )
    if not crossings:
        return
    query = _any(
        Q(
            checkpoint_id=checkpoint,
            vehicle_plate=plate,
            at__gte=at - CHECKPOINT_WINDOW,
            at__lte=at + CHECKPOINT_WINDOW,
        )
        for (checkpoint, plate), times in crossings.items()
        for _source, at, _name in times
    )
    rows = (
        Passage.objects.filter(query)
        .values_list("person_id", "checkpoint_id", "vehicle_plate", "at")
        .order_by()
    )
    for person_id, checkpoint, plate, at in rows:
        for source_id, source_at, name in crossings[checkpoint, plate]:
            apart = abs(at - source_at)
            if apart <= CHECKPOINT_WINDOW:
                yield (
                    person_id,
                    source_id,
                    {
                        "rule": "checkpoint",
                        "checkpoint": name,
                        "plate": plate,
                        "at": timezone.localtime(at).isoformat(timespec="minutes"),
                        "minutes": round(apart.total_seconds() / 60),
                    },
                )


def same_department(journeys: Iterable[Declaration]) -> Iterator[Match]:
    """Declared a visit to the same department of the same health facility (its QR point) on
    the same local day as a source."""
    visits = defaultdict(list)  # (point, department, day) -> [(source, facility name)]
    for journey in journeys:
        point = journey.point
        if point is not None and point.kind == PointKind.FACILITY and journey.department:
            day = timezone.localdate(journey.submitted_at)
            visits[point.pk, journey.department, day].append((journey.person_id, point.name))
    if not visits:
        return
    query = _any(
        Q(point_id=point, department=department, submitted_at__gte=start, submitted_at__lt=end)
        for point, department, day in visits
        for start, end in [day_bounds(day)]
    )
    rows = (
        Declaration.objects.filter(query)
        .values_list("person_id", "point_id", "department", "submitted_at")
        .order_by()
    )
    for person_id, point, department, at in rows:
        day = timezone.localdate(at)
        for source_id, name in visits.get((point, department, day), ()):
            reason = {"rule": "facility", "facility": name, "department": department}
            yield person_id, source_id, reason | {"day": str(day)}


# A household is an address with a house number shared by a few people; "Bản Nà Khuồng" or
# "Tổ 5" alone names a hamlet or a block of hundreds.
HOUSE_NUMBER = re.compile(r"\d")
HOUSEHOLD_MAX = 12


def same_address(homes: Iterable[tuple[int, str, str, str]]) -> Iterator[Match]:
    """Declared the same home: the same commune and the same house and street, however its
    letters are cased or spaced.

    The query reads the people of the sources' communes that gave an address, through the index
    of homes (``person_home``: district, then commune). SQLite lowers only ASCII letters, so the
    comparison itself is made here. Its size is bounded by a commune's population, not by the
    table's nor the district's: among a million declarations, a commune of 5,000 people took
    7.6 ms, where the district index alone made PostgreSQL read the district's 112,000 people
    (149 ms, 786 ms with cold buffers).
    """
    households = defaultdict(list)  # commune -> [(source, address key, address as written)]
    for source_id, _district, commune, address in homes:
        if (key := address_key(address)) and HOUSE_NUMBER.search(key):
            households[commune].append((source_id, key, address))
    if not households:
        return
    places = {(district, commune) for _source, district, commune, _address in homes}
    query = _any(
        Q(residence_district_id=district, residence_commune_id=commune)
        for district, commune in places
        if commune in households
    )
    rows = (
        Person.objects.filter(query)
        .exclude(residence_address="")
        .values_list("pk", "residence_commune_id", "residence_address")
    )
    residents = defaultdict(list)  # (commune, address key) -> people
    for person_id, commune, address in rows:
        residents[(commune, address_key(address))].append(person_id)
    tree = place_tree()
    for commune, homes_here in households.items():
        for source_id, key, written in homes_here:
            people = residents.get((commune, key), [])
            if len(people) > HOUSEHOLD_MAX:  # a hamlet or a block, not one household
                continue
            reason = {"rule": "household", "address": written, "commune": tree.name(commune)}
            for person_id in people:
                yield person_id, source_id, reason


def address_key(address: str) -> str:
    """``12  Phố Phúc  Xá`` and ``12 PHỐ PHÚC XÁ`` give the same key."""
    return "".join(unicodedata.normalize("NFC", address).casefold().split())


def _any(conditions: Iterable[Q]) -> Q:
    return reduce(or_, conditions)


# -- in words ---------------------------------------------------------------------------------


def reason_text(reason: dict) -> str:
    """One reason in the staff's words (in their language)."""
    rule = reason.get("rule")
    if rule == "vehicle":
        return _("Travelled in the same vehicle %(plate)s on %(day)s") % {
            "plate": reason["plate"],
            "day": _day(reason["day"]),
        }
    if rule == "checkpoint":
        return ngettext(
            "Crossed %(checkpoint)s in the same vehicle %(plate)s at %(time)s, "
            "%(minutes)s minute apart",
            "Crossed %(checkpoint)s in the same vehicle %(plate)s at %(time)s, "
            "%(minutes)s minutes apart",
            reason["minutes"],
        ) % {
            "checkpoint": reason["checkpoint"],
            "plate": reason["plate"],
            "time": datetime.fromisoformat(reason["at"]).strftime("%H:%M %d/%m/%Y"),
            "minutes": reason["minutes"],
        }
    if rule == "facility":
        return _("Visited %(department)s at %(facility)s the same day, %(day)s") % {
            "department": reason["department"],
            "facility": reason["facility"],
            "day": _day(reason["day"]),
        }
    if rule == "household":
        return _("Lives at the same address: %(address)s, %(commune)s") % {
            "address": reason["address"],
            "commune": reason["commune"],
        }
    return str(reason.get("text") or rule or "")


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
