"""Writes of the health staff: follow-ups, cases and contacts."""

import uuid
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import Person
from declarations.risk import RiskLevel
from declarations.services import (
    people_risk_recompute,
    person_create,
    person_risk_clear,
    person_risk_clear_undo,
)
from tracing.duplicates import Identity, PersonMatcher
from tracing.models import (
    Case,
    Contact,
    ContactLevel,
    ContactSource,
    ContactStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
    counted_days_changed,
    system_text,
)
from tracing.proposals import case_window, contacts_found, onward_windows

SAME_NOTE_WINDOW = timedelta(minutes=2)


def follow_up_open(*, person: Person, reason: str = "") -> FollowUp:
    """The person's follow-up, opened (status new) if they have none; reopened if cleared."""
    follow_up, created = FollowUp.objects.get_or_create(person=person, defaults={"reason": reason})
    if not created and follow_up.status == FollowUpStatus.CLEARED:
        follow_up_update(
            follow_up=follow_up,
            user=None,
            status=FollowUpStatus.NEW,
            note=reason,
            undo_clearing=False,  # news after the clearing: what was cleared stays cleared
        )
    return follow_up


def follow_up_open_if_at_risk(person: Person, reason: str = "") -> FollowUp | None:
    if person.risk_level == RiskLevel.NONE:
        return None
    return follow_up_open(person=person, reason=reason)


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    user,
    status: str = "",
    assignee=None,
    unassign: bool = False,
    note: str = "",
    undo_clearing: bool = True,
) -> FollowUpEvent | None:
    """Change the status or assignee and/or add a note; every change goes into the history.
    ``unassign`` takes the follow-up back from its assignee: nobody is in charge of it again.

    Cleared ends the follow-up and clears the person (``_person_cleared``). A cleared follow-up
    moved back to an open status by the staff (``undo_clearing``) undoes that clearing: the
    person's risk is again what the rule gives without it (``_clearing_undone``).

    A change sent again (a double click, a retry on a slow line) finds itself done: the latest
    event, the same note by the same user within ``SAME_NOTE_WINDOW``, is not written again.
    The follow-up's row is locked and read again first: a change sent twice at once is made by
    the first; the second finds nothing left to change, writes nothing and returns the latest
    event."""
    now = timezone.now()
    locked = FollowUp.objects.select_for_update().only("status", "assignee").get(pk=follow_up.pk)
    follow_up.status, follow_up.assignee_id = locked.status, locked.assignee_id
    was = follow_up.status
    changed = []
    if status and status != follow_up.status:
        follow_up.status = status
        changed.append("status")
    if assignee is not None and assignee.pk != follow_up.assignee_id:
        follow_up.assignee = assignee
        changed.append("assignee")
    elif unassign and assignee is None and follow_up.assignee_id is not None:
        follow_up.assignee = None
        changed.append("assignee")
    if not changed and not note:
        return follow_up.events.first()  # newest first
    if not changed and note and user is not None:
        latest = follow_up.events.first()  # newest first
        sent = latest is not None and (latest.user_id, latest.note) == (user.pk, note)
        if sent and latest.at >= now - SAME_NOTE_WINDOW:
            return latest
    follow_up.updated_at = now
    follow_up.save(update_fields=[*changed, "updated_at"])
    event = FollowUpEvent(
        follow_up=follow_up,
        at=now,
        user=user,
        status=status if "status" in changed else "",
        assignee=assignee if "assignee" in changed else None,
        unassigned="assignee" in changed and assignee is None,
        note=note,
    )
    if "status" in changed and status == FollowUpStatus.CLEARED:
        event.risk_cleared_before = follow_up.person.risk_cleared_at
        _person_cleared(follow_up.person, at=now)
    elif "status" in changed and was == FollowUpStatus.CLEARED and undo_clearing:
        _clearing_undone(follow_up)
    event.save(force_insert=True)
    return event


def _person_cleared(person: Person, *, at=None) -> None:
    """The health staff have ended the person's follow-up: a case they are is closed with it,
    and their risk is cleared (``person_risk_clear``), both ``at`` that moment."""
    at = at or timezone.now()
    Case.objects.filter(person=person, closed_at=None).update(closed_at=at)
    person_risk_clear(person, at=at)


def _clearing_undone(follow_up: FollowUp) -> None:
    """Undo the follow-up's latest clearing: the case it closed is open again, and the person's
    risk is set again by the rule as if they had not been cleared (``person_risk_clear_undo``)."""
    clearing = follow_up.events.filter(status=FollowUpStatus.CLEARED).first()  # newest first
    if clearing is None:
        return
    person = follow_up.person
    Case.objects.filter(person=person, closed_at=clearing.at).update(closed_at=None)
    person_risk_clear_undo(
        person, cleared_at=clearing.at, cleared_before=clearing.risk_cleared_before
    )


@transaction.atomic
def case_close(*, case: Case, user, note: str = "") -> None:
    """The case has ended (recovered, or found not to be one): closed, their follow-up cleared
    with ``note``, their risk set again by the rule. Their contacts stay followed up until the
    staff clear each of them."""
    follow_up = follow_up_of(person=case.person)
    follow_up_update(follow_up=follow_up, user=user, status=FollowUpStatus.CLEARED, note=note)
    if Case.objects.filter(pk=case.pk, closed_at=None).exists():  # their follow-up was cleared
        _person_cleared(case.person)
    case.refresh_from_db(fields=["closed_at"])


@transaction.atomic
def case_confirm(
    *,
    person: Person,
    confirmed_on: date,
    how_confirmed: str,
    isolated_at: str,
    user,
    onset_on: date | None = None,
) -> Case:
    """Mark a person as a confirmed case (F0); their follow-up says tested positive.
    ``onset_on``: the day symptoms began, if any (it opens the days its contacts are sought).
    A case confirmed again on another day (closed, then positive again) leaves the report's
    figures of its former day, counted again (``counted_days_changed``)."""
    was_confirmed_on = (
        Case.objects.filter(person=person).values_list("confirmed_on", flat=True).first()
    )
    case, _created = Case.objects.update_or_create(
        person=person,
        defaults={
            "confirmed_on": confirmed_on,
            "onset_on": onset_on,
            "how_confirmed": how_confirmed,
            "isolated_at": isolated_at,
            "created_by": user,
            "closed_at": None,  # a closed case confirmed again is open again
        },
    )
    if was_confirmed_on not in (None, confirmed_on):
        counted_days_changed.send(Case, days={was_confirmed_on, confirmed_on})
    person.risk_level = RiskLevel.HIGH
    person.save(update_fields=["risk_level"])
    follow_up = follow_up_open(person=person, reason=how_confirmed)
    follow_up_update(
        follow_up=follow_up, user=user, status=FollowUpStatus.TESTED_POSITIVE, note=how_confirmed
    )
    return case


@transaction.atomic
def contact_decide(*, contact: Contact, status: str, user) -> Contact:
    """Confirm or dismiss a contact: a proposed one, or one decided before and decided again
    (dismissed by mistake, or confirmed by mistake). A confirmed one gets a follow-up; the
    person's risk is set again by the rule, and the report's day the contact counted in (the
    day it was confirmed) is counted again (``counted_days_changed``)."""
    was_counted_on = _counted_day(contact) if contact.status == ContactStatus.CONFIRMED else None
    contact.status = status
    contact.decided_by = user
    contact.decided_at = timezone.now()
    contact.save(update_fields=["status", "decided_by", "decided_at"])
    if status == ContactStatus.CONFIRMED:
        follow_up_open(person=contact.person, reason=f"{contact.level} {contact.case.person}")
    people_risk_recompute([contact.person_id])
    if was_counted_on is not None:
        counted_days_changed.send(Contact, days={was_counted_on, _counted_day(contact)})
    return contact


def _counted_day(contact: Contact) -> date:
    """The local day a confirmed contact counts in the report (``reports.counts``)."""
    return timezone.localdate(contact.decided_at or contact.created_at)


def contact_decision_refused(*, contact: Contact, status: str) -> str:
    """Why this decision may not be taken (in the reader's language), or "": the contact is
    already so; an F1 with confirmed F2s through them stays confirmed, and an F2 is confirmed
    only through a confirmed F1, so that the chain holds every confirmed contact."""
    if contact.status == status:
        return _("This contact is already %(status)s.") % {
            "status": ContactStatus(status).label.lower()
        }
    has_confirmed_f2s = contact.onward.filter(status=ContactStatus.CONFIRMED).exists
    if (
        status == ContactStatus.DISMISSED
        and contact.level == ContactLevel.F1
        and has_confirmed_f2s()
    ):
        return _("This F1 has confirmed F2s found through them: dismiss those F2s first.")
    via_confirmed = contact.via is None or contact.via.status == ContactStatus.CONFIRMED
    if status == ContactStatus.CONFIRMED and not via_confirmed:
        return _("The F1 this F2 was found through is not confirmed: confirm the F1 first.")
    return ""


def follow_up_of(*, person: Person) -> FollowUp:
    """The person's follow-up, opened (status new) if they have none. Unlike
    ``follow_up_open``, a cleared one stays cleared: opening a page must not reopen a case.
    A follow-up read with the person (``select_related``) is not read again."""
    if Person.follow_up.is_cached(person) and getattr(person, "follow_up", None) is not None:
        return person.follow_up
    follow_up, _created = FollowUp.objects.select_related("assignee").get_or_create(
        person=person, defaults={"reason": system_text(RiskLevel(person.risk_level).label)}
    )
    return follow_up


@transaction.atomic
def follow_ups_open(*, person_ids: list[int], reason: str = "") -> int:
    """``follow_up_open`` for many people at once (a re-evaluation of risk can raise thousands):
    missing follow-ups are opened, cleared ones reopened with an event in their history.
    Returns how many were opened or reopened."""
    existing = FollowUp.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "pk", "status"
    )
    followed, cleared = set(), []
    for person_id, pk, status in existing:
        followed.add(person_id)
        if status == FollowUpStatus.CLEARED:
            cleared.append(pk)
    missing = [FollowUp(person_id=pk, reason=reason) for pk in set(person_ids) - followed]
    # A follow-up opened meanwhile (by a new declaration) is kept as it is.
    FollowUp.objects.bulk_create(missing, ignore_conflicts=True)
    now = timezone.now()
    FollowUp.objects.filter(pk__in=cleared).update(status=FollowUpStatus.NEW, updated_at=now)
    FollowUpEvent.objects.bulk_create(
        FollowUpEvent(follow_up_id=pk, at=now, status=FollowUpStatus.NEW, note=reason)
        for pk in cleared
    )
    return len(missing) + len(cleared)


# -- cases entered by the health staff, proposed contacts ----------------------------------------


@transaction.atomic
def case_confirm_new_person(
    *,
    person_values: dict,
    confirmed_on: date,
    how_confirmed: str,
    isolated_at: str,
    user,
    onset_on: date | None = None,
    form_token: uuid.UUID | None = None,
) -> Case:
    """Enter a case who never declared: the person is created (with a lookup code), then
    confirmed as a case. Idempotent on ``form_token``: a resent form creates nobody twice."""
    if form_token is not None:
        existing = Case.objects.filter(entry_token=form_token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            case = case_confirm(
                person=person_create(person_values),
                confirmed_on=confirmed_on,
                onset_on=onset_on,
                how_confirmed=how_confirmed,
                isolated_at=isolated_at,
                user=user,
            )
            case.entry_token = form_token
            case.save(update_fields=["entry_token"])
            return case
    except IntegrityError as error:
        if "entry_token" not in str(error):
            raise
        return Case.objects.get(entry_token=form_token)


@transaction.atomic
def contacts_propose(*, case: Case) -> int:
    """Propose as F1 everyone the data shows near the case (same vehicle, same checkpoint
    crossing, same hospital department, same home) while it could infect them (``case_window``),
    with the reasons; return how many.

    Idempotent: the case and its known contacts (proposed, confirmed or dismissed) are never
    proposed again, so a second run adds nothing.
    """
    known = set(case.contacts.values_list("person_id", flat=True))
    found = contacts_found({case.person_id: case_window(case)}, exclude=known | {case.person_id})
    proposed = [
        Contact(
            case=case,
            person_id=person_id,
            level=ContactLevel.F1,
            status=ContactStatus.PROPOSED,
            source=ContactSource.PROPOSED,
            reasons=by_source[case.person_id],
        )
        for person_id, by_source in found.items()
    ]
    # A concurrent run may have proposed someone meanwhile: the unique (case, person) decides.
    Contact.objects.bulk_create(proposed, ignore_conflicts=True)
    return len(proposed)


@transaction.atomic
def contacts_propose_onward(*, case: Case) -> int:
    """Propose as F2 everyone the data shows near a confirmed F1 of the case since that F1 met
    the case (``onward_windows``); return how many.

    Only confirmed F1s are searched from, never proposed or dismissed ones; nobody already a
    contact of the case is proposed again. Someone near several F1s is proposed once, through
    the F1 confirmed first, with every reason; each reason says through which F1 (``via``).
    """
    f1s = {
        contact.person_id: contact
        for contact in case.contacts.filter(level=ContactLevel.F1, status=ContactStatus.CONFIRMED)
    }
    known = set(case.contacts.values_list("person_id", flat=True)) | {case.person_id}
    found = contacts_found(onward_windows(case, f1s.values()), exclude=known)
    proposed = []
    for person_id, by_source in found.items():
        through = sorted((f1s[source] for source in by_source), key=lambda c: c.pk)
        reasons = [{**reason, "via": f1.pk} for f1 in through for reason in by_source[f1.person_id]]
        proposed.append(
            Contact(
                case=case,
                person_id=person_id,
                level=ContactLevel.F2,
                via=through[0],
                status=ContactStatus.PROPOSED,
                source=ContactSource.PROPOSED,
                reasons=reasons,
            )
        )
    Contact.objects.bulk_create(proposed, ignore_conflicts=True)
    return len(proposed)


@transaction.atomic
def contacts_decide_all(*, case: Case, status: str, user, level: str = "") -> list[str]:
    """Confirm or dismiss every proposed contact of the case (of one level if given) at once,
    as ``contact_decide`` does one by one; return the lookup codes of the people decided on.
    F2s found through an F1 who is not confirmed are not confirmed
    (``contact_decision_refused``)."""
    proposed = case.contacts.filter(status=ContactStatus.PROPOSED)
    if level:
        proposed = proposed.filter(level=level)
    if status == ContactStatus.CONFIRMED:  # an F2 only through a confirmed F1 (the chain's)
        proposed = proposed.filter(
            Q(level=ContactLevel.F1) | Q(via__status=ContactStatus.CONFIRMED)
        )
    # Only the contacts' rows are locked: PostgreSQL locks no row of an outer join's nullable
    # side (the F2's F1, "via"), and the F1 is not changed here.
    contacts = list(
        proposed.select_for_update(of=("self",))
        .select_related("person")
        .only("pk", "level", "person", "person__lookup_code")
    )
    case.contacts.filter(pk__in=[c.pk for c in contacts]).update(
        status=status, decided_by=user, decided_at=timezone.now()
    )
    if status == ContactStatus.CONFIRMED:
        for contact_level in ContactLevel.values:
            people = [c.person_id for c in contacts if c.level == contact_level]
            if people:
                follow_ups_open(person_ids=people, reason=f"{contact_level} {case.person}")
    people_risk_recompute(c.person_id for c in contacts)
    return [c.person.lookup_code for c in contacts]


# -- contacts reported by the investigation team (line entry and file import) --------------------


@transaction.atomic
def contact_report(
    *,
    case: Case,
    person: Person | None,
    person_values: dict,
    level: str,
    via: Contact | None = None,
    note: str = "",
    user,
) -> Contact:
    """Record a contact reported by the investigation team: confirmed at once, followed up.

    ``person`` is the existing person the entry was matched to; without one, a person is
    created from ``person_values`` (with a lookup code). Someone already a contact of the case
    (proposed from the data, say) keeps that one contact, now confirmed: an F2 reported as F1
    becomes an F1; an F1 never goes down to F2. One confirmed before keeps the day it was
    confirmed on (the report's), reported again in a later list of the team. An F2 hangs
    from ``via``, an F1 of the case; a proposed F1 is confirmed with it (the team reports
    that someone met them), so that the chain, which holds confirmed contacts only, holds
    every confirmed F2. That F1, confirmed by this entry, is the returned contact's
    ``via_confirmed`` (else None): their decision is audited as a confirmation of their own.
    """
    if level == ContactLevel.F2 and (
        via is None or via.case_id != case.pk or via.level != ContactLevel.F1
    ):
        raise ValueError("An F2 needs an F1 of the same case.")
    # Two sendings of one entry at once (a double click) both matched nobody, and both found
    # the F1 proposed: one at a time, the second finds the person the first created and the F1
    # it confirmed.
    Case.objects.select_for_update().filter(pk=case.pk).exists()
    via_confirmed = None
    if level == ContactLevel.F2:
        via.refresh_from_db(fields=["status", "decided_by", "decided_at"])
        if via.status == ContactStatus.PROPOSED:
            via_confirmed = contact_decide(contact=via, status=ContactStatus.CONFIRMED, user=user)
    if person is None:
        person = _person_matched(person_values) or person_create(person_values)
    if person.pk == case.person_id or (via is not None and via.person_id == person.pk):
        raise ValueError("A case is not their own contact, nor an F1 their own F2.")
    reasons = [{"rule": "investigation", "text": note}] if note else []
    contact = Contact.objects.select_for_update().filter(case=case, person=person).first()
    was_level = None  # a contact confirmed before keeps the day the report counts it on
    if contact is None:
        via = via if level == ContactLevel.F2 else None
        contact = Contact(case=case, person=person, level=level, via=via, reasons=[])
    elif contact.status == ContactStatus.CONFIRMED:
        was_level = contact.level
    if contact.level == ContactLevel.F2 and level == ContactLevel.F1:
        contact.level, contact.via = ContactLevel.F1, None
    contact.reasons = contact.reasons + [r for r in reasons if r not in contact.reasons]
    contact.source = ContactSource.INVESTIGATION
    if was_level is None:
        contact.status = ContactStatus.CONFIRMED
        contact.decided_by = user
        contact.decided_at = timezone.now()
    contact.save()
    if was_level is not None and was_level != contact.level:  # that day: an F1, not an F2
        counted_days_changed.send(Contact, days={_counted_day(contact)})
    follow_up_open(person=person, reason=f"{contact.level} {case.person}")
    people_risk_recompute([person.pk])
    contact.via_confirmed = via_confirmed
    return contact


def _person_matched(person_values: dict) -> Person | None:
    """The existing person of a new contact's values, as the entry form matches them."""
    identity = Identity.of(
        id_number=person_values.get("id_number", ""),
        phone=person_values.get("phone", ""),
        full_name=person_values.get("full_name", ""),
        birth_year=person_values.get("birth_year"),
    )
    return PersonMatcher([identity]).match(identity)
