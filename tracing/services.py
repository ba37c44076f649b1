"""Writes of the health staff: follow-ups, cases and contacts."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from declarations.models import Person
from declarations.risk import RiskLevel
from tracing.models import Case, Contact, ContactStatus, FollowUp, FollowUpEvent, FollowUpStatus


def follow_up_open(*, person: Person, reason: str = "") -> FollowUp:
    """The person's follow-up, opened (status new) if they have none; reopened if cleared."""
    follow_up, created = FollowUp.objects.get_or_create(person=person, defaults={"reason": reason})
    if not created and follow_up.status == FollowUpStatus.CLEARED:
        follow_up_update(follow_up=follow_up, user=None, status=FollowUpStatus.NEW, note=reason)
    return follow_up


def follow_up_open_if_at_risk(person: Person, reason: str = "") -> FollowUp | None:
    if person.risk_level == RiskLevel.NONE:
        return None
    return follow_up_open(person=person, reason=reason)


@transaction.atomic
def follow_up_update(
    *, follow_up: FollowUp, user, status: str = "", assignee=None, note: str = ""
) -> FollowUpEvent:
    """Change the status or assignee and/or add a note; every change goes into the history."""
    changed = []
    if status and status != follow_up.status:
        follow_up.status = status
        changed.append("status")
    if assignee is not None and assignee != follow_up.assignee:
        follow_up.assignee = assignee
        changed.append("assignee")
    follow_up.updated_at = timezone.now()
    follow_up.save(update_fields=[*changed, "updated_at"])
    return FollowUpEvent.objects.create(
        follow_up=follow_up,
        user=user,
        status=status if "status" in changed else "",
        assignee=assignee if "assignee" in changed else None,
        note=note,
    )


@transaction.atomic
def case_confirm(
    *, person: Person, confirmed_on: date, how_confirmed: str, isolated_at: str, user
) -> Case:
    """Mark a person as a confirmed case (F0); their follow-up says tested positive."""
    case, _created = Case.objects.update_or_create(
        person=person,
        defaults={
            "confirmed_on": confirmed_on,
            "how_confirmed": how_confirmed,
            "isolated_at": isolated_at,
            "created_by": user,
        },
    )
    person.risk_level = RiskLevel.HIGH
    person.save(update_fields=["risk_level"])
    follow_up = follow_up_open(person=person, reason=how_confirmed)
    follow_up_update(
        follow_up=follow_up, user=user, status=FollowUpStatus.TESTED_POSITIVE, note=how_confirmed
    )
    return case


@transaction.atomic
def contact_decide(*, contact: Contact, status: str, user) -> Contact:
    """Confirm or dismiss a proposed contact; a confirmed one gets a follow-up."""
    contact.status = status
    contact.decided_by = user
    contact.decided_at = timezone.now()
    contact.save(update_fields=["status", "decided_by", "decided_at"])
    if status == ContactStatus.CONFIRMED:
        follow_up_open(person=contact.person, reason=f"{contact.level} {contact.case.person}")
    return contact
