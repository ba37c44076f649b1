"""Writes at the checkpoint desk."""

import uuid

from django.db import transaction

from checkpoints.models import Checkpoint, Direction, Outcome, Passage
from declarations.models import MadeBy, Person
from declarations.services import DeclarationData, declaration_submit


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
) -> Passage:
    return Passage.objects.create(
        person=person,
        checkpoint=checkpoint,
        officer=officer,
        direction=direction,
        outcome=outcome,
        vehicle_plate=vehicle_plate,
        note=note,
        declaration=declaration,
    )


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
