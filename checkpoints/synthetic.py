"""Synthetic checkpoint passages and bus checks, for a development site.

They are drawn from the declarations already in the database (``generate_data``), so that they
tell one story: a share of the travellers of the last two weeks cross a checkpoint on their travel
day, an hour or so after declaring, at a checkpoint of their destination district if there is one;
some coaches are checked against their passenger list of the day (``transport.manifest``), with
a passage for every listed passenger found on board, as ``bus_check_record`` records them; and
people who declared through a checkpoint's QR pass that checkpoint. Every staffed checkpoint gets
passages today, so that its officers' board (``/chot/bang/``) shows some.

``SyntheticPassages`` reads nothing from the database; ``synthetic_passages_load`` loads what it
needs in a few queries and saves the result with bulk inserts, in one transaction.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import StaffProfile
from checkpoints.models import BusCheck, Checkpoint, Direction, Outcome, Passage
from declarations.models import Declaration
from declarations.risk import RiskLevel
from declarations.synthetic import HOURS, Weighted
from transport.manifest import day_bounds
from transport.models import Vehicle

DAYS = 14  # travel dates over the last two weeks, today included
CROSSING_DELAY = (20 * 60, 4 * 3600)  # seconds from declaring to crossing a checkpoint
CHECK_DELAY = (30 * 60, 3 * 3600)  # seconds from a coach's last boarding to its check
AT_RISK_OUTCOMES = Weighted({Outcome.ALLOWED: 50, Outcome.MUST_UPDATE: 30, Outcome.HELD: 20})
LISTED_NOT_ON_BOARD = Weighted({0: 55, 1: 30, 2: 15})
UNDECLARED = Weighted({0: 75, 1: 13, 2: 8, 3: 4})
UNDECLARED_NOTE = "Đã hướng dẫn hành khách khai báo tại chốt"
BOARD_MINIMUM = 12  # passages today at each staffed checkpoint, for its board
BATCH = 2000


class Journey(NamedTuple):
    """A declaration, as much of it as a passage needs."""

    declaration: int
    person: int
    travel_date: date
    submitted_at: datetime
    vehicle_plate: str
    point: int | None
    to_district: str
    at_risk: bool


JOURNEY_FIELDS = (
    "pk",
    "person_id",
    "travel_date",
    "submitted_at",
    "vehicle_plate",
    "point_id",
    "to_district_id",
    "risk_level",
)


def journeys_of(rows: Iterable[tuple]) -> list[Journey]:
    """Journeys from ``values_list(*JOURNEY_FIELDS)`` rows."""
    return [Journey(*row[:-1], at_risk=row[-1] != RiskLevel.NONE) for row in rows]


@dataclass
class PassagePlan:
    passages: list[Passage] = field(default_factory=list)
    checks: list[tuple[BusCheck, list[Passage]]] = field(default_factory=list)


class SyntheticPassages:
    """Draws passages and bus checks from journeys; reads nothing from the database.

    ``officers`` are the user ids of each checkpoint's staff; ``vehicles`` maps a vehicle's
    declaration point to the vehicle's id and plate.
    """

    def __init__(
        self,
        *,
        checkpoints: list[Checkpoint],
        officers: dict[int, list[int]],
        vehicles: dict[int, tuple[int, str]],
        share: float,
        seed: int | None = None,
        now: datetime | None = None,
    ):
        if not checkpoints:
            raise ValueError("No active checkpoint: create one (or the demo accounts) first.")
        if not 0 <= share <= 1:
            raise ValueError("The share must be between 0 and 1.")
        self.checkpoints = checkpoints
        self.officers = officers
        self.vehicles = vehicles
        self.share = share
        self.rng = random.Random(seed)
        self.now = timezone.localtime(now or timezone.now())
        self.today = self.now.date()
        self.first_day = self.today - timedelta(days=DAYS - 1)
        self.by_point = {checkpoint.point_id: checkpoint for checkpoint in checkpoints}
        self.by_district: dict[str, list[Checkpoint]] = defaultdict(list)
        for checkpoint in checkpoints:
            self.by_district[checkpoint.district_id].append(checkpoint)

    def plan(
        self,
        *,
        journeys: list[Journey],
        boardings: list[Journey],
        today_so_far: Counter | None = None,
    ) -> PassagePlan:
        """Passages for ``journeys`` (travel in the last days, to the province), bus checks for
        the coaches' lists made of ``boardings`` (declarations through vehicles' points), and a
        top-up of today's passages (``today_so_far`` by checkpoint id) at staffed checkpoints."""
        plan = PassagePlan()
        crossed = self._bus_checks(boardings, plan)
        for journey in journeys:
            # A coach's passengers are seen together, by its bus check, or not at all.
            if journey.declaration in crossed or journey.point in self.vehicles:
                continue
            at_its_point = self.by_point.get(journey.point)
            if at_its_point is None and self.rng.random() >= self.share:
                continue
            self._cross(journey, plan, checkpoint=at_its_point)
            crossed.add(journey.declaration)
        self._top_up_boards(journeys, crossed, plan, today_so_far or Counter())
        return plan

    # -- passages -------------------------------------------------------------------------------

    def _cross(
        self,
        journey: Journey,
        plan: PassagePlan,
        *,
        checkpoint: Checkpoint | None = None,
        at: datetime | None = None,
    ) -> None:
        rng = self.rng
        checkpoint = checkpoint or self._checkpoint_for(journey.to_district)
        outcome = AT_RISK_OUTCOMES.draw(rng) if journey.at_risk else Outcome.ALLOWED
        plan.passages.append(
            Passage(
                person_id=journey.person,
                checkpoint=checkpoint,
                at=at or self._crossing_time(journey),
                direction=Direction.IN,
                vehicle_plate=journey.vehicle_plate,
                outcome=outcome,
                officer_id=self._officer(checkpoint),
            )
        )

    def _checkpoint_for(self, district: str) -> Checkpoint:
        """A checkpoint of the destination district, or else the first one."""
        here = self.by_district.get(district)
        return self.rng.choice(here) if here else self.checkpoints[0]

    def _officer(self, checkpoint: Checkpoint) -> int | None:
        staff = self.officers.get(checkpoint.pk)
        return self.rng.choice(staff) if staff else None

    def _crossing_time(self, journey: Journey) -> datetime:
        """A moment of the travel day after the declaration (if sent that day), never after
        now."""
        rng = self.rng
        start, end = self._day_span(journey.travel_date)
        submitted = timezone.localtime(journey.submitted_at)
        if start <= submitted <= end:
            earliest = submitted
            moment = submitted + timedelta(seconds=rng.randint(*CROSSING_DELAY))
        else:
            earliest = start
            moment = start + timedelta(seconds=HOURS.draw(rng) * 3600 + rng.randrange(3600))
        if moment > end:
            moment = earliest + (end - earliest) * rng.random()
        return moment

    def _day_span(self, day: date) -> tuple[datetime, datetime]:
        """The first and last moments of a local day, the last never after now."""
        start, end = day_bounds(day)
        return start, min(end - timedelta(microseconds=1), self.now)

    # -- bus checks ------------------------------------------------------------------------------

    def _bus_checks(self, boardings: list[Journey], plan: PassagePlan) -> set[int]:
        """Check a share of the coaches' daily lists; the declarations of those found on board."""
        lists: dict[tuple[date, int], dict[int, Journey]] = defaultdict(dict)
        for journey in sorted(boardings, key=lambda j: (j.submitted_at, j.declaration)):
            if journey.point in self.vehicles:
                day = timezone.localtime(journey.submitted_at).date()
                lists[day, journey.point][journey.person] = journey  # the latest, as the list
        crossed: set[int] = set()
        for (day, point), passengers in sorted(lists.items()):
            if self.rng.random() < self.share:
                crossed.update(self._bus_check(day, point, list(passengers.values()), plan))
        return crossed

    def _bus_check(
        self, day: date, point: int, passengers: list[Journey], plan: PassagePlan
    ) -> list[int]:
        rng = self.rng
        vehicle, plate = self.vehicles[point]
        districts = Counter(journey.to_district for journey in passengers)
        checkpoint = self._checkpoint_for(districts.most_common(1)[0][0])
        _start, end = self._day_span(day)
        boarded = timezone.localtime(max(journey.submitted_at for journey in passengers))
        at = boarded + timedelta(seconds=rng.randint(*CHECK_DELAY))
        if at > end:
            at = boarded + (end - boarded) * rng.random()
        missing = min(LISTED_NOT_ON_BOARD.draw(rng), len(passengers))
        on_board = rng.sample(passengers, len(passengers) - missing)
        undeclared = UNDECLARED.draw(rng)
        officer = self._officer(checkpoint)
        check = BusCheck(
            checkpoint=checkpoint,
            vehicle_id=vehicle,
            vehicle_plate=plate,
            at=at,
            officer_id=officer,
            on_list=len(passengers),
            on_board=len(on_board),
            undeclared=undeclared,
            note=UNDECLARED_NOTE if undeclared else "",
        )
        passages = [
            Passage(
                person_id=journey.person,
                checkpoint=checkpoint,
                at=at,
                direction=Direction.IN,
                vehicle_plate=plate,
                outcome=Outcome.ALLOWED,  # as bus_check_record: risks are seen at the desk
                officer_id=officer,
            )
            for journey in on_board
        ]
        plan.checks.append((check, passages))
        return [journey.declaration for journey in on_board]

    # -- the boards ------------------------------------------------------------------------------

    def _top_up_boards(
        self, journeys: list[Journey], crossed: set[int], plan: PassagePlan, so_far: Counter
    ) -> None:
        """At least ``BOARD_MINIMUM`` passages today at every staffed checkpoint: today's
        travellers first, then recent ones crossing again."""
        start, end = self._day_span(self.today)
        today = Counter(so_far)
        for passage in self.all_passages(plan):
            if passage.at >= start:
                today[passage.checkpoint.pk] += 1
        spare = [j for j in journeys if j.declaration not in crossed]
        spare.sort(key=lambda j: (j.travel_date != self.today, -j.submitted_at.timestamp()))
        for checkpoint in self.checkpoints:
            if checkpoint.pk not in self.officers:
                continue
            wanted = BOARD_MINIMUM - today[checkpoint.pk]
            chosen, spare = spare[: max(wanted, 0)], spare[max(wanted, 0) :]
            for journey in chosen:
                at = None
                if journey.travel_date != self.today:
                    at = start + (end - start) * self.rng.random()
                self._cross(journey, plan, checkpoint=checkpoint, at=at)

    @staticmethod
    def all_passages(plan: PassagePlan) -> Iterable[Passage]:
        yield from plan.passages
        for _check, passages in plan.checks:
            yield from passages


# -- loading and saving ---------------------------------------------------------------------------


@dataclass
class PassagesResult:
    passages: int = 0
    checkpoints: int = 0
    today: int = 0
    stopped: int = 0  # held, or asked to update their declaration
    bus_checks: int = 0
    undeclared: int = 0  # passengers found on board without a declaration


def synthetic_passages_load(
    *,
    province_code: str,
    share: float,
    seed: int | None = None,
    now: datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> PassagesResult:
    """Draw passages and bus checks for the declarations in the database and save them.

    Six queries to read (checkpoints, their officers, vehicles, journeys, coaches' boardings,
    today's passages so far) and bulk inserts in one transaction; ``progress`` gets the count of
    each batch of passages saved.
    """
    checkpoints = list(Checkpoint.objects.filter(is_active=True).order_by("pk"))
    officers: dict[int, list[int]] = defaultdict(list)
    staff = StaffProfile.objects.filter(checkpoint__in=checkpoints, user__is_active=True)
    for checkpoint, user in staff.order_by("user_id").values_list("checkpoint_id", "user_id"):
        officers[checkpoint].append(user)
    vehicles = {
        point: (pk, plate)
        for pk, point, plate in Vehicle.objects.values_list("pk", "point_id", "plate")
        if point is not None
    }
    generator = SyntheticPassages(
        checkpoints=checkpoints,
        officers=dict(officers),
        vehicles=vehicles,
        share=share,
        seed=seed,
        now=now,
    )
    window_start, _end = day_bounds(generator.first_day)
    today_start, _end = day_bounds(generator.today)
    journeys = Declaration.objects.filter(
        travel_date__gte=generator.first_day,
        travel_date__lte=generator.today,
        to_district__province_id=province_code,
    )
    boardings = Declaration.objects.filter(
        point__in=list(vehicles), submitted_at__gte=window_start, submitted_at__lte=generator.now
    )
    today_so_far = Counter(
        dict(
            Passage.objects.filter(at__gte=today_start)
            .values("checkpoint")
            .annotate(count=Count("id"))
            .values_list("checkpoint", "count")
        )
    )
    plan = generator.plan(
        journeys=journeys_of(journeys.order_by("pk").values_list(*JOURNEY_FIELDS)),
        boardings=journeys_of(boardings.order_by("pk").values_list(*JOURNEY_FIELDS)),
        today_so_far=today_so_far,
    )
    plan_save(plan, progress=progress)
    passages = list(SyntheticPassages.all_passages(plan))
    return PassagesResult(
        passages=len(passages),
        checkpoints=len({passage.checkpoint_id for passage in passages}),
        today=sum(passage.at >= today_start for passage in passages),
        stopped=sum(passage.outcome != Outcome.ALLOWED for passage in passages),
        bus_checks=len(plan.checks),
        undeclared=sum(check.undeclared for check, _passages in plan.checks),
    )


@transaction.atomic
def plan_save(plan: PassagePlan, *, progress: Callable[[int], object] | None = None) -> None:
    """Insert the bus checks, then every passage (those of a check linked to it), in batches."""
    checks = [check for check, _passages in plan.checks]
    if connection.features.can_return_rows_from_bulk_insert:
        BusCheck.objects.bulk_create(checks)
    else:
        for check in checks:
            check.save()
    for check, passages in plan.checks:
        for passage in passages:
            passage.bus_check = check
    passages = list(SyntheticPassages.all_passages(plan))
    for first in range(0, len(passages), BATCH):
        batch = passages[first : first + BATCH]
        Passage.objects.bulk_create(batch)
        if progress is not None:
            progress(len(batch))
