"""The audit log: one call per view of personal data, search, passage or export.

Entries are written with one prepared statement (``truyvet.inserts.insert_one``): nearly every
staff page writes one. The entry of what was only read (``READ_ACTIONS``: a page, a list, a
search, a download), written on its own, is committed without waiting for the disk, which cost a
page 1.4–9 ms; a crash of the database server can lose such entries of its last 0.6 s at most.
The entry of a change (a passage, a flag, a decision) waits for the disk, as the change does.

What an entry was about is kept so that each reader sees it in their language: a ``subject``
(a key of ``SUBJECTS``) with its values as JSON in ``detail``. What the user typed (a search, a
flag's reason) is kept as typed, with no subject; a text the system chose is kept in the source
language under ``SYSTEM_TEXT`` (see ``tracing.models.system_text``).

A page that lists people by name (a case's contacts, its chain) writes one entry, as any list
does, with the lookup codes of the people it showed in ``people_shown``: the admin's search by a
person's code finds every page that showed them, without a row per person.
"""

import json
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, AuditEntry
from truyvet import inserts
from truyvet.client import client_ip

SYSTEM_TEXT = "text"
SUBJECTS = {
    "admin_person": _("administration, people: %(what)s"),
    "admin_declaration": _("administration, declarations: %(what)s"),
    "admin_passage": _("administration, passages: %(what)s"),
    "admin_passengerremoval": _("administration, passengers taken off lists: %(what)s"),
    "board": _("board of %(checkpoint)s"),
    "bus_check": _("bus check %(plate)s: %(on_board)s on board, %(undeclared)s undeclared"),
    "bus_list": _("passenger list of %(plate)s at a bus check"),
    "case": _("case %(case)s"),
    "cases": _("list of cases, page %(page)s"),
    "cases_mo": _("list of open cases, page %(page)s"),
    "cases_dong": _("list of closed cases, page %(page)s"),
    "chain": _("chain of transmission of case %(case)s"),
    "contact": _("contact of case %(case)s"),
    "contacts": _("contacts of case %(case)s"),
    "contact_confirmed": _("confirmed as %(level)s of case %(case)s"),
    "contact_dismissed": _("dismissed as %(level)s of case %(case)s"),
    "contacts_confirmed": _("all proposed %(level)s of case %(case)s confirmed: %(count)s"),
    "contacts_dismissed": _("all proposed %(level)s of case %(case)s dismissed: %(count)s"),
    "contacts_checked": _("file of contacts checked, case %(case)s"),
    "contacts_imported": _("%(count)s contacts imported, case %(case)s"),
    "duplicates_cccd": _("people with the same ID number, page %(page)s"),
    "duplicates_sdt": _("people with the same phone, name and year of birth, page %(page)s"),
    "findings": _("undeclared passengers found, %(start)s to %(end)s"),
    "manifest": _("passenger list of %(plate)s on %(day)s"),
    "merge": _("merged into this person: %(codes)s"),
    "passenger_removed": _("taken off the passenger list of %(plate)s on %(day)s"),
    "passenger_restored": _("put back on the passenger list of %(plate)s on %(day)s"),
    "report": _("report, %(start)s to %(end)s"),
    "report_district": _("report of %(district)s, %(start)s to %(end)s"),
    "risk_list": _("list of people at risk: %(filters)s"),
    "visitors": _("visitors of %(facility)s %(department)s"),
    "visitors_day": _("visitors of %(facility)s on %(day)s %(department)s"),
    "zoning_case": _("zoning of case %(case)s"),
    "zoning_case_proposed": _("zoning of case %(case)s, proposed contacts included"),
    "zoning_open": _("zoning of the open cases"),
    "zoning_open_proposed": _("zoning of the open cases, proposed contacts included"),
}
VALUE_LENGTH = 150
# What staff only read: their entries do not wait for the disk (see above).
READ_ACTIONS = frozenset(
    {AuditAction.VIEW_PERSON, AuditAction.VIEW_LIST, AuditAction.SEARCH, AuditAction.EXPORT}
)


def audit(
    request,
    action: str,
    *,
    person=None,
    shown: Iterable[str] = (),
    detail: str = "",
    said=None,
    subject="",
    **values,
):
    """Write an entry. ``detail`` is what the user typed; ``said`` a text the system chose (lazy,
    kept in the source language); or name a ``subject`` and give its values. ``shown`` are the
    lookup codes of the other people the page listed by name, kept in the one entry."""
    if said is not None:
        subject = SYSTEM_TEXT
        with translation.override(None):
            detail = str(said)
    elif subject:
        SUBJECTS[subject] % values  # a subject without its values is a mistake: fail here
        detail = json.dumps(
            {key: _plain(value)[:VALUE_LENGTH] for key, value in values.items()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    entry = AuditEntry(
        user=request.user,
        username=request.user.get_username(),
        action=action,
        subject=subject,
        person=person,
        person_code=person.lookup_code if person else "",
        detail=detail.replace("\x00", "")[: AuditEntry.DETAIL_LENGTH],  # no NUL in PostgreSQL
        people_shown=" ".join(dict.fromkeys(shown)),
        client_ip=_valid_ip(client_ip(request)),
    )
    inserts.insert_one(entry, wait_for_disk=action not in READ_ACTIONS)
    return entry


def detail_shown(entry: AuditEntry) -> str:
    """What an entry was about, in the reader's language."""
    if entry.subject == SYSTEM_TEXT:
        return gettext(entry.detail)
    if entry.subject not in SUBJECTS:  # typed text, or an entry from before subjects
        return entry.detail
    try:
        return (SUBJECTS[entry.subject] % json.loads(entry.detail)).strip().rstrip(":")
    except (ValueError, TypeError, KeyError):
        return entry.detail


def _plain(value) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def _valid_ip(value: str) -> str | None:
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value
