"""Writes at the checkpoint desk."""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from checkpoints.models import Checkpoint, Direction, Outcome, Passage
from declarations.models import MadeBy, Person
from declarations.services import DeclarationData, declaration_submit

# How long a crossing recorded at a checkpoint stands for the same person crossing it again in
# the same direction. Within it, a bus check submitted twice (a double click, a retry on a bad
# connection) or the same bus checked again by another officer is the crossing already recorded,
# not a second one: the board, the day's counts and the report count crossings, not clicks. A
# coach does not enter the province twice through one checkpoint within two hours; a return
# trip crosses in the other direction and is recorded.
SAME_CROSSING_WINDOW = timedelta(hours=2)


def recording_at(checkpoint: Checkpoint) -> None:
    """Lock the checkpoint's row until the transaction ends: one recording at a time at a
    checkpoint (a passage, a bus check). Two sent at the same moment would each find nothing
    recorded and both record; locked, the second waits for the first and finds what it
    recorded."""
    Checkpoint.objects.select_for_update().filter(pk=checkpoint.pk).first()


def passage_record(
    *,
    person: Person,
    checkpoint: Checkpoint,
    officer,
    direction: str,
    outcome: str,
    vehicle_plate: str = "",
    note: str = "",
    declaration=None,
    form_token=None,
) -> Passage:
    """Record one crossing. With ``form_token`` (the desk's form), the same form sent twice
    records it once: the second finds the first; and a crossing of this checkpoint in this
    direction already recorded within ``SAME_CROSSING_WINDOW`` (the form sent again after Back,
    which draws it anew; a passenger whose bus check or on-the-spot declaration recorded it) is
    that crossing: it is returned with ``recorded_before`` true, its outcome raised to a measure
    taken since (``_crossing_again``).

    One recording at a time at the checkpoint (``recording_at``), as for a bus check: two forms
    sent at the same moment (two officers, two tabs) record the crossing once, and a bus check
    and a desk passage of the same traveller do not both record it."""
    with transaction.atomic():
        recording_at(checkpoint)
        if form_token is not None:
            sent_before = Passage.objects.filter(form_token=form_token).first()
            if sent_before is not None:
                return sent_before
            crossed = same_crossing(person=person, checkpoint=checkpoint, direction=direction)
            if crossed is not None:
                return _crossing_again(
                    crossed, outcome=outcome, vehicle_plate=vehicle_plate, note=note
                )
        return Passage.objects.create(
            person=person,
            checkpoint=checkpoint,
            officer=officer,
            direction=direction,
            outcome=outcome,
            vehicle_plate=vehicle_plate,
            note=note,
            declaration=declaration,
            form_token=form_token,
        )


# A later outcome of the same crossing stands when it says more: holding a traveller for health
# measures, or asking for an update, is the measure taken at that crossing; "allowed through"
# after it adds nothing.
OUTCOME_WEIGHT = {
    Outcome.ALLOWED: 0,
    Outcome.DECLARED_ON_SPOT: 1,
    Outcome.MUST_UPDATE: 2,
    Outcome.HELD: 3,
}


def same_crossing(*, person: Person, checkpoint: Checkpoint, direction: str) -> Passage | None:
    """The person's latest passage at ``checkpoint`` in ``direction`` within
    ``SAME_CROSSING_WINDOW``, if any: crossing again now is that crossing."""
    since = timezone.now() - SAME_CROSSING_WINDOW
    passages = Passage.objects.filter(
        person=person, checkpoint=checkpoint, direction=direction, at__gt=since
    )
    return passages.order_by("-at", "-id").first()


def _crossing_again(passage: Passage, *, outcome: str, vehicle_plate: str, note: str) -> Passage:
    """The same crossing recorded again: a weightier outcome replaces the one recorded, a plate
    fills one missing and a new note is added; nothing else changes."""
    changed = []
    if OUTCOME_WEIGHT[Outcome(outcome)] > OUTCOME_WEIGHT[Outcome(passage.outcome)]:
        passage.outcome = outcome
        changed.append("outcome")
    if vehicle_plate and not passage.vehicle_plate:
        passage.vehicle_plate = vehicle_plate
        changed.append("vehicle_plate")
    if note and note not in passage.note:
        passage.note = f"{passage.note} · {note}" if passage.note else note
        passage.note = passage.note[: Passage._meta.get_field("note").max_length]
        changed.append("note")
    if changed:
        passage.save(update_fields=changed)
    passage.recorded_before = True
    passage.outcome_changed = "outcome" in changed
    return passage


@transaction.atomic
def declare_on_the_spot(
    *,
    data: DeclarationData,
    token: uuid.UUID,
    officer,
    checkpoint: Checkpoint,
    direction: str = Direction.IN,
    person: Person | None = None,
) -> Passage:
    """A declaration made by an officer for a traveller, and the passage recorded with it, in
    the ``direction`` the officer chose.

    Idempotent on ``token`` like any declaration: a resubmitted form records nothing twice.
    """
    declaration = declaration_submit(
        data=data, token=token, person=person, made_by=MadeBy.ON_BEHALF, made_by_user=officer
    )
    existing = Passage.objects.filter(declaration=declaration).first()
    if existing is not None:
        return existing
    return passage_record(
        person=declaration.person,
        checkpoint=checkpoint,
        officer=officer,
        direction=direction,
        outcome=Outcome.DECLARED_ON_SPOT,
        vehicle_plate=data.vehicle_plate,
        declaration=declaration,
    )


def crossings_already_recorded(
    *, checkpoint: Checkpoint, direction: str, people: Iterable[int], at: datetime
) -> set[int]:
    """Which of ``people`` (ids) have a passage at ``checkpoint`` in ``direction`` within
    ``SAME_CROSSING_WINDOW`` before ``at``: crossing again now is that crossing, already
    recorded."""
    return set(
        Passage.objects.filter(
            checkpoint=checkpoint,
            direction=direction,
            person__in=list(people),
            at__gt=at - SAME_CROSSING_WINDOW,
        ).values_list("person_id", flat=True)
    )


def passed_today(*, checkpoint: Checkpoint, people: Iterable[int]) -> dict[int, Passage]:
    """Each of ``people`` (ids) who crossed ``checkpoint`` today (local day), with their latest
    passage there, in one query."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    passages = Passage.objects.filter(checkpoint=checkpoint, person__in=list(people), at__gte=start)
    return {passage.person_id: passage for passage in passages.order_by("at", "id")}
