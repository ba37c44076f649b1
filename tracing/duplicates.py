"""The same human under several lookup codes: finding them, matching a new entry to them,
and merging them into one person.

Two people are taken for the same human when they have the same ID document number, or the
same phone number, the same name (folded: without accents or case) and the same year of birth.
The importer and the line entry of contacts match by the same rules (``PersonMatcher``), so
that a contact reported by an investigation team lands on the person who already declared.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.models import MergedCode, Person
from declarations.normalize import fold_name
from declarations.risk import RiskLevel
from tracing.models import (
    OPEN_STATUSES,
    Case,
    Contact,
    ContactLevel,
    ContactSource,
    ContactStatus,
    FollowUp,
    FollowUpEvent,
)

# -- identities and matching ---------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What identifies a person, normalised: ID number, phone, folded name, year of birth."""

    id_number: str = ""
    phone: str = ""
    name_folded: str = ""
    birth_year: int | None = None

    @classmethod
    def of(cls, *, id_number: str, phone: str, full_name: str, birth_year) -> "Identity":
        return cls(id_number or "", phone or "", fold_name(full_name or ""), birth_year)

    @property
    def phone_key(self) -> tuple | None:
        if not (self.phone and self.name_folded and self.birth_year):
            return None
        return (self.phone, self.name_folded, self.birth_year)


class PersonMatcher:
    """Finds the existing person of many identities with two queries, whatever their number.

    By ID number first; else by phone with the folded name and the year of birth, unless the
    person found there has another ID number (then it is someone else). Among several people
    with the same key (duplicates not merged yet), the most recently updated one is chosen.
    """

    def __init__(self, identities: Iterable[Identity]):
        identities = list(identities)
        id_numbers = {i.id_number for i in identities if i.id_number}
        keys = {i.phone_key for i in identities if i.phone_key}
        newest_last = ("updated_at", "id")
        self.by_id_number = {}
        if id_numbers:
            for person in Person.objects.filter(id_number__in=id_numbers).order_by(*newest_last):
                self.by_id_number[person.id_number] = person
        self.by_phone = {}
        if keys:
            # Phones and names are asked separately, then paired here: a family's shared phone
            # brings back a few more rows, never a query per identity.
            candidates = Person.objects.filter(
                phone__in={k[0] for k in keys}, name_folded__in={k[1] for k in keys}
            ).order_by(*newest_last)
            for person in candidates:
                key = (person.phone, person.name_folded, person.birth_year)
                if key in keys:
                    self.by_phone[key] = person

    def match(self, identity: Identity) -> Person | None:
        if identity.id_number and identity.id_number in self.by_id_number:
            return self.by_id_number[identity.id_number]
        person = self.by_phone.get(identity.phone_key)
        if person and identity.id_number and person.id_number:
            return None  # another ID number: another human with the same name and phone
        return person


def same_human(a: Person, b: Person) -> bool:
    """Whether two people meet the rules of a duplicate (the merge page checks it)."""
    if a.id_number and a.id_number == b.id_number:
        return True
    return bool(a.phone) and (a.phone, a.name_folded, a.birth_year) == (
        b.phone,
        b.name_folded,
        b.birth_year,
    )


# -- duplicate groups ----------------------------------------------------------------------------


class DuplicateRule(models.TextChoices):
    ID_NUMBER = "cccd", gettext_lazy("Same ID number")
    PHONE_NAME_YEAR = "sdt", gettext_lazy("Same phone, name and year of birth")


RULE_FIELDS = {
    DuplicateRule.ID_NUMBER: ("id_number",),
    DuplicateRule.PHONE_NAME_YEAR: ("phone", "name_folded", "birth_year"),
}


def duplicate_keys(people: QuerySet[Person], rule: str) -> QuerySet:
    """The keys shared by more than one of ``people`` under the rule, largest groups first:
    one grouped query (``GROUP BY ... HAVING COUNT(*) > 1``) on the person indexes."""
    fields = RULE_FIELDS[rule]
    return (
        people.exclude(**{fields[0]: ""})
        .order_by()
        .values(*fields)
        .annotate(size=Count("id"))
        .filter(size__gt=1)
        .order_by("-size", *fields)
    )


@dataclass
class DuplicateGroup:
    key: dict
    people: list[Person]


def duplicate_groups(people: QuerySet[Person], rule: str, keys: Iterable[dict]) -> list:
    """The people of each key (one query for a page of keys), oldest code first."""
    keys = list(keys)
    fields = RULE_FIELDS[rule]
    members = people.filter(**{f"{fields[0]}__in": {k[fields[0]] for k in keys}})
    if rule == DuplicateRule.PHONE_NAME_YEAR:
        members = members.filter(name_folded__in={k["name_folded"] for k in keys})
    members = (
        members.select_related(
            "residence_province", "residence_district", "residence_commune", "case", "follow_up"
        )
        .annotate(declaration_count=Count("declarations"))
        .order_by("created_at", "id")
    )
    by_key: dict[tuple, list[Person]] = {}
    for person in members:
        by_key.setdefault(tuple(getattr(person, f) for f in fields), []).append(person)
    groups = []
    for key in keys:
        found = by_key.get(tuple(key[f] for f in fields), [])
        if len(found) > 1:  # a member may have gone out of the page's scope meanwhile
            groups.append(DuplicateGroup(key=key, people=found))
    return groups


# -- merging -------------------------------------------------------------------------------------

# The relations that need more than a move (one per person, or unique per case).
HANDLED_HERE = {(Case, "person"), (FollowUp, "person"), (Contact, "person")}

FOLLOW_UP_PROGRESS = list(OPEN_STATUSES)  # new … tested positive: later is further along
STATUS_STRENGTH = {
    ContactStatus.DISMISSED: 0,
    ContactStatus.PROPOSED: 1,
    ContactStatus.CONFIRMED: 2,
}


@transaction.atomic
def people_merge(*, keep: Person, merge: Person, user) -> Person:
    """Merge ``merge`` into ``keep``: the same human, entered twice.

    Declarations, passages, risk flags and merged codes move to ``keep``. Of two follow-ups
    the open and furthest along one stays, with the history of both. Of two cases the one
    confirmed first stays (with its confirmation details), with the contacts of both; a contact
    found twice in one case is kept once (the stronger status and level); a contact who turns
    out to be the case itself is removed, the F2s through them becoming F1s. The kept person's
    risk becomes the higher of the two, and their empty contact fields take the other's values.
    The merged person's code is recorded as a ``MergedCode`` of ``keep``, with its phone (so
    that it keeps working at ``/tra-cuu/`` with that phone's digits, and at ``/c/<code>/``),
    then the merged person is deleted. The audit log is not touched: its entries keep the old
    code.
    """
    if keep.pk == merge.pk:
        raise ValueError("A person cannot be merged into themselves.")
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    _cases_merge(keep, merge)
    for contact in Contact.objects.filter(person=merge).order_by("level", "pk"):
        _contact_move(contact, person_id=keep.pk)
    _self_contacts_remove(keep)
    _follow_ups_merge(keep, merge, user)
    _relations_move(keep, merge)
    MergedCode.objects.create(
        code=merge.lookup_code, person=keep, phone=merge.phone, merged_by=user
    )
    _person_complete(keep, merge)
    merge.delete()
    return keep


def _relations_move(keep: Person, merge: Person) -> None:
    """Every other row pointing at the merged person (declarations, passages, risk flags,
    merged codes, and whatever a later app adds) now points at the kept one. Relations that
    are set to null on delete (the audit log) are left as they are."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.is_relation and not relation.concrete):
            continue
        if relation.one_to_one or relation.many_to_many:
            continue
        name, model = relation.field.name, relation.related_model
        if (model, name) in HANDLED_HERE or relation.on_delete not in (
            models.CASCADE,
            models.PROTECT,
        ):
            continue
        model._base_manager.filter(**{name: merge}).update(**{name: keep})


def _person_complete(keep: Person, merge: Person) -> None:
    filled = []
    for name in ("id_number", "phone", "email", "residence_address"):
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    keep.risk_level = RiskLevel.highest(keep.risk_level, merge.risk_level)
    keep.must_update = keep.must_update or merge.must_update
    keep.updated_at = timezone.now()
    keep.save(update_fields=[*filled, "risk_level", "must_update", "updated_at"])


def _cases_merge(keep: Person, merge: Person) -> None:
    cases = {case.person_id: case for case in Case.objects.filter(person__in=[keep, merge])}
    kept, other = cases.get(keep.pk), cases.get(merge.pk)
    if other is None:
        return
    if kept is None:
        other.person = keep
        other.save(update_fields=["person"])
        return
    survivor, loser = sorted([kept, other], key=lambda c: (c.confirmed_on, c.person_id != keep.pk))
    for contact in loser.contacts.order_by("level", "pk"):
        _contact_move(contact, case_id=survivor.pk)
    if loser.closed_at is None:
        survivor.closed_at = None
    loser.delete()
    survivor.person = keep
    survivor.save(update_fields=["person", "closed_at"])


def _contact_move(contact: Contact, *, case_id: int | None = None, person_id: int | None = None):
    """Move a contact to another case or person; if that pair exists already, keep one contact
    with the stronger status and level, and the F2s through either."""
    contact = Contact.objects.filter(pk=contact.pk).first()  # earlier moves may have changed it
    if contact is None:
        return
    case_id = case_id or contact.case_id
    person_id = person_id or contact.person_id
    existing = Contact.objects.filter(case_id=case_id, person_id=person_id).exclude(pk=contact.pk)
    existing = existing.first()
    if existing is None:
        contact.case_id, contact.person_id = case_id, person_id
        contact.save(update_fields=["case", "person"])
        return
    survivor, loser = sorted(
        [existing, contact],
        key=lambda c: (-STATUS_STRENGTH[c.status], c.level, c.created_at, c.pk),
    )
    loser_level = loser.level if loser.status != ContactStatus.DISMISSED else None
    if ContactLevel.F1 in (survivor.level, loser_level):
        survivor.level, survivor.via = ContactLevel.F1, None
    if ContactSource.INVESTIGATION in (survivor.source, loser.source):
        survivor.source = ContactSource.INVESTIGATION
    survivor.reasons = survivor.reasons + [r for r in loser.reasons if r not in survivor.reasons]
    if survivor.decided_at is None:
        survivor.decided_by_id, survivor.decided_at = loser.decided_by_id, loser.decided_at
    survivor.created_at = min(survivor.created_at, loser.created_at)
    # Saved before the loser goes, so that nothing still hangs from it when it is deleted.
    survivor.save(
        update_fields=[
            "level",
            "via",
            "source",
            "reasons",
            "decided_by",
            "decided_at",
            "created_at",
        ]
    )
    Contact.objects.filter(via=loser).update(via=survivor)
    loser.delete()
    survivor.case_id, survivor.person_id = case_id, person_id
    survivor.save(update_fields=["case", "person"])


def _self_contacts_remove(keep: Person) -> None:
    """After a merge the case may list its own person as a contact: remove it; the F2s through
    it were in fact in contact with the case, so they become F1s."""
    selves = Contact.objects.filter(case__person=keep, person=keep)
    Contact.objects.filter(via__in=selves).update(level=ContactLevel.F1, via=None)
    selves.delete()


def _follow_ups_merge(keep: Person, merge: Person, user) -> None:
    follow_ups = {f.person_id: f for f in FollowUp.objects.filter(person__in=[keep, merge])}
    kept, other = follow_ups.get(keep.pk), follow_ups.get(merge.pk)
    if other is None:
        return
    if kept is None:
        other.person = keep
        other.save(update_fields=["person"])
        return
    survivor, loser = sorted([kept, other], key=_progress, reverse=True)
    FollowUpEvent.objects.filter(follow_up=loser).update(follow_up=survivor)
    survivor.assignee_id = survivor.assignee_id or loser.assignee_id
    survivor.reason = survivor.reason or loser.reason
    survivor.created_at = min(survivor.created_at, loser.created_at)
    loser.delete()
    survivor.person = keep
    survivor.save(update_fields=["person", "assignee", "reason", "created_at"])
    FollowUpEvent.objects.create(
        follow_up=survivor,
        user=user,
        note=_("Merged with the person of code %(code)s, the same human.")
        % {"code": merge.display_code},
    )


def _progress(follow_up: FollowUp) -> tuple:
    """Open before cleared, then further along, then more recently updated."""
    is_open = follow_up.status in FOLLOW_UP_PROGRESS
    step = FOLLOW_UP_PROGRESS.index(follow_up.status) if is_open else -1
    return (is_open, step, follow_up.updated_at)


@transaction.atomic
def people_merge_group(*, keep: Person, others: Iterable[Person], user) -> Person:
    """Merge several people into one, all or none."""
    for other in others:
        keep = people_merge(keep=keep, merge=other, user=user)
    return keep
